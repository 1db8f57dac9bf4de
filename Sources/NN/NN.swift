// NN module: under construction.
