import Tensor

/// Layer normalisation over the last dim (PyTorch's `nn.LayerNorm(dim)`, lecture 7):
/// `y = (x − mean)/√(var + ε)·weight + bias` per row, with the *biased* variance. Unlike
/// BatchNorm it has no running statistics and behaves the same in training and evaluation.
public final class LayerNorm: Layer {
  /// Per-feature scale, initially ones.
  public let weight: Tensor
  /// Per-feature shift, initially zeros (nil for `bias: false`).
  public let bias: Tensor?
  /// ε added to the variance.
  public let eps: Float
  /// Unused; kept for `train()` / `eval()`.
  public var training = true

  /// `nn.LayerNorm(dim, eps: 1e-5)`.
  public init(_ dim: Int, eps: Float = 1e-5, bias: Bool = true) {
    weight = Tensor.ones([dim]).requiringGrad()
    self.bias = bias ? Tensor.zeros([dim]).requiringGrad() : nil
    self.eps = eps
  }

  /// Normalises every row of the last dim.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    checkInput(x.rank >= 1 && x.shape[x.rank - 1] == weight.count, "LayerNorm(\(weight.count))",
               "input of shape \(x.shape) does not end in \(weight.count) features")
    let mean = x.mean(dim: -1, keepdim: true)
    let v = x.variance(dim: -1, unbiased: false, keepdim: true)
    let y = (x - mean) / (v + eps).sqrt() * weight
    return bias.map { y + $0 } ?? y
  }

  /// `weight`, then `bias` when present.
  public var ownParameters: [(name: String, tensor: Tensor)] {
    bias.map { [("weight", weight), ("bias", $0)] } ?? [("weight", weight)]
  }
}

/// Root-mean-square normalisation (PyTorch's `nn.RMSNorm(dim)`, used by later GPTs and
/// microgpt): `y = x / √(mean(x²) + ε)·weight` — no centring, no bias.
public final class RMSNorm: Layer {
  /// Per-feature scale, initially ones.
  public let weight: Tensor
  /// ε added to the mean square (PyTorch's default is the float32 machine epsilon).
  public let eps: Float
  /// Unused; kept for `train()` / `eval()`.
  public var training = true

  /// `nn.RMSNorm(dim, eps)`; the default ε is `Float.ulpOfOne` (1.19e-7) as PyTorch's `eps=None`.
  public init(_ dim: Int, eps: Float = .ulpOfOne) {
    weight = Tensor.ones([dim]).requiringGrad()
    self.eps = eps
  }

  /// Scales every row of the last dim to unit root mean square.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    checkInput(x.rank >= 1 && x.shape[x.rank - 1] == weight.count, "RMSNorm(\(weight.count))",
               "input of shape \(x.shape) does not end in \(weight.count) features")
    let ms = (x * x).mean(dim: -1, keepdim: true)
    return x / (ms + eps).sqrt() * weight
  }

  /// `weight`.
  public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] }
}
