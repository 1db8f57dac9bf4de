import Foundation
import NN
import Random
import Tensor
import TestSupport
import Testing

@Suite struct GPTTests {
  /// Lecture 7's notebook model built after `torch.manual_seed(1337)` with gpt.py's init.
  func lectureModel(scale: AttentionScale = .headSize) throws -> (GPTLanguageModel, [String: Any]) {
    let fixture = try #require(try Fixtures.json("gpt_lecture7.json") as? [String: Any])
    let vocab = try #require(fixture["vocab_size"] as? Int)
    var config = GPTConfig.lecture7Small(vocabSize: vocab)
    config.scale = scale
    var g = TorchGenerator(seed: 1337)
    return (GPTLanguageModel(config, gptInit: true, generator: &g), fixture)
  }

  @Test func parameterCountAndFirstWeightsMatchPyTorch() throws {
    let (model, fixture) = try lectureModel()
    #expect(model.parameterCount == fixture["params"] as? Int)
    #expect(model.parameterCount == 209_729)
    let named = Dictionary(model.namedParameters().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    let first = try #require(fixture["first_weights"] as? [String: [Double]])
    for (key, values) in first {
      let module = String(key.prefix { $0 != "[" })
      let name = module.hasSuffix(".weight") ? module : module + ".weight"
      let table = try #require(named[name], "no parameter \(name)")
      expectClose(Array(table.scalars.prefix(8)), values.map(Float.init), tol: 1e-7, key)
    }
    #expect(named["blocks.3.ffwd.net.2.bias"] != nil && named["ln_f.weight"] != nil)
  }

  @Test func firstTrainingLossMatchesPyTorch() throws {
    let (model, fixture) = try lectureModel()
    let textURL = Fixtures.packageRoot.appendingPathComponent("tinyshakespeare.txt")
    let text = try String(contentsOf: textURL, encoding: .utf8)
    let chars = Set(text).sorted { String($0).unicodeScalars.lexicographicallyPrecedes(String($1).unicodeScalars) }
    let stoi = Dictionary(uniqueKeysWithValues: chars.enumerated().map { ($1, $0) })
    let data = text.map { stoi[$0]! }
    let train = Array(data[..<Int(0.9 * Double(data.count))])
    let ix = try #require(fixture["first_train_batch_ix"] as? [Int])
    var xs: [Int] = [], ys: [Int] = []
    for i in ix { xs += train[i..<(i + 32)]; ys += train[(i + 1)...(i + 32)] }
    let loss = model.loss(IntTensor(xs, shape: [16, 32]), targets: IntTensor(ys, shape: [16, 32]))
    let expected = try #require((fixture["train_losses"] as? [Double])?.first)
    #expect(abs(Double(loss.item()) - expected) < 1e-4, "loss \(loss.item()) vs PyTorch \(expected)")
  }

  /// gpt.py's first training steps: after the model, `estimate_loss` draws 200 train and 200 val
  /// batches, then each step draws one batch, computes the loss and takes an AdamW step
  /// (lr 1e-3, weight decay 0.01). Batches, losses and updates must follow PyTorch.
  @Test func firstAdamWStepsMatchPyTorch() throws {
    let (model, fixture) = try lectureModel()
    let text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("tinyshakespeare.txt"), encoding: .utf8)
    let chars = Set(text).sorted { String($0).unicodeScalars.lexicographicallyPrecedes(String($1).unicodeScalars) }
    let stoi = Dictionary(uniqueKeysWithValues: chars.enumerated().map { ($1, $0) })
    let data = text.map { stoi[$0]! }
    let n = Int(0.9 * Double(data.count))
    let (train, val) = (Array(data[..<n]), Array(data[n...]))
    var g = TorchGenerator(seed: 1337)
    _ = GPTLanguageModel(.lecture7Small(vocabSize: chars.count), gptInit: true, generator: &g)  // same draws as `model`
    let firstEval = g.randint(low: 0, high: train.count - 32, count: 16)
    #expect(firstEval == fixture["first_eval_batch_ix"] as? [Int])
    for _ in 1..<200 { _ = g.randint(low: 0, high: train.count - 32, count: 16) }
    for _ in 0..<200 { _ = g.randint(low: 0, high: val.count - 32, count: 16) }
    let expected = try #require(fixture["train_losses"] as? [Double])
    let optimizer = AdamW(model.parameters(), learningRate: 1e-3)
    for step in 0..<3 {
      let ix = g.randint(low: 0, high: train.count - 32, count: 16)
      if step == 0 { #expect(ix == fixture["first_train_batch_ix"] as? [Int]) }
      var xs: [Int] = [], ys: [Int] = []
      for i in ix { xs += train[i..<(i + 32)]; ys += train[(i + 1)...(i + 32)] }
      let loss = model.loss(IntTensor(xs, shape: [16, 32]), targets: IntTensor(ys, shape: [16, 32]))
      #expect(abs(Double(loss.item()) - expected[step]) < 5e-5, "step \(step): loss \(loss.item()) vs PyTorch \(expected[step])")
      optimizer.zeroGrad()
      loss.backward()
      optimizer.step()
    }
  }

  @Test func inByOutLayoutBuildsTheSameModel() throws {
    var g1 = TorchGenerator(seed: 1337), g2 = TorchGenerator(seed: 1337)
    var config = GPTConfig(vocabSize: 7, blockSize: 4, embedding: 8, heads: 2, layers: 1)
    let a = GPTLanguageModel(config, generator: &g1)
    config.linearLayout = .inByOut
    let b = GPTLanguageModel(config, generator: &g2)
    let la = a.modules().compactMap { $0 as? Linear }, lb = b.modules().compactMap { $0 as? Linear }
    #expect(la.count == lb.count && la.count == 10)  // 2 heads × (k, q, v), proj, 2 MLP, lm_head
    for (x, y) in zip(la, lb) { #expect(x.torchWeight == y.torchWeight && x.bias?.scalars == y.bias?.scalars) }
    let ids = IntTensor([1, 2, 3, 4, 5, 6, 0, 1], shape: [2, 4])
    expectClose(b(ids).scalars, a(ids).scalars, tol: 1e-5, "logits")
  }

  @Test func batchedAttentionModelShapes() {
    var g = TorchGenerator(seed: 1)
    let config = GPTConfig(vocabSize: 11, blockSize: 8, embedding: 16, heads: 4, layers: 2, attention: .batched, gelu: true)
    let model = GPTLanguageModel(config, generator: &g)
    let logits = model(IntTensor([1, 2, 3, 4, 5, 6], shape: [2, 3]))
    #expect(logits.shape == [2, 3, 11])
    #expect(model.namedParameters().map(\.name).contains("blocks.1.sa.qkv.weight"))
    let sample = model.generate([1, 2], maxNewTokens: 10, generator: &g)
    #expect(sample.count == 12 && sample.prefix(2) == [1, 2] && sample.allSatisfy { (0..<11).contains($0) })
  }
}
