import Tensor

// Fused normalisation kernels: BatchNorm (training mode) and LayerNorm as one autograd node each
// (`Tensor.customOp`), forward and backward side by side over raw buffers. A composed version
// records ~8 ops per layer, each allocating and sweeping the activations; these sweep them twice
// forward and twice backward. The composed forms stay in the layers (`composed:` paths) and the
// tests check the two agree.
//
// Notation: rows r (the normalised-over positions), features j; x̂ = (x − μ)/s with
// s = √(σ² + ε); y = γ·x̂ + β. Backward, with g = ∂L/∂y and D the variance divisor:
//   ∂L/∂β = Σᵣ g,   ∂L/∂γ = Σᵣ g·x̂,   ∂L/∂x = γ/s · (g − Σᵣg/M − x̂·Σᵣ(g·x̂)/D)
// (BatchNorm: sums over the M rows per feature; D = M − 1 for the lectures' unbiased variance, M
// for PyTorch's. LayerNorm: sums over the C features of each row, D = C, and γ multiplies g first.)

/// BatchNorm over the rows of an (m × c) matrix in training mode. Returns the output and the batch
/// mean and unbiased variance (for the running statistics).
func fusedBatchNorm(_ x: Tensor, weight: Tensor, bias: Tensor, rows m: Int, eps: Float,
                    unbiasedNormalisation: Bool) -> (out: Tensor, mean: [Float], unbiasedVar: [Float]) {
  let c = weight.count
  var mean = [Float](repeating: 0, count: c), varU = [Float](repeating: 0, count: c)
  var std = [Float](repeating: 0, count: c)
  var xhat = [Float](repeating: 0, count: m * c)
  let w = weight.scalars, b = bias.scalars
  let out = x.withUnsafeBufferPointer { xb in
    let xp = xb.baseAddress!
    var sum = [Double](repeating: 0, count: c), sq = [Double](repeating: 0, count: c)
    for r in 0..<m { for j in 0..<c { sum[j] += Double(xp[r * c + j]) } }
    for j in 0..<c { mean[j] = Float(sum[j] / Double(m)) }
    for r in 0..<m { for j in 0..<c { let d = Double(xp[r * c + j]) - Double(mean[j]); sq[j] += d * d } }
    let normDivisor = Double(unbiasedNormalisation ? m - 1 : m)
    for j in 0..<c {
      varU[j] = Float(sq[j] / Double(m - 1))
      std[j] = (Float(sq[j] / normDivisor) + eps).squareRoot()
    }
    return Tensor(shape: x.shape) { o in
      xhat.withUnsafeMutableBufferPointer { xh in
        for r in 0..<m {
          for j in 0..<c {
            let k = r * c + j
            xh[k] = (xp[k] - mean[j]) / std[j]
            o[k] = w[j] * xh[k] + b[j]
          }
        }
      }
    }
  }
  let divisor = Float(unbiasedNormalisation ? m - 1 : m)
  let y = Tensor.customOp("batchNorm", inputs: [x, weight, bias], output: out) { g, inputs in
    var dGamma = [Float](repeating: 0, count: c), dBeta = [Float](repeating: 0, count: c)
    let gs = g.scalars
    for r in 0..<m { for j in 0..<c { let k = r * c + j; dBeta[j] += gs[k]; dGamma[j] += gs[k] * xhat[k] } }
    let dx: Tensor? = inputs[0].requiresGrad ? Tensor(shape: [m * c]) { d in
      let gw = inputs[1].scalars
      for r in 0..<m {
        for j in 0..<c {
          let k = r * c + j
          d[k] = gw[j] / std[j] * (gs[k] - dBeta[j] / Float(m) - xhat[k] * dGamma[j] / divisor)
        }
      }
    }.view(inputs[0].shape) : nil
    return [dx, Tensor(dGamma), Tensor(dBeta)]
  }
  return (y, mean, varU)
}

/// LayerNorm over the last dim (size c) of a tensor with `count / c` rows; `bias` may be nil.
func fusedLayerNorm(_ x: Tensor, weight: Tensor, bias: Tensor?, eps: Float) -> Tensor {
  let c = weight.count, rows = x.count / c
  var xhat = [Float](repeating: 0, count: rows * c), rstd = [Float](repeating: 0, count: rows)
  let w = weight.scalars, b = bias?.scalars ?? [Float](repeating: 0, count: c)
  let out = x.withUnsafeBufferPointer { xb in
    Tensor(shape: x.shape) { o in
      xhat.withUnsafeMutableBufferPointer { xh in
        for r in 0..<rows {
          let row = xb.baseAddress! + r * c
          var s: Float = 0
          for j in 0..<c { s += row[j] }
          let mu = s / Float(c)
          var v: Float = 0
          for j in 0..<c { let d = row[j] - mu; v += d * d }
          let inv = 1 / (v / Float(c) + eps).squareRoot()
          rstd[r] = inv
          for j in 0..<c {
            let k = r * c + j
            xh[k] = (row[j] - mu) * inv
            o[k] = xh[k] * w[j] + b[j]
          }
        }
      }
    }
  }
  let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
  return Tensor.customOp("layerNorm", inputs: inputs, output: out) { g, inputs in
    let gs = g.scalars, gw = inputs[1].scalars
    var dGamma = [Float](repeating: 0, count: c), dBeta = [Float](repeating: 0, count: c)
    let dx = Tensor(shape: [rows * c]) { d in
      for r in 0..<rows {
        var sumG: Float = 0, sumGX: Float = 0
        for j in 0..<c {
          let k = r * c + j, gh = gs[k] * gw[j]
          sumG += gh
          sumGX += gh * xhat[k]
          dBeta[j] += gs[k]
          dGamma[j] += gs[k] * xhat[k]
        }
        let meanG = sumG / Float(c), meanGX = sumGX / Float(c)
        for j in 0..<c {
          let k = r * c + j
          d[k] = rstd[r] * (gs[k] * gw[j] - meanG - xhat[k] * meanGX)
        }
      }
    }.view(inputs[0].shape)
    let grads: [Tensor?] = [inputs[0].requiresGrad ? dx : nil, Tensor(dGamma)]
    return inputs.count == 3 ? grads + [Tensor(dBeta)] : grads
  }
}
