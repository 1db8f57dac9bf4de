import Foundation
import NN
import Random
import Tensor
import Testing
import TestSupport

/// Rotary position embedding (lecture 7's exercise 4): the rotation's values, its gradient
/// against finite differences, the relative-position property that motivates it, and the
/// rotary attention and GPT built on it.
@Suite struct RotaryEmbeddingTests {
  /// Position t turns pair i by t·θᵢ with θᵢ = 10000^(−2i/head_size): checked element by element
  /// against cos/sin computed here, and position 0 is the identity.
  @Test func rotatesEachPairByPositionTimesFrequency() {
    let rope = RotaryEmbedding(headSize: 4, maxLength: 5)
    let x = Tensor(testValues(2 * 3 * 8, seed: 7), shape: [2, 3, 8])   // two heads of 4
    let y = rope(x).scalars, xs = x.scalars
    #expect(RotaryEmbedding.frequency(pair: 0, headSize: 4) == 1)
    #expect(Swift.abs(RotaryEmbedding.frequency(pair: 1, headSize: 4) - 0.01) < 1e-15)
    for b in 0..<2 { for t in 0..<3 { for h in 0..<2 { for i in 0..<2 {
      let base = (b * 3 + t) * 8 + h * 4 + 2 * i
      let angle = Double(t) * RotaryEmbedding.frequency(pair: i, headSize: 4)
      let (c, s) = (Float(cos(angle)), Float(sin(angle)))
      #expect(Swift.abs(y[base] - (xs[base] * c - xs[base + 1] * s)) < 1e-6)
      #expect(Swift.abs(y[base + 1] - (xs[base] * s + xs[base + 1] * c)) < 1e-6)
      if t == 0 { #expect(y[base] == xs[base] && y[base + 1] == xs[base + 1]) }
    } } } }
  }

  /// Columns after `rotatedWidth` are copied unchanged (v in a q|k|v tensor), and the rotation
  /// keeps every pair's length.
  @Test func passesTheUnrotatedColumnsThroughAndKeepsLengths() {
    let rope = RotaryEmbedding(headSize: 4, maxLength: 8)
    let x = Tensor(testValues(1 * 6 * 12, seed: 8), shape: [1, 6, 12])
    let y = rope(x, rotatedWidth: 8).scalars, xs = x.scalars
    for r in 0..<6 {
      for j in 8..<12 { #expect(y[r * 12 + j] == xs[r * 12 + j]) }
      for p in 0..<4 {
        let (a, b) = (xs[r * 12 + 2 * p], xs[r * 12 + 2 * p + 1]), (u, v) = (y[r * 12 + 2 * p], y[r * 12 + 2 * p + 1])
        #expect(Swift.abs((a * a + b * b) - (u * u + v * v)) < 1e-5)
      }
    }
  }

  /// The reason for RoPE: the score between a query rotated to position t and a key rotated to
  /// position s depends only on t − s.
  @Test func scoresDependOnRelativePositionOnly() {
    let hs = 8, rope = RotaryEmbedding(headSize: hs, maxLength: 16)
    let q = testValues(hs, seed: 11), k = testValues(hs, seed: 12)
    // The same q at every position, the same k at every position: row t is q rotated by t.
    let rq = rope(Tensor(Array((0..<16).map { _ in q }.joined()), shape: [1, 16, hs])).scalars
    let rk = rope(Tensor(Array((0..<16).map { _ in k }.joined()), shape: [1, 16, hs])).scalars
    func score(_ t: Int, _ s: Int) -> Float { (0..<hs).reduce(0) { $0 + rq[t * hs + $1] * rk[s * hs + $1] } }
    for (t, s) in [(3, 1), (7, 2), (15, 0)] {
      for shift in [1, -t + s, 16 - 1 - t] where t + shift >= 0 && s + shift >= 0 && t + shift < 16 && s + shift < 16 {
        #expect(Swift.abs(score(t, s) - score(t + shift, s + shift)) < 1e-4, "score(\(t), \(s)) vs shifted by \(shift)")
      }
    }
    #expect(Swift.abs(score(3, 1) - score(1, 3)) > 1e-3)  // but direction matters (not symmetric in general)
  }

  /// The op's backward (rotation by −angle) against central finite differences, with a partial
  /// rotated width so the pass-through columns are checked too.
  @Test func gradientMatchesFiniteDifferences() {
    let rope = RotaryEmbedding(headSize: 4, maxLength: 4)
    let x = GradCheck.input([2, 3, 12], seed: 21)
    let bad = GradCheck.mismatches([x]) { rope($0[0], rotatedWidth: 8) }
    #expect(bad.isEmpty, "\(bad.prefix(3))")
    let whole = GradCheck.input([1, 4, 8], seed: 22)
    #expect(GradCheck.mismatches([whole]) { rope($0[0]) }.isEmpty)
  }

  /// Rotary attention end to end (projection, rotation, fused causal attention, projection):
  /// gradients of the input and of both weights against finite differences; causal (a change
  /// at the last position leaves earlier outputs alone).
  @Test func rotaryAttentionGradientsAndCausality() {
    var g = TorchGenerator(seed: 5)
    let attention = RotaryCausalSelfAttention(embedding: 8, numHeads: 2, blockSize: 4, generator: &g)
    let x = Tensor(testValues(2 * 4 * 8, seed: 23), shape: [2, 4, 8]).requiringGrad()
    checkGradients([x, attention.qkv.weight, attention.proj.weight, attention.proj.bias!], "RotaryCausalSelfAttention") {
      attention(x)
    }
    let y1 = Tensor.withNoGrad { attention(x) }.scalars
    let x2 = Tensor(x.scalars, shape: [2, 4, 8])
    x2[at: 0, 3, 5] = 3
    let y2 = Tensor.withNoGrad { attention(x2) }.scalars
    #expect(Array(y1[0..<24]) == Array(y2[0..<24]))   // positions 0…2 of sequence 0
    #expect(Array(y1[24..<32]) != Array(y2[24..<32]))
  }

  /// RotaryGPT is lecture 7's GPT without the position table: block × C fewer parameters, the
  /// same names otherwise, logits of the right shape, and a loss near ln(vocab) at init.
  @Test func rotaryGPTShapesAndParameters() {
    let config = GPTConfig(vocabSize: 65, blockSize: 32, embedding: 64, heads: 4, layers: 4, attention: .batched)
    var g = TorchGenerator(seed: 1337)
    let learned = GPTLanguageModel(config, generator: &g)
    var g2 = TorchGenerator(seed: 1337)
    let rotary = RotaryGPT(config, generator: &g2)
    #expect(learned.parameterCount - rotary.parameterCount == 32 * 64)
    let learnedNames = Set(learned.namedParameters().map(\.name))
    let rotaryNames = Set(rotary.namedParameters().map(\.name))
    #expect(learnedNames.subtracting(rotaryNames) == ["position_embedding_table.weight"])
    #expect(rotaryNames.isSubset(of: learnedNames))
    let x = IntTensor((0..<64).map { $0 % 65 }, shape: [2, 32])
    #expect(rotary(x).shape == [2, 32, 65])
    let loss = rotary.loss(x, targets: IntTensor((0..<64).map { ($0 + 1) % 65 }, shape: [2, 32])).item()
    #expect(Swift.abs(loss - Float(log(65.0))) < 0.05, "loss at init \(loss)")
  }
}
