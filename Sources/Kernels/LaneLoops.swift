// The 16-lane loop shapes the fused kernels are written in. A lane loop keeps one running value
// per lane and adds the lanes in a fixed order at the end, so its results never depend on threads.

/// Σ f(j) over j < n with 16 independent lanes (vectorised; fixed order, thread-independent):
/// `f(j)` gives elements j…j+15, `scalar(j)` one element of the ragged tail.
@inlinable @inline(__always)
public func laneSum(_ n: Int, _ f: (Int) -> SIMD16<Float>, scalar: (Int) -> Float) -> Float {
  var acc = SIMD16<Float>(repeating: 0)
  var j = 0
  while j + 16 <= n { acc += f(j); j += 16 }
  var s = acc.sum()
  while j < n { s += scalar(j); j += 1 }
  return s
}

/// Runs `vector(j)` for j = 0, 16, 32, … while 16 elements remain, then `scalar(j)` for the tail.
@inlinable @inline(__always)
public func forEach16(_ n: Int, _ vector: (Int) -> Void, _ scalar: (Int) -> Void) {
  var j = 0
  while j + 16 <= n { vector(j); j += 16 }
  while j < n { scalar(j); j += 1 }
}

/// 16 floats starting at `p + j`.
@inlinable @inline(__always)
public func load16(_ p: UnsafePointer<Float>, _ j: Int) -> SIMD16<Float> {
  UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<Float>.self)
}

/// Writes 16 floats at `p + j`.
@inlinable @inline(__always)
public func store16(_ p: UnsafeMutablePointer<Float>, _ j: Int, _ v: SIMD16<Float>) {
  UnsafeMutableRawPointer(p + j).storeBytes(of: v, as: SIMD16<Float>.self)
}
