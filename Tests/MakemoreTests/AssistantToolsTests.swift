import Makemore
import Random
import Testing

/// Lecture 8's data and decoding tools: packing documents with separators, the prompt mask of
/// fine-tuning, constrained decoding's template, and self-consistency's majority vote.
@Suite struct AssistantToolsTests {
  @Test func packingPutsASeparatorAfterEveryDocumentAndShiftsTheTargets() throws {
    let sep = 99
    let batch = try #require(packDocuments([[1, 2, 3], [4, 5], [6]], separator: sep, rows: 3, columns: 4))
    // Stream: 1 2 3 ¶ 4 5 ¶ 6 ¶ 1 2 3 ¶ …
    #expect(batch.inputs == [[1, 2, 3, sep], [4, 5, sep, 6], [sep, 1, 2, 3]])
    #expect(batch.targets == [[2, 3, sep, 4], [5, sep, 6, sep], [1, 2, 3, sep]])
    for r in 0..<2 { #expect(batch.targets[r].last == batch.inputs[r + 1].first) }
    #expect(packDocuments([[], []], separator: sep, rows: 1, columns: 2) == nil)
  }

  @Test func promptMaskTrainsOnlyTheResponse() {
    // <|user|>=10 a=1 b=2 <|assistant|>=11 | b=2 a=1 <|end|>=12
    let ex = MaskedExample(prompt: [10, 1, 2, 11], response: [2, 1, 12])
    #expect(ex.inputs == [10, 1, 2, 11, 2, 1])
    #expect(ex.targets == [-1, -1, -1, 2, 1, 12])
    #expect(ex.mask == [0, 0, 0, 1, 1, 1])
    #expect(ex.mask.reduce(0, +) == 3)                               // the response's length
    let one = MaskedExample(prompt: [7], response: [8])
    #expect(one.inputs == [7] && one.targets == [8] && one.mask == [1])
  }

  static let template = TemplateConstraint([.literal("n: "), .field(Set("ABC"), length: 2...4), .literal(";"),
                                            .field(Set("ab"), length: 1...2), .literal(".")])

  @Test func templateAnswersWhatMayComeNext() {
    let t = Self.template
    #expect(t.allowedNext(after: []) == ["n"])
    #expect(t.allowedNext(after: Array("n: A")) == Set("ABC"))
    #expect(t.allowedNext(after: Array("n: AB")) == Set("ABC;"))
    #expect(t.allowedNext(after: Array("n: ABCA")) == [";"])
    #expect(t.allowedNext(after: Array("n: AB;ab")) == ["."])
    #expect(t.allowedNext(after: Array("n: AB;a.")).isEmpty)          // complete
    #expect(t.allowedNext(after: Array("x")).isEmpty)                 // broken
    #expect(t.matches("n: AB;a.") && t.matches("n: CCCC;bb."))
    #expect(!t.matches("n: A;a.") && !t.matches("n: AB;a") && !t.matches("n: ABCAB;a."))
  }

  /// Property: sampling any distribution through the mask never produces a forbidden character,
  /// and always ends in a complete match, for 300 seeds.
  @Test func maskedSamplingNeverLeavesTheTemplate() {
    let itos = Array("n: ABCab;.xyz")
    for seed in 0..<300 {
      var g = TorchGenerator(seed: UInt64(seed))
      var text: [Character] = []
      while let mask = Self.template.mask(after: text, itos: itos) {
        var p = g.uniform(itos.count).map { $0 * $0 * $0 }            // a skewed "model", different each step
        for i in p.indices where !mask[i] { p[i] = 0 }
        if !p.contains(where: { $0 > 0 }) { p = mask.map { $0 ? 1 : 0 } }
        let next = g.multinomial(p, numSamples: 1)[0]
        #expect(mask[next], "seed \(seed): sampled a forbidden token")
        text.append(itos[next])
        if text.count > 20 { break }
      }
      #expect(Self.template.matches(String(text)), "seed \(seed): \(String(text))")
    }
  }

  @Test func majorityVoteOnKnownInputs() {
    #expect(majorityVote([3, 1, 3, 2, 3]) == 3)
    #expect(majorityVote(["b", "a", "a", "b"]) == "a")               // "a" reaches 2 at index 2, "b" only at index 3
    #expect(majorityVote([7]) == 7)
    #expect(majorityVote([Int]()) == nil)
    #expect(majorityVote([1, 2, 3]) == 1)                            // all tied: the first
  }
}
