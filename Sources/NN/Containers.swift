import Tensor

/// Layers applied one after another (`nn.Sequential`), named "0", "1", … like PyTorch. The first
/// layer may take indices (an `Embedding`), so a whole lecture-6 model is one `Sequential`.
///
/// With `recordsOutputs`, each layer's output is kept in `outputs` with `retainGrad()` called on
/// it: lecture 4's activation and gradient diagnostics read them after `backward()`.
public final class Sequential: Layer, IndexLayer {
  /// The layers in order.
  public let layers: [any Module]
  /// Training mode of the container itself (`train()` / `eval()` set the layers too).
  public var training = true
  /// Keep every layer's output (and its gradient after `backward()`) for diagnostics.
  public var recordsOutputs = false
  /// The outputs of the last forward pass, one per layer, when `recordsOutputs` is on.
  public private(set) var outputs: [Tensor] = []
  /// Layers 1… cast once (the forward pass needs no dynamic casts).
  private let rest: [any Layer]

  /// A sequence of layers; every layer but the first must map tensors to tensors (`Layer`).
  public init(_ layers: [any Module]) {
    for (i, l) in layers.enumerated() where i > 0 {
      require(l is any Layer, "Sequential: layer \(i) (\(type(of: l))) does not take a tensor input")
    }
    self.layers = layers
    rest = layers.dropFirst().map { $0 as! any Layer }
  }

  /// Runs the layers on a float tensor (every layer must be a `Layer`).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    guard let first = layers.first else { return x }
    guard let f = first as? any Layer else {
      fatalError("Sequential: layer 0 (\(type(of: first))) takes indices; call the model with an IntTensor")
    }
    return run(f(x))
  }

  /// Runs the layers on indices (the first layer must be an `IndexLayer`, e.g. `Embedding`).
  public func callAsFunction(_ indices: IntTensor) -> Tensor {
    guard let first = layers.first as? any IndexLayer else {
      fatalError("Sequential: layer 0 (\(layers.first.map { "\(type(of: $0))" } ?? "none")) does not take indices")
    }
    return run(first(indices))
  }

  private func run(_ firstOutput: Tensor) -> Tensor {
    if recordsOutputs { outputs = [] }
    var x = firstOutput
    record(x)
    for l in rest {
      x = l(x)
      record(x)
    }
    return x
  }

  private func record(_ x: Tensor) {
    guard recordsOutputs else { return }
    if x.requiresGrad { x.retainGrad() }
    outputs.append(x)
  }

  /// "0", "1", … in order.
  public var children: [(name: String, module: any Module)] {
    layers.enumerated().map { (name: String($0.offset), module: $0.element) }
  }
}

/// Flattens every dim after the first (`nn.Flatten()`): (B, T, C) → (B, T·C).
public final class Flatten: Layer {
  /// Unused; kept for `train()` / `eval()`.
  public var training = true
  /// A flatten layer.
  public init() {}
  /// (B, …) → (B, product of the rest); a view when the input is contiguous.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    checkInput(x.rank >= 1, "Flatten", "needs at least one dim, got shape \(x.shape)")
    return x.reshape([x.shape[0], -1])
  }
}

/// Lecture 6's `FlattenConsecutive(n)`: concatenates `n` consecutive time steps, (B, T, C) →
/// (B, T/n, C·n), and drops the middle dim when it becomes 1 — the building block of the
/// WaveNet-style hierarchy.
public final class FlattenConsecutive: Layer {
  /// How many consecutive steps are merged.
  public let n: Int
  /// Unused; kept for `train()` / `eval()`.
  public var training = true

  /// Merges `n` consecutive steps.
  public init(_ n: Int) {
    require(n > 0, "FlattenConsecutive: n must be positive, got \(n)")
    self.n = n
  }

  /// (B, T, C) → (B, T/n, C·n), squeezed to (B, C·n) when T == n.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    checkInput(x.rank == 3 && x.shape[1] % n == 0, "FlattenConsecutive(\(n))",
               "expects (B, T, C) with T divisible by \(n), got shape \(x.shape)")
    let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
    let y = x.reshape([b, t / n, c * n])
    return t / n == 1 ? y.squeeze(1) : y
  }
}
