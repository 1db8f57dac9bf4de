// Curriculum module: under construction.
