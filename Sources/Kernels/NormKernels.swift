// LayerNorm and BatchNorm (training mode) as forward/backward pairs over raw buffers, llm.c
// style: the fused loops NN's layers record as one autograd node each, with a plain scalar
// reference of each beside it (tests compare the two to float rounding; the fast loops sum in 16
// lanes, the references one element at a time).
//
// Notation: rows r (the normalised-over positions), features j; x̂ = (x − μ)/s with
// s = √(σ² + ε); y = γ·x̂ + β. Backward, with g = ∂L/∂y and D the variance divisor:
//   ∂L/∂β = Σᵣ g,   ∂L/∂γ = Σᵣ g·x̂,   ∂L/∂x = γ/s · (g − Σᵣg/M − x̂·Σᵣ(g·x̂)/D)
// (BatchNorm: sums over the M rows per feature; D = M − 1 for the lectures' unbiased variance, M
// for PyTorch's. LayerNorm: sums over the C features of each row, D = C, and γ multiplies g first.)
//
// Threads: row-wise loops split by whole rows; sums over rows (μ and σ² of BatchNorm, ∂γ, ∂β)
// add rows in order on one thread. Results are bit-identical for any thread count.

// MARK: - LayerNorm

/// LayerNorm over each row of `x` (rows × cols): writes `out = γ·x̂ + β`, the normalised `xhat`
/// and `rstd = 1/s` per row (both kept for the backward pass).
public func layerNormForward(_ out: UnsafeMutablePointer<Float>, xhat: UnsafeMutablePointer<Float>,
                             rstd: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                             weight w: UnsafePointer<Float>, bias bp: UnsafePointer<Float>, rows: Int, cols c: Int, eps: Float) {
  Parallelism.forEachRowRange(rows, cols: c) { range in
    for r in range {
      let row = x + r * c, xr = xhat + r * c, orow = out + r * c
      let mu = laneSum(c, { load16(row, $0) }, scalar: { row[$0] }) / Float(c)
      let mu16 = SIMD16<Float>(repeating: mu)
      let v = laneSum(c, { let d = load16(row, $0) - mu16; return d * d }, scalar: { let d = row[$0] - mu; return d * d })
      let inv = 1 / (v / Float(c) + eps).squareRoot()
      rstd[r] = inv
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

/// Backward of `layerNormForward`: writes `dx` and adds into `dweight` and `dbias` (which the
/// caller zeroes or fills with gradients to add to).
public func layerNormBackward(dx: UnsafeMutablePointer<Float>, dweight dg: UnsafeMutablePointer<Float>,
                              dbias dbeta: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                              xhat: UnsafePointer<Float>, rstd: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                              rows: Int, cols c: Int) {
  for r in 0..<rows {
    let gr = g + r * c, xr = xhat + r * c
    forEach16(c, { j in
      let g16 = load16(gr, j)
      store16(dbeta, j, load16(dbeta, j) + g16)
      store16(dg, j, load16(dg, j) + g16 * load16(xr, j))
    }, { j in dbeta[j] += gr[j]; dg[j] += gr[j] * xr[j] })
  }
  Parallelism.forEachRowRange(rows, cols: c) { range in
    for r in range {
      let gr = g + r * c, xr = xhat + r * c, dr = dx + r * c
      let sumG = laneSum(c, { load16(gr, $0) * load16(w, $0) }, scalar: { gr[$0] * w[$0] })
      let sumGX = laneSum(c, { load16(gr, $0) * load16(w, $0) * load16(xr, $0) }, scalar: { gr[$0] * w[$0] * xr[$0] })
      let meanG = sumG / Float(c), meanGX = sumGX / Float(c), inv = rstd[r]
      let (mg16, mx16, inv16) = (SIMD16<Float>(repeating: meanG), SIMD16<Float>(repeating: meanGX), SIMD16<Float>(repeating: inv))
      forEach16(c, { j in
        store16(dr, j, inv16 * (load16(gr, j) * load16(w, j) - mg16 - load16(xr, j) * mx16))
      }, { j in dr[j] = inv * (gr[j] * w[j] - meanG - xr[j] * meanGX) })
    }
  }
}

/// The plain scalar LayerNorm forward (sums one element at a time): the reference
/// `layerNormForward` is tested against.
public func layerNormForwardReference(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                      bias: UnsafePointer<Float>, rows: Int, cols c: Int, eps: Float) {
  for r in 0..<rows {
    let row = x + r * c
    var mean: Float = 0
    for j in 0..<c { mean += row[j] }
    mean /= Float(c)
    var variance: Float = 0
    for j in 0..<c { variance += (row[j] - mean) * (row[j] - mean) }
    let s = (variance / Float(c) + eps).squareRoot()
    for j in 0..<c { out[r * c + j] = (row[j] - mean) / s * weight[j] + bias[j] }
  }
}

/// The plain scalar LayerNorm backward from the input `x` (recomputing μ and s): the reference
/// `layerNormBackward` is tested against. Overwrites `dx`, `dweight`, `dbias`.
public func layerNormBackwardReference(dx: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                                       dbias: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                       weight: UnsafePointer<Float>, rows: Int, cols c: Int, eps: Float) {
  for j in 0..<c { dweight[j] = 0; dbias[j] = 0 }
  for r in 0..<rows {
    let row = x + r * c, gr = g + r * c
    var mean: Float = 0
    for j in 0..<c { mean += row[j] }
    mean /= Float(c)
    var variance: Float = 0
    for j in 0..<c { variance += (row[j] - mean) * (row[j] - mean) }
    let inv = 1 / (variance / Float(c) + eps).squareRoot()
    var meanG: Float = 0, meanGX: Float = 0
    for j in 0..<c {
      let xh = (row[j] - mean) * inv
      meanG += gr[j] * weight[j]
      meanGX += gr[j] * weight[j] * xh
      dbias[j] += gr[j]
      dweight[j] += gr[j] * xh
    }
    meanG /= Float(c)
    meanGX /= Float(c)
    for j in 0..<c {
      let xh = (row[j] - mean) * inv
      dx[r * c + j] = inv * (gr[j] * weight[j] - meanG - xh * meanGX)
    }
  }
}

// MARK: - BatchNorm (training mode)

/// BatchNorm over the rows of `x` (m × c) with batch statistics: writes `out`, `xhat`, the batch
/// `mean`, the `unbiasedVariance` (for running statistics) and `std` = √(σ² + ε) per feature, σ²
/// dividing by m − 1 (`unbiasedNormalisation`, the lectures' `x.var()`) or m (PyTorch).
public func batchNormForward(_ out: UnsafeMutablePointer<Float>, xhat: UnsafeMutablePointer<Float>,
                             mean: UnsafeMutablePointer<Float>, unbiasedVariance: UnsafeMutablePointer<Float>,
                             std sd: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                             weight w: UnsafePointer<Float>, bias b: UnsafePointer<Float>,
                             rows m: Int, cols c: Int, eps: Float, unbiasedNormalisation: Bool) {
  let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 3 * Swift.max(c, 1))
  defer { scratch.deallocate() }
  let mu = scratch, ss = scratch + c, ip = scratch + 2 * c
  mu.initialize(repeating: 0, count: c)
  ss.initialize(repeating: 0, count: c)
  for r in 0..<m { let row = x + r * c; for j in 0..<c { mu[j] += row[j] } }
  for j in 0..<c { mu[j] /= Float(m) }
  for r in 0..<m { let row = x + r * c; for j in 0..<c { let d = row[j] - mu[j]; ss[j] += d * d } }
  for j in 0..<c {
    mean[j] = mu[j]
    unbiasedVariance[j] = ss[j] / Float(m - 1)
    sd[j] = (ss[j] / Float(unbiasedNormalisation ? m - 1 : m) + eps).squareRoot()
    ip[j] = 1 / sd[j]
  }
  Parallelism.forEachRowRange(m, cols: c) { range in
    for r in range {
      let xr = x + r * c, hr = xhat + r * c, orow = out + r * c
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

/// Backward of `batchNormForward`: writes `dweight` and `dbias` (overwritten) and, when `dx` is
/// given, the input gradient.
public func batchNormBackward(dx: UnsafeMutablePointer<Float>?, dweight dg: UnsafeMutablePointer<Float>,
                              dbias dbeta: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                              xhat: UnsafePointer<Float>, std sd: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                              rows m: Int, cols c: Int, unbiasedNormalisation: Bool) {
  dg.initialize(repeating: 0, count: c)
  dbeta.initialize(repeating: 0, count: c)
  for r in 0..<m {
    let gr = g + r * c, hr = xhat + r * c
    forEach16(c, { j in
      let g16 = load16(gr, j)
      store16(dbeta, j, load16(dbeta, j) + g16)
      store16(dg, j, load16(dg, j) + g16 * load16(hr, j))
    }, { j in dbeta[j] += gr[j]; dg[j] += gr[j] * hr[j] })
  }
  guard let dx else { return }
  let divisor = Float(unbiasedNormalisation ? m - 1 : m)
  // Per feature: scale γ/s, and the two mean terms Σg/M and Σ(g·x̂)/D.
  let coef = UnsafeMutablePointer<Float>.allocate(capacity: 3 * Swift.max(c, 1))
  defer { coef.deallocate() }
  let a = coef, mb = coef + c, mg = coef + 2 * c
  for j in 0..<c { a[j] = w[j] / sd[j]; mb[j] = dbeta[j] / Float(m); mg[j] = dg[j] / divisor }
  Parallelism.forEachRowRange(m, cols: c) { range in
    for r in range {
      let gr = g + r * c, hr = xhat + r * c, dr = dx + r * c
      forEach16(c, { j in
        store16(dr, j, load16(a, j) * (load16(gr, j) - load16(mb, j) - load16(hr, j) * load16(mg, j)))
      }, { j in dr[j] = a[j] * (gr[j] - mb[j] - hr[j] * mg[j]) })
    }
  }
}

/// The plain scalar BatchNorm forward (training mode): the reference `batchNormForward` is tested
/// against.
public func batchNormForwardReference(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                      bias: UnsafePointer<Float>, rows m: Int, cols c: Int, eps: Float, unbiasedNormalisation: Bool) {
  for j in 0..<c {
    var mean: Float = 0
    for r in 0..<m { mean += x[r * c + j] }
    mean /= Float(m)
    var ss: Float = 0
    for r in 0..<m { ss += (x[r * c + j] - mean) * (x[r * c + j] - mean) }
    let s = (ss / Float(unbiasedNormalisation ? m - 1 : m) + eps).squareRoot()
    for r in 0..<m { out[r * c + j] = weight[j] * ((x[r * c + j] - mean) / s) + bias[j] }
  }
}
