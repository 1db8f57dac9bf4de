import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Lecture 7, run as a learner runs it: every comparison the program prints must hold (no ✗),
/// the exact numbers of the notebook and of PyTorch's run (fixture gpt_lecture7.json) appear,
/// the shapes through one forward pass are traced, and the big model's checkpoint resumes to
/// the same next losses. Runs are kept small with knobs (`--set`), never minutes long.
@Suite(.serialized) struct Lecture07Tests {
  /// The number of the cell titled `prefix…` (cells are numbered from 1; `--list` prints them).
  static func cell(_ prefix: String) throws -> Int {
    let list = try LectureRunner.run("Lecture07GPT", ["--list"])
    let line = try #require(list.stdout.split(separator: "\n").first { $0.contains(". " + prefix) })
    return try #require(Int(line.prefix { $0 != "." }))
  }

  static func expectEveryComparisonHolds(_ run: LectureRunner.Output, _ label: String) {
    #expect(!run.signalled && run.status == 0, "\(label): exit \(run.status)\n\(run.stderr.suffix(600))")
    let failed = run.stdout.split(separator: "\n").filter { $0.contains("✗") }
    #expect(failed.isEmpty, "\(label): comparisons that do not hold:\n\(failed.joined(separator: "\n"))")
  }

  @Test func fastRunMatchesTheNotebookAndPyTorch() throws {
    let run = try LectureRunner.run("Lecture07GPT", ["--fast", "--verbose"])
    Self.expectEveryComparisonHolds(run, "--fast")
    let out = run.stdout
    for line in [
      "length: 1115394   (notebook: 1115394 ✓)",
      "vocabulary size: 65   (notebook: 65 ✓)",
      "encode(\"hii there\"): [46, 47, 47, 1, 58, 46, 43, 56, 43]   (notebook: [46, 47, 47, 1, 58, 46, 43, 56, 43] ✓)",
      "train / val tokens: 1003854 / 111540   (notebook: 1003854 / 111540 ✓)",
      "when input is [24, 43, 58, 5, 57, 1, 46, 43] the target: 39",
      "loss at initialisation: 4.8786   (PyTorch: 4.8786 ✓)",
      "                                        = 4.1744",
      "loss after 100 steps: 4.6563   (PyTorch: 4.6563 ✓)",
      "loss after 10100 steps: 2.4513   (PyTorch: 2.4513 ✓)",
      "out.shape = (4, 8, 16)",
      "var(q @ kᵀ · 16^−½): 1.0918   (PyTorch: 1.0918 ✓)",
      "column std: 0.8803   (notebook: 0.8803 ✓)",
      "parameters: 209729   (gpt.py: 209729 ✓)",
      "step 0: train loss 4.1959, val loss 4.1962",
      "22 of 22 within tolerance",
      "parameters: 10788929   (gpt.py: 10788929 ✓)",
    ] {
      #expect(out.contains(line), "missing: \(line)")
    }
    // The 3×3 example, the four versions agreeing within a tolerance, wei[0] against PyTorch.
    #expect(out.contains("[4.6667, 5.3333]"))
    #expect(out.contains("b  [2, 7, 6, 4, 6, 5]"))
    let versions = out.split(separator: "\n").filter { $0.hasPrefix("version 2: wei @ x") || $0.hasPrefix("version 3: softmax") }
    #expect(versions.count == 2 && versions.allSatisfy { $0.hasSuffix("true") }, "\(versions)")
    #expect(out.contains("wei[0][7]      [0.0210, 0.0843, 0.0555, 0.2297, 0.0573, 0.0709, 0.2423, 0.2391]"))
    #expect(out.contains("above the diagonal: max 0.0; row sums: [1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000]"))
    // --verbose traces every shape through one forward pass.
    for shape in ["tok_emb        (16, 32, 64)", "blocks.3.sa.heads.k (× 4) (16, 32, 16)", "blocks.3.ffwd.net.0 (16, 32, 256)", "logits         (16, 32, 65)"] {
      #expect(out.contains("shape  " + shape), "missing shape line: \(shape)")
    }
  }

  /// gpt.py's evaluations at steps 100 and 200 (within 0.02 of PyTorch's) and the notebook's
  /// default-init step-0 evaluation (4.4116 / 4.4022), from one run of 201 iterations.
  @Test func evaluationsAtSteps100And200AndTheDefaultInit() throws {
    let run = try LectureRunner.run("Lecture07GPT", ["--fast", "--quiet", "--steps", "201", "--set", "bigram_steps=0", "--set", "init_eval_iters=200"])
    Self.expectEveryComparisonHolds(run, "--steps 201")
    let out = run.stdout
    #expect(out.contains("default init, step-0 train: 4.4116   (notebook: 4.4116 ✓)"), "\(out)")
    #expect(out.contains("default init, step-0 val: 4.4022   (notebook: 4.4022 ✓)"))
    for row in ["eval step 100 train", "eval step 100 val", "eval step 200 train", "eval step 200 val"] {
      let line = out.split(separator: "\n").first { $0.hasPrefix(row) }
      #expect(line?.hasSuffix("✓") == true, "\(row): \(line ?? "missing")")
    }
    #expect(out.contains("26 of 26 within tolerance"))
  }

  /// The big configuration trains a few iterations with checkpoints; stopping after 2 and
  /// resuming gives the same losses for iterations 2 and 3 as the uninterrupted run.
  @Test func bigModelStopAndResumeGivesTheSameNextLosses() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("l7-resume-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let n = try Self.cell("Scaling up")
    let small = ["--full", "--steps", "1", "--set", "bigram_steps=0", "--set", "eval_iters=1", "--set", "init_eval_iters=1",
                 "--set", "big_batch=1", "--cell", "\(n)"]
    func losses(_ extra: [String]) throws -> [String] {
      let run = try LectureRunner.run("Lecture07GPT", small + extra)
      #expect(!run.signalled && run.status == 0, "exit \(run.status): \(run.stderr.suffix(600))")
      return run.stdout.split(separator: "\n").filter { $0.hasPrefix("iteration ") }.map(String.init)
    }
    let straight = try losses(["--set", "big_steps=4", "--set", "checkpoint=\(dir.appendingPathComponent("a.ckpt").path)"])
    #expect(straight.count == 4)
    let b = dir.appendingPathComponent("b.ckpt").path
    let first = try losses(["--set", "big_steps=2", "--set", "checkpoint=\(b)"])
    #expect(first == Array(straight.prefix(2)))
    let resumed = try losses(["--set", "big_steps=4", "--set", "checkpoint=\(b)", "--resume"])
    #expect(resumed == Array(straight.suffix(2)), "resumed \(resumed) vs uninterrupted \(straight)")
  }

  @Test func resumeWithoutACheckpointIsAClearError() throws {
    let n = try Self.cell("Scaling up")
    let run = try LectureRunner.run("Lecture07GPT", ["--full", "--steps", "1", "--set", "bigram_steps=0", "--set", "eval_iters=1",
                                                     "--set", "init_eval_iters=1", "--set", "big_batch=1", "--set", "big_steps=2",
                                                     "--set", "checkpoint=/nonexistent/l7.ckpt", "--resume", "--cell", "\(n)"])
    #expect(!run.signalled && run.status == 1)
    #expect(run.stderr.contains("no checkpoint at /nonexistent/l7.ckpt"), "\(run.stderr)")
  }

  @Test func anotherSeedMakesNoClaimOfAMatch() throws {
    let run = try LectureRunner.run("Lecture07GPT", ["--fast", "--seed", "7", "--set", "bigram_steps=100"])
    Self.expectEveryComparisonHolds(run, "--seed 7")
    #expect(run.stdout.contains("is for seed 1337"))
    #expect(!run.stdout.contains("loss at initialisation: 4.8786"))
  }
}
