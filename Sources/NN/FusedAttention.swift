import Kernels
import Tensor

// The causal softmax of attention as one autograd node: `softmax(mask(scores · scale))` where
// the mask hides every key after the query's position (lecture 7's `tril[:T, :T] == 0` filled with
// −inf). Composed, this is three recorded ops (scale, masked fill, softmax), each a full sweep
// and an allocation per layer; fused it is one sweep forward and one backward. The row loops are
// `Kernels.causalSoftmaxRows` / `causalSoftmaxBackwardRows` (AttentionKernels.swift).
//   forward:  pᵢⱼ = exp(s·xᵢⱼ − mᵢ) / Σₖ≤ᵢ exp(s·xᵢₖ − mᵢ) for j ≤ i, else 0   (mᵢ = maxₖ≤ᵢ s·xᵢₖ)
//   backward: ∂L/∂xᵢⱼ = s · pᵢⱼ · (gᵢⱼ − Σₖ gᵢₖ·pᵢₖ)

/// Causal softmax over the last dim of `scores` (…, T, T): row `i` (query position `i mod T`)
/// keeps keys `0…i`; the others get probability 0.
func fusedCausalSoftmax(_ scores: Tensor, scale: Float) -> Tensor {
  let r = scores.rank
  require(r >= 2 && scores.shape[r - 1] == scores.shape[r - 2],
               "causal softmax: expects (…, T, T) scores, got shape \(scores.shape)")
  let t = scores.shape[r - 1], rows = scores.count / t
  let x = scores.contiguous()
  let probs = FloatBuffer(x.count)  // kept for the backward pass (the closure must not hold `out`)
  x.withUnsafeBufferPointer { probs.p.update(from: $0.baseAddress!, count: x.count) }
  causalSoftmaxRows(probs.p, rows: rows, t: t, scale: scale)
  let out = Tensor(shape: x.shape) { $0.baseAddress!.update(from: probs.p, count: x.count) }
  return Tensor.customOp("causalSoftmax", inputs: [x], output: out, freshGradients: true) { g, inputs in
    [Tensor(shape: g.shape) { db in
      g.withUnsafeBufferPointer { db.baseAddress!.update(from: $0.baseAddress!, count: g.count) }
      causalSoftmaxBackwardRows(db.baseAddress!, probs.p, rows: rows, t: t, scale: scale)
    }]
  }
}

/// Whole causal self-attention after the q/k/v projection, as one node: `qkv` is (B, T, 3C) with
/// q, k, v side by side and heads of size C/heads inside each; the result is (B, T, C) with the
/// heads side by side — `merge(softmax(mask(q·kᵀ/√hs))·v)` without materialising q, k, v, the
/// transposes or the merged copy. Per (batch, head), on strided sub-matrices:
///   forward:  S = Q·Kᵀ,  P = causalSoftmax(S/√hs),  Y = P·V
///   backward: dP = dY·Vᵀ,  dV = Pᵀ·dY,  dS = P ⊙ (dP − rowsum(dP ⊙ P))/√hs,  dQ = dS·K,  dK = dSᵀ·Q
func fusedCausalAttention(_ qkv: Tensor, heads nh: Int) -> Tensor {
  let (b, t, c3) = (qkv.shape[0], qkv.shape[1], qkv.shape[2])
  let c = c3 / 3, hs = c / nh
  let scale = Float(1 / Double(hs).squareRoot())
  let probs = FloatBuffer(uninitialized: b * nh * t * t)  // every pair writes its t×t block
  let out = qkv.withUnsafeBufferPointer { xb in
    Tensor(shape: [b, t, c]) { yb in
      let x = UncheckedSendable(xb.baseAddress!), y = UncheckedSendable(yb.baseAddress!)
      forEachAttentionPair(b * nh, flopsPerPair: 4 * t * t * hs) { pair in
        let (bi, h) = pair.quotientAndRemainder(dividingBy: nh)
        let base = x.value + bi * t * c3 + h * hs
        let p = probs.p + pair * t * t
        sgemm(transA: false, transB: true, m: t, n: t, k: hs, a: base, lda: c3, b: base + c, ldb: c3, c: p, ldc: t)
        causalSoftmaxRows(p, rows: t, t: t, scale: scale)
        sgemm(transA: false, transB: false, m: t, n: hs, k: t, a: p, lda: t, b: base + 2 * c, ldb: c3,
              c: y.value + bi * t * c + h * hs, ldc: c)
      }
    }
  }
  return Tensor.customOp("causalAttention", inputs: [qkv], output: out, freshGradients: true) { g, inputs in
    let dqkv = g.withUnsafeBufferPointer { gb in
      inputs[0].withUnsafeBufferPointer { xb in
        Tensor(shape: [b, t, c3]) { db in
          let x = UncheckedSendable(xb.baseAddress!), d = UncheckedSendable(db.baseAddress!)
          let gy0 = UncheckedSendable(gb.baseAddress!)
          forEachAttentionPair(b * nh, flopsPerPair: 8 * t * t * hs, scratch: t * t) { pair, dP in
            let (bi, h) = pair.quotientAndRemainder(dividingBy: nh)
            let base = x.value + bi * t * c3 + h * hs, dbase = d.value + bi * t * c3 + h * hs
            let (q, k, v) = (base, base + c, base + 2 * c)
            let p = UnsafePointer(probs.p + pair * t * t), gy = gy0.value + bi * t * c + h * hs
            sgemm(transA: false, transB: true, m: t, n: t, k: hs, a: gy, lda: c, b: v, ldb: c3, c: dP, ldc: t)
            sgemm(transA: true, transB: false, m: t, n: hs, k: t, a: p, lda: t, b: gy, ldb: c, c: dbase + 2 * c, ldc: c3)
            causalSoftmaxBackwardRows(dP, p, rows: t, t: t, scale: scale)
            sgemm(transA: false, transB: false, m: t, n: hs, k: t, a: dP, lda: t, b: k, ldb: c3, c: dbase, ldc: c3)
            sgemm(transA: true, transB: false, m: t, n: hs, k: t, a: dP, lda: t, b: q, ldb: c3, c: dbase + c, ldc: c3)
          }
        }
      }
    }
    return [dqkv]
  }
}

/// Runs `body(pair)` for every (batch, head) pair `0..<pairs` of an attention node. The pairs are
/// independent (each reads its own q, k, v columns and writes its own probabilities and output
/// columns), so with several threads they are shared out whole — runs of pairs per task, each
/// pair's GEMMs and softmax on one thread — rather than splitting every small GEMM: one dispatch
/// per node instead of two or three per pair. Each element is computed by the same operations on
/// any thread, so results do not depend on the thread count.
private func forEachAttentionPair(_ pairs: Int, flopsPerPair: Int, _ body: (Int) -> Void) {
  forEachAttentionPair(pairs, flopsPerPair: flopsPerPair, scratch: 0) { pair, _ in body(pair) }
}

/// As above, with `scratch` floats private to the running task (`dP` in the backward pass).
private func forEachAttentionPair(_ pairs: Int, flopsPerPair: Int, scratch: Int,
                                  _ body: (Int, UnsafeMutablePointer<Float>) -> Void) {
  let threads = Parallelism.threadCount
  // Below ~1 Mflop in all, one dispatch costs more than a second core saves.
  let chunks = threads <= 1 || pairs < 2 || pairs * flopsPerPair < 1_000_000 ? 1 : min(pairs, 4 * threads)
  let buffer = FloatBuffer(uninitialized: chunks * scratch)  // dP: written by a GEMM before use
  withExtendedLifetime(buffer) {
    if chunks == 1 {
      for pair in 0..<pairs { body(pair, buffer.p) }
      return
    }
    let perChunk = (pairs + chunks - 1) / chunks
    Parallelism.forEachChunk(chunks, threads: threads) { chunk in
      // Inside a task, every kernel runs on its own thread (no nested dispatch).
      Parallelism.$threadCount.withValue(1) {
        for pair in (chunk * perChunk)..<min(pairs, (chunk + 1) * perChunk) {
          body(pair, buffer.p + chunk * scratch)
        }
      }
    }
  }
}
