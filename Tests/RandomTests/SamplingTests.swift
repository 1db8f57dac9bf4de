import Foundation
import Testing
import TestSupport
@testable import Random

/// multinomial, bernoulli, dropout masks and randperm against PyTorch 2.15.
@Suite struct SamplingTests {
  @Test(arguments: TorchFixture.cases("multinomial_after_rand3"))
  func multinomialWithReplacement(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    var p = g.uniform(3)
    let total = p.reduce(0, +)
    p = p.map { $0 / total }
    #expect(p == c.args["probs"].floats)
    #expect(g.multinomial(p, numSamples: c.args["num_samples"].int, replacement: true) == c.values.ints)
  }

  @Test func multinomialSpecVectors() {
    var g = TorchGenerator(seed: 2_147_483_647)
    var p = g.uniform(3)
    let total = p.reduce(0, +)
    p = p.map { $0 / total }
    // The spec vector samples from a freshly seeded generator (p came from another one).
    var fresh = TorchGenerator(seed: 2_147_483_647)
    #expect(fresh.multinomial(p, numSamples: 10, replacement: true) == [1, 1, 1, 0, 0, 2, 2, 0, 1, 1])
    // On the generator that drew p (as in the lecture), the samples continue its stream.
    #expect(g.multinomial(p, numSamples: 10, replacement: true) == [1, 1, 2, 0, 0, 2, 1, 1, 0, 0])
  }

  @Test(arguments: TorchFixture.cases("multinomial_single_draws"))
  func multinomialSingleDraws(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    let p = c.args["probs"].floats
    let drawn = (0..<c.args["draws"].int).flatMap { _ in g.multinomial(p, numSamples: 1, replacement: true) }
    #expect(drawn == c.values.ints)
  }

  @Test(arguments: TorchFixture.cases("multinomial_no_replacement"))
  func multinomialWithoutReplacement(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    #expect(g.multinomial(c.args["probs"].floats, numSamples: c.args["num_samples"].int) == c.values.ints)
  }

  @Test(arguments: TorchFixture.cases("multinomial_rows") + TorchFixture.cases("multinomial_rows_many"))
  func multinomialRows(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    let rows = c.args["probs_rows"].array.map(\.floats)
    let n = c.args["num_samples"].int
    let drawn = rows.flatMap { $0 }.withUnsafeBufferPointer {
      g.multinomial(rows: $0, rowCount: rows.count, numSamples: n, replacement: true)
    }
    let expected = n == 1 ? c.values.ints : c.values.array.flatMap(\.ints)
    #expect(drawn == expected)
  }

  @Test func multinomialSoftmaxSpecVector() {
    // softmax(arange(27) / 10), five separate one-sample draws without replacement.
    let logits = (0..<27).map { Float($0) / 10 }
    let exps = logits.map { Foundation.exp($0) }
    let total = exps.reduce(0, +)
    let p = exps.map { $0 / total }
    var g = TorchGenerator(seed: 2_147_483_647)
    let drawn = (0..<5).flatMap { _ in g.multinomial(p) }
    #expect(drawn == [20, 5, 24, 26, 13])
  }

  @Test func multinomialOfOneCategoryIsAlwaysIt() {
    var g = TorchGenerator(seed: 1)
    #expect(g.multinomial([0, 0, 3, 0], numSamples: 4, replacement: true) == [2, 2, 2, 2])
    #expect(g.multinomial([0, 0, 3, 0]) == [2])
  }

  @Test(arguments: TorchFixture.cases("bernoulli"))
  func bernoulli(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    #expect(g.bernoulli(c.args["shape"].elementCount, p: c.args["p"].double) == c.values.floats)
  }

  @Test(arguments: TorchFixture.cases("dropout_mask"))
  func dropoutMask(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    #expect(g.bernoulli(c.args["shape"].elementCount, p: 1 - c.args["p"].double) == c.values.floats)
  }

  @Test(arguments: TorchFixture.cases("randperm"))
  func randperm(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    #expect(g.randperm(c.args["n"].int) == c.values.ints)
  }

  @Test func randpermIsAPermutation() {
    var g = TorchGenerator(seed: 11)
    #expect(g.randperm(500).sorted() == Array(0..<500))
    #expect(g.randperm(0) == [])
    #expect(g.randperm(1) == [0])
  }
}
