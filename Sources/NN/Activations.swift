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
      Tensor(shape: xc.shape) { ob in geluForward(xb.baseAddress!, ob.baseAddress!, count: n) }
    }
    return Tensor.customOp("gelu", inputs: [xc], output: out, freshGradients: true) { g, inputs in
      let dx = g.withUnsafeBufferPointer { gb in
        inputs[0].withUnsafeBufferPointer { xb in
          Tensor(shape: inputs[0].shape) { db in geluBackward(xb.baseAddress!, gb.baseAddress!, db.baseAddress!, count: n) }
        }
      }
      return [dx]
    }
  }
}
