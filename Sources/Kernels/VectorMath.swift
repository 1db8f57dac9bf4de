import Foundation

/// Element-wise `y[i] = exp(x[i])` for `count` floats (`x` and `y` may be the same buffer).
/// NOTE: reference implementation; the SIMD16 polynomial version replaces the body.
public func vexp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count { y[i] = Foundation.exp(x[i]) }
}

/// Element-wise `y[i] = tanh(x[i])` for `count` floats (`x` and `y` may be the same buffer).
/// NOTE: reference implementation; the SIMD version replaces the body.
public func vtanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count { y[i] = Foundation.tanh(x[i]) }
}
