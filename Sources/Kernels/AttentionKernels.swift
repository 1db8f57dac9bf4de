// The causal softmax of attention over raw buffers (forward in place, backward in place), the
// loops NN's fused attention nodes run. Rows are independent and split across threads whole, so
// results are bit-identical for any thread count.
//   forward:  pᵢⱼ = exp(s·xᵢⱼ − mᵢ) / Σₖ≤ᵢ exp(s·xᵢₖ − mᵢ) for j ≤ i, else 0   (mᵢ = maxₖ≤ᵢ s·xᵢₖ)
//   backward: ∂L/∂xᵢⱼ = s · pᵢⱼ · (gᵢⱼ − Σₖ gᵢₖ·pᵢₖ)

/// In place: each row of `rows` × `t` scores (query position `row mod t`) becomes its causal
/// softmax of `scale ·` scores; future keys get 0.
public func causalSoftmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, t: Int, scale: Float) {
  Parallelism.forEachRowRange(rows, cols: t) { range in
    for row in range {
      let n = row % t + 1, dst = p + row * t
      var mx = -Float.infinity
      for j in 0..<n { dst[j] *= scale; mx = max(mx, dst[j]) }
      for j in 0..<n { dst[j] -= mx }
      vexp(dst, dst, count: n)
      var sum: Float = 0
      for j in 0..<n { sum += dst[j] }
      let inv = 1 / sum
      for j in 0..<n { dst[j] *= inv }
      for j in n..<t { dst[j] = 0 }
    }
  }
}

/// In place: `d` holds ∂L/∂p for probabilities `p` (as made by `causalSoftmaxRows`) and becomes
/// ∂L/∂scores = scale · p · (d − Σ d·p) per row.
public func causalSoftmaxBackwardRows(_ d: UnsafeMutablePointer<Float>, _ p: UnsafePointer<Float>, rows: Int, t: Int, scale: Float) {
  Parallelism.forEachRowRange(rows, cols: t) { range in
    for row in range {
      let n = row % t + 1, k = row * t
      var dot: Float = 0
      for j in 0..<n { dot += d[k + j] * p[k + j] }
      for j in 0..<n { d[k + j] = scale * p[k + j] * (d[k + j] - dot) }
      for j in n..<t { d[k + j] = 0 }
    }
  }
}
