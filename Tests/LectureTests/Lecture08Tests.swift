import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Lecture 8 runs as a learner runs it: its comparisons hold, the toys print their measured
/// numbers, another seed runs too (the prose about outcomes is computed, so it stays true), and
/// the engine pieces the lecture introduced work together with lecture 7's model (constrained
/// sampling from a GPT never leaves its template). The printed numbers are pinned by the snapshot.
@Suite(.serialized) struct Lecture08Tests {
  static func comparisons(_ output: String) -> [Substring] {
    output.split(separator: "\n").filter { $0.contains("✓") || $0.contains("✗") }
  }

  /// The sentences about outcomes agree with the numbers printed beside them.
  static func checkProse(_ out: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let rl = #/the mean reward (went up|did not go up) \((-?[0-9.]+) → (-?[0-9.]+)\) and the entropy (went down|did not go down) \(([0-9.]+) → ([0-9.]+)\)/#
    let m = try #require(out.firstMatch(of: rl), "the RL sentence is missing", sourceLocation: sourceLocation)
    #expect((m.output.1 == "went up") == (Double(m.output.3)! > Double(m.output.2)!), "\(m.output.0)", sourceLocation: sourceLocation)
    #expect((m.output.4 == "went down") == (Double(m.output.6)! < Double(m.output.5)!), "\(m.output.0)", sourceLocation: sourceLocation)
    let cot = #/arithmetic accuracy: answer at once vs running sums: ([0-9.]+)% vs ([0-9.]+)%/#
    let c = try #require(out.firstMatch(of: cot), sourceLocation: sourceLocation)
    #expect(out.contains("Writing the intermediate steps raised") == (Double(c.output.2)! > Double(c.output.1)!), sourceLocation: sourceLocation)
    let few = #/completions following the fake document's pattern: ([0-9.]+)% \(bare question: ([0-9.]+)%\)/#
    let f = try #require(out.firstMatch(of: few), sourceLocation: sourceLocation)
    #expect(out.contains("The fake document makes the pattern") == (Double(f.output.1)! > Double(f.output.2)!), sourceLocation: sourceLocation)
  }

  @Test func fastRunHoldsEveryComparisonAndPrintsEachToysNumber() throws {
    let run = try LectureRunner.run("Lecture08StateOfGPT", ["--fast", "--quiet", "--no-color"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let lines = Self.comparisons(run.stdout)
    #expect(lines.count >= 2, "only \(lines.count) comparisons")
    for line in lines { #expect(!line.contains("✗"), "mismatch: \(line)") }
    for text in [
      "−log σ(0.9): 0.341   (the lecture's worked number: 0.341 ✓)",
      "template violations with the mask: 0   (by construction: 0 ✓)",
      "∂L/∂r_c = -0.2891, ∂L/∂r_d = +0.2891",
      "trained positions: ",                              // the mask printed under the tokens
      "separators in the inputs: 4",
      "reward-model held-out pair accuracy:", "RL (β = 0) mean reward / entropy:",
      "arithmetic accuracy: answer at once vs running sums:", "self-consistency accuracy, k = 1 → 25:",
      "next-8-character accuracy without → with retrieval:", "prompt injection:",
    ] {
      #expect(run.stdout.contains(text), "the fast run does not print \(text)")
    }
    try Self.checkProse(run.stdout)
  }

  @Test func anotherSeedRunsAndKeepsTheConstraint() throws {
    let run = try LectureRunner.run("Lecture08StateOfGPT", ["--fast", "--quiet", "--no-color", "--seed", "7"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stdout.contains("template violations with the mask: 0"))
    #expect(!run.stdout.contains("✗"))
    try Self.checkProse(run.stdout)
  }

  @Test func badKnobIsAUsageError() throws {
    let run = try LectureRunner.run("Lecture08StateOfGPT", ["--fast", "--set", "kl_beta=-1"])
    #expect(run.status == 2, "stderr: \(run.stderr)")
  }

  /// Property: a (random) GPT sampled through a template's mask never emits a forbidden token
  /// and every row ends in a complete match, for many seeds.
  @Test func constrainedSamplingFromAGPTNeverEmitsAForbiddenToken() {
    let itos = Array("ab:; .XYZ") + ["\u{0}"]                       // the last id is a special token
    let template = TemplateConstraint([.literal("a: "), .field(Set("XYZ"), length: 1...3), .literal(";"), .field(Set("ab"), length: 2...2)])
    for seed in 0..<25 {
      var g = TorchGenerator(seed: UInt64(seed))
      let model = GPTLanguageModel(GPTConfig(vocabSize: itos.count, blockSize: 16, embedding: 8, heads: 2, layers: 1, attention: .batched), generator: &g)
      let rows = model.sampleBatch(prompts: Array(repeating: [9], count: 6), maxNewTokens: 14, temperature: 1.5, generator: &g, padding: 9) { _, sofar in
        template.mask(after: sofar.filter { $0 != 9 }.map { itos[$0] }, itos: itos)
      }
      for row in rows {
        let text = String(row.prefix { $0 != 9 }.map { itos[$0] })
        #expect(template.matches(text), "seed \(seed): \(text.debugDescription)")
        #expect(row.drop { $0 != 9 }.allSatisfy { $0 == 9 }, "seed \(seed): a token after the template ended")
      }
    }
  }

  @Test func sampleBatchWithoutAMaskIsDeterministicForASeed() {
    var g = TorchGenerator(seed: 1)
    let model = GPTLanguageModel(GPTConfig(vocabSize: 5, blockSize: 4, embedding: 8, heads: 2, layers: 1, attention: .batched), generator: &g)
    var a = TorchGenerator(seed: 3), b = TorchGenerator(seed: 3)
    let x = model.sampleBatch(prompts: [[0, 1], [2, 3]], maxNewTokens: 6, generator: &a)
    let y = model.sampleBatch(prompts: [[0, 1], [2, 3]], maxNewTokens: 6, generator: &b)
    #expect(x == y && x.count == 2 && x.allSatisfy { $0.count == 6 && $0.allSatisfy { (0..<5).contains($0) } })
    #expect(Swift.abs(entropy([0.25, 0.25, 0.25, 0.25]) - Foundation.log(4)) < 1e-12)
    #expect(entropy([1, 0, 0]) == 0)
  }
}
