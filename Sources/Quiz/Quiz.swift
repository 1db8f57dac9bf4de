// Quiz module: under construction.
