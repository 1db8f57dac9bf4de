import Tensor

/// Central finite-difference checks of autograd gradients, shared by the Tensor, NN and lecture
/// test targets.
///
/// For a function `f` of some leaf tensors, autograd's gradient of the scalar
/// `L = Σ f(inputs) · w` (with fixed pseudo-random weights `w` in [−1, 1], so every output
/// element matters and errors cannot cancel) is compared element by element with
/// `(L(x + h) − L(x − h)) / 2h`.
///
/// Precision: the engine computes in Float32. `L` is accumulated in Float64 from the Float32
/// outputs, so its rounding error is about `ε₃₂ · Σ|outᵢ·wᵢ|` ≈ 6e-8 · (size of the output).
/// With h = 1e-2 on O(1) inputs the truncation error of the central difference is
/// `h²/6 · |f'''|` ≈ 2e-5 and the rounding error divided by 2h stays below ~1e-4 for outputs of a
/// few hundred elements; hence a default tolerance of `|num − auto| ≤ 2e-3 + 1e-2 · |num|`,
/// loose enough for Float32 and tight enough to catch any wrong or missing term (those are
/// O(1) relative errors).
public enum GradCheck {
  /// One element whose gradients disagree.
  public struct Mismatch: CustomStringConvertible, Sendable {
    public let input: Int
    public let index: Int
    public let autograd: Double
    public let numeric: Double
    public var description: String {
      "input \(input) element \(index): autograd \(autograd) vs finite difference \(numeric)"
    }
  }

  /// Fixed weights in [−1, 1] from a small linear congruential generator (deterministic).
  public static func weights(count: Int, seed: UInt64 = 12345) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Float(Double(state >> 40) / Double(1 << 24)) * 2 - 1
    }
  }

  /// Pseudo-random values in [lo, hi] for test inputs (deterministic).
  public static func values(_ count: Int, seed: UInt64, in range: ClosedRange<Float> = -1...1) -> [Float] {
    weights(count: count, seed: seed).map { range.lowerBound + ($0 + 1) / 2 * (range.upperBound - range.lowerBound) }
  }

  /// A leaf tensor of the given shape with pseudo-random values in `range`, requiring grad.
  public static func input(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
    Tensor(values(shape.reduce(1, *), seed: seed, in: range), shape: shape).requiringGrad()
  }

  /// Compares autograd with central differences for every element of every input (which must be
  /// contiguous leaves requiring grad). Returns the disagreeing elements (empty = pass).
  public static func mismatches(_ inputs: [Tensor], h: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 1e-2,
                                _ f: ([Tensor]) -> Tensor) -> [Mismatch] {
    for x in inputs { x.grad = nil }
    let out = f(inputs)
    let w = Tensor(weights(count: out.count), shape: out.shape)
    (out * w).sum().backward()
    let analytic = inputs.map { $0.grad?.scalars ?? [Float](repeating: 0, count: $0.count) }
    let wv = w.scalars.map(Double.init)
    func loss() -> Double {
      Tensor.withNoGrad {
        let o = f(inputs).scalars
        var s = 0.0
        for i in 0..<o.count { s += Double(o[i]) * wv[i] }
        return s
      }
    }
    var bad: [Mismatch] = []
    for (k, x) in inputs.enumerated() {
      for i in 0..<x.count {
        let original = x.withUnsafeMutableBufferPointer { $0[i] }
        x.withUnsafeMutableBufferPointer { $0[i] = original + h }
        let plus = loss()
        x.withUnsafeMutableBufferPointer { $0[i] = original - h }
        let minus = loss()
        x.withUnsafeMutableBufferPointer { $0[i] = original }
        // The step actually taken in Float32 (original ± h is rounded).
        let step = Double(original + h) - Double(original - h)
        let numeric = (plus - minus) / step
        let auto = Double(analytic[k][i])
        if Swift.abs(numeric - auto) > atol + rtol * Swift.abs(numeric) {
          bad.append(Mismatch(input: k, index: i, autograd: auto, numeric: numeric))
        }
      }
    }
    return bad
  }
}
