import Random
import Testing
import TestSupport
@testable import Tokenizer

/// Training reproduces minbpe's merges (and counts) exactly.
@Suite struct TrainingTests {
  @Test func wikipediaExample() throws {
    var events: [MergeEvent] = []
    let t = try BytePairTokenizer.train("aaabdaaabac", vocabSize: 259, pattern: .none) { events.append($0) }
    #expect(t.merges == [.init(left: 97, right: 97, id: 256), .init(left: 256, right: 97, id: 257), .init(left: 257, right: 98, id: 258)])
    #expect(events.map(\.count) == [4, 2, 2])
    #expect(try t.encode("aaabdaaabac") == [258, 100, 258, 97, 99])
    #expect(try t.decode([258, 100, 258, 97, 99]) == "aaabdaaabac")
  }

  @Test func firstHundredThousandCharacters() throws {
    let text = String(TokenizerFixtures.shakespeare.unicodeScalars.prefix(100_000))
    for run in TokenizerFixtures.small["bpe_train"].array {
      let pattern: SplitPattern = ["basic": .none, "regex_gpt2": .gpt2, "regex_gpt4": .gpt4][run["tokenizer"].string]!
      var counts: [Int] = []
      let t = try BytePairTokenizer.train(text, vocabSize: run["vocab_size"].int, pattern: pattern) { counts.append($0.count) }
      let expected = run["merges"].array.map { $0.ints }
      #expect(t.merges.map { [$0.left, $0.right, $0.id] } == expected.map { Array($0.prefix(3)) }, "\(pattern)")
      #expect(counts == expected.map { $0[3] }, "\(pattern) counts")
    }
  }

  @Test func allOfShakespeare() throws {
    for run in TokenizerFixtures.full["runs"].array {
      let pattern: SplitPattern = run["tokenizer"].string == "basic" ? .none : .gpt4
      var last: MergeEvent?
      let t = pattern == .gpt4 ? TokenizerFixtures.shakespeareGPT4
        : try BytePairTokenizer.train(TokenizerFixtures.shakespeare, vocabSize: 512, pattern: pattern) { last = $0 }
      let expected = run["merges"].array.map { $0.ints }
      #expect(t.merges.map { [$0.left, $0.right, $0.id] } == expected.map { Array($0.prefix(3)) }, "\(pattern)")
      let ids = t.encodeOrdinary(TokenizerFixtures.shakespeare)
      #expect(ids.count == run["encoded_length"].int, "\(pattern)")
      if let last { #expect(last.tokenCount == run["encoded_length"].int) }
      #expect(try t.decode(ids) == TokenizerFixtures.shakespeare)
    }
  }

  @Test func badVocabularySize() {
    #expect(throws: TokenizerError.self) { try BytePairTokenizer.train("abc", vocabSize: 100, pattern: .none) }
    // More merges than pairs: training stops when nothing is left to merge.
    let t = try? BytePairTokenizer.train("abab", vocabSize: 300, pattern: .none)
    #expect(t?.merges.count == 2)
  }
}

/// The incremental trainer and the fast encoder against minbpe's recount-everything algorithm
/// (`NaiveBPE`) on random texts with many ties.
@Suite struct NaiveReferenceTests {
  @Test(arguments: SplitPattern.allCases)
  func randomTexts(_ pattern: SplitPattern) throws {
    var rng = SplitMix64(seed: 11)
    let alphabet = Array("ab ab\nc'sdé😉1".unicodeScalars)
    for _ in 0..<40 {
      var s = String.UnicodeScalarView()
      for _ in 0..<Int(rng.next() % 300) { s.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
      let text = String(s)
      let vocab = 256 + Int(rng.next() % 40)
      let fast = try BytePairTokenizer.train(text, vocabSize: vocab, pattern: pattern)
      #expect(fast.merges == NaiveBPE.train(text, vocabSize: vocab, pattern: pattern), "\(pattern) on \(text.debugDescription)")
      let reference = pattern.split(text).flatMap { NaiveBPE.encode(Array($0.utf8), merges: fast.merges) }
      #expect(fast.encodeOrdinary(text) == reference)
    }
  }

  @Test func getStatsAndMerge() {
    let ids = Array("aaabdaaabac".utf8).map(Int.init)
    let stats = NaiveBPE.pairCounts(ids)
    #expect(stats.first == .init(left: 97, right: 97, count: 4))
    #expect(NaiveBPE.merge(ids, 97, 97, into: 256) == [256, 97, 98, 100, 256, 97, 98, 97, 99])
    #expect(NaiveBPE.merge([97, 97, 97, 97], 97, 97, into: 256) == [256, 256])
  }
}
