// PyTorch's default parameter initialisation (`torch/nn/modules/linear.py`,
// `torch/nn/modules/sparse.py`, `torch/nn/init.py`), drawing from the generator in the same
// order and with the same bounds computed in double precision, so the parameters come out
// bit for bit as after `torch.manual_seed(seed); nn.Linear(...)`.

/// PyTorch's default parameter inits, drawn in PyTorch's order from a generator.
public enum TorchInit {
  /// nn.Linear(fanIn, fanOut): weight (fanOut×fanIn, row-major) then bias, both uniform.
  ///
  /// The weight uses `kaiming_uniform_(a: √5)`: gain √(2 / (1 + a²)), bound √3 · gain / √fanIn,
  /// which works out to about 1/√fanIn; the bias bound is exactly 1/√fanIn.
  public static func linear(fanIn: Int, fanOut: Int, bias: Bool = true,
                            generator: inout TorchGenerator) -> (weight: [Float], bias: [Float]?) {
    require(fanIn > 0 && fanOut > 0, "TorchInit.linear: sizes must be positive, got fanIn \(fanIn), fanOut \(fanOut)")
    let a = 5.0.squareRoot()
    let gain = (2.0 / (1 + a * a)).squareRoot()
    let weightBound = 3.0.squareRoot() * (gain / Double(fanIn).squareRoot())
    let weight = generator.uniform(fanIn * fanOut, low: Float(-weightBound), high: Float(weightBound))
    guard bias else { return (weight, nil) }
    let biasBound = 1 / Double(fanIn).squareRoot()
    return (weight, generator.uniform(fanOut, low: Float(-biasBound), high: Float(biasBound)))
  }

  /// nn.Embedding(count, dim): a (count×dim) table of standard normals.
  public static func embedding(count: Int, dim: Int, generator: inout TorchGenerator) -> [Float] {
    require(count > 0 && dim > 0, "TorchInit.embedding: sizes must be positive, got \(count)×\(dim)")
    return generator.normal(count * dim)
  }

  /// `nn.init.kaiming_normal_(w, mode: "fan_in")` on a (fanOut×fanIn) weight: normal with
  /// std = gain / √fanIn (gain 5/3 for tanh, √2 for relu, 1 for linear). Prefer the
  /// `nonlinearity:` form: PyTorch's gains are doubles, and a Float gain (5/3 rounded) can move
  /// std by one ulp and the values by up to two.
  public static func kaimingNormal(fanOut: Int, fanIn: Int, gain: Float, generator: inout TorchGenerator) -> [Float] {
    kaimingNormal(fanOut: fanOut, fanIn: fanIn, doubleGain: Double(gain), generator: &generator)
  }

  /// `nn.init.kaiming_normal_(w, mode: "fan_in", nonlinearity: ...)` with PyTorch's own gain.
  public static func kaimingNormal(fanOut: Int, fanIn: Int, nonlinearity: Nonlinearity, generator: inout TorchGenerator) -> [Float] {
    kaimingNormal(fanOut: fanOut, fanIn: fanIn, doubleGain: nonlinearity.gain, generator: &generator)
  }

  static func kaimingNormal(fanOut: Int, fanIn: Int, doubleGain gain: Double, generator: inout TorchGenerator) -> [Float] {
    require(fanIn > 0 && fanOut > 0, "TorchInit.kaimingNormal: sizes must be positive, got \(fanOut)×\(fanIn)")
    return normal(fanOut * fanIn, std: gain / Double(fanIn).squareRoot(), generator: &generator)
  }

  /// `torch.empty(count).normal_(mean, std)` with Python's double parameters, e.g. GPT-style
  /// `normal_(mean=0.0, std=0.02)` inits.
  public static func normal(_ count: Int, mean: Double = 0, std: Double, generator: inout TorchGenerator) -> [Float] {
    generator.normal(count, doubleMean: mean, doubleStd: std)
  }

  /// The nonlinearities of `torch.nn.init.calculate_gain` that the lectures use.
  public enum Nonlinearity: Sendable {
    /// tanh: gain 5/3.
    case tanh
    /// relu: gain √2.
    case relu
    /// linear, identity or sigmoid: gain 1.
    case linear

    /// The gain in double precision, as `calculate_gain` returns it.
    public var gain: Double {
      switch self {
      case .tanh: 5.0 / 3.0
      case .relu: 2.0.squareRoot()
      case .linear: 1.0
      }
    }
  }
}
