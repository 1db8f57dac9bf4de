import Random

// Random tensors drawn from a `TorchGenerator` passed `inout`, value for value what
// `torch.randn(shape, generator=g)` & co. return (the generator consumes the same draws).

extension Tensor {
  /// Standard-normal samples (`torch.randn(shape, generator=g)`).
  public static func randn(_ shape: [Int], generator: inout TorchGenerator) -> Tensor {
    let t = Tensor(uninitialized: shape)
    generator.fillNormal(UnsafeMutableBufferPointer(start: t.pointer, count: t.count))
    return t
  }

  /// Uniform samples in [0, 1) (`torch.rand(shape, generator=g)`).
  public static func rand(_ shape: [Int], generator: inout TorchGenerator) -> Tensor {
    let t = Tensor(uninitialized: shape)
    generator.fillUniform(UnsafeMutableBufferPointer(start: t.pointer, count: t.count))
    return t
  }

  /// Dropout as `F.dropout(x, p, training)`: in training, each element is zeroed with
  /// probability `p` (a `bernoulli(1 − p)` keep-mask drawn from `generator`) and the kept ones
  /// scaled by `1/(1 − p)`; in evaluation the tensor is returned unchanged.
  public func dropout(p: Float, training: Bool = true, generator: inout TorchGenerator) -> Tensor {
    require(p >= 0 && p <= 1, "dropout: probability \(p) is outside [0, 1]")
    if !training || p == 0 { return self }
    if p == 1 { return self * Tensor.zeros(shape) }
    let mask = Tensor(generator.bernoulli(count, p: 1 - Double(p)), shape: shape)
    return dropout(keepMask: mask, p: p)
  }

  /// Samples category indices from each row of non-negative weights (`torch.multinomial`):
  /// a 1-D tensor gives `[numSamples]` indices, a 2-D `[rows, C]` tensor `[rows, numSamples]`.
  public func multinomial(numSamples: Int = 1, replacement: Bool = false, generator: inout TorchGenerator) -> IntTensor {
    require(rank == 1 || rank == 2, "multinomial: needs a 1-D or 2-D tensor of weights, got shape \(describe(shape))")
    let c = contiguous()
    let rows = rank == 1 ? 1 : shape[0]
    let picks = withExtendedLifetime(c) {
      generator.multinomial(rows: UnsafeBufferPointer(start: c.pointer, count: c.count), rowCount: rows,
                            numSamples: numSamples, replacement: replacement)
    }
    return IntTensor(picks, shape: rank == 1 ? [numSamples] : [rows, numSamples])
  }
}

extension IntTensor {
  /// Integers drawn uniformly from `low..<high` (`torch.randint(low, high, shape, generator=g)`).
  public static func randint(low: Int, high: Int, shape: [Int], generator: inout TorchGenerator) -> IntTensor {
    IntTensor(generator.randint(low: low, high: high, count: elementCount(shape)), shape: shape)
  }
}
