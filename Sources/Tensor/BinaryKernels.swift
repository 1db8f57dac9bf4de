import Kernels

// Tensor's side of the element-wise fast path: the `ElementOp` rows live in Kernels
// (BinaryRowKernels.swift); here they are reached from any strided layout. Dims are coalesced,
// and a block of rows over a contiguous destination runs as `binaryRows` (split across threads
// above `Parallelism.elementGrain` elements, by rows or, for one long row, by element ranges: the
// same operations, any thread count); other layouts run row by row through `binaryRow` or the
// scalar `stridedRow`.

/// The op on one pair of scalars: the element function of the scalar reference loop
/// (`stridedBinary(_:…, _ f:)`), which the vectorised rows are tested against bit for bit.
extension ElementOp: ElementFunction {
  @inline(__always)
  func callAsFunction(_ a: Float, _ b: Float) -> Float { apply(a, b) }
}

/// `dst[i] = op(a[i], b[i])` over a common shape, each operand with its own strides (0 =
/// broadcast): the rows `forEachRow` finds go through the vectorised `binaryRow` whenever the
/// destination is contiguous along them, else through the scalar `stridedRow`.
func stridedBinary(_ shape: [Int],
                   dst: UnsafeMutablePointer<Float>, _ ds: [Int],
                   _ a: UnsafePointer<Float>, _ sa: [Int],
                   _ b: UnsafePointer<Float>, _ sb: [Int],
                   op: ElementOp) {
  // The common case first: after coalescing, a block of rows over a contiguous destination.
  let (sh, s0, s1, s2) = coalesce(shape, ds, sa, sb)
  if sh.count == 2 && s0[0] == sh[1] && s0[1] == 1 && (s1[1] == 0 || s1[1] == 1) && (s2[1] == 0 || s2[1] == 1) {
    let (rows, n) = (sh[0], sh[1])
    if rows == 1 {
      // One long row: split it into element ranges (each element is one independent operation).
      Parallelism.forEachRange(n) { r in
        binaryRows(op, rows: 1, r.count, dst + r.lowerBound, a + r.lowerBound * s1[1], s1[1], 0,
                   b + r.lowerBound * s2[1], s2[1], 0)
      }
    } else {
      Parallelism.forEachRowRange(rows, cols: n) { r in
        let i = r.lowerBound
        binaryRows(op, rows: r.count, n, dst + i * n, a + i * s1[0], s1[1], s1[0], b + i * s2[0], s2[1], s2[0])
      }
    }
    return
  }
  forEachRow(shape, ds, sa, sb) { n, o0, d0, o1, d1, o2, d2 in
    if (d0 == 1 || n == 1) && (d1 == 0 || d1 == 1) && (d2 == 0 || d2 == 1) {
      binaryRow(op, n, dst + o0, a + o1, d1, b + o2, d2)
    } else {
      stridedRow(op, n, dst + o0, d0, a + o1, d1, b + o2, d2)
    }
  }
}
