import Testing
@testable import Random

/// nn.Linear, nn.Embedding and kaiming_normal_ after `torch.manual_seed(seed)`, bit for bit.
@Suite struct TorchInitTests {
  @Test(arguments: TorchFixture.cases("nn_linear_default_init"))
  func linear(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    let (weight, bias) = TorchInit.linear(fanIn: c.args["in"].int, fanOut: c.args["out"].int, generator: &g)
    #expect(weight == c.values["weight"].floats)
    #expect(bias == c.values["bias"].floats)
  }

  @Test func linearWithoutBiasDrawsOnlyTheWeight() {
    var g = TorchGenerator(seed: 4)
    let (weight, bias) = TorchInit.linear(fanIn: 3, fanOut: 2, bias: false, generator: &g)
    #expect(weight.count == 6 && bias == nil)
    #expect(weight.allSatisfy { abs($0) <= 1 / Float(3).squareRoot() })
  }

  @Test(arguments: TorchFixture.cases("nn_embedding_default_init"))
  func embedding(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    #expect(TorchInit.embedding(count: c.args["num"].int, dim: c.args["dim"].int, generator: &g) == c.values.floats)
  }

  @Test(arguments: TorchFixture.cases("kaiming_normal_tanh"))
  func kaimingNormalTanh(_ c: FixtureCase) {
    let shape = c.args["shape"].ints
    var g = TorchGenerator(seed: c.seed)
    let w = TorchInit.kaimingNormal(fanOut: shape[0], fanIn: shape[1], nonlinearity: .tanh, generator: &g)
    #expect(w == c.values.floats)
    var h = TorchGenerator(seed: c.seed)
    let viaFloatGain = TorchInit.kaimingNormal(fanOut: shape[0], fanIn: shape[1], gain: 5.0 / 3.0, generator: &h)
    // A Float gain (5/3 rounded to float) moves std by one ulp, and the values by up to two.
    let expected = c.values.floats
    let beyondTwoUlps = zip(viaFloatGain, expected).filter { abs($0 - $1) > 2 * $1.ulp }.count
    #expect(beyondTwoUlps == 0)
  }

  @Test func embeddingSpecVectors() {
    var g = TorchGenerator(seed: 2_147_483_647)
    let c = TorchInit.embedding(count: 27, dim: 10, generator: &g)
    #expect(Array(c.prefix(10)) == [
      1.5673619508743286, -0.2372923195362091, -0.027384605258703232, -1.100779414176941, 0.2858814597129822,
      -0.029643338173627853, -1.547059178352356, 0.6048919558525085, 0.0791362002491951, 0.9046238660812378,
    ])
    #expect(c.reduce(0.0) { $0 + Double($1) } == -5.21251496032346)
    var h = TorchGenerator(seed: 2_147_483_647)
    let w = h.normal(27 * 27)
    #expect(Array(w.suffix(5)) == [0.34329596161842346, 2.0698482990264893, 1.3404642343521118, -0.21746298670768738, 0.8627285957336426])
  }
}
