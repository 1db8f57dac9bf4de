import Foundation
import Testing
import TestSupport

/// Lecture 9's printed numbers are checked by its snapshot (SnapshotTests) and its library by
/// TokenizerTests (fixtures, round trips, special tokens, model files); these run the built
/// `Lecture09Tokenizer` as a learner does and check what the snapshot cannot: every comparison
/// with a reference holds, `--verbose` prints every merge, the vocabulary knob changes the
/// training (and the run stops claiming minbpe's vocab-512 numbers), and bad knob values are
/// usage errors.
@Suite(.serialized) struct Lecture09Tests {
  /// Lines of a run's output that compare with a reference (they end in ✓ or carry ✗).
  static func comparisons(_ output: String) -> [Substring] {
    output.split(separator: "\n").filter { $0.contains("✓") || $0.contains("✗") }
  }

  @Test func everyReferenceMatchesInTheFastRun() throws {
    let run = try LectureRunner.run("Lecture09Tokenizer", ["--fast", "--quiet", "--no-color"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let lines = Self.comparisons(run.stdout)
    #expect(lines.count >= 25, "only \(lines.count) comparisons")
    for line in lines { #expect(!line.contains("✗"), "mismatch: \(line)") }
    // The lecture's headline numbers, each checked against its source by the run itself.
    for text in [
      "UTF-8 bytes         39", "GPT-2 tokens: 338025   (tiktoken: 338025 ✓)",
      "encoded: [258, 100, 258, 97, 99]", "encoded length at vocab 512: 568210", "encoded length at vocab 512: 547276",
      "GPT-2 \" SolidGoldMagikarp\": [43453]", "decode([128]): FFFD",
      "minbpe's loop with the recovered merges: [15339, 1917, 12340, 30, 320, 31495, 230, 75265, 243, 92245, 16715, 28509, 4513, 57037]",
      "the library trainer's merges on the same text: identical",
      "<0xF0> <0x9F> <0x91> <0x8B>",
    ] {
      #expect(run.stdout.contains(text), "the fast run does not print \(text)")
    }
  }

  @Test func verbosePrintsEveryMerge() throws {
    let run = try LectureRunner.run("Lecture09Tokenizer", ["--fast", "--verbose", "--no-color", "--set", "vocab=300"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let merges = run.stdout.split(separator: "\n").filter { $0.hasPrefix("merge ") && $0.contains("/44: ") }
    #expect(merges.count == 44, "expected 44 merge lines, got \(merges.count)")
    #expect(merges.first?.hasPrefix("merge 1/44: (101, 32) → 256 (\"e \") had ") == true, "\(merges.first ?? "")")
  }

  /// A changed vocabulary size trains a different tokenizer, says so, and no longer claims
  /// minbpe's vocab-512 lengths (which only hold for 512).
  @Test func vocabularyKnobChangesTheTraining() throws {
    let run = try LectureRunner.run("Lecture09Tokenizer", ["--fast", "--quiet", "--no-color", "--set", "vocab=300"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stdout.hasPrefix("settings changed: vocab=300 (lecture 512)"))
    #expect(run.stdout.contains("encoded length at vocab 300: "))
    #expect(run.stdout.contains("is for seed"))
    #expect(!run.stdout.contains("✗"))
    #expect(run.stdout.contains("this lecture's trained tokenizer: 300 tokens = 256 bytes + 44 merges"))
  }

  @Test func badKnobValuesAreUsageErrors() throws {
    for value in ["vocab=100", "vocab=lots", "small-vocab=9999"] {
      let run = try LectureRunner.run("Lecture09Tokenizer", ["--fast", "--quiet", "--set", value])
      #expect(run.status == 2, "--set \(value) exited \(run.status)")
      #expect(run.stderr.contains("error:"))
    }
    let help = try LectureRunner.run("Lecture09Tokenizer", ["--help"])
    #expect(help.status == 0)
    for text in ["vocab=512", "small-vocab=276", "small-chars="] { #expect(help.stdout.contains(text), "--help lacks \(text)") }
  }
}
