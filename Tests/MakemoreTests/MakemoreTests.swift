import Datasets
import Foundation
import Makemore
import Random
import Tensor
import Testing
import TestSupport

/// The makemore library half (data → index tensors, split evaluation, sampling helpers, the
/// reference table), tested directly against the PyTorch fixtures and against hand-made cases.
/// The lectures' own numbers are checked by running their binaries (snapshot tests).
@Suite struct MakemoreTests {
  static func names() throws -> Names {
    try Names(text: DataFiles.readText(at: Fixtures.packageRoot.appendingPathComponent("names.txt")))
  }

  static func fixture(_ name: String) throws -> [String: Any] {
    let root = try #require(Fixtures.json("lectures.json") as? [String: Any])
    let cases = try #require(root["cases"] as? [[String: Any]])
    return try #require(cases.first { $0["name"] as? String == name })
  }

  @Test func bigramPairsOfTheWholeFile() throws {
    let names = try Self.names()
    let (xs, ys) = names.bigramPairs(names.words)
    #expect(xs.count == (try Self.fixture("lecture2_neural_bigram")["examples"] as? Int))
    #expect(Array(xs.prefix(5)) == [0, 5, 13, 13, 1])   // . e m m a
    #expect(Array(ys.prefix(5)) == [5, 13, 13, 1, 0])   // e m m a .
    #expect(names.isLectureFile)
  }

  /// Split sizes of the fixture, and the first minibatches: after the 11,897 normals of the
  /// model's parameters, `randint` over the training contexts picks PyTorch's rows.
  @Test func contextTensorsAndBatchesMatchTheFixture() throws {
    let fixture = try Self.fixture("lecture3_mlp")
    let names = try Self.names()
    let (train, dev, test) = try names.requireSplits(for: "this test")
    let sets = [train, dev, test].map { names.contextTensors($0, blockSize: 3) }
    #expect(sets.map { $0.Y.count } == (fixture["split_sizes"] as? [Int]))
    #expect(sets[0].X.shape == [182_625, 3])
    var g = TorchGenerator(seed: 2147483647)
    for shape in [[27, 10], [30, 200], [200], [200, 27], [27]] { _ = Tensor.randn(shape, generator: &g) }
    let batches = try #require(fixture["first_batches_ix"] as? [[Int]])
    for batch in batches.prefix(3) {
      #expect(IntTensor.randint(low: 0, high: sets[0].X.shape[0], shape: [32], generator: &g).scalars == batch)
    }
  }

  @Test func contextTensorsForAnyBlockSize() throws {
    let names = try Names(text: "emma\nbo\n")
    let (X, Y) = names.contextTensors(["emma"], blockSize: 2)
    #expect(X.shape == [5, 2])
    #expect(names.decode(X.scalars) == "...eemmmma")   // .. .e em mm ma
    #expect(names.decode(Y.scalars) == "emma.")
    let (X1, _) = names.contextTensors(names.words, blockSize: 1)
    #expect(X1.shape == [8, 1])
    let (X0, Y0) = names.contextTensors(["bo"], blockSize: 0)
    #expect(X0.shape == [3, 0] && Y0.count == 3)
  }

  @Test func splitLossIsTheMeanCrossEntropy() {
    let X = IntTensor([[0], [1], [2]])
    let Y = IntTensor([1, 2, 0])
    // Equal logits: every prediction is uniform over 4 symbols, loss ln 4.
    let uniform = splitLoss(X, Y) { Tensor.zeros([$0.shape[0], 4]) }
    #expect(Swift.abs(uniform - Float(Foundation.log(4.0))) < 1e-6)
    // A logit table indexed by the context: loss = mean of −log softmax at the target.
    let table = Tensor([[0, 2, 0, 0], [0, 0, 1, 0], [3, 0, 0, 0]])
    let loss = splitLoss(X, Y) { table[$0.view(-1)] }
    func nll(_ row: [Double], _ t: Int) -> Double { -(row[t] - Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +))) }
    let expected = (nll([0, 2, 0, 0], 1) + nll([0, 0, 1, 0], 2) + nll([3, 0, 0, 0], 0)) / 3
    #expect(Swift.abs(Double(loss) - expected) < 1e-6)
    #expect(splitLoss(IntTensor([Int](), shape: [0, 1]), IntTensor([Int]())) { _ in Tensor.zeros([0, 4]) }.isNaN)
  }

  /// A split as large as lecture 3's training set: equal logits must give ln 27 to float32
  /// precision. (A single float32 running sum of the 182,625 losses gives 3.2919.)
  @Test func splitLossDoesNotDriftOnLargeSplits() {
    let n = 182_625
    let X = IntTensor([Int](repeating: 0, count: n), shape: [n, 1])
    let Y = IntTensor((0..<n).map { $0 % 27 })
    let loss = splitLoss(X, Y) { Tensor.zeros([$0.shape[0], 27]) }
    #expect(Swift.abs(Double(loss) - Foundation.log(27.0)) < 2e-6, "\(loss)")
  }

  /// The bigram sampler on the fixture's trained W gives PyTorch's five names (the training
  /// here is the fixture's grouped formulation, see Lecture02Tests; only sampling is tested).
  @Test func bigramSamplerDrawsPyTorchsNames() throws {
    let names = try Names(text: "ab\nb\n")
    // A deterministic table: . → a, a → b, b → . : every name is "ab."
    let table: [[Float]] = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    #expect(NameSampler.bigramNames(3, seed: 1, itos: names.itos) { table[$0] } == ["ab.", "ab.", "ab."])
    #expect(NameSampler.bigramNames(2, seed: 1, itos: names.itos, cumulative: true) { table[$0] } == ["ab.", "ab."])
    // A model that never ends is cut at maxLength.
    var g = TorchGenerator(seed: 1)
    #expect(NameSampler.bigramName(&g, itos: names.itos, maxLength: 7) { _ in [0, 1, 0] } == "aaaaaaa")
  }

  @Test func contextSamplerSlidesTheWindow() throws {
    let names = try Names(text: "emma\n")
    // Next character = a fixed function of the last three: the contexts of "emma".
    let next: [String: Character] = ["...": "e", "..e": "m", ".em": "m", "emm": "a", "mma": "."]
    var seen: [String] = []
    var g = TorchGenerator(seed: 5)
    let name = NameSampler.contextName(&g, blockSize: 3, itos: names.itos) { context in
      let key = names.decode(context)
      seen.append(key)
      return names.itos.map { $0 == next[key] ? 1 : 0 }
    }
    #expect(name == "emma.")
    #expect(seen == ["...", "..e", ".em", "emm", "mma"])
    var g2 = TorchGenerator(seed: 5)
    #expect(NameSampler.contextName(&g2, blockSize: 3, itos: names.itos, maxLength: 10) { _ in [0, 0, 1, 0] }.count == 11)
  }

  @Test func referenceTableComparesOnlyWhatApplies() {
    let ours: [Int: Float] = [0: 27.8817, 10: 16.7, 100: 7.9]
    let reference: [Int: Float] = [0: 27.881732940673828, 10: 16.694435119628906]
    let table = ReferenceTable(steps: [0, 10, 100, 500], ours: ours, reference: reference)
    #expect(table.headers == ["step", "loss (ours)", "PyTorch", "Δ"])
    #expect(table.rows.count == 3)
    #expect(table.rows[0] == ["0", "27.8817", "27.8817", "-3.2e-05"])
    #expect(table.rows[2] == ["100", "7.9000", "", ""])
    #expect(Swift.abs(table.largestDifference! - 0.005565) < 1e-4)
    let alone = ReferenceTable(steps: [0, 10], ours: ours, reference: nil)
    #expect(alone.headers == ["step", "loss (ours)"] && alone.largestDifference == nil)
  }

  @Test func requirementsSayWhatIsMissing() throws {
    let five = try Names(text: "emma\nolivia\nava\nisabella\nsophia\n")
    #expect(throws: NamesRequirementError.self) { try five.requireSplits(for: "lecture 3") }
    do { _ = try five.requireSplits(for: "lecture 3") } catch {
      #expect("\(error)".contains("5 names") && "\(error)".contains("4 / 0 / 1"))
    }
    let ten = try Names(text: (0..<10).map { String(repeating: "a", count: $0 + 1) }.joined(separator: "\n"))
    let parts = try ten.requireSplits(for: "lecture 3")
    let sizes: [Int] = [parts.train.count, parts.dev.count, parts.test.count]
    #expect(sizes == [8, 1, 1])
    #expect(five.missingCharacters("andrejq") == ["n", "d", "r", "j", "q"])
    #expect(!five.covers("andrejq") && five.covers("ava"))
    #expect(!five.isLectureFile)
  }
}

/// Names files a learner may bring: the vocabulary comes from the data, bad lines are named.
@Suite struct NamesParsingTests {
  @Test func vocabularyIsBuiltFromTheData() throws {
    let one = try Names(text: "emma")
    #expect(one.itos == [".", "a", "e", "m"] && one.vocabularySize == 4)
    let accented = try Names(text: "zoë\nchloé\r\nbjörn\r\n")
    #expect(accented.words == ["zoë", "chloé", "björn"])
    #expect(accented.itos.contains("ë") && accented.itos.contains("ö"))
    #expect(accented.encodeFramed("zoë").count == 5)
    let long = try Names(text: String(repeating: "ab", count: 500))
    #expect(long.words[0].count == 1000)
  }

  @Test func badLinesAreNamed() {
    for (text, fragment) in [("emma\nbob 2\n", "line 2"), ("a.b\n", "'.'"), ("emma\nan na\n", "a space")] {
      do {
        _ = try Names(text: text)
        Issue.record("accepted \(text)")
      } catch {
        #expect("\(error)".contains(fragment), "\(error)")
      }
    }
    #expect(throws: (any Error).self) { try Names(text: "\n\n") }
  }
}
