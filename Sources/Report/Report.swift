// Report module: under construction.
