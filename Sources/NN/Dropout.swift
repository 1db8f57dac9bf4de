import Random
import Tensor

/// A random generator shared by reference between a training loop and the layers that draw at
/// forward time (`Dropout`), so both consume one stream in program order — as PyTorch's global
/// generator does after `torch.manual_seed(1337)`. Not global state: you create it and pass it.
public final class SharedGenerator {
  /// The generator; draw from it directly (`shared.generator.randint(...)`).
  public var generator: TorchGenerator
  /// Wraps a generator.
  public init(_ generator: TorchGenerator) { self.generator = generator }
  /// `torch.manual_seed(seed)`.
  public convenience init(seed: UInt64) { self.init(TorchGenerator(seed: seed)) }
}

/// Zeroes each element with probability `p` in training mode and scales the survivors by
/// `1/(1−p)`; the identity in evaluation mode (PyTorch's `nn.Dropout`). The mask is drawn as
/// PyTorch does on CPU: `bernoulli_(1 − p)` over the input's elements, in order.
public final class Dropout: Layer {
  /// Drop probability.
  public let p: Double
  /// Where masks come from (nil only when `p == 0`, which draws nothing, like PyTorch).
  public let generator: SharedGenerator?
  /// Training mode drops; evaluation mode passes through.
  public var training = true

  /// `nn.Dropout(p)` drawing its masks from `generator`.
  public init(p: Double, generator: SharedGenerator?) {
    require(p >= 0 && p < 1, "Dropout: p must be in [0, 1), got \(p)")
    require(p == 0 || generator != nil, "Dropout: p = \(p) needs a generator")
    self.p = p
    self.generator = generator
  }

  /// `x · mask / (1 − p)` in training mode (p > 0), else `x`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    guard training, p > 0, let shared = generator else { return x }
    var mask = shared.generator.bernoulli(x.count, p: 1 - p)
    let scale = Float(1) / Float(1 - p)
    for i in mask.indices { mask[i] *= scale }
    return x * Tensor(mask, shape: x.shape)
  }
}
