import Tensor

// Fused normalisation kernels: BatchNorm (training mode) and LayerNorm as one autograd node each
// (`Tensor.customOp`), forward and backward side by side over raw buffers. A composed version
// records ~8 ops per layer, each allocating and sweeping the activations; these sweep them twice
// forward and twice backward. The composed forms stay in the layers (each fused layer's
// `fused = false` records them instead) and the tests check the two agree.
//
// Notation: rows r (the normalised-over positions), features j; x̂ = (x − μ)/s with
// s = √(σ² + ε); y = γ·x̂ + β. Backward, with g = ∂L/∂y and D the variance divisor:
//   ∂L/∂β = Σᵣ g,   ∂L/∂γ = Σᵣ g·x̂,   ∂L/∂x = γ/s · (g − Σᵣg/M − x̂·Σᵣ(g·x̂)/D)
// (BatchNorm: sums over the M rows per feature; D = M − 1 for the lectures' unbiased variance, M
// for PyTorch's. LayerNorm: sums over the C features of each row, D = C, and γ multiplies g first.)

/// Memory a fused op keeps for its backward pass (x̂, 1/s): freed with the graph. A class so the
/// backward closure captures a reference, not a copy, and never a tensor.
final class FloatBuffer {
  let p: UnsafeMutablePointer<Float>
  init(_ count: Int) {
    p = .allocate(capacity: max(count, 1))
    p.initialize(repeating: 0, count: max(count, 1))
  }
  deinit { p.deallocate() }
}

/// Σ f(j) over j < n with 16 independent lanes (vectorised; fixed order, thread-independent).
@inline(__always)
func laneSum(_ n: Int, _ f: (Int) -> SIMD16<Float>, scalar: (Int) -> Float) -> Float {
  var acc = SIMD16<Float>(repeating: 0)
  var j = 0
  while j + 16 <= n { acc += f(j); j += 16 }
  var s = acc.sum()
  while j < n { s += scalar(j); j += 1 }
  return s
}

/// Runs `vector(j)` for j = 0, 16, 32, … while 16 elements remain, then `scalar(j)` for the tail.
@inline(__always)
func forEach16(_ n: Int, _ vector: (Int) -> Void, _ scalar: (Int) -> Void) {
  var j = 0
  while j + 16 <= n { vector(j); j += 16 }
  while j < n { scalar(j); j += 1 }
}

/// 16 floats starting at `p + j`.
@inline(__always)
func load16(_ p: UnsafePointer<Float>, _ j: Int) -> SIMD16<Float> {
  UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<Float>.self)
}

/// BatchNorm over the rows of an (m × c) matrix in training mode. Returns the output and the batch
/// mean and unbiased variance (for the running statistics).
func fusedBatchNorm(_ x: Tensor, weight: Tensor, bias: Tensor, rows m: Int, eps: Float,
                    unbiasedNormalisation: Bool) -> (out: Tensor, mean: [Float], unbiasedVar: [Float]) {
  let c = weight.count
  let xhat = FloatBuffer(m * c), std = FloatBuffer(c)
  var mean = [Float](repeating: 0, count: c), varU = [Float](repeating: 0, count: c)
  let out = x.withUnsafeBufferPointer { xb in
    weight.withUnsafeBufferPointer { wb in
      bias.withUnsafeBufferPointer { bb in
        let xp = xb.baseAddress!, w = wb.baseAddress!, b = bb.baseAddress!, xh = xhat.p, sd = std.p
        let sum = FloatBuffer(c), sq = FloatBuffer(c)
        let mu = sum.p, ss = sq.p
        for r in 0..<m { let row = xp + r * c; for j in 0..<c { mu[j] += row[j] } }
        for j in 0..<c { mu[j] /= Float(m) }
        for r in 0..<m { let row = xp + r * c; for j in 0..<c { let d = row[j] - mu[j]; ss[j] += d * d } }
        for j in 0..<c {
          mean[j] = mu[j]
          varU[j] = ss[j] / Float(m - 1)
          sd[j] = (ss[j] / Float(unbiasedNormalisation ? m - 1 : m) + eps).squareRoot()
        }
        return Tensor(shape: x.shape) { ob in
          let o = ob.baseAddress!
          let inv = FloatBuffer(c)
          for j in 0..<c { inv.p[j] = 1 / sd[j] }
          let ip = inv.p
          for r in 0..<m {
            let xr = xp + r * c, hr = xh + r * c, orow = o + r * c
            forEach16(c, { j in
              let v = (load16(xr, j) - load16(mu, j)) * load16(ip, j)
              store16(hr, j, v)
              store16(orow, j, load16(w, j) * v + load16(b, j))
            }, { j in
              let v = (xr[j] - mu[j]) * ip[j]
              hr[j] = v
              orow[j] = w[j] * v + b[j]
            })
          }
        }
      }
    }
  }
  let divisor = Float(unbiasedNormalisation ? m - 1 : m)
  let y = Tensor.customOp("batchNorm", inputs: [x, weight, bias], output: out, freshGradients: true) { g, inputs in
    let dGamma = FloatBuffer(c), dBeta = FloatBuffer(c)
    let xh = xhat.p, sd = std.p, dg = dGamma.p, dbeta = dBeta.p
    return g.withUnsafeBufferPointer { gb in
      let gp = gb.baseAddress!
      for r in 0..<m {
        let gr = gp + r * c, hr = UnsafePointer(xh + r * c)
        forEach16(c, { j in
          let g16 = load16(gr, j)
          store16(dbeta, j, load16(dbeta, j) + g16)
          store16(dg, j, load16(dg, j) + g16 * load16(hr, j))
        }, { j in dbeta[j] += gr[j]; dg[j] += gr[j] * hr[j] })
      }
      var dx: Tensor?
      if inputs[0].requiresGrad {
        // Per feature: scale γ/s, and the two mean terms Σg/M and Σ(g·x̂)/D.
        let coef = FloatBuffer(3 * c)
        let a = coef.p, mb = coef.p + c, mg = coef.p + 2 * c
        inputs[1].withUnsafeBufferPointer { wb in
          for j in 0..<c { a[j] = wb[j] / sd[j]; mb[j] = dbeta[j] / Float(m); mg[j] = dg[j] / divisor }
        }
        dx = Tensor(shape: inputs[0].shape) { db in
          let d = db.baseAddress!
          for r in 0..<m {
            let gr = gp + r * c, hr = UnsafePointer(xh + r * c), dr = d + r * c
            forEach16(c, { j in
              store16(dr, j, load16(a, j) * (load16(gr, j) - load16(mb, j) - load16(hr, j) * load16(mg, j)))
            }, { j in dr[j] = a[j] * (gr[j] - mb[j] - hr[j] * mg[j]) })
          }
        }
      }
      return [dx, Tensor(Array(UnsafeBufferPointer(start: dGamma.p, count: c))),
              Tensor(Array(UnsafeBufferPointer(start: dBeta.p, count: c)))]
    }
  }
  return (y, mean, varU)
}

/// LayerNorm over the last dim (size c) of a tensor with `count / c` rows; `bias` may be nil.
func fusedLayerNorm(_ x: Tensor, weight: Tensor, bias: Tensor?, eps: Float) -> Tensor {
  let c = weight.count, rows = x.count / c
  let xhat = FloatBuffer(rows * c), rstd = FloatBuffer(rows)
  let b = bias?.scalars ?? [Float](repeating: 0, count: c)
  let out = x.withUnsafeBufferPointer { xb in
    weight.withUnsafeBufferPointer { wb in
      b.withUnsafeBufferPointer { bb in
        Tensor(shape: x.shape) { ob in
          let xp = xb.baseAddress!, w = wb.baseAddress!, bp = bb.baseAddress!, o = ob.baseAddress!, xh = xhat.p
          for r in 0..<rows {
            let row = xp + r * c, xr = xh + r * c, orow = o + r * c
            let mu = laneSum(c, { load16(row, $0) }, scalar: { row[$0] }) / Float(c)
            let mu16 = SIMD16<Float>(repeating: mu)
            let v = laneSum(c, { let d = load16(row, $0) - mu16; return d * d }, scalar: { let d = row[$0] - mu; return d * d })
            let inv = 1 / (v / Float(c) + eps).squareRoot()
            rstd.p[r] = inv
            let inv16 = SIMD16<Float>(repeating: inv)
            forEach16(c, { j in
              let t = (load16(row, j) - mu16) * inv16
              store16(xr, j, t)
              store16(orow, j, t * load16(w, j) + load16(bp, j))
            }, { j in
              let t = (row[j] - mu) * inv
              xr[j] = t
              orow[j] = t * w[j] + bp[j]
            })
          }
        }
      }
    }
  }
  let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
  return Tensor.customOp("layerNorm", inputs: inputs, output: out, freshGradients: true) { g, inputs in
    let dGamma = FloatBuffer(c), dBeta = FloatBuffer(c)
    let dx = g.withUnsafeBufferPointer { gb in
      inputs[1].withUnsafeBufferPointer { wb in
        Tensor(shape: inputs[0].shape) { db in
          let gp = gb.baseAddress!, w = wb.baseAddress!, d = db.baseAddress!, dg = dGamma.p, dbeta = dBeta.p
          for r in 0..<rows {
            let gr = gp + r * c, xr = UnsafePointer(xhat.p + r * c), dr = d + r * c
            let sumG = laneSum(c, { load16(gr, $0) * load16(w, $0) }, scalar: { gr[$0] * w[$0] })
            let sumGX = laneSum(c, { load16(gr, $0) * load16(w, $0) * load16(xr, $0) }, scalar: { gr[$0] * w[$0] * xr[$0] })
            forEach16(c, { j in
              let g16 = load16(gr, j)
              store16(dbeta, j, load16(dbeta, j) + g16)
              store16(dg, j, load16(dg, j) + g16 * load16(xr, j))
            }, { j in dbeta[j] += gr[j]; dg[j] += gr[j] * xr[j] })
            let meanG = sumG / Float(c), meanGX = sumGX / Float(c), inv = rstd.p[r]
            let (mg16, mx16, inv16) = (SIMD16<Float>(repeating: meanG), SIMD16<Float>(repeating: meanGX), SIMD16<Float>(repeating: inv))
            forEach16(c, { j in
              store16(dr, j, inv16 * (load16(gr, j) * load16(w, j) - mg16 - load16(xr, j) * mx16))
            }, { j in dr[j] = inv * (gr[j] * w[j] - meanG - xr[j] * meanGX) })
          }
        }
      }
    }
    let dGammaT = Tensor(Array(UnsafeBufferPointer(start: dGamma.p, count: c)))
    let grads: [Tensor?] = [inputs[0].requiresGrad ? dx : nil, dGammaT]
    return inputs.count == 3 ? grads + [Tensor(Array(UnsafeBufferPointer(start: dBeta.p, count: c)))] : grads
  }
}
