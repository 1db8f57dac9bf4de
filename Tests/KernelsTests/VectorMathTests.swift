import Foundation
import Kernels
import Testing

/// Distance from `value` to the exact `reference`, in units of the float spacing at the reference
/// (the subnormal spacing for tiny results, so relative error is not demanded where floats have
/// no relative precision).
func ulpError(_ value: Float, _ reference: Double) -> Double {
  let rounded = Float(reference)
  let spacing = Double(rounded.isFinite ? max(rounded.magnitude.ulp, Float.leastNonzeroMagnitude) : Float.greatestFiniteMagnitude.ulp)
  return abs(Double(value) - reference) / spacing
}

/// Inputs from `lower` to `upper` in `steps` equal steps, plus the special values every
/// transcendental must get right.
func sweep(_ lower: Float, _ upper: Float, steps: Int) -> [Float] {
  var xs = (0...steps).map { lower + (upper - lower) * Float($0) / Float(steps) }
  for e in stride(from: -45, through: 1, by: 1) {
    let v = Float(pow(10.0, Double(e)))
    xs += [v, -v, v * 3.7, -v * 3.7]
  }
  xs += [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
         88.7, -88.7, 88.72, 100, -100, 1e30, -1e30, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
  return xs
}

/// Runs an array kernel on `xs`.
func apply(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, _ xs: [Float]) -> [Float] {
  var ys = [Float](repeating: .nan, count: xs.count)
  xs.withUnsafeBufferPointer { x in ys.withUnsafeMutableBufferPointer { y in kernel(x.baseAddress!, y.baseAddress!, xs.count) } }
  return ys
}

@Suite("vectorised exp, tanh, sigmoid")
struct VectorMathTests {
  @Test("vexp is within 1.5 ulp of exp over the whole float range")
  func expAccuracy() {
    let xs = sweep(-110, 95, steps: 200_000)
    let ys = apply({ vexp($0, $1, count: $2) }, xs)
    var worst = 0.0, worstX: Float = 0
    for (x, y) in zip(xs, ys) {
      let exact = Foundation.exp(Double(x))
      if exact > Double(Float.greatestFiniteMagnitude) * (1 + 0x1p-25) {
        #expect(y == .infinity, "exp(\(x)) = \(y), expected +inf")
        continue
      }
      let error = ulpError(y, exact)
      if error > worst { worst = error; worstX = x }
    }
    #expect(worst <= 1.5, "worst error \(worst) ulp at x = \(worstX)")
  }

  @Test("vexp special values: 0, ±inf, NaN, overflow, underflow")
  func expSpecialValues() {
    let xs: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 89, 1000, -104, -1000, 1]
    let ys = apply({ vexp($0, $1, count: $2) }, xs)
    #expect(ys[0] == 1 && ys[1] == 1)
    #expect(ys[2] == .infinity && ys[3] == 0)
    #expect(ys[4].isNaN)
    #expect(ys[5] == .infinity && ys[6] == .infinity)
    #expect(ys[7] == 0 && ys[8] == 0)
    #expect(abs(ys[9] - 2.7182817) <= Float(2.7182817).ulp)
  }

  @Test("vtanh is within 2 ulp of tanh, odd, and saturates to ±1")
  func tanhAccuracy() {
    let xs = sweep(-12, 12, steps: 200_000)
    let ys = apply({ vtanh($0, $1, count: $2) }, xs)
    var worst = 0.0, worstX: Float = 0
    for (x, y) in zip(xs, ys) {
      let error = ulpError(y, Foundation.tanh(Double(x)))
      if error > worst { worst = error; worstX = x }
    }
    #expect(worst <= 2, "worst error \(worst) ulp at x = \(worstX)")
    let negated = apply({ vtanh($0, $1, count: $2) }, xs.map { -$0 })
    #expect(zip(ys, negated).allSatisfy { $0 == -$1 }, "tanh(-x) != -tanh(x)")
  }

  @Test("vtanh special values: ±0, tiny, large, ±inf, NaN")
  func tanhSpecialValues() {
    let xs: [Float] = [0, -0.0, 1e-30, -1e-30, .leastNonzeroMagnitude, 9.5, -9.5, 100, -100, .infinity, -.infinity, .nan]
    let ys = apply({ vtanh($0, $1, count: $2) }, xs)
    #expect(ys[0] == 0 && ys[0].sign == .plus)
    #expect(ys[1] == 0 && ys[1].sign == .minus)
    #expect(ys[2] == 1e-30 && ys[3] == -1e-30 && ys[4] == .leastNonzeroMagnitude)
    #expect(ys[5] == 1 && ys[6] == -1 && ys[7] == 1 && ys[8] == -1 && ys[9] == 1 && ys[10] == -1)
    #expect(ys[11].isNaN)
  }

  @Test("vsigmoid matches 1/(1+exp(-x)) and handles the extremes")
  func sigmoid() {
    let xs = sweep(-100, 100, steps: 20_000) + [.infinity, -.infinity]
    let ys = apply({ vsigmoid($0, $1, count: $2) }, xs)
    var worst = 0.0
    for (x, y) in zip(xs, ys) where x.isFinite {
      worst = max(worst, ulpError(y, 1 / (1 + Foundation.exp(-Double(x)))))
    }
    #expect(worst <= 3, "worst error \(worst) ulp")
    #expect(ys[ys.count - 2] == 1 && ys[ys.count - 1] == 0)
  }

  @Test("in-place use and ragged lengths")
  func inPlaceAndTails() {
    for count in [0, 1, 15, 16, 17, 33] {
      var xs = sweep(-3, 3, steps: count).prefix(count).map { $0 }
      let expected = xs.map { Foundation.exp($0) }
      xs.withUnsafeMutableBufferPointer { p in if let base = p.baseAddress { vexp(base, base, count: count) } }
      #expect(zip(xs, expected).allSatisfy { abs($0 - $1) <= 2 * $1.ulp }, "count \(count)")
    }
  }
}
