import Kernels
import Tensor

/// `tanh` as a layer (lecture 4's `Tanh`), the nonlinearity whose saturation the diagnostics watch.
public final class Tanh: Layer {
  /// Unused; kept for `train()` / `eval()`.
  public var training = true
  /// A tanh layer.
  public init() {}
  /// `tanh(x)` element-wise.
  public func callAsFunction(_ x: Tensor) -> Tensor { x.tanh() }
}

/// `max(0, x)` as a layer (lecture 7's feed-forward nonlinearity).
public final class ReLU: Layer {
  /// Unused; kept for `train()` / `eval()`.
  public var training = true
  /// A ReLU layer.
  public init() {}
  /// `relu(x)` element-wise.
  public func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
}

/// GELU with the tanh approximation (`nn.GELU(approximate='tanh')`, GPT-2's MLP, lecture 10).
///
/// Fused: one autograd node whose forward and backward run 16 lanes at a time on
/// `Kernels.tanh16` (the backward recomputes tanh from the input instead of keeping it).
public final class GELU: Layer {
  /// Unused; kept for `train()` / `eval()`.
  public var training = true
  /// One fused node; false uses the engine's `x.gelu()`.
  public var fused = true
  /// A GELU layer.
  public init() {}

  /// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` element-wise.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    guard fused else { return x.gelu() }
    let xc = x.contiguous(), n = xc.count
    let out = xc.withUnsafeBufferPointer { xb in
      Tensor(shape: xc.shape) { ob in
        let xp = xb.baseAddress!, o = ob.baseAddress!
        var j = 0
        while j + 16 <= n {
          store16(o, j, gelu16(load16(xp, j)))
          j += 16
        }
        while j < n { o[j] = geluScalar(xp[j]).y; j += 1 }
      }
    }
    return Tensor.customOp("gelu", inputs: [xc], output: out, freshGradients: true) { g, inputs in
      let dx = g.withUnsafeBufferPointer { gb in
        inputs[0].withUnsafeBufferPointer { xb in
          Tensor(shape: inputs[0].shape) { db in
            let gp = gb.baseAddress!, xp = xb.baseAddress!, d = db.baseAddress!
            var j = 0
            while j + 16 <= n {
              let v = load16(xp, j)
              store16(d, j, load16(gp, j) * geluDerivative16(v))
              j += 16
            }
            while j < n { d[j] = gp[j] * geluScalar(xp[j]).dy; j += 1 }
          }
        }
      }
      return [dx]
    }
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
private func geluScalar(_ x: Float) -> (y: Float, dy: Float) {
  let t = tanh16(SIMD16(repeating: geluK * (x + geluC * x * x * x)))[0]
  return (0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * geluK * (1 + 3 * geluC * x * x))
}

/// Writes 16 floats at `p + j`.
@inline(__always)
func store16(_ p: UnsafeMutablePointer<Float>, _ j: Int, _ v: SIMD16<Float>) {
  UnsafeMutableRawPointer(p + j).storeBytes(of: v, as: SIMD16<Float>.self)
}
