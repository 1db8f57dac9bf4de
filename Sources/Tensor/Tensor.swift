// Tensor module: under construction.
