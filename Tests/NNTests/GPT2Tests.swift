import Foundation
import NN
import Random
import Tensor
import TestSupport
import Testing

@Suite struct GPT2Tests {
  /// A tiny GPT-2: vocab 100, block 16, 2 layers, 2 heads, 32 wide.
  static let tiny = GPT2Config(vocabSize: 100, blockSize: 16, layers: 2, heads: 2, embedding: 32)

  /// The batch PyTorch used for the reference numbers below.
  static func batch() -> (IntTensor, IntTensor) {
    let t = 16
    let x = (0..<t).map { (7 * $0 + 3) % 100 } + (0..<t).map { (11 * $0 + 5) % 100 }
    let y = (0..<t).map { (7 * $0 + 10) % 100 } + (0..<t).map { (11 * $0 + 16) % 100 }
    return (IntTensor(x, shape: [2, t]), IntTensor(y, shape: [2, t]))
  }

  @Test func parameterCountsOfTheFourSizes() {
    #expect(GPT2Config.gpt2.parameterCount == 124_439_808)
    #expect(GPT2Config.gpt2.withVocabulary(50304).parameterCount == 124_475_904)
    #expect(GPT2Config.gpt2.paddedVocabSize == 50304)
    #expect(GPT2Config.gpt2.blockParameterCount == 7_087_872)
    #expect(GPT2Config.gpt2.tyingSaving == 38_597_376)
    #expect(GPT2Config.gpt2.nonEmbeddingParameterCount == 123_653_376)  // nanoGPT's "123.65M"
    #expect(GPT2Config.medium.parameterCount == 354_823_168)
    #expect(GPT2Config.large.parameterCount == 774_030_080)
    #expect(GPT2Config.xl.parameterCount == 1_557_611_200)
    for (_, config) in GPT2Config.openAISizes {
      #expect(config.parameterTable.reduce(0) { $0 + $1.count } == config.parameterCount)
    }
    let table = Dictionary(uniqueKeysWithValues: GPT2Config.gpt2.parameterTable.map { ($0.module, $0.count) })
    #expect(table["wte"] == 38_597_376 && table["wpe"] == 786_432 && table["ln_f"] == 1_536)
    let groups = GPT2Config.gpt2.withVocabulary(50304).weightDecayGroups  // build-nanogpt's printout
    #expect(groups.decayed.tensors == 50 && groups.decayed.parameters == 124_354_560)
    #expect(groups.undecayed.tensors == 98 && groups.undecayed.parameters == 121_344)
  }

  /// The formula agrees with instantiated models, module by module, for small shapes of every
  /// kind (the four OpenAI sizes shrunk in vocabulary and context, and odd shapes).
  @Test func formulaMatchesInstantiatedModels() {
    let configs = [Self.tiny, GPT2Config(vocabSize: 37, blockSize: 5, layers: 3, heads: 3, embedding: 24),
                   GPT2Config(vocabSize: 11, blockSize: 9, layers: 0, heads: 1, embedding: 8)]
      + GPT2Config.openAISizes.map { GPT2Config(vocabSize: 64, blockSize: 8, layers: 1, heads: $0.config.heads, embedding: $0.config.heads * 4) }
    for config in configs {
      var g = TorchGenerator(seed: 1)
      let model = GPT2(config, generator: &g, matchTorchDraws: false)
      #expect(model.parameterCount == config.parameterCount, "\(config)")
      let named = model.namedParameters()
      // "h.3.attn.c_attn.weight" → "h.*.attn.c_attn.weight": the table's module names.
      let generic = named.map { p -> (String, Int) in
        var parts = p.name.split(separator: ".").map(String.init)
        if parts[0] == "h" { parts[1] = "*" }
        return (parts.joined(separator: "."), p.tensor.count)
      }
      for (module, count) in config.parameterTable {
        let counted = generic.filter { $0.0.hasPrefix(module + ".") }.reduce(0) { $0 + $1.1 }
        #expect(counted == count, "\(config) \(module): \(counted) vs \(count)")
      }
      let decay = model.parameterGroups(weightDecay: 0.1)
      #expect(decay[0].parameters.count == config.weightDecayGroups.decayed.tensors)
      #expect(decay[0].parameters.reduce(0) { $0 + $1.count } == config.weightDecayGroups.decayed.parameters)
      #expect(decay[1].parameters.count == config.weightDecayGroups.undecayed.tensors)
      #expect(decay[0].weightDecay == 0.1 && decay[1].weightDecay == 0)
    }
  }

  @Test func huggingFaceNames() {
    var g = TorchGenerator(seed: 1)
    let model = GPT2(Self.tiny, generator: &g)
    let names = model.namedParameters().map(\.name)
    #expect(names.prefix(4) == ["wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.ln_1.bias"])
    for n in ["h.0.attn.c_attn.weight", "h.0.attn.c_attn.bias", "h.0.attn.c_proj.weight", "h.0.ln_2.weight",
              "h.0.mlp.c_fc.weight", "h.1.mlp.c_proj.bias", "ln_f.weight", "ln_f.bias"] {
      #expect(names.contains(n), "\(n)")
    }
    #expect(!names.contains { $0.hasPrefix("lm_head") })
    #expect(names.count == 2 + 12 * 2 + 2)
    let shapes = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor.shape) })
    #expect(shapes["h.0.attn.c_attn.weight"] == [96, 32])  // PyTorch's (out, in), as build-nanogpt
    #expect(shapes["h.0.mlp.c_proj.weight"] == [32, 128])
    #expect(model.lmHeadWeight === model.wte.weight)
  }

  /// `torch.manual_seed(1337); GPT(GPTConfig(vocab 100, block 16, 2 layers, 2 heads, 32))` as
  /// build-nanogpt builds it (PyTorch 2.x CPU): first weights, the loss of a fixed batch and
  /// gradients of the tied embedding and of an MLP weight.
  @Test func matchesPyTorchBuildNanoGPTInit() {
    var g = TorchGenerator(seed: 1337)
    let model = GPT2(Self.tiny, generator: &g)
    let named = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })
    let expected: [(String, [Float])] = [
      ("wte.weight", [0.022876257076859474, 0.034401942044496536, -0.011859310790896416, -0.003510210430249572]),
      ("wpe.weight", [0.008162804879248142, 0.06852895766496658, -0.018453804776072502, 0.011578910984098911]),
      ("h.0.attn.c_attn.weight", [-0.005408671218901873, 0.02154601737856865, -0.0006012229714542627, 0.011239932850003242]),
      ("h.0.attn.c_proj.weight", [-0.011275027878582478, 0.009569360874593258, -0.02900688536465168, -0.0048676542937755585]),
      ("h.1.mlp.c_proj.weight", [0.00043466981151141226, 0.006607614457607269, -0.017426038160920143, 0.005084683187305927]),
    ]
    for (name, values) in expected {
      expectClose(Array(named[name]!.scalars.prefix(4)), values, tol: 1e-7, name)
    }
    let (x, y) = Self.batch()
    let loss = model.loss(x, targets: y)
    #expect(abs(loss.item() - 4.624452590942383) < 2e-5, "loss \(loss.item())")
    loss.backward()
    expectClose(Array(model.wte.weight.grad!.scalars.prefix(4)),
                [0.0004097508208360523, 0.0031494128052145243, -0.0010688481852412224, -0.001093944301828742], tol: 2e-4, "wte grad")
    expectClose(Array(model.h[1].mlp.cFc.weight.grad!.scalars.prefix(4)),
                [-0.0014366552932187915, 0.0018428134499117732, -0.0003579330223146826, -0.0010962855303660035], tol: 2e-4, "c_fc grad")
  }

  /// The residual projections are drawn with std 0.02/√(2·layers), the other matrices with 0.02,
  /// biases zero and LayerNorms ones/zeros.
  @Test func initStandardDeviations() {
    var g = TorchGenerator(seed: 7)
    let config = GPT2Config(vocabSize: 500, blockSize: 64, layers: 8, heads: 4, embedding: 64)
    let model = GPT2(config, generator: &g, matchTorchDraws: false)
    func std(_ t: Tensor) -> Double {
      let v = t.scalars.map(Double.init)
      let mean = v.reduce(0, +) / Double(v.count)
      return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
    }
    let scaled = 0.02 / 4.0
    #expect(abs(model.residualProjectionStd - scaled) < 1e-15)
    var proj: [Float] = [], fc: [Float] = []
    for b in model.h { proj += b.attn.cProj.weight.scalars + b.mlp.cProj.weight.scalars; fc += b.mlp.cFc.weight.scalars }
    #expect(abs(std(Tensor(proj)) - scaled) < 0.02 * scaled, "c_proj std \(std(Tensor(proj)))")
    #expect(abs(std(Tensor(fc)) - 0.02) < 0.02 * 0.02, "c_fc std \(std(Tensor(fc)))")
    #expect(abs(std(model.wte.weight) - 0.02) < 0.02 * 0.02)
    #expect(model.h[0].attn.cAttn.bias!.scalars.allSatisfy { $0 == 0 })
    #expect(model.h[0].ln1.weight.scalars.allSatisfy { $0 == 1 })
  }

  /// The tied weight's gradient is the embedding's scatter-add plus the lm_head's `Gᵀ·x`: equal to
  /// the sum of the gradients of an untied copy of the same model, and to finite differences.
  @Test func tiedWeightGetsBothGradients() {
    var g = TorchGenerator(seed: 3)
    let config = GPT2Config(vocabSize: 20, blockSize: 6, layers: 1, heads: 2, embedding: 8)
    let model = GPT2(config, generator: &g)
    let x = IntTensor([1, 5, 5, 7, 19, 0, 3, 3, 2, 8, 1, 4], shape: [2, 6])
    let y = IntTensor([5, 5, 7, 19, 0, 3, 3, 2, 8, 1, 4, 4], shape: [2, 6])
    model.loss(x, targets: y).backward()
    let tied = model.wte.weight.grad!.scalars
    // Untied: the head reads a separate copy of the table.
    model.zeroGrad()
    let headCopy = Tensor(model.wte.weight.scalars, shape: [20, 8]).requiringGrad()
    let logits = model.hidden(x).matmul(headCopy.T)
    crossEntropy(logits.view([12, 20]), y.view([12])).backward()
    let embeddingPart = model.wte.weight.grad!.scalars, headPart = headCopy.grad!.scalars
    #expect(embeddingPart.contains { $0 != 0 } && headPart.contains { $0 != 0 })
    expectClose(tied, zip(embeddingPart, headPart).map { $0 + $1 }, tol: 1e-5, "tied = embedding + head")
    checkGradients([model.wte.weight], tol: 3e-2, step: 1e-2, "tied wte") { model(x) }
  }

  /// GELU is the tanh approximation (`nn.GELU(approximate='tanh')`), not the erf one.
  @Test func mlpUsesTanhGELU() {
    let x = Tensor([-3, -1, -0.5, 0, 0.5, 1, 2, 3], shape: [8])
    let y = GELU()(x).scalars
    let tanhForm = x.scalars.map { v in
      Float(0.5 * Double(v) * (1 + tanh((2 / Double.pi).squareRoot() * (Double(v) + 0.044715 * pow(Double(v), 3)))))
    }
    expectClose(y, tanhForm, tol: 1e-6, "gelu")
    #expect(abs(y[1] - Float(-0.15880800939172324)) < 1e-6)  // tanh form at −1; erf form gives −0.158655
  }

  /// build-nanogpt's sampling (top-k 50, `torch.multinomial` with a seeded generator) on the
  /// PyTorch-built tiny model gives PyTorch's tokens, and the same seed gives the same tokens.
  @Test func generationMatchesPyTorchAndIsDeterministic() {
    var g = TorchGenerator(seed: 1337)
    let model = GPT2(Self.tiny, generator: &g)
    var s1 = TorchGenerator(seed: 42), s2 = TorchGenerator(seed: 42)
    let a = model.generate(prompts: Array(repeating: [1, 2, 3], count: 3), maxNewTokens: 5, generator: &s1)
    let b = model.generate(prompts: Array(repeating: [1, 2, 3], count: 3), maxNewTokens: 5, generator: &s2)
    #expect(a == b)
    #expect(a == [[1, 2, 3, 74, 20, 14, 47, 56], [1, 2, 3, 43, 0, 9, 54, 54], [1, 2, 3, 8, 50, 49, 98, 78]])
    var s3 = TorchGenerator(seed: 42)
    let long = model.generate(prompt: [4], maxNewTokens: 20, generator: &s3)  // crops to the block of 16
    #expect(long.count == 21 && long.allSatisfy { $0 >= 0 && $0 < 100 })
  }
}
