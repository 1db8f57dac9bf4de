// Vectorised binary rows: the fast path behind every broadcasting element-wise op of `Tensor`
// (`+ − × ÷`, in-place updates, copies), as raw-buffer loops beside their scalar form.
//
// After coalescing (Tensor's `stridedBinary`), any broadcast of two operands over a contiguous
// destination is a loop over rows in which each operand either walks the row (step 1) or repeats
// one value (step 0):
//
//   same-shape contiguous tensors       one long row, both operands step 1
//   (N, C) ∘ (N, 1)  (x / x.sum(1, keepdim: true))   N rows of C, the second operand step 0
//   (N, C) ∘ (1, C)  (a bias, BatchNorm's mean)      N rows of C, both step 1 (the second restarts)
//   x ∘ scalar                          one long row, the second operand step 0
//
// `binaryRows` runs a block of such rows as SIMD16 loops over concrete Float arithmetic (one
// switch per block, no call per element or row). Every element is the same single IEEE operation
// as `ElementOp.apply`, the scalar form Tensor's reference loop uses, so results are bit-identical
// to it (FastPathTests). Tensor splits large blocks across threads by rows or element ranges.

/// The binary element-wise operations: the one definition behind `+ − × ÷` (autograd in
/// Elementwise.swift), their vectorised rows here, and the scalar reference loop.
public enum ElementOp: Sendable {
  /// `a + b`.
  case add
  /// `a − b`.
  case sub
  /// `a · b`.
  case mul
  /// `a / b`.
  case div
  /// `b` (copies or broadcasts the second operand).
  case second

  /// The op's name in graphs and messages (`"add"`).
  public var name: String {
    switch self {
    case .add: "add"
    case .sub: "sub"
    case .mul: "mul"
    case .div: "div"
    case .second: "copy"
    }
  }

  /// The op on one pair of scalars (the reference loop's element function).
  @inlinable @inline(__always)
  public func apply(_ a: Float, _ b: Float) -> Float {
    switch self {
    case .add: a + b
    case .sub: a - b
    case .mul: a * b
    case .div: a / b
    case .second: b
    }
  }
}

/// `out[j] = op(x[j·xStep], y[j·yStep])` for `j < n`, with steps 0 (repeat one value) or 1.
/// `out` may be `x` or `y` itself (in-place updates) but must not otherwise overlap them.
public func binaryRow(_ op: ElementOp, _ n: Int, _ out: UnsafeMutablePointer<Float>,
               _ x: UnsafePointer<Float>, _ xStep: Int, _ y: UnsafePointer<Float>, _ yStep: Int) {
  binaryRows(op, rows: 1, n, out, x, xStep, 0, y, yStep, 0)
}

/// `binaryRow` over `rows` consecutive rows of a contiguous `out` (row r starts at `r·n`); row r
/// of x starts at `r·xRowStride`, of y at `r·yRowStride` (0: every row reads the same values,
/// as a bias; 1 with step 0: one value per row, as `x / x.sum(1, keepdim: true)`). One switch
/// for the whole block, so short rows cost no call each.
public func binaryRows(_ op: ElementOp, rows: Int, _ n: Int, _ out: UnsafeMutablePointer<Float>,
                _ x: UnsafePointer<Float>, _ xStep: Int, _ xRowStride: Int,
                _ y: UnsafePointer<Float>, _ yStep: Int, _ yRowStride: Int) {
  switch op {
  case .add:
    for r in 0..<rows { simdRow(n, out + r &* n, x + r &* xRowStride, xStep, y + r &* yRowStride, yStep) { $0 + $1 } }
  case .sub:
    for r in 0..<rows { simdRow(n, out + r &* n, x + r &* xRowStride, xStep, y + r &* yRowStride, yStep) { $0 - $1 } }
  case .mul:
    for r in 0..<rows { simdRow(n, out + r &* n, x + r &* xRowStride, xStep, y + r &* yRowStride, yStep) { $0 * $1 } }
  case .div:
    for r in 0..<rows { simdRow(n, out + r &* n, x + r &* xRowStride, xStep, y + r &* yRowStride, yStep) { $0 / $1 } }
  case .second:
    for r in 0..<rows { simdRow(n, out + r &* n, x + r &* xRowStride, xStep, y + r &* yRowStride, yStep) { $1 } }
  }
}

/// The loop under `binaryRow` for one concrete `f` (inlined at each call, so `f` is too): full
/// 16-lane blocks, then the ragged tail. A row of at least 16 ends with one block that overlaps
/// the previous one; its result is computed before anything is stored, so an in-place row
/// (`out == x`) still reads the old values, and the overlapped lanes get the same values twice.
/// A shorter row is gathered into one padded vector.
@inline(__always)
func simdRow(_ n: Int, _ out: UnsafeMutablePointer<Float>,
             _ x: UnsafePointer<Float>, _ xStep: Int, _ y: UnsafePointer<Float>, _ yStep: Int,
             _ f: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) {
  if n <= 0 { return }
  let xr = UnsafeRawPointer(x), yr = UnsafeRawPointer(y), o = UnsafeMutableRawPointer(out)
  let xv = SIMD16<Float>(repeating: x[0]), yv = SIMD16<Float>(repeating: y[0])
  if n < 16 {
    var a = xv, b = yv
    for lane in 0..<n {
      if xStep == 1 { a[lane] = x[lane] }
      if yStep == 1 { b[lane] = y[lane] }
    }
    let r = f(a, b)
    for lane in 0..<n { out[lane] = r[lane] }
    return
  }
  let last = n &- 16
  let lastBlock = f(xStep == 1 ? xr.loadUnaligned(fromByteOffset: last &* 4, as: SIMD16<Float>.self) : xv,
                    yStep == 1 ? yr.loadUnaligned(fromByteOffset: last &* 4, as: SIMD16<Float>.self) : yv)
  var j = 0
  if xStep == 1 && yStep == 1 {
    while j < last {
      let a = xr.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
      let b = yr.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
      o.storeBytes(of: f(a, b), toByteOffset: j &* 4, as: SIMD16<Float>.self)
      j &+= 16
    }
  } else if xStep == 1 {
    while j < last {
      let a = xr.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
      o.storeBytes(of: f(a, yv), toByteOffset: j &* 4, as: SIMD16<Float>.self)
      j &+= 16
    }
  } else if yStep == 1 {
    while j < last {
      let b = yr.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
      o.storeBytes(of: f(xv, b), toByteOffset: j &* 4, as: SIMD16<Float>.self)
      j &+= 16
    }
  } else {
    let r = f(xv, yv)
    while j < last {
      o.storeBytes(of: r, toByteOffset: j &* 4, as: SIMD16<Float>.self)
      j &+= 16
    }
  }
  o.storeBytes(of: lastBlock, toByteOffset: last &* 4, as: SIMD16<Float>.self)
}

/// `out[j·d0] = op(x[j·d1], y[j·d2])` for one row with arbitrary steps (transposed operands):
/// the scalar fallback of `stridedBinary(_:op:)`.
public func stridedRow(_ op: ElementOp, _ n: Int, _ out: UnsafeMutablePointer<Float>, _ d0: Int,
                _ x: UnsafePointer<Float>, _ d1: Int, _ y: UnsafePointer<Float>, _ d2: Int) {
  switch op {
  case .add: for j in 0..<n { out[j &* d0] = x[j &* d1] + y[j &* d2] }
  case .sub: for j in 0..<n { out[j &* d0] = x[j &* d1] - y[j &* d2] }
  case .mul: for j in 0..<n { out[j &* d0] = x[j &* d1] * y[j &* d2] }
  case .div: for j in 0..<n { out[j &* d0] = x[j &* d1] / y[j &* d2] }
  case .second: for j in 0..<n { out[j &* d0] = y[j &* d2] }
  }
}

/// Both gradients of `x / y` when y holds one value per row of the last dim
/// (`counts / counts.sum(dim: 1, keepdim: true)`), for `rows` rows of `n`, in one pass over g
/// and x: `gx[r, j] = g[r, j] / y[r]` (skipped when `gx` is nil) and
/// `gy[r] = Σⱼ −(g[r, j]·x[r, j]) / (y[r]·y[r])`. Each term is rounded as in the unfused
/// `(-(g * x) / (y * y)).sum(dim: -1, keepdim: true)` and added in `pairwiseSum`'s order (16
/// lanes, then across lanes, then the tail), so both results are bit-identical to the unfused
/// ops, without their four full-size temporaries. The terms stay in registers: the tail's come
/// from one overlapping block ending at the row's end.
public func divisionGradientsPerRow(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                             gx: UnsafeMutablePointer<Float>?, gy: UnsafeMutablePointer<Float>, rows: Int, n: Int) {
  if n < 16 || n > 256 {
    // Short rows (one padded block) and long ones (pairwise sums) go through a scratch row.
    withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { scratch in
      let t = scratch.baseAddress!
      for r in 0..<rows {
        let squared = y[r] * y[r]
        let gr = g + r &* n, xr = x + r &* n
        for j in 0..<n { t[j] = -(gr[j] * xr[j]) / squared }
        gy[r] = pairwiseSum(t, n)
        if let gx { for j in 0..<n { gx[r &* n &+ j] = gr[j] / y[r] } }
      }
    }
    return
  }
  let last = n &- 16
  for r in 0..<rows {
    let divisor = SIMD16<Float>(repeating: y[r])
    let squared = SIMD16<Float>(repeating: y[r] * y[r])
    let gr = UnsafeRawPointer(g + r &* n), xr = UnsafeRawPointer(x + r &* n)
    let gxr = gx.map { UnsafeMutableRawPointer($0 + r &* n) }
    /// The terms of block `j`; writes that block of gx on the way.
    @inline(__always) func terms(at j: Int) -> SIMD16<Float> {
      let a = gr.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
      let b = xr.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
      gxr?.storeBytes(of: a / divisor, toByteOffset: j &* 4, as: SIMD16<Float>.self)
      return -(a * b) / squared
    }
    var acc = SIMD16<Float>(repeating: 0)
    var j = 0
    while j &+ 16 <= n {
      acc += terms(at: j)
      j &+= 16
    }
    var s = acc.sum()
    if j < n {
      let tail = terms(at: last)
      while j < n { s += tail[j &- last]; j &+= 1 }
    }
    gy[r] = s
  }
}
