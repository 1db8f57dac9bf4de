// Micrograd module: under construction.
