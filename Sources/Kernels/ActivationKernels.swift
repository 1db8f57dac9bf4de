import Foundation

// GELU with the tanh approximation (`nn.GELU(approximate='tanh')`, GPT-2's MLP) as a
// forward/backward pair over raw buffers, 16 lanes at a time on `tanh16` (the backward recomputes
// tanh from the input instead of keeping it), beside a plain scalar reference. Large inputs split
// across threads in ranges that start at multiples of 16, so every element takes the same path
// (vector lane or scalar tail) as single-threaded: bit-identical for any thread count.

/// `y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` for `count` floats.
public func geluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
  Parallelism.forEachRange(n) { r in
    var j = r.lowerBound
    while j + 16 <= r.upperBound {
      store16(y, j, gelu16(load16(x, j)))
      j += 16
    }
    while j < r.upperBound { y[j] = geluScalar(x[j]).y; j += 1 }
  }
}

/// `dx = g · GELU'(x)` for `count` floats (overwrites `dx`).
public func geluBackward(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count n: Int) {
  Parallelism.forEachRange(n) { r in
    var j = r.lowerBound
    while j + 16 <= r.upperBound {
      store16(dx, j, load16(g, j) * geluDerivative16(load16(x, j)))
      j += 16
    }
    while j < r.upperBound { dx[j] = g[j] * geluScalar(x[j]).dy; j += 1 }
  }
}

/// The plain scalar GELU (libm `tanh`, one element at a time): the reference `geluForward` is
/// tested against (to float rounding: `tanh16` is a polynomial).
public func geluForwardReference(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count {
    let v = x[i]
    y[i] = 0.5 * v * (1 + Foundation.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))
  }
}

private let geluK: Float = 0.7978845608028654  // √(2/π)
private let geluC: Float = 0.044715

/// GELU of 16 lanes.
@inline(__always)
private func gelu16(_ v: SIMD16<Float>) -> SIMD16<Float> {
  let v3: SIMD16<Float> = v * v * v
  let u: SIMD16<Float> = geluK * (v + geluC * v3)
  let half: SIMD16<Float> = 0.5 * v
  return half * (1 + tanh16(u))
}

/// d GELU/dx of 16 lanes: ½(1 + t) + ½x(1 − t²)·k(1 + 3c·x²), t = tanh(k(x + c·x³)).
@inline(__always)
private func geluDerivative16(_ v: SIMD16<Float>) -> SIMD16<Float> {
  let v2: SIMD16<Float> = v * v
  let u: SIMD16<Float> = geluK * (v + geluC * v2 * v)
  let t = tanh16(u)
  let left: SIMD16<Float> = 0.5 * (1 + t)
  let inner: SIMD16<Float> = geluK * (1 + 3 * geluC * v2)
  let right: SIMD16<Float> = 0.5 * v * (1 - t * t) * inner
  return left + right
}

/// GELU and its derivative at one point (the tail of the vector loops).
func geluScalar(_ x: Float) -> (y: Float, dy: Float) {
  let t = tanh16(SIMD16(repeating: geluK * (x + geluC * x * x * x)))[0]
  return (0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * geluK * (1 + 3 * geluC * x * x))
}


// ReLU as a forward/backward pair over raw buffers, 16 lanes at a time. Each lane performs the
// scalar definition exactly (`max(x, 0)` = `0 >= x ? 0 : x`, so NaN passes through and −0
// becomes +0; the gradient `g · (x > 0 ? 1 : 0)`, so a negative g times 0 is −0), hence equal to
// the engine's element-by-element loop in every bit, on any split into ranges.

/// `y = max(x, 0)` for `count` floats (Swift's `max(x, 0)`; `x` and `y` may be the same buffer).
@inlinable
public func reluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
  let zero = SIMD16<Float>()
  forEach16(n, { j in
    let v = load16(x, j)
    store16(y, j, v.replacing(with: zero, where: zero .>= v))
  }, { j in y[j] = Swift.max(x[j], 0) })
}

/// `dx = g · (x > 0 ? 1 : 0)`, or `dx += …` with `accumulate`, for `count` floats.
@inlinable
public func reluBackward(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                         count n: Int, accumulate: Bool) {
  let zero = SIMD16<Float>(), one = SIMD16<Float>(repeating: 1)
  if accumulate {
    forEach16(n, { j in
      let x16 = load16(x, j)
      store16(dx, j, load16(dx, j) + load16(g, j) * zero.replacing(with: one, where: x16 .> zero))
    }, { j in dx[j] += g[j] * (x[j] > 0 ? 1 : 0) })
  } else {
    forEach16(n, { j in
      let x16 = load16(x, j)
      store16(dx, j, load16(g, j) * zero.replacing(with: one, where: x16 .> zero))
    }, { j in dx[j] = g[j] * (x[j] > 0 ? 1 : 0) })
  }
}
