import Foundation

// Softmax, log-softmax and cross-entropy over the rows of a row-major `rows × cols` matrix, as
// forward/backward pairs over raw buffers (llm.c style). These are the loops `Tensor.softmax`,
// `logSoftmax` and `crossEntropy` run; their arithmetic (sequential row maximum, `vexp`,
// `pairwiseSum`) is what makes lectures 2–3 print PyTorch's digits, so it is kept exactly.
// Large inputs split across threads by whole rows; every row is computed by one thread in the
// same order, and the cross-entropy total adds the per-row losses in row order afterwards, so
// results are bit-identical for any thread count.

/// Softmax (or log-softmax with `log`) of each row: `y = exp(x − max) / Σ exp(x − max)`, or
/// `y = (x − max) − log Σ exp(x − max)`. A row of all `-inf` uses shift 0 (no `-inf − -inf`).
/// `y` may equal `x`.
public func softmaxForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols n: Int, log: Bool) {
  guard rows >= 0, n >= 0 else { fatalError("softmaxForward: negative shape [\(rows), \(n)]") }
  Parallelism.forEachRowRange(rows, cols: n) { range in
    let tmp = log ? UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(n, 1)) : nil
    defer { tmp?.deallocate() }
    for r in range {
      let src = x + r * n, dst = y + r * n
      var mx = -Float.infinity
      for j in 0..<n { mx = Swift.max(mx, src[j]) }
      if mx == -.infinity { mx = 0 }
      for j in 0..<n { dst[j] = src[j] - mx }
      if let tmp {
        vexp(dst, tmp, count: n)
        let logSum = Foundation.log(pairwiseSum(tmp, n))
        for j in 0..<n { dst[j] = dst[j] - logSum }
      } else {
        vexp(dst, dst, count: n)
        let inv = 1 / pairwiseSum(dst, n)
        for j in 0..<n { dst[j] *= inv }
      }
    }
  }
}

/// Backward of `softmaxForward` from its output `y` and the output gradient `g`:
/// softmax `dx = y · (g − Σ g·y)`, log-softmax `dx = g − exp(y) · Σ g`. With `accumulate`, adds
/// to `dx` instead of overwriting it.
public func softmaxBackward(_ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                            rows: Int, cols n: Int, log: Bool, accumulate: Bool) {
  Parallelism.forEachRowRange(rows, cols: n) { range in
    for r in range {
      let yr = y + r * n, gr = g + r * n, dst = dx + r * n
      if log {
        let s = pairwiseSum(gr, n)
        for j in 0..<n {
          let v = gr[j] - Foundation.exp(yr[j]) * s
          dst[j] = accumulate ? dst[j] + v : v
        }
      } else {
        var dot: Float = 0
        for j in 0..<n { dot += gr[j] * yr[j] }
        for j in 0..<n {
          let v = yr[j] * (gr[j] - dot)
          dst[j] = accumulate ? dst[j] + v : v
        }
      }
    }
  }
}

/// Cross-entropy of each row of logits `x` against its class `targets[r]`: writes the softmax
/// probabilities to `probs` (below the smallest normal float flushed to 0: they change no printed
/// digit, and subnormal operands slow every later GEMM on the gradient several-fold) and returns
/// the sum of `−log_softmax(x)[t]` over rows whose target is not `ignoreIndex` (added in row
/// order) and how many rows that was. Stops with a message on a target outside `0..<cols`.
public func crossEntropyForward(_ x: UnsafePointer<Float>, targets: UnsafePointer<Int32>, probs: UnsafeMutablePointer<Float>,
                                rows: Int, cols c: Int, ignoreIndex: Int?) -> (total: Float, used: Int) {
  let losses = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(rows, 1))
  defer { losses.deallocate() }
  Parallelism.forEachRowRange(rows, cols: c) { range in
    var maxima = [Float](repeating: 0, count: range.count)
    for r in range {
      let src = x + r * c, p = probs + r * c
      var mx = -Float.infinity
      for j in 0..<c { mx = Swift.max(mx, src[j]) }
      for j in 0..<c { p[j] = src[j] - mx }
      maxima[r - range.lowerBound] = mx
    }
    vexp(probs + range.lowerBound * c, probs + range.lowerBound * c, count: range.count * c)
    for r in range {
      let src = x + r * c, p = probs + r * c
      let mx = maxima[r - range.lowerBound]
      let s = pairwiseSum(p, c)
      let inv = 1 / s
      for j in 0..<c {
        let v = p[j] * inv
        p[j] = v < Float.leastNormalMagnitude ? 0 : v
      }
      let t = Int(targets[r])
      if let ig = ignoreIndex, t == ig { losses[r] = .nan; continue }
      if t < 0 || t >= c { fatalError("crossEntropy: target \(t) is out of range for \(c) classes") }
      // -(log_softmax(x)[t]) = -((x[t] - max) - log Σ exp(x - max)), as PyTorch computes it
      losses[r] = -((src[t] - mx) - Foundation.log(s))
    }
  }
  var total: Float = 0
  var used = 0
  for r in 0..<rows {
    if let ig = ignoreIndex, Int(targets[r]) == ig { continue }
    total += losses[r]
    used += 1
  }
  return (total, used)
}

/// Backward of `crossEntropyForward` for a mean over `used` rows: `dx = (probs − onehot(t)) · scale`
/// per row (`scale` = upstream gradient / used), zero for ignored rows. With `accumulate`, adds.
public func crossEntropyBackward(probs: UnsafePointer<Float>, targets: UnsafePointer<Int32>, _ dx: UnsafeMutablePointer<Float>,
                                 rows: Int, cols c: Int, scale: Float, ignoreIndex: Int?, accumulate: Bool) {
  Parallelism.forEachRowRange(rows, cols: c) { range in
    for r in range {
      let p = probs + r * c, dst = dx + r * c
      let t = Int(targets[r])
      if let ig = ignoreIndex, t == ig {
        if !accumulate { for j in 0..<c { dst[j] = 0 } }
        continue
      }
      if accumulate {
        for j in 0..<c { dst[j] += p[j] * scale }
      } else {
        for j in 0..<c { dst[j] = p[j] * scale }
      }
      dst[t] -= scale
    }
  }
}
