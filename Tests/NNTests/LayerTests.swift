import NN
import Random
import Tensor
import Testing

@Suite struct LayerTests {
  @Test func linearForwardByHandInBothLayouts() {
    let torchStyle = Linear(weight: [1, 2, 3, 4, 5, 6], bias: [0.5, -0.5, 1], inFeatures: 2, outFeatures: 3, layout: .outByIn)
    let lectureStyle = Linear(weight: [1, 3, 5, 2, 4, 6], bias: [0.5, -0.5, 1], inFeatures: 2, outFeatures: 3, layout: .inByOut)
    let x = Tensor([1, -1, 2, 0.5], shape: [2, 2])
    // rows: [1−2+0.5, 3−4−0.5, 5−6+1], [2+1+0.5, 6+2−0.5, 10+3+1]
    let expected: [Float] = [-0.5, -1.5, 0, 3.5, 7.5, 14]
    expectClose(torchStyle(x).scalars, expected, "outByIn")
    expectClose(lectureStyle(x).scalars, expected, "inByOut")
    #expect(torchStyle.weight.shape == [3, 2] && lectureStyle.weight.shape == [2, 3])
  }

  @Test func linearDefaultInitDrawsLikeNNLinear() {
    var g1 = TorchGenerator(seed: 42), g2 = TorchGenerator(seed: 42), g3 = TorchGenerator(seed: 42)
    let l = Linear(3, 2, generator: &g1)
    let ref = TorchInit.linear(fanIn: 3, fanOut: 2, generator: &g2)
    #expect(l.weight.scalars == ref.weight)
    #expect(l.bias?.scalars == ref.bias)
    let t = Linear(3, 2, layout: .inByOut, generator: &g3)
    #expect(t.weight.shape == [3, 2])
    #expect(t.weight[at: 2, 1] == l.weight[at: 1, 2])
    #expect(g1.nextUInt32() == g3.nextUInt32())
  }

  @Test func lectureLinearIsScaledNormal() {
    var g1 = TorchGenerator(seed: 2147483647), g2 = TorchGenerator(seed: 2147483647)
    let l = Linear.lecture(4, 3, bias: false, generator: &g1)
    let ref = g2.normal(12).map { $0 / 2 }
    #expect(l.weight.shape == [4, 3] && l.bias == nil)
    #expect(l.weight.scalars == ref)
    l.scaleWeight(by: 5.0 / 3.0)
    expectClose(l.weight.scalars, ref.map { $0 * 5 / 3 })
  }

  @Test func embeddingGathersRows() {
    let e = Embedding(weight: [0, 1, 10, 11, 20, 21], count: 3, dim: 2)
    let y = e(IntTensor([2, 0, 2, 1], shape: [2, 2]))
    #expect(y.shape == [2, 2, 2])
    #expect(y.scalars == [20, 21, 0, 1, 20, 21, 10, 11])
  }

  @Test func batchNormTrainingUsesBatchStatisticsAndUpdatesRunningOnes() {
    let bn = BatchNorm1d(2)
    let x = Tensor([1, 2, 3, 6, 5, 10], shape: [3, 2])
    // column means 3 and 6, unbiased variances 4 and 16 → x̂ = [−1, 0, 1]·√(v/(v+ε)) per column
    let y = bn(x)
    let a = Float(2 / (4 + 1e-5 as Double).squareRoot()), b = Float(4 / (16 + 1e-5 as Double).squareRoot())
    expectClose(y.scalars, [-a, -b, 0, 0, a, b])
    expectClose(bn.runningMean.scalars, [0.3, 0.6])
    expectClose(bn.runningVar.scalars, [1.3, 2.5])
    bn.eval()
    let z = bn(Tensor([1, 2], shape: [1, 2]))
    expectClose(z.scalars, [0.7 / (1.3 + 1e-5 as Float).squareRoot(), 1.4 / (2.5 + 1e-5 as Float).squareRoot()])
    expectClose(bn.runningMean.scalars, [0.3, 0.6], "eval must not update running stats")
  }

  @Test func batchNormPyTorchVarianceNormalisesWithBiasedVariance() {
    let bn = BatchNorm1d(1, variance: .pytorch)
    let y = bn(Tensor([1, 3, 5], shape: [3, 1]))
    let s = Float((8.0 / 3 + 1e-5).squareRoot())
    expectClose(y.scalars, [-2 / s, 0, 2 / s])
    expectClose(bn.runningVar.scalars, [1.3], "running variance stays unbiased")
  }

  @Test func batchNormOn3DInputReducesOverBatchAndTime() {
    let bn = BatchNorm1d(1)
    let y = bn(Tensor([1, 3, 5, 7], shape: [2, 2, 1]))
    // mean 4, unbiased variance 20/3
    let s = Float((20.0 / 3 + 1e-5).squareRoot())
    expectClose(y.scalars, [-3 / s, -1 / s, 1 / s, 3 / s])
    expectClose(bn.runningMean.scalars, [0.4])
  }

  @Test func layerNormAndRMSNormByHand() {
    let ln = LayerNorm(3)
    let s = Float((2.0 / 3 + 1e-5).squareRoot())
    expectClose(ln(Tensor([1, 2, 3, 10, 10, 10], shape: [2, 3])).scalars, [-1 / s, 0, 1 / s, 0, 0, 0])
    let rms = RMSNorm(2, eps: 0)
    let r = Float(12.5).squareRoot()
    expectClose(rms(Tensor([3, 4], shape: [1, 2])).scalars, [3 / r, 4 / r])
  }

  @Test func activations() {
    let x = Tensor([-1, 0, 0.5, 1])
    expectClose(Tanh()(x).scalars, [-0.7615942, 0, 0.46211716, 0.7615942])
    #expect(ReLU()(x).scalars == [0, 0, 0.5, 1])
    expectClose(GELU()(x).scalars, [-0.15880801, 0, 0.34571401, 0.84119199])
  }

  @Test func dropoutDrawsBernoulliMasksInTrainingOnly() {
    let shared = SharedGenerator(seed: 1337)
    let d = Dropout(p: 0.25, generator: shared)
    let x = Tensor([Float](repeating: 1, count: 20))
    let y = d(x).scalars
    var ref = TorchGenerator(seed: 1337)
    let keep = ref.bernoulli(20, p: 0.75)
    expectClose(y, keep.map { $0 / 0.75 })
    d.eval()
    #expect(d(x).scalars == x.scalars)
    #expect(shared.generator.nextUInt32() == ref.nextUInt32(), "evaluation draws nothing")
  }

  @Test func flattenConsecutiveMergesNeighbours() {
    let x = Tensor((0..<48).map(Float.init), shape: [2, 8, 3])
    let y = FlattenConsecutive(2)(x)
    #expect(y.shape == [2, 4, 6])
    // y[b, t, k·C + c] = x[b, 2t + k, c]
    #expect(y[at: 1, 2, 4] == x[at: 1, 5, 1])
    #expect(FlattenConsecutive(8)(x).shape == [2, 24])
    #expect(Flatten()(x).shape == [2, 24])
  }

  @Test func lecture4ModelNamesAndCounts() {
    var g = TorchGenerator(seed: 2147483647)
    let model = lecture4Model(generator: &g)
    #expect(model.parameterCount == 47_024)
    let names = model.namedParameters().map(\.name)
    #expect(names.prefix(5) == ["0.weight", "2.weight", "3.weight", "3.bias", "5.weight"])
    #expect(model.namedBuffers().map(\.name).prefix(2) == ["3.running_mean", "3.running_var"])
    model.eval()
    #expect(model.modules().allSatisfy { !$0.training })
    model.train()
    #expect(model.modules().allSatisfy { $0.training })
  }

  @Test func lecture6WaveNetHas76579Parameters() {
    var g = TorchGenerator(seed: 42)
    let h = 128
    let model = Sequential([
      Embedding(27, 24, generator: &g),
      FlattenConsecutive(2), Linear.lecture(48, h, bias: false, generator: &g), BatchNorm1d(h), Tanh(),
      FlattenConsecutive(2), Linear.lecture(2 * h, h, bias: false, generator: &g), BatchNorm1d(h), Tanh(),
      FlattenConsecutive(2), Linear.lecture(2 * h, h, bias: false, generator: &g), BatchNorm1d(h), Tanh(),
      Linear.lecture(h, 27, generator: &g),
    ])
    #expect(model.parameterCount == 76_579)
    let logits = model(IntTensor([Int](repeating: 0, count: 32), shape: [4, 8]))
    #expect(logits.shape == [4, 27])
  }
}

/// Lecture 4's deep BatchNorm MLP (n_embd 10, hidden 100).
func lecture4Model(generator g: inout TorchGenerator) -> Sequential {
  let h = 100
  var layers: [any Module] = [Embedding(27, 10, generator: &g), Flatten()]
  let dims = [30, h, h, h, h, h]
  for i in 0..<5 { layers += [Linear.lecture(dims[i], h, bias: false, generator: &g), BatchNorm1d(h), Tanh()] }
  layers += [Linear.lecture(h, 27, bias: false, generator: &g), BatchNorm1d(27)]
  return Sequential(layers)
}
