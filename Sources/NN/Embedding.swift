import Random
import Tensor

/// A lookup table of `count` vectors of size `dim` (PyTorch's `nn.Embedding`, the lectures' `C`):
/// indices of any shape give vectors of shape `indices.shape + [dim]`. The backward pass
/// scatter-adds into the rows that were read.
public final class Embedding: IndexLayer {
  /// The (count, dim) table.
  public let weight: Tensor
  /// Unused by Embedding; kept for `train()` / `eval()`.
  public var training = true

  /// `nn.Embedding(count, dim)`: a table of standard normals drawn from `generator`.
  public init(_ count: Int, _ dim: Int, generator: inout TorchGenerator) {
    weight = Tensor(TorchInit.embedding(count: count, dim: dim, generator: &generator), shape: [count, dim]).requiringGrad()
  }

  /// Wraps an existing (count, dim) table (copied).
  public init(weight values: [Float], count: Int, dim: Int) {
    weight = Tensor(values, shape: [count, dim]).requiringGrad()
  }

  /// Re-initialises in place with `normal_(weight, 0, std)` (GPT-style `_init_weights`).
  public func resetNormal(std: Double, generator: inout TorchGenerator) {
    weight.withUnsafeMutableBufferPointer { generator.fillNormal($0, doubleMean: 0, doubleStd: std) }
  }

  /// Gathers the rows named by `indices`.
  public func callAsFunction(_ indices: IntTensor) -> Tensor { weight[indices] }

  /// `weight`.
  public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] }
}
