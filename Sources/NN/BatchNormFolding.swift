import Tensor

/// Folds an evaluation-mode `BatchNorm1d` into the `Linear` before it (lecture 4, exercise E02).
///
/// In evaluation BatchNorm is a fixed affine map per feature j:
/// `y = γⱼ·(x − μⱼ)/√(σⱼ² + ε) + βⱼ` with the running μ, σ². Writing sⱼ = γⱼ/√(σⱼ² + ε), the pair
/// Linear → BatchNorm computes `(x·W + b − μ)·s + β = x·(W·diag(s)) + ((b − μ)·s + β)`: one Linear
/// with every output column of W scaled by sⱼ and bias `(bⱼ − μⱼ)·sⱼ + βⱼ` (b = 0 when the Linear
/// has none). The result is a new `.inByOut` Linear with a bias; inference through it gives the
/// same outputs up to float32 rounding, one layer and its memory traffic fewer.
public func foldBatchNorm(_ linear: Linear, _ bn: BatchNorm1d) -> Linear {
  let (k, n) = (linear.inFeatures, linear.outFeatures)
  if bn.weight.count != n {
    fatalError("foldBatchNorm: Linear(\(k)→\(n)) is followed by BatchNorm1d(\(bn.weight.count)); the feature counts must match")
  }
  let gamma = bn.weight.scalars, beta = bn.bias.scalars, mean = bn.runningMean.scalars, variance = bn.runningVar.scalars
  let scale = (0..<n).map { j in gamma[j] / (variance[j] + bn.eps).squareRoot() }
  let w = linear.torchWeight                                    // (out, in) row-major, whatever the layout
  var folded = [Float](repeating: 0, count: k * n)              // (in, out)
  for j in 0..<n { for i in 0..<k { folded[i * n + j] = w[j * k + i] * scale[j] } }
  let b = linear.bias?.scalars ?? [Float](repeating: 0, count: n)
  let bias = (0..<n).map { j in (b[j] - mean[j]) * scale[j] + beta[j] }
  return Linear(weight: folded, bias: bias, inFeatures: k, outFeatures: n, layout: .inByOut)
}
