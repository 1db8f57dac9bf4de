// Shape arithmetic shared by every op: row-major strides, PyTorch's broadcasting rule, and the
// normalisation of negative dims. Misuse stops with a message naming the op and the shapes.

/// Row-major (C-order) strides of a contiguous tensor of `shape`.
@inline(__always)
func contiguousStrides(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  var s = 1
  var d = shape.count - 1
  while d >= 0 {
    strides[d] = s
    s &*= shape[d]
    d -= 1
  }
  return strides
}

/// Number of elements of a tensor of `shape` (1 for a 0-d scalar).
@inline(__always)
func elementCount(_ shape: [Int]) -> Int {
  var n = 1
  for s in shape { n &*= s }
  return n
}

/// Formats a shape the way error messages print it: `[32, 27]`.
func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

/// Maps a possibly negative `dim` (`-1` = last) into `0..<rank`, or stops naming `op`.
@inline(__always)
func normalizeDim(_ dim: Int, rank: Int, op: String) -> Int {
  let d = dim < 0 ? dim + rank : dim
  if d < 0 || d >= Swift.max(rank, 1) {
    fatalError("\(op): dim \(dim) is out of range for a tensor of rank \(rank)")
  }
  return d
}

/// PyTorch's broadcasting rule: align shapes on the right; each pair of sizes must be equal or one
/// of them 1; missing leading dims count as 1. Stops with a message naming `op` and both shapes.
func broadcastShapes(_ a: [Int], _ b: [Int], op: String) -> [Int] {
  if a == b { return a }
  let rank = Swift.max(a.count, b.count)
  var out = [Int](repeating: 1, count: rank)
  for i in 0..<rank {
    let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
    let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
    if da == db || db == 1 {
      out[i] = da
    } else if da == 1 {
      out[i] = db
    } else {
      fatalError("\(op): shapes \(describe(a)) and \(describe(b)) cannot be broadcast (dim \(i): \(da) vs \(db))")
    }
  }
  return out
}

/// Strides that read a tensor of `shape`/`strides` as if it had the (broadcast) shape `target`:
/// stride 0 along dims where the tensor has size 1 or is missing.
func broadcastStrides(shape: [Int], strides: [Int], to target: [Int]) -> [Int] {
  let lead = target.count - shape.count
  var out = [Int](repeating: 0, count: target.count)
  for i in 0..<shape.count where shape[i] != 1 || target[lead + i] == 1 {
    out[lead + i] = shape[i] == 1 ? 0 : strides[i]
  }
  return out
}

/// Resolves one `-1` in a requested view shape from the element count, checking the total.
func inferShape(_ requested: [Int], count: Int, op: String, from shape: [Int]) -> [Int] {
  var out = requested
  var inferAt: Int? = nil
  var known = 1
  for (i, s) in requested.enumerated() {
    if s == -1 {
      if inferAt != nil { fatalError("\(op): only one dimension can be -1 in \(describe(requested))") }
      inferAt = i
    } else if s < 0 {
      fatalError("\(op): invalid size \(s) in \(describe(requested))")
    } else {
      known *= s
    }
  }
  if let i = inferAt {
    if known == 0 || count % known != 0 {
      fatalError("\(op): shape \(describe(requested)) is invalid for input of shape \(describe(shape)) (\(count) elements)")
    }
    out[i] = count / known
  } else if known != count {
    fatalError("\(op): shape \(describe(requested)) is invalid for input of shape \(describe(shape)) (\(count) elements)")
  }
  return out
}

/// Stops with `message` when `condition` is false, in every build configuration. (The engine is
/// compiled with `-O`, where `precondition` would stop without printing its message; misuse must
/// say which op and which shapes were involved.)
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
  if !condition { fatalError(message(), file: file, line: line) }
}
