import Kernels
import Tensor

// The causal softmax of attention as one autograd node: `softmax(mask(scores · scale))` where
// the mask hides every key after the query's position (lecture 7's `tril[:T, :T] == 0` filled with
// −inf). Composed, this is three recorded ops (scale, masked fill, softmax), each a full sweep
// and an allocation per layer; fused it is one sweep forward and one backward.
//   forward:  pᵢⱼ = exp(s·xᵢⱼ − mᵢ) / Σₖ≤ᵢ exp(s·xᵢₖ − mᵢ) for j ≤ i, else 0   (mᵢ = maxₖ≤ᵢ s·xᵢₖ)
//   backward: ∂L/∂xᵢⱼ = s · pᵢⱼ · (gᵢⱼ − Σₖ gᵢₖ·pᵢₖ)

/// Causal softmax over the last dim of `scores` (…, T, T): row `i` (query position `i mod T`)
/// keeps keys `0…i`; the others get probability 0.
func fusedCausalSoftmax(_ scores: Tensor, scale: Float) -> Tensor {
  let r = scores.rank
  precondition(r >= 2 && scores.shape[r - 1] == scores.shape[r - 2],
               "causal softmax: expects (…, T, T) scores, got shape \(scores.shape)")
  let t = scores.shape[r - 1], rows = scores.count / t
  let x = scores.contiguous()
  let probs = FloatBuffer(x.count)  // kept for the backward pass (the closure must not hold `out`)
  let out = x.withUnsafeBufferPointer { xb in
    Tensor(shape: x.shape) { ob in
      let xp = xb.baseAddress!, o = ob.baseAddress!, kept = probs.p
      for row in 0..<rows {
        let n = row % t + 1, src = xp + row * t, dst = o + row * t
        var mx = -Float.infinity
        for j in 0..<n { dst[j] = src[j] * scale; mx = max(mx, dst[j]) }
        for j in 0..<n { dst[j] -= mx }
        vexp(dst, dst, count: n)
        var sum: Float = 0
        for j in 0..<n { sum += dst[j] }
        let inv = 1 / sum
        for j in 0..<n { dst[j] *= inv }
        for j in n..<t { dst[j] = 0 }
        (kept + row * t).update(from: dst, count: t)
      }
    }
  }
  return Tensor.customOp("causalSoftmax", inputs: [x], output: out) { g, _ in
    let dx = g.withUnsafeBufferPointer { gb in
        Tensor(shape: g.shape) { db in
          let gp = gb.baseAddress!, pp = probs.p, d = db.baseAddress!
          for row in 0..<rows {
            let n = row % t + 1, k = row * t
            var dot: Float = 0
            for j in 0..<n { dot += gp[k + j] * pp[k + j] }
            for j in 0..<n { d[k + j] = scale * pp[k + j] * (gp[k + j] - dot) }
            for j in n..<t { d[k + j] = 0 }
          }
        }
    }
    return [dx]
  }
}
