/// An MLP whose parameters live at the start of a `Tape`: micrograd's network, stored for speed.
///
/// Parameter `j` is tape node `j`, in the same order as `MLP.parameters()` (per neuron: weights,
/// then bias), so `TapeMLP(copying: mlp)` computes exactly what `mlp` computes.
public struct TapeMLP: Sendable {
  /// Layer sizes, inputs first: `[2, 16, 16, 1]`.
  public let sizes: [Int]
  /// One activation per layer.
  public let activations: [Activation]
  /// The tape: parameters first, then whatever the current step recorded.
  public var tape: Tape
  /// How many leading tape nodes are parameters.
  public let parameterCount: Int
  /// Reused per-layer activation buffers (no allocation per data point).
  private var scratchIn: [Tape.Var] = []
  private var scratchOut: [Tape.Var] = []

  /// A tape copy of `mlp` with its current weights.
  public init(copying mlp: MLP) {
    sizes = mlp.sizes
    activations = mlp.layers.map { $0.neurons[0].activation }
    let parameters = mlp.parameters()
    parameterCount = parameters.count
    tape = Tape(capacity: 1 << 17)
    for p in parameters { _ = tape.leaf(p.data) }
  }

  /// The current value of every parameter, in `MLP.parameters()` order.
  public var parameterValues: [Double] { (0..<parameterCount).map { tape.data(Tape.Var(index: Int32($0))) } }
  /// The gradient of every parameter after the last backward pass.
  public var parameterGrads: [Double] { (0..<parameterCount).map { tape.grad(Tape.Var(index: Int32($0))) } }

  /// Records the forward pass for one input on the tape and returns the outputs. Inputs are plain
  /// numbers, so the first layer multiplies by constants instead of making input nodes.
  public mutating func forward(_ x: [Double]) -> [Tape.Var] {
    require(x.count == sizes[0], "TapeMLP.forward: expected \(sizes[0]) inputs, got \(x.count)")
    var p = 0  // first parameter of the next layer
    scratchOut.removeAll(keepingCapacity: true)
    // First layer: the inputs are plain numbers, multiplied in as constants.
    x.withUnsafeBufferPointer { inputs in
      tape.recordLayer(firstParameter: p, fanOut: sizes[1], inputs: .constants(inputs),
                       activation: activations[0], outputs: &scratchOut)
    }
    p += sizes[1] * (sizes[0] + 1)
    for layer in 1..<(sizes.count - 1) {
      swap(&scratchIn, &scratchOut)
      scratchOut.removeAll(keepingCapacity: true)
      scratchIn.withUnsafeBufferPointer { inputs in
        tape.recordLayer(firstParameter: p, fanOut: sizes[layer + 1], inputs: .nodes(inputs),
                         activation: activations[layer], outputs: &scratchOut)
      }
      p += sizes[layer + 1] * (sizes[layer] + 1)
    }
    return scratchOut
  }

  /// The network's outputs for `x` in plain arithmetic: nothing is recorded (for plotting a
  /// decision boundary over thousands of points).
  public func predict(_ x: [Double]) -> [Double] {
    var h = x
    var p = 0
    for layer in 0..<(sizes.count - 1) {
      var out: [Double] = []
      out.reserveCapacity(sizes[layer + 1])
      for _ in 0..<sizes[layer + 1] {
        let bias = tape.data(Tape.Var(index: Int32(p + h.count)))
        var act = bias
        for xi in h {
          act = act + tape.data(Tape.Var(index: Int32(p))) * xi
          p += 1
        }
        p += 1
        switch activations[layer] {
        case .tanh: act = lectureTanh(act)
        case .relu: act = act < 0 ? 0 : act
        case .linear: break
        }
        out.append(act)
      }
      h = out
    }
    return h
  }
}
