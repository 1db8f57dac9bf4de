import Kernels

// Matrix multiplication on Kernels.sgemm. A matrix operand is passed to sgemm as it lies in
// memory: row-major (`trans: false`) or as the transpose of a row-major matrix (`W.T` is read with
// `trans: true`), so neither the forward nor the backward pass materialises a transpose:
//   C = A·B,   dA = dC·Bᵀ,   dB = Aᵀ·dC.
// Batched operands (3-D, 4-D) run one sgemm per batch; batch dims broadcast like PyTorch's.

infix operator • : MultiplicationPrecedence

/// How an operand's last two dims lie in memory, as sgemm wants them.
struct MatrixLayout {
  /// The matrix is stored transposed (column-major for its logical shape).
  let transposed: Bool
  /// Distance between consecutive stored rows.
  let leading: Int

  /// The layout of the last two dims of `t`, or nil when neither row- nor column-major.
  init?(_ t: Tensor) {
    let r = t.rank
    let (rows, cols) = (t.shape[r - 2], t.shape[r - 1])
    let (s0, s1) = (t.strides[r - 2], t.strides[r - 1])
    if (s1 == 1 || cols == 1) && (s0 >= Swift.max(cols, 1) || rows == 1) {
      transposed = false
      leading = rows == 1 ? Swift.max(cols, 1) : s0
    } else if (s0 == 1 || rows == 1) && (s1 >= Swift.max(rows, 1) || cols == 1) {
      transposed = true
      leading = cols == 1 ? Swift.max(rows, 1) : s1
    } else {
      return nil
    }
  }
}

extension Tensor {
  /// Matrix product with PyTorch's `@` semantics: 1-D·1-D is a dot product, a 1-D operand is
  /// promoted to a row/column, ≥ 2-D operands multiply their last two dims and broadcast the rest.
  /// Stops when the inner dimensions differ.
  public func matmul(_ other: Tensor) -> Tensor {
    let a = self, b = other
    require(a.rank >= 1 && b.rank >= 1, "matmul: both operands need at least 1 dim, got \(describe(a.shape)) · \(describe(b.shape))")
    if a.rank == 1 && b.rank == 1 { return a.unsqueeze(0).matmul(b.unsqueeze(1)).view([]) }
    if a.rank == 1 { return a.unsqueeze(0).matmul(b).squeeze(-2) }
    if b.rank == 1 { return a.matmul(b.unsqueeze(1)).squeeze(-1) }
    let k = a.shape[a.rank - 1]
    require(b.shape[b.rank - 2] == k,
                 "matmul: inner dimensions differ: \(describe(a.shape)) · \(describe(b.shape))")
    // A Linear layer on a batch of sequences: fold the batch dims of `a` into its rows.
    if a.rank > 2 && b.rank == 2 && a.isContiguous {
      let m = a.shape[a.rank - 2]
      let folded = a.view([-1, k]).matmul(b)
      return folded.view(Array(a.shape.dropLast(2)) + [m, b.shape[1]]).renamed("unsafeView")
    }
    return Tensor.batchedMatmul(a, b)
  }

  /// `a · b` for operands of rank ≥ 2 (recorded).
  static func batchedMatmul(_ a0: Tensor, _ b0: Tensor) -> Tensor {
    // An operand in neither row- nor column-major layout is copied first (recorded, so its
    // gradient flows back through the copy).
    let a = MatrixLayout(a0) == nil ? a0.contiguous() : a0
    let b = MatrixLayout(b0) == nil ? b0.contiguous() : b0
    let layoutA = MatrixLayout(a)!, layoutB = MatrixLayout(b)!
    let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
    let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
    let batch = broadcastShapes(aBatch, bBatch, op: "matmul (batch dims of \(describe(a0.shape)) · \(describe(b0.shape)))")
    let batchCount = elementCount(batch)
    if batch.isEmpty { return matmul2D(a, b, layoutA, layoutB, m: m, k: k, n: n) }
    // Storage offsets of every batch's matrix in a, b, and in contiguous gradient buffers.
    let aOffsets = batchOffsets(batch, shape: aBatch, strides: Array(a.strides.dropLast(2)))
    let bOffsets = batchOffsets(batch, shape: bBatch, strides: Array(b.strides.dropLast(2)))
    let out = Tensor(uninitialized: batch + [m, n])
    let (pa, pb, po) = (UncheckedSendable(a.pointer), UncheckedSendable(b.pointer), UncheckedSendable(out.pointer))
    forEachMatrix(batchCount, flops: 2 * m * n * k) { i, threads in
      sgemm(transA: layoutA.transposed, transB: layoutB.transposed, m: m, n: n, k: k,
            a: pa.value + aOffsets[i], lda: layoutA.leading,
            b: pb.value + bOffsets[i], ldb: layoutB.leading,
            beta: 0, c: po.value + i * m * n, ldc: n, threads: threads)
    }
    if shouldRecord(a, b) {
      let aGradOffsets = batchOffsets(batch, shape: aBatch, strides: contiguousStrides(aBatch).map { $0 * m * k })
      let bGradOffsets = batchOffsets(batch, shape: bBatch, strides: contiguousStrides(bBatch).map { $0 * k * n })
      let aBroadcast = elementCount(aBatch) != batchCount, bBroadcast = elementCount(bBatch) != batchCount
      out.setGradFn("mm", [a, b]) { _, g, inputs in
        let (x, y) = (inputs[0], inputs[1])
        let (pg, px, py) = (UncheckedSendable(g.pointer), UncheckedSendable(x.pointer), UncheckedSendable(y.pointer))
        if x.requiresGrad {
          // dA = dC · Bᵀ (a broadcast A sums several batches into one slot: in batch order, one thread)
          x.withGradBuffer(zeroed: aBroadcast) { gx, accumulate in
            let gxp = UncheckedSendable(gx)
            forEachMatrix(batchCount, flops: aBroadcast ? 0 : 2 * m * n * k) { i, threads in
              sgemm(transA: false, transB: !layoutB.transposed, m: m, n: k, k: n,
                    a: pg.value + i * m * n, lda: n, b: py.value + bOffsets[i], ldb: layoutB.leading,
                    beta: accumulate || aBroadcast ? 1 : 0, c: gxp.value + aGradOffsets[i], ldc: k, threads: threads)
            }
          }
        }
        if y.requiresGrad {
          // dB = Aᵀ · dC
          y.withGradBuffer(zeroed: bBroadcast) { gy, accumulate in
            let gyp = UncheckedSendable(gy)
            forEachMatrix(batchCount, flops: bBroadcast ? 0 : 2 * m * n * k) { i, threads in
              sgemm(transA: !layoutA.transposed, transB: false, m: k, n: n, k: m,
                    a: px.value + aOffsets[i], lda: layoutA.leading, b: pg.value + i * m * n, ldb: n,
                    beta: accumulate || bBroadcast ? 1 : 0, c: gyp.value + bGradOffsets[i], ldc: n, threads: threads)
            }
          }
        }
      }
    }
    out.checkAnomaly("matmul", a0, b0)
    return out.renamed("unsafeView")
  }

  /// Runs `body(i, threads)` for the `count` matrices of a batched product of `flops` flops each,
  /// `threads` being what that matrix's `sgemm` may use. Matrices too small for `sgemm` to split
  /// (attention's (B, T, T) products: 16 of 32×32×16 per head in lecture 7) are shared out whole
  /// instead — runs of matrices, each one `sgemm` on one thread, the same call as on one thread,
  /// so results do not change. Large ones, and `flops == 0` (the caller sums several matrices
  /// into one place, which must stay in batch order), run one after another with every thread.
  static func forEachMatrix(_ count: Int, flops: Int, _ body: (Int, Int) -> Void) {
    let threads = Parallelism.threadCount
    if threads <= 1 || count < 2 || flops == 0 || flops >= 2_000_000 || count * flops < 400_000 {
      for i in 0..<count { body(i, threads) }
      return
    }
    let chunks = Swift.min(count, 2 * threads)
    let perChunk = (count + chunks - 1) / chunks
    Parallelism.forEachChunk((count + perChunk - 1) / perChunk, threads: threads) { chunk in
      for i in (chunk * perChunk)..<Swift.min(count, (chunk + 1) * perChunk) { body(i, 1) }
    }
  }

  /// `a · b` for two matrices (the common case, without per-batch bookkeeping).
  static func matmul2D(_ a: Tensor, _ b: Tensor, _ la: MatrixLayout, _ lb: MatrixLayout, m: Int, k: Int, n: Int) -> Tensor {
    let out = Tensor(uninitialized: [m, n])
    let threads = Parallelism.threadCount
    sgemm(transA: la.transposed, transB: lb.transposed, m: m, n: n, k: k, a: a.pointer, lda: la.leading,
          b: b.pointer, ldb: lb.leading, beta: 0, c: out.pointer, ldc: n, threads: threads)
    if shouldRecord(a, b) {
      out.setGradFn("mm", [a, b]) { _, g, inputs in
        let (x, y) = (inputs[0], inputs[1])
        let threads = Parallelism.threadCount
        if x.requiresGrad {
          // dA = dC · Bᵀ
          x.withGradBuffer { gx, accumulate in
            sgemm(transA: false, transB: !lb.transposed, m: m, n: k, k: n, a: g.pointer, lda: n,
                  b: y.pointer, ldb: lb.leading, beta: accumulate ? 1 : 0, c: gx, ldc: k, threads: threads)
          }
        }
        if y.requiresGrad {
          // dB = Aᵀ · dC
          y.withGradBuffer { gy, accumulate in
            sgemm(transA: !la.transposed, transB: false, m: k, n: n, k: m, a: x.pointer, lda: la.leading,
                  b: g.pointer, ldb: n, beta: accumulate ? 1 : 0, c: gy, ldc: n, threads: threads)
          }
        }
      }
    }
    out.checkAnomaly("matmul", a, b)
    return out
  }

  /// For each index of the broadcast batch shape (row-major), the offset of that batch's matrix
  /// in an operand whose own batch dims are `shape` with `strides`.
  static func batchOffsets(_ batch: [Int], shape: [Int], strides: [Int]) -> [Int] {
    let st = broadcastStrides(shape: shape, strides: strides, to: batch)
    let total = elementCount(batch)
    var offsets = [Int](repeating: 0, count: total)
    var index = [Int](repeating: 0, count: batch.count)
    var off = 0
    for i in 0..<total {
      offsets[i] = off
      var d = batch.count - 1
      while d >= 0 {
        index[d] += 1
        off += st[d]
        if index[d] < batch[d] { break }
        off -= st[d] * batch[d]
        index[d] = 0
        d -= 1
      }
    }
    return offsets
  }

  /// Matrix product (PyTorch's `a @ b`).
  public static func • (a: Tensor, b: Tensor) -> Tensor { a.matmul(b) }
}

/// Matrix product (PyTorch's `torch.matmul(a, b)` / `a @ b`).
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor { a.matmul(b) }
