// Notebook module: under construction.
