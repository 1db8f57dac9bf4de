// The one generic loop nest behind every strided op (copies, broadcasting, reductions).
//
// Up to three operands (usually: destination, first source, second source) are described by their
// own strides over one common shape. Dims are first coalesced (dims of size 1 dropped, adjacent dims
// merged when every operand walks them as one), so a contiguous tensor becomes one long row. The
// caller's `row` closure then runs once per innermost row with the three start offsets and inner
// strides, and holds the tight loop. Per element there is no closure call and no dispatch.

import Kernels

/// Drops size-1 dims and merges adjacent dims that all three stride lists traverse contiguously.
func coalesce(_ shape: [Int], _ s0: [Int], _ s1: [Int], _ s2: [Int]) -> ([Int], [Int], [Int], [Int]) {
  var sh: [Int] = [], a: [Int] = [], b: [Int] = [], c: [Int] = []
  sh.reserveCapacity(shape.count)
  for d in 0..<shape.count where shape[d] != 1 {
    if let last = sh.last,
       a[a.count - 1] == s0[d] &* shape[d], b[b.count - 1] == s1[d] &* shape[d], c[c.count - 1] == s2[d] &* shape[d] {
      sh[sh.count - 1] = last &* shape[d]
      a[a.count - 1] = s0[d]; b[b.count - 1] = s1[d]; c[c.count - 1] = s2[d]
    } else {
      sh.append(shape[d]); a.append(s0[d]); b.append(s1[d]); c.append(s2[d])
    }
  }
  return (sh, a, b, c)
}

/// Runs `row(n, o0, d0, o1, d1, o2, d2)` for every innermost row of `shape`, where `oK` is operand
/// K's offset of the row's first element and `dK` its stride along the row. Rows are visited in
/// row-major order, so accumulations happen in a fixed, thread-independent order.
@inline(__always)
func forEachRow(_ shape: [Int], _ s0: [Int], _ s1: [Int], _ s2: [Int],
                _ row: (_ n: Int, _ o0: Int, _ d0: Int, _ o1: Int, _ d1: Int, _ o2: Int, _ d2: Int) -> Void) {
  if elementCount(shape) == 0 { return }
  let (sh, a, b, c) = coalesce(shape, s0, s1, s2)
  let rank = sh.count
  if rank == 0 { row(1, 0, 0, 0, 0, 0, 0); return }
  let n = sh[rank - 1], d0 = a[rank - 1], d1 = b[rank - 1], d2 = c[rank - 1]
  if rank == 1 { row(n, 0, d0, 0, d1, 0, d2); return }
  if rank == 2 {
    for i in 0..<sh[0] { row(n, i &* a[0], d0, i &* b[0], d1, i &* c[0], d2) }
    return
  }
  var index = [Int](repeating: 0, count: rank - 1)
  var o0 = 0, o1 = 0, o2 = 0
  let outer = elementCount(Array(sh[0..<(rank - 1)]))
  for _ in 0..<outer {
    row(n, o0, d0, o1, d1, o2, d2)
    var d = rank - 2
    while d >= 0 {
      index[d] += 1
      o0 &+= a[d]; o1 &+= b[d]; o2 &+= c[d]
      if index[d] < sh[d] { break }
      o0 &-= a[d] &* sh[d]; o1 &-= b[d] &* sh[d]; o2 &-= c[d] &* sh[d]
      index[d] = 0
      d -= 1
    }
  }
}

/// A binary element function as a value type: loops generic over it are specialised per op,
/// so the function is inlined and the loop vectorised (a closure argument would cost an indirect
/// call per element).
protocol ElementFunction {
  func callAsFunction(_ a: Float, _ b: Float) -> Float
}

/// `a + scale · b` (gradient accumulation, SGD steps).
struct AddScaledFunction: ElementFunction {
  let scale: Float
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + scale * b }
}
/// `1` where `a == b`, else `0`.
struct EqualFunction: ElementFunction { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a == b ? 1 : 0 } }

/// `dst[i] = f(a[i], b[i])` over a common shape, each operand with its own strides (0 = broadcast).
func stridedBinary<F: ElementFunction>(_ shape: [Int],
                                        dst: UnsafeMutablePointer<Float>, _ ds: [Int],
                                        _ a: UnsafePointer<Float>, _ sa: [Int],
                                        _ b: UnsafePointer<Float>, _ sb: [Int],
                                        _ f: F) {
  forEachRow(shape, ds, sa, sb) { n, o0, d0, o1, d1, o2, d2 in
    let out = dst + o0, x = a + o1, y = b + o2
    if d0 == 1 && d1 == 1 && d2 == 1 {
      for j in 0..<n { out[j] = f(x[j], y[j]) }
    } else if d0 == 1 && d1 == 1 && d2 == 0 {
      let yv = y[0]
      for j in 0..<n { out[j] = f(x[j], yv) }
    } else if d0 == 1 && d1 == 0 && d2 == 1 {
      let xv = x[0]
      for j in 0..<n { out[j] = f(xv, y[j]) }
    } else {
      for j in 0..<n { out[j &* d0] = f(x[j &* d1], y[j &* d2]) }
    }
  }
}

/// `dst[i] = a[i]` over a shape, both operands with their own strides (layout changes).
func stridedCopy(_ shape: [Int],
                 dst: UnsafeMutablePointer<Float>, _ ds: [Int],
                 _ a: UnsafePointer<Float>, _ sa: [Int]) {
  forEachRow(shape, ds, sa, sa) { n, o0, d0, o1, d1, _, _ in
    let out = dst + o0, x = a + o1
    if d0 == 1 && d1 == 1 {
      out.update(from: x, count: n)
    } else {
      for j in 0..<n { out[j &* d0] = x[j &* d1] }
    }
  }
}

/// Sum of `n` contiguous floats in the engine's fixed pairwise order (`Kernels.pairwiseSum`).
@inline(__always)
func contiguousSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float { pairwiseSum(x, n) }

/// Column sums of a row-major `rows × columns` block into `out` (overwritten): rows added one
/// after another up to 32 rows, pairwise over halves beyond, so long reductions along dim 0
/// (`counts.sum(0)` over 228,146 rows) stay as accurate as `contiguousSum`.
func columnSums(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
  if rows == 0 { out.initialize(repeating: 0, count: columns); return }
  if rows <= 32 {
    out.update(from: x, count: columns)
    for r in 1..<rows {
      let row = x + r * columns
      for j in 0..<columns { out[j] += row[j] }
    }
    return
  }
  let half = rows / 2
  columnSums(x, rows: half, columns: columns, into: out)
  let rest = UnsafeMutablePointer<Float>.allocate(capacity: columns)
  defer { rest.deallocate() }
  columnSums(x + half * columns, rows: rows - half, columns: columns, into: rest)
  for j in 0..<columns { out[j] += rest[j] }
}
