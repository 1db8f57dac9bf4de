import Foundation
import Random
import Testing
import Tensor
import TestSupport

// Random factories reproduce PyTorch's values. (Lecture 3's data and batches are tested in
// MakemoreTests; its training run by the lecture's snapshot test.)

@Suite struct RandomTensors {
  @Test func randnMatchesTorchVectors() {
    var g = TorchGenerator(seed: 2147483647)
    let W = Tensor.randn([27, 27], generator: &g)
    let row0: [Float] = [1.5673619508743286, -0.2372923195362091, -0.027384605258703232, -1.100779414176941, 0.2858814597129822]
    let row26: [Float] = [0.34329596161842346, 2.0698482990264893, 1.3404642343521118, -0.21746298670768738, 0.8627285957336426]
    #expect(Array(W[0].scalars.prefix(5)) == row0)
    #expect(Array(W[26].scalars.suffix(5)) == row26)
  }

  @Test func randAndMultinomial() {
    var g = TorchGenerator(seed: 2147483647)
    let p = Tensor.rand([3], generator: &g)
    #expect(p.scalars == [0.7081288695335388, 0.3542391061782837, 0.10543233156204224])
    let normalised = p / p.sum()
    let samples = normalised.multinomial(numSamples: 100, replacement: true, generator: &g)
    #expect(samples.shape == [100])
    #expect(Array(samples.scalars.prefix(10)) == [1, 1, 2, 0, 0, 2, 1, 1, 0, 0])
    var g2 = TorchGenerator(seed: 7)
    let rows = Tensor([[0, 1, 0], [1, 0, 0]]).multinomial(generator: &g2)
    #expect(rows.scalars == [1, 0])
  }

  @Test func dropoutMatchesMaskAndScale() {
    var g = TorchGenerator(seed: 1)
    let x = Tensor.ones([1000])
    let y = x.dropout(p: 0.2, training: true, generator: &g)
    let kept = y.scalars.filter { $0 != 0 }
    #expect(kept.allSatisfy { $0 == 1.25 })
    #expect(kept.count > 750 && kept.count < 850)
    #expect(x.dropout(p: 0.2, training: false, generator: &g) === x)
    // Same generator state → same mask as bernoulli(1 − p).
    var a = TorchGenerator(seed: 3), b = TorchGenerator(seed: 3)
    let mask = b.bernoulli(10, p: 0.5)
    #expect(Tensor.ones([10]).dropout(p: 0.5, generator: &a).scalars == mask.map { $0 * 2 })
  }

  @Test func randintShape() {
    var g = TorchGenerator(seed: 2147483647)
    let ix = IntTensor.randint(low: 0, high: 10, shape: [2, 3], generator: &g)
    #expect(ix.shape == [2, 3])
    #expect(ix.scalars.allSatisfy { (0..<10).contains($0) })
  }
}

@Suite struct Lecture2Reproduction {
  /// All bigrams of names.txt with '.' as start and end token: 228,146 (input, target) pairs.
  private func bigrams() throws -> (IntTensor, IntTensor) {
    let text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("names.txt"), encoding: .utf8)
    let words = text.split(separator: "\n").map(String.init)
    var stoi: [Character: Int] = [".": 0]
    for (i, c) in Set(words.joined()).sorted().enumerated() { stoi[c] = i + 1 }
    var xs: [Int] = [], ys: [Int] = []
    for w in words {
      let chars = ["."] + Array(w) + ["."]
      for (a, b) in zip(chars, chars.dropFirst()) { xs.append(stoi[a]!); ys.append(stoi[b]!) }
    }
    return (IntTensor(xs), IntTensor(ys))
  }

  @Test func firstGradientStepsMatchTheFixture() throws {
    let cases = try #require((try Fixtures.json("lectures.json") as? [String: Any])?["cases"] as? [[String: Any]])
    let l2 = try #require(cases.first { $0["name"] as? String == "lecture2_neural_bigram" })
    let losses = try #require(l2["losses"] as? [Double])
    let (xs, ys) = try bigrams()
    #expect(xs.count == 228146)
    var g = TorchGenerator(seed: 2147483647)
    let W = Tensor.randn([27, 27], generator: &g).requiringGrad()
    let xenc = oneHot(xs, numClasses: 27)
    for k in 0..<2 {
      let logits = xenc.matmul(W)
      let counts = logits.exp()
      let probs = counts / counts.sum(dim: 1, keepdim: true)
      let loss = -probs[IntTensor.arange(xs.count), ys].log().mean() + 0.01 * pow(W, 2).mean()
      // Float32 single-pass tolerance (LECTURES.md §0); the pairwise sums keep the mean over
      // 228,146 log-probabilities this close (a plain running sum is off by 7e-6 relative).
      #expect(Swift.abs(Double(loss.item()) - losses[k]) < 1e-6 * losses[k], "iteration \(k)")
      W.grad = nil
      loss.backward()
      W.data += -50 * W.grad!
    }
  }
}
