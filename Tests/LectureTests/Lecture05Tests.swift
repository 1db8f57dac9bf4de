import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Lecture 5's hand-written gradients live in its cells (they are the lesson), so these tests run
/// the executable and read what its cells computed: every one of the 26 gradients against
/// autograd, the parameter gradients against central finite differences, the fused
/// cross-entropy and BatchNorm backward passes, and exercise 4's first 10 losses against the
/// autograd twin. A small random batch with another seed checks that nothing depends on the
/// lecture's numbers; the default run checks the lecture's own.
@Suite(.serialized) struct Lecture05Tests {
  /// The 26 names of exercise 1's table, in the notebook's order.
  static let gradientNames = ["logprobs", "probs", "counts_sum_inv", "counts_sum", "counts", "norm_logits", "logit_maxes",
                              "logits", "h", "W2", "b2", "hpreact", "bngain", "bnbias", "bnraw", "bnvar_inv", "bnvar",
                              "bndiff2", "bndiff", "bnmeani", "hprebn", "embcat", "W1", "b1", "emb", "C"]

  /// The rows of every `name | exact | approximate | maxdiff` table: name → (exact, approximate, maxdiff),
  /// in print order (a name may appear in several tables).
  static func cmpRows(_ output: String) -> [(name: String, exact: String, approximate: String, maxdiff: Double?)] {
    output.split(separator: "\n").compactMap { line in
      let cols = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      guard cols.count == 4, ["true", "false"].contains(cols[1]), ["true", "false"].contains(cols[2]) else { return nil }
      return (cols[0], cols[1], cols[2], Double(cols[3]))
    }
  }

  static func check(_ run: LectureRunner.Output, batch: Int) throws {
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let rows = cmpRows(run.stdout)
    // Exercise 1: the 26 rows, in order, each within allclose (1e-5 relative) and 1e-6 absolute of autograd.
    let first26 = Array(rows.prefix(26))
    #expect(first26.map(\.name) == gradientNames)
    for row in first26 {
      #expect(row.approximate == "true", "d\(row.name) differs from autograd (batch \(batch))")
      #expect((row.maxdiff ?? 1) < 1e-6, "d\(row.name): maxdiff \(String(describing: row.maxdiff))")
    }
    // Exercises 2 and 3: the fused backward passes, at the 1e-8 level.
    let fused = rows.dropFirst(26)
    #expect(fused.map(\.name) == ["logits", "hprebn"])
    for row in fused {
      #expect(row.approximate == "true" && (row.maxdiff ?? 1) < 1e-7, "fused d\(row.name): \(String(describing: row.maxdiff))")
    }
    // Finite differences: seven parameter rows, each ✓, and the verdict line.
    let fdLines = run.stdout.split(separator: "\n").filter { line in
      ["C ", "W1 ", "b1 ", "W2 ", "b2 ", "bngain ", "bnbias "].contains { line.hasPrefix($0) } && (line.hasSuffix("✓") || line.hasSuffix("✗"))
    }
    #expect(fdLines.count == 7 && fdLines.allSatisfy { $0.hasSuffix("✓") }, "finite differences: \(fdLines)")
    #expect(run.stdout.contains("Finite differences agree with every hand-written parameter gradient."))
    // Exercise 4: no graph, and the first 10 losses within 1e-5 relative of autograd's.
    #expect(run.stdout.contains("graph recorded by the manual network: none"))
    let line = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("first 10 steps: largest relative difference") })
    let value = try #require(Double(line.split(separator: " ")[6]))
    #expect(value <= 1e-5, "\(line)")
  }

  @Test func lectureRunHasExactGradientsAndTheReferenceLoss() throws {
    let run = try LectureRunner.run("Lecture05Backprop", ["--fast", "--no-color"])
    try Self.check(run, batch: 32)
    #expect(run.stdout.contains("parameters (n_hidden 64): 4137"))
    #expect(run.stdout.contains("parameters (n_hidden 200): 12297"))
    #expect(run.stdout.contains("3.3345839977264404   (PyTorch, fresh process: 3.3345839977264404 ✓)"))
    // The lecture's batch: all 26 hand-written gradients equal autograd's bit for bit.
    #expect(Self.cmpRows(run.stdout).prefix(26).allSatisfy { $0.exact == "true" })
  }

  @Test func smallRandomBatchesAgreeWithAutogradAndFiniteDifferences() throws {
    for (batch, seed) in [(5, "7"), (9, "123456")] {
      let run = try LectureRunner.run("Lecture05Backprop", ["--fast", "--no-color", "--seed", seed, "--set", "batch=\(batch)",
                                                            "--set", "hidden=16", "--set", "steps=10"])
      try Self.check(run, batch: batch)
    }
  }

  @Test func badFlagIsAUsageError() throws {
    let run = try LectureRunner.run("Lecture05Backprop", ["--set", "batch=1"])
    #expect(run.status == 2)
  }
}
