import Foundation

// Row-wise kernels on row-major `rows × cols` float matrices: the softmax family and sums.
//
// Every reduction runs in a fixed order (16 lane-wise partial results over the row, then the 16
// lanes added in lane order, then the ragged tail), so results never depend on threads or timing.
// Large inputs are split across threads by whole rows (`Parallelism.forEachRowRange`): one row is
// always computed by one thread, in the same order as single-threaded.

/// The largest element of a row (NaNs are skipped here; they still poison the row's softmax).
@inline(__always)
func rowMaximum(_ row: UnsafePointer<Float>, count: Int) -> Float {
  let raw = UnsafeRawPointer(row)
  var best = -Float.infinity
  var j = 0
  if count >= 16 {
    var lanes = SIMD16<Float>(repeating: -.infinity)
    while j &+ 16 <= count {
      let v = raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
      lanes = lanes.replacing(with: v, where: v .> lanes)
      j &+= 16
    }
    for lane in 0..<16 where lanes[lane] > best { best = lanes[lane] }
  }
  while j < count {
    if row[j] > best { best = row[j] }
    j &+= 1
  }
  return best
}

/// Writes `exp(row[j] − shift)` to `out` and returns the sum of what it wrote.
@inline(__always)
func shiftedExponentials(
  _ row: UnsafePointer<Float>, shift: Float, into out: UnsafeMutablePointer<Float>, count: Int
) -> Float {
  let source = UnsafeRawPointer(row), target = UnsafeMutableRawPointer(out)
  let s = SIMD16<Float>(repeating: shift)
  var lanes = SIMD16<Float>()
  var j = 0
  while j &+ 16 <= count {
    let e = exp16(source.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self) - s)
    target.storeBytes(of: e, toByteOffset: j &* 4, as: SIMD16<Float>.self)
    lanes += e
    j &+= 16
  }
  var total: Float = 0
  for lane in 0..<16 { total += lanes[lane] }
  if j < count {
    var v = SIMD16<Float>(repeating: shift)
    for lane in 0..<(count &- j) { v[lane] = row[j &+ lane] }
    let e = exp16(v - s)
    for lane in 0..<(count &- j) {
      out[j &+ lane] = e[lane]
      total += e[lane]
    }
  }
  return total
}

/// Softmax of each row: `y[i, j] = exp(x[i, j] − maxⱼ x[i, ·]) / Σⱼ exp(x[i, j] − max)`.
///
/// Subtracting the row maximum first makes large logits safe (the largest exponent is 0); the
/// exponentials are vectorised and summed in a fixed order. `x` and `y` may be the same buffer.
/// A row holding NaN becomes NaN; so does a row of all `-inf`, as in PyTorch.
public func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
  guard rows >= 0, cols >= 0 else { fatalError("softmaxRows: negative shape [\(rows), \(cols)]") }
  Parallelism.forEachRowRange(rows, cols: cols) { range in
  for i in range {
    let row = x + i &* cols, out = y + i &* cols
    let total = shiftedExponentials(row, shift: rowMaximum(row, count: cols), into: out, count: cols)
    let raw = UnsafeMutableRawPointer(out)
    let t = SIMD16<Float>(repeating: total)
    var j = 0
    while j &+ 16 <= cols {
      let v = UnsafeRawPointer(raw).loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
      raw.storeBytes(of: v / t, toByteOffset: j &* 4, as: SIMD16<Float>.self)
      j &+= 16
    }
    while j < cols {
      out[j] = out[j] / total
      j &+= 1
    }
  }
  }
}

/// Log-softmax of each row: `y[i, j] = (x[i, j] − max) − log Σⱼ exp(x[i, j] − max)`.
///
/// The numerically stable form used by cross-entropy: never takes the log of a rounded-to-zero
/// probability. `x` and `y` may be the same buffer.
public func logSoftmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
  guard rows >= 0, cols >= 0 else { fatalError("logSoftmaxRows: negative shape [\(rows), \(cols)]") }
  guard cols > 0 else { return }
  // The exponentials go to a scratch row so that `y` may alias `x`.
  Parallelism.forEachRowRange(rows, cols: cols) { range in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: cols) { scratch in
      let exps = scratch.baseAddress!
      for i in range {
        let row = x + i &* cols, out = y + i &* cols
        let maximum = rowMaximum(row, count: cols)
        let logTotal = Foundation.log(shiftedExponentials(row, shift: maximum, into: exps, count: cols))
        for j in 0..<cols { out[j] = (row[j] - maximum) - logTotal }
      }
    }
  }
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
