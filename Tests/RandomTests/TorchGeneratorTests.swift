import Testing
@testable import Random

/// The generator's raw streams and the uniform, integer and normal draws, against PyTorch.
@Suite struct TorchGeneratorTests {
  // Spec vectors (/work/shared/spec/rng/vectors.json): the first engine outputs.
  @Test func mt19937FirstOutputs() {
    var g = TorchGenerator(seed: 2_147_483_647)
    #expect((0..<8).map { _ in g.nextUInt32() } == [
      1_689_602_031, 3_831_148_394, 2_820_341_149, 2_744_746_572,
      370_616_153, 3_004_629_480, 4_141_996_784, 3_942_456_616,
    ])
    var h = TorchGenerator(seed: 42)
    #expect((0..<4).map { _ in h.nextUInt32() } == [1_608_637_542, 3_421_126_067, 4_083_286_876, 787_846_414])
  }

  @Test func random64TakesTheFirstDrawAsHighWord() {
    var a = TorchGenerator(seed: 7)
    var b = TorchGenerator(seed: 7)
    let high = UInt64(b.nextUInt32()), low = UInt64(b.nextUInt32())
    #expect(a.nextUInt64() == high << 32 | low)
  }

  @Test func seedUsesOnlyTheLow32Bits() {
    var a = TorchGenerator(seed: 5)
    var b = TorchGenerator(seed: 5 + (1 << 32))
    #expect(a.uniform(10) == b.uniform(10))
  }

  @Test func bulkFillMatchesSingleDrawsAcrossTwists() {
    // 2000 draws cross three twists; the bulk path must agree with one-at-a-time draws.
    var bulk = TorchGenerator(seed: 99)
    var single = TorchGenerator(seed: 99)
    _ = bulk.nextUInt32()
    _ = single.nextUInt32()
    let fast = bulk.uniform(2000)
    let slow = (0..<2000).map { _ in single.nextUnitFloat() }
    #expect(fast == slow)
    #expect(bulk.nextUInt32() == single.nextUInt32())
  }

  @Test func manualSeedRestartsTheStreamAndClearsTheNormalCache() {
    var g = TorchGenerator(seed: 2_147_483_647)
    let first = g.normal(5)
    g.manualSeed(2_147_483_647)  // the cache holds a value now; reseeding must drop it
    #expect(g.normal(5) == first)
    #expect(g.initialSeed == 2_147_483_647)
  }

  @Test(arguments: TorchFixture.cases("rand"))
  func rand(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    #expect(g.uniform(c.args["shape"].elementCount) == c.values.floats)
  }

  /// Both normal paths, bit for bit. The < 16 path goes through double `log1p`, `sin`, `cos`
  /// (glibc, like PyTorch on Linux); it matches exactly here, so no tolerance is allowed.
  @Test(arguments: TorchFixture.cases("randn"))
  func randn(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    #expect(g.normal(c.args["shape"].elementCount) == c.values.floats)
  }

  @Test(arguments: TorchFixture.cases("randn_cache_across_calls"))
  func randnCacheAcrossCalls(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    let calls = c.args["calls"].array.map(\.elementCount)
    let drawn = calls.flatMap { g.normal($0) }
    #expect(drawn == c.values.floats)
  }

  @Test(arguments: TorchFixture.cases("randint"))
  func randint(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    let drawn = g.randint(low: c.args["low"].int, high: c.args["high"].int, count: c.args["shape"].elementCount)
    #expect(drawn == c.values.ints)
  }

  @Test func randintSpecVectors() {
    var g = TorchGenerator(seed: 2_147_483_647)
    #expect(g.randint(low: 0, high: 182_625, count: 8) == [138_156, 41144, 63274, 75447, 70028, 82980, 61784, 130_741])
    var h = TorchGenerator(seed: 1337)
    #expect(h.randint(low: 0, high: 1_003_846, count: 4) == [76049, 234_249, 934_904, 560_986])
  }

  @Test func randintWideSpanUses64BitDraws() {
    var g = TorchGenerator(seed: 3)
    var h = TorchGenerator(seed: 3)
    let span = UInt64(1) << 40
    let drawn = g.randint(low: -5, high: -5 + Int(span), count: 3)
    let expected = (0..<3).map { _ in -5 + Int(h.nextUInt64() % span) }
    #expect(drawn == expected)
  }

  /// Several draws in a row on one generator, as a lecture does them.
  @Test(arguments: TorchFixture.cases("sequence"))
  func sequence(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    for step in c.values.array {
      let count = step["shape"].elementCount
      switch step["op"].string {
      case "randn": #expect(g.normal(count) == step["values"].floats, "randn \(step["shape"].ints)")
      case "rand": #expect(g.uniform(count) == step["values"].floats, "rand \(step["shape"].ints)")
      case "randint":
        #expect(g.randint(low: step["low"].int, high: step["high"].int, count: count) == step["values"].ints)
      case let op: Issue.record("unknown op \(op)")
      }
    }
  }

  @Test(arguments: TorchFixture.cases("normal_std"))
  func normalWithStd(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    let drawn = g.normal(c.args["shape"].elementCount, doubleMean: c.args["mean"].double, doubleStd: c.args["std"].double)
    #expect(drawn == c.values.floats)
  }

  @Test(arguments: TorchFixture.cases("uniform_range"))
  func uniformRange(_ c: FixtureCase) {
    var g = TorchGenerator(seed: c.seed)
    let drawn = g.uniform(c.args["shape"].elementCount, low: Float(c.args["low"].double), high: Float(c.args["high"].double))
    #expect(drawn == c.values.floats)
  }

  @Test func copiesForkTheStream() {
    var a = TorchGenerator(seed: 9)
    _ = a.normal(1)  // leaves a cached normal, which the copy must carry too
    var b = a
    #expect(a.normal(3) == b.normal(3))
    #expect(a.normal(100) == b.normal(100))
    #expect(a.nextUInt64() == b.nextUInt64())
  }
}

@Suite struct GeneratorStateTests {
  @Test func stateWordsRestoreTheStreamMidway() {
    var g = TorchGenerator(seed: 1337)
    _ = g.randint(low: 0, high: 100, count: 700)   // past one twist
    _ = g.normal(1, mean: 0, std: 1)                 // leaves no cache, or one, depending on path
    let words = g.stateWords
    var restored = TorchGenerator(stateWords: words)!
    #expect(restored.stateWords == words)
    #expect(restored.randint(low: 0, high: 1000, count: 50) == g.randint(low: 0, high: 1000, count: 50))
    #expect(restored.normal(3, mean: 0, std: 1) == g.normal(3, mean: 0, std: 1))
  }

  @Test func damagedStateIsRejected() {
    var words = TorchGenerator(seed: 1).stateWords
    #expect(TorchGenerator(stateWords: Array(words.dropLast())) == nil)
    words[1] = 625
    #expect(TorchGenerator(stateWords: words) == nil)
  }
}
