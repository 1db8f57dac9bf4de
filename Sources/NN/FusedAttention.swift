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
        let p = probs.p + pair * t * t, yp = y.value + bi * t * c + h * hs
        // S = Q·Kᵀ only where a row block can see (the masked scores are never read).
        for rows in causalRowBlocks(t) {
          sgemm(transA: false, transB: true, m: rows.count, n: rows.upperBound, k: hs, a: base + rows.lowerBound * c3,
                lda: c3, b: base + c, ldb: c3, c: p + rows.lowerBound * t, ldc: t)
        }
        causalSoftmaxRows(p, rows: t, t: t, scale: scale)
        // Y = P·V, each row block's sum stopping after its last visible key (the rest of P is 0).
        for rows in causalRowBlocks(t) {
          sgemm(transA: false, transB: false, m: rows.count, n: hs, k: rows.upperBound, a: p + rows.lowerBound * t,
                lda: t, b: base + 2 * c, ldb: c3, c: yp + rows.lowerBound * c, ldc: c)
        }
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
            let blocks = causalRowBlocks(t), kc = GEMMKernel.depthBlock
            for rows in blocks {  // dP = dY·Vᵀ where visible (the softmax backward zeroes the rest)
              sgemm(transA: false, transB: true, m: rows.count, n: rows.upperBound, k: hs, a: gy + rows.lowerBound * c,
                    lda: c, b: v, ldb: c3, c: dP + rows.lowerBound * t, ldc: t)
            }
            for rows in blocks {  // dV = Pᵀ·dY: key j is seen by queries i ≥ j, from its depth block on
              let first = rows.lowerBound / kc * kc
              sgemm(transA: true, transB: false, m: rows.count, n: hs, k: t - first, a: p + (first * t + rows.lowerBound),
                    lda: t, b: gy + first * c, ldb: c, c: dbase + 2 * c + rows.lowerBound * c3, ldc: c3)
            }
            causalSoftmaxBackwardRows(dP, p, rows: t, t: t, scale: scale)
            for rows in blocks {  // dQ = dS·K up to the last visible key
              sgemm(transA: false, transB: false, m: rows.count, n: hs, k: rows.upperBound, a: dP + rows.lowerBound * t,
                    lda: t, b: k, ldb: c3, c: dbase + rows.lowerBound * c3, ldc: c3)
            }
            for rows in blocks {  // dK = dSᵀ·Q from the key's depth block on
              let first = rows.lowerBound / kc * kc
              sgemm(transA: true, transB: false, m: rows.count, n: hs, k: t - first, a: dP + (first * t + rows.lowerBound),
                    lda: t, b: q + first * c3, ldb: c3, c: dbase + c + rows.lowerBound * c3, ldc: c3)
            }
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
    // Runs of `perChunk` pairs; the last run may be shorter, and no run is empty (12 pairs in
    // runs of 2 make 6 tasks, not 8).
    let perChunk = (pairs + chunks - 1) / chunks
    Parallelism.forEachChunk((pairs + perChunk - 1) / perChunk, threads: threads) { chunk in
      // Inside a task, every kernel runs on its own thread (no nested dispatch).
      Parallelism.$threadCount.withValue(1) {
        for pair in (chunk * perChunk)..<min(pairs, (chunk + 1) * perChunk) {
          body(pair, buffer.p + chunk * scratch)
        }
      }
    }
  }
}

/// Row blocks of a causal T×T attention matrix, for skipping what the mask hides: query rows
/// `r0..<r1` see keys `0..<r1` only, so `Q·Kᵀ` and `dY·Vᵀ` are computed for those columns, and the
/// products with P or dS (zero past the diagonal) stop at key `r1` (or, for the transposed ones,
/// start at the depth block holding key `r0`). A sum then skips only terms that are exactly zero,
/// at the start or end of its k range, with its depth blocks where they were: adding `+0·x` to a
/// sum changes nothing in round-to-nearest (a sum that starts at +0 is never −0), so every
/// element is bit-identical to the full product — for finite q, k, v (an infinity or NaN there
/// would have reached the masked products too). Blocks of 96 rows (16 tiles of 6); up to 192
/// rows, one block (the full products, as before).
func causalRowBlocks(_ t: Int) -> [Range<Int>] {
  let rows = 96
  if t <= 2 * rows { return [0..<t] }
  return stride(from: 0, to: t, by: rows).map { $0..<min(t, $0 + rows) }
}
