import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Lecture 10's printed numbers are checked by its snapshot (SnapshotTests) and the GPT-2 model
/// by Tests/NNTests/GPT2Tests.swift; these run the built `Lecture10GPT2` as a learner does and
/// check what the snapshot cannot: every comparison with a reference holds, gradient
/// accumulation and two-thread data parallelism reproduce the big batch's gradient, the data
/// loader's counts follow its knobs, training stops and resumes from a checkpoint, and bad
/// settings or checkpoints are clear errors. The schedule and the equivalences are also checked
/// on the engine directly.
@Suite(.serialized) struct Lecture10Tests {
  /// The number of the cell that trains the CPU-sized GPT-2.
  static let trainingCell = 12

  /// Lines of a run's output that compare with a reference (they end in ✓ or carry ✗).
  static func comparisons(_ output: String) -> [Substring] {
    output.split(separator: "\n").filter { $0.contains("✓") || $0.contains("✗") }
  }

  /// The number after `prefix` on the line that starts with it.
  static func number(after prefix: String, in output: String) -> Double? {
    guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
    return Double(line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
  }

  @Test func everyReferenceMatchesInTheFastRun() throws {
    let run = try LectureRunner.run("Lecture10GPT2", ["--fast", "--quiet", "--no-color"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let lines = Self.comparisons(run.stdout)
    #expect(lines.count >= 12, "only \(lines.count) comparisons")
    for line in lines { #expect(!line.contains("✗"), "mismatch: \(line)") }
    for text in [
      "total                  124,439,808",
      "GPT-2 tokens of tinyshakespeare.txt: 338025   (tiktoken: 338025 ✓)",
      "loaded 304222 tokens", "1 epoch = 304222 // (4·32) = 2376 batches", "validation split: 33803 tokens",
      "gpt2-xl                 48 / 25 / 1600  1,557,611,200",
      "−ln(1/50257): 10.8249   (the lecture: 10.8249 ✓)",
      "--fast: the 124M step is not run",
    ] {
      #expect(run.stdout.contains(text), "the fast run does not print \(text)")
    }
    // The two equivalences the recipe relies on, to float32 rounding.
    let accumulation = try #require(Self.number(after: "gradient accumulation: max difference:", in: run.stdout))
    let parallel = try #require(Self.number(after: "data parallel: max difference:", in: run.stdout))
    #expect(accumulation < 1e-5 && parallel < 1e-5, "accumulation \(accumulation), two threads \(parallel)")
    // Without the division the gradient is four times the big batch's: the norms say so.
    let norms = run.stdout.split(separator: "\n").filter { $0.hasPrefix("one batch of") || ($0.hasPrefix("4 micro-batches of") && $0.contains("no division")) }
      .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    #expect(norms.count == 2 && abs(norms[1] / norms[0] - 4) < 1e-3, "norms \(norms)")
  }

  /// The loader's counts follow B and T (N // (B·T)), and training with another seed no longer
  /// claims seed-dependent references.
  @Test func loaderCountsFollowTheKnobs() throws {
    let run = try LectureRunner.run("Lecture10GPT2", ["--fast", "--quiet", "--no-color", "--set", "B=2", "--set", "T=16", "--cell", "4"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stdout.contains("loaded 304222 tokens"))
    #expect(run.stdout.contains("1 epoch = 304222 // (2·16) = \(304_222 / 32) batches"), "\(run.stdout)")
  }

  /// `--set checkpoint=FILE` saves the CPU model's training; `--resume` continues it; a file that
  /// is not a checkpoint is a clear error (exit 1), never a crash.
  @Test func trainingResumesFromACheckpointAndBadFilesAreErrors() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("l10-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("cpu.ckpt").path
    let first = try LectureRunner.run("Lecture10GPT2", ["--fast", "--quiet", "--no-color", "--set", "checkpoint=\(file)", "--steps", "2", "--cell", String(Self.trainingCell)])
    #expect(first.status == 0, "stderr: \(first.stderr)")
    #expect(FileManager.default.fileExists(atPath: file))
    let resumed = try LectureRunner.run("Lecture10GPT2", ["--fast", "--quiet", "--no-color", "--set", "checkpoint=\(file)", "--steps", "4", "--resume", "--cell", String(Self.trainingCell)])
    #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
    #expect(resumed.stdout.contains("resumed from \(file) at step 2"), "\(resumed.stdout)")
    #expect(resumed.stdout.contains("step     2 |") && !resumed.stdout.contains("step     0 |"))
    try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: file))
    let bad = try LectureRunner.run("Lecture10GPT2", ["--fast", "--quiet", "--no-color", "--set", "checkpoint=\(file)", "--resume", "--cell", String(Self.trainingCell)])
    #expect(!bad.signalled && bad.status == 1, "exit \(bad.status): \(bad.stderr)")
    #expect(bad.stderr.contains("error: not a checkpoint file"), "\(bad.stderr)")
  }

  @Test func impossibleModelSettingsAreErrors() throws {
    let run = try LectureRunner.run("Lecture10GPT2", ["--fast", "--quiet", "--set", "embd=100", "--set", "heads=3"])
    #expect(!run.signalled && run.status == 1, "exit \(run.status): \(run.stderr)")
    #expect(run.stderr.contains("not a multiple of n_head"), "\(run.stderr)")
    let usage = try LectureRunner.run("Lecture10GPT2", ["--fast", "--quiet", "--set", "layers=0"])
    #expect(usage.status == 2, "exit \(usage.status)")
  }

  // MARK: - The engine pieces the recipe uses, directly

  /// build-nanogpt's get_lr at its landmarks: warmup start and end, the peak, half-way, the end.
  @Test func scheduleValuesAtWarmupPeakAndEnd() {
    let s = CosineWarmupSchedule(maxLearningRate: 6e-4, minLearningRate: 6e-5, warmupSteps: 715, maxSteps: 19_073)
    #expect(abs(s.learningRate(at: 0) - 6e-4 / 715) < 1e-15)
    #expect(abs(s.learningRate(at: 357) - 6e-4 * 358 / 715) < 1e-15)
    #expect(abs(s.learningRate(at: 714) - 6e-4) < 1e-15)
    #expect(abs(s.learningRate(at: 715) - 6e-4) < 1e-15)
    #expect(abs(s.learningRate(at: (715 + 19_073) / 2) - 3.3e-4) < 1e-12)
    #expect(abs(s.learningRate(at: 19_073) - 6e-5) < 1e-15)
    #expect(s.learningRate(at: 50_000) == 6e-5)
    for it in 715..<19_073 { #expect(s.learningRate(at: it + 1) <= s.learningRate(at: it)) }
  }

  static let config = GPT2Config(vocabSize: 97, blockSize: 8, layers: 2, heads: 2, embedding: 16)
  static func batch(rows: Int, offset: Int = 0) -> (IntTensor, IntTensor) {
    let x = (0..<(rows * 8)).map { ($0 * 31 + offset * 7 + $0 / 5) % 97 }
    let y = (0..<(rows * 8)).map { ($0 * 17 + offset * 3 + 11) % 97 }
    return (IntTensor(x, shape: [rows, 8]), IntTensor(y, shape: [rows, 8]))
  }
  static func grads(_ m: GPT2) -> [Tensor] { m.parameters().map { $0.grad! } }
  static func maxDiff(_ a: [Tensor], _ b: [Tensor]) -> Float { zip(a, b).map { Tensor.maxAbsDifference($0, $1) }.max()! }

  /// k micro-batches with loss / k give one big batch's gradient; without the division k times it.
  @Test func gradientAccumulationEqualsOneBigBatch() {
    var g = TorchGenerator(seed: 1337)
    let model = GPT2(Self.config, generator: &g)
    let (x, y) = Self.batch(rows: 4)
    model.zeroGrad()
    model.loss(x, targets: y).backward()
    let big = Self.grads(model)
    model.zeroGrad()
    let xs = x.scalars, ys = y.scalars
    let mean = accumulateGradients(microSteps: 4) { k in
      model.loss(IntTensor(Array(xs[(k * 8)..<((k + 1) * 8)]), shape: [1, 8]), targets: IntTensor(Array(ys[(k * 8)..<((k + 1) * 8)]), shape: [1, 8]))
    }
    #expect(Self.maxDiff(big, Self.grads(model)) < 1e-6)
    let bigLoss = Tensor.withNoGrad { model.loss(x, targets: y).item() }
    #expect(abs(Float(mean) - bigLoss) < 1e-5)
  }

  /// Two replicas on two threads, one micro-batch each, averaged: one thread's big-batch gradient.
  @Test func twoThreadDataParallelismEqualsOneThread() {
    var g1 = TorchGenerator(seed: 7), g2 = TorchGenerator(seed: 7)
    let replicas = [GPT2(Self.config, generator: &g1), GPT2(Self.config, generator: &g2)]
    let (x, y) = Self.batch(rows: 4, offset: 3)
    let xs = x.scalars, ys = y.scalars
    Parallelism.forEachChunk(2, threads: 2) { r in
      Parallelism.$threadCount.withValue(1) {
        replicas[r].zeroGrad()
        replicas[r].loss(IntTensor(Array(xs[(r * 16)..<((r + 1) * 16)]), shape: [2, 8]),
                         targets: IntTensor(Array(ys[(r * 16)..<((r + 1) * 16)]), shape: [2, 8])).backward()
      }
    }
    let averaged = zip(Self.grads(replicas[0]), Self.grads(replicas[1])).map { ($0 + $1) * 0.5 }
    let single = replicas[0]
    single.zeroGrad()
    single.loss(x, targets: y).backward()
    #expect(Self.maxDiff(averaged, Self.grads(single)) < 1e-6)
  }
}
