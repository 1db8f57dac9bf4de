import Random

// A neural-network library on top of `Value`, in micrograd's shape: a neuron is a weighted sum
// plus a bias pushed through a non-linearity; a layer is a list of neurons that all see the same
// inputs; an MLP is a list of layers, each feeding the next.

/// What a neuron applies to its weighted sum.
public enum Activation: Sendable, CustomStringConvertible {
  /// `tanh`: the lecture's neuron (outputs in (−1, 1)).
  case tanh
  /// `max(0, x)`: the micrograd repo's hidden neurons.
  case relu
  /// Nothing: the micrograd repo's output layer, so scores can be any real number.
  case linear

  /// `TanhNeuron`, `ReLUNeuron`, `LinearNeuron` prefixes as micrograd prints them.
  public var description: String {
    switch self {
    case .tanh: return "Tanh"
    case .relu: return "ReLU"
    case .linear: return "Linear"
    }
  }
}

/// Which of the two micrograd networks to build.
public enum NetworkStyle: Sendable {
  /// The video's notebook: every neuron tanh, bias drawn from U(−1, 1) after the weights.
  case lecture
  /// The micrograd repo (`nn.py`): ReLU hidden layers, a linear last layer, bias starting at 0.
  case repo
}

/// Anything with trainable parameters (micrograd's `Module` base class).
public protocol ScalarModule {
  /// Every trainable `Value`, in a fixed order (per neuron: weights, then bias).
  func parameters() -> [Value]
}

extension ScalarModule {
  /// Sets every parameter's grad to 0. Forgetting this before `backward()` adds this step's
  /// gradients to the last step's: "the most common neural-net mistake".
  public func zeroGrad() {
    for p in parameters() { p.grad = 0 }
  }
}

/// One neuron: `activation(Σ wᵢ·xᵢ + b)`.
public final class Neuron: ScalarModule, CustomStringConvertible {
  /// One weight per input, drawn from U(−1, 1).
  public let w: [Value]
  /// The bias.
  public let b: Value
  /// The non-linearity applied to the weighted sum.
  public let activation: Activation

  /// A neuron with `inputs` weights drawn from `rng.uniform(-1, 1)` in order (exactly Python's
  /// `random.uniform` draws, so a seeded run gives micrograd's numbers). With `.lecture` style the
  /// bias is the next uniform draw; with `.repo` style it starts at 0.
  public init(_ inputs: Int, activation: Activation = .relu, style: NetworkStyle = .repo, rng: inout PythonRandom) {
    require(inputs > 0, "Neuron: needs at least one input, got \(inputs)")
    w = (0..<inputs).map { _ in Value(rng.uniform(-1, 1)) }
    b = Value(style == .lecture ? rng.uniform(-1, 1) : 0)
    self.activation = activation
  }

  /// The forward pass on values already in a graph: `b + w₀x₀ + w₁x₁ + …`, then the activation.
  /// (Summed starting from the bias, as micrograd's `sum(..., self.b)` does.)
  public func callAsFunction(_ x: [Value]) -> Value {
    require(x.count == w.count, "Neuron: expected \(w.count) inputs, got \(x.count)")
    var act = b
    for (wi, xi) in zip(w, x) { act = act + wi * xi }
    return activate(act)
  }

  /// The forward pass on plain numbers (each becomes a leaf, as `wi*xi` with a float does in Python).
  public func callAsFunction(_ x: [Double]) -> Value {
    require(x.count == w.count, "Neuron: expected \(w.count) inputs, got \(x.count)")
    var act = b
    for (wi, xi) in zip(w, x) { act = act + wi * xi }
    return activate(act)
  }

  private func activate(_ act: Value) -> Value {
    switch activation {
    case .tanh: return act.tanh()
    case .relu: return act.relu()
    case .linear: return act
    }
  }

  /// The weights, then the bias.
  public func parameters() -> [Value] { w + [b] }

  /// `ReLUNeuron(2)`, as micrograd prints it.
  public var description: String { "\(activation)Neuron(\(w.count))" }
}

/// A layer: `outputs` neurons, each reading all `inputs`.
public final class Layer: ScalarModule, CustomStringConvertible {
  /// The neurons, in output order.
  public let neurons: [Neuron]

  /// `outputs` neurons of `inputs` weights each, initialised one neuron after another.
  public init(_ inputs: Int, _ outputs: Int, activation: Activation = .relu, style: NetworkStyle = .repo,
              rng: inout PythonRandom) {
    require(outputs > 0, "Layer: needs at least one neuron, got \(outputs)")
    var made: [Neuron] = []
    for _ in 0..<outputs { made.append(Neuron(inputs, activation: activation, style: style, rng: &rng)) }
    neurons = made
  }

  /// Every neuron's output. (Python returns a lone Value for a one-neuron layer; here the type
  /// stays honest and it is always an array.)
  public func callAsFunction(_ x: [Value]) -> [Value] { neurons.map { $0(x) } }
  /// Every neuron's output for plain-number inputs.
  public func callAsFunction(_ x: [Double]) -> [Value] { neurons.map { $0(x) } }

  /// All neurons' parameters, neuron after neuron.
  public func parameters() -> [Value] { neurons.flatMap { $0.parameters() } }

  /// `Layer of [ReLUNeuron(2), …]`.
  public var description: String { "Layer of [\(neurons.map(\.description).joined(separator: ", "))]" }
}

/// A multi-layer perceptron: layers applied in sequence.
public final class MLP: ScalarModule, CustomStringConvertible {
  /// The layers, input side first.
  public let layers: [Layer]
  /// Which micrograd network this is.
  public let style: NetworkStyle

  /// `MLP(3, [4, 4, 1])`: `inputs` inputs, then one layer per entry of `outputs`. `.lecture` makes
  /// every neuron tanh; `.repo` makes hidden layers ReLU and the last layer linear.
  public init(_ inputs: Int, _ outputs: [Int], style: NetworkStyle, rng: inout PythonRandom) {
    require(!outputs.isEmpty, "MLP: needs at least one layer")
    let sizes = [inputs] + outputs
    var made: [Layer] = []
    for i in 0..<outputs.count {
      let activation: Activation
      switch style {
      case .lecture: activation = .tanh
      case .repo: activation = i == outputs.count - 1 ? .linear : .relu
      }
      made.append(Layer(sizes[i], sizes[i + 1], activation: activation, style: style, rng: &rng))
    }
    layers = made
    self.style = style
  }

  /// The layer sizes, inputs first: `[2, 16, 16, 1]`.
  public var sizes: [Int] { [layers[0].neurons[0].w.count] + layers.map(\.neurons.count) }

  /// The forward pass on graph values; returns the last layer's outputs.
  public func callAsFunction(_ x: [Value]) -> [Value] {
    var h = x
    for layer in layers { h = layer(h) }
    return h
  }

  /// The forward pass on plain numbers (they become leaves of the graph).
  public func callAsFunction(_ x: [Double]) -> [Value] {
    var h = layers[0](x)
    for layer in layers.dropFirst() { h = layer(h) }
    return h
  }

  /// All layers' parameters, layer after layer.
  public func parameters() -> [Value] { layers.flatMap { $0.parameters() } }

  /// `MLP of [Layer of [...], ...]`.
  public var description: String { "MLP of [\(layers.map(\.description).joined(separator: ", "))]" }
}
