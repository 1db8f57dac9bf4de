// Datasets module: under construction.
