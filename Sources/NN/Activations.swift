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
public final class GELU: Layer {
  /// Unused; kept for `train()` / `eval()`.
  public var training = true
  /// A GELU layer.
  public init() {}
  /// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` element-wise.
  public func callAsFunction(_ x: Tensor) -> Tensor { x.gelu() }
}
