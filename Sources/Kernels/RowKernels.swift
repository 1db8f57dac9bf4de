import Foundation

// Row-wise kernels on row-major `rows × cols` float matrices: the softmax family (the loops of
// SoftmaxKernels.swift, which Tensor runs) and sums.
//
// Every reduction runs in a fixed order (16 lane-wise partial results over the row, then the 16
// lanes added in lane order, then the ragged tail), so results never depend on threads or timing.
// Large inputs are split across threads by whole rows (`Parallelism.forEachRowRange`): one row is
// always computed by one thread, in the same order as single-threaded.

/// Softmax of each row: `y[i, j] = exp(x[i, j] − maxⱼ x[i, ·]) / Σⱼ exp(x[i, j] − max)`.
///
/// Subtracting the row maximum first makes large logits safe (the largest exponent is 0); the
/// exponentials are vectorised and summed in a fixed order. `x` and `y` may be the same buffer.
/// A row holding NaN becomes NaN; so does a row of all `-inf`, as in PyTorch.
public func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
  guard rows >= 0, cols >= 0 else { fatalError("softmaxRows: negative shape [\(rows), \(cols)]") }
  softmaxForward(x, y, rows: rows, cols: cols, log: false)
}

/// Log-softmax of each row: `y[i, j] = (x[i, j] − max) − log Σⱼ exp(x[i, j] − max)`.
///
/// The numerically stable form used by cross-entropy: never takes the log of a rounded-to-zero
/// probability. `x` and `y` may be the same buffer.
public func logSoftmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
  guard rows >= 0, cols >= 0 else { fatalError("logSoftmaxRows: negative shape [\(rows), \(cols)]") }
  softmaxForward(x, y, rows: rows, cols: cols, log: true)
}

/// Sum of each row: `y[i] = Σⱼ x[i, j]` (`rows` outputs; reduces over the columns, like
/// `x.sum(1)`), 16 lane-wise partial sums per row added in a fixed order.
public func sumRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
  guard rows >= 0, cols >= 0 else { fatalError("sumRows: negative shape [\(rows), \(cols)]") }
  Parallelism.forEachRowRange(rows, cols: cols) { range in
    for i in range {
      let row = x + i &* cols
      let raw = UnsafeRawPointer(row)
      var lanes = SIMD16<Float>()
      var j = 0
      while j &+ 16 <= cols {
        lanes += raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
        j &+= 16
      }
      var total: Float = 0
      for lane in 0..<16 { total += lanes[lane] }
      while j < cols {
        total += row[j]
        j &+= 1
      }
      y[i] = total
    }
  }
}

/// Sum of each column: `y[j] = Σᵢ x[i, j]` (`cols` outputs; reduces over the rows, like
/// `x.sum(0)`, e.g. a bias gradient), adding rows in order. With `accumulate`, the sums are
/// added to `y` instead of overwriting it. `y` must not overlap `x`.
public func sumColumns(
  _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int, accumulate: Bool = false
) {
  guard rows >= 0, cols >= 0 else { fatalError("sumColumns: negative shape [\(rows), \(cols)]") }
  if !accumulate { y.update(repeating: 0, count: cols) }
  let target = UnsafeMutableRawPointer(y)
  for i in 0..<rows {
    let row = x + i &* cols
    let source = UnsafeRawPointer(row)
    var j = 0
    while j &+ 16 <= cols {
      let sum = UnsafeRawPointer(target).loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
        + source.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
      target.storeBytes(of: sum, toByteOffset: j &* 4, as: SIMD16<Float>.self)
      j &+= 16
    }
    while j < cols {
      y[j] += row[j]
      j &+= 1
    }
  }
}

/// Copies `row` (`cols` floats) into each of the `rows` rows of `out` (row stride `cols`): a bias
/// broadcast before a GEMM accumulates onto it. 16-lane copies (a `memmove` call per short row
/// cost more than the copy), rows split across threads for large outputs.
public func fillRows(_ out: UnsafeMutablePointer<Float>, rows: Int, cols: Int, with row: UnsafePointer<Float>) {
  Parallelism.forEachRowRange(rows, cols: cols) { range in
    for r in range {
      let dst = out + r * cols
      forEach16(cols, { j in store16(dst, j, load16(row, j)) }, { j in dst[j] = row[j] })
    }
  }
}
