// Random module: under construction.
