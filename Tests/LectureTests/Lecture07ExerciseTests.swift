import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Lecture 7's exercises: the a+b=c data (reversed digits, the prompt masked from the loss), the
/// equivalence behind EX1 (separate heads and batched heads are one function), and the run's
/// `--fast` exercise output, whose prose must agree with its own numbers and must not depend on
/// the thread count. (The rotary embedding of EX4 is checked in NNTests/RotaryEmbeddingTests.)
@Suite struct Lecture07ExerciseTests {
  // MARK: - EX2's data

  /// Operands zero-padded, the sum's digits reversed and zero-padded to digits + 1.
  @Test func additionSequencesReverseTheSum() {
    let task = AdditionProblems(digits: 2)
    #expect(task.vocabularySize == 12 && task.promptLength == 6 && task.answerLength == 3 && task.blockSize == 8)
    #expect(task.problemCount == 10_000)
    #expect(task.text(task.sequence(12, 39)) == "12+39=150")
    #expect(task.text(task.sequence(99, 99)) == "99+99=891")
    #expect(task.text(task.sequence(5, 3)) == "05+03=800")
    #expect(task.text(task.sequence(0, 0)) == "00+00=000")
    #expect(task.answer(12, 39) == [1, 5, 0])
    #expect(task.decodeAnswer([1, 5, 0]) == 51)
    #expect(task.decodeAnswer([8, 9, 1]) == 198)
    #expect(task.decodeAnswer([1, 5]) == nil && task.decodeAnswer([1, 11, 0]) == nil)
    let ops = task.operands(ofProblem: 1239)
    #expect(ops.a == 12 && ops.b == 39)
    let three = AdditionProblems(digits: 3)
    #expect(three.text(three.sequence(999, 1)) == "999+001=0001")
    #expect(three.blockSize == 11)
  }

  /// Every prompt position's target is the ignore index; the answer positions predict the sum's
  /// digits (the position of `=` predicts the units digit); inputs are the sequence minus its end.
  @Test func examplesMaskThePrompt() {
    let task = AdditionProblems(digits: 2)
    let e = task.example(12, 39)
    #expect(e.input == [1, 2, 10, 3, 9, 11, 1, 5])
    #expect(e.target == [-1, -1, -1, -1, -1, 1, 5, 0])
    #expect(e.input[task.promptLength - 1] == AdditionProblems.equals)
    let (inputs, targets) = task.batch([1239, 9999, 7])
    #expect(inputs.count == 3 * 8 && targets.count == 3 * 8)
    for row in 0..<3 {
      #expect(targets[(row * 8)..<(row * 8 + 5)].allSatisfy { $0 == AdditionProblems.ignoreIndex })
      #expect(targets[(row * 8 + 5)..<(row * 8 + 8)].allSatisfy { (0...9).contains($0) })
    }
    #expect(Array(targets[8..<16]) == [-1, -1, -1, -1, -1, 8, 9, 1])   // 99 + 99 = 198
  }

  /// The masked loss is the mean over the answer positions only: equal to the cross-entropy of
  /// just those rows, and no gradient reaches the prompt positions' logits.
  @Test func maskedLossIgnoresThePrompt() {
    let task = AdditionProblems(digits: 2)
    let (_, targets) = task.batch([1239, 4242])
    let logits = Tensor(GradCheck.values(16 * 12, seed: 3), shape: [16, 12]).requiringGrad()
    let masked = crossEntropy(logits, IntTensor(targets, shape: [16]), ignoreIndex: AdditionProblems.ignoreIndex)
    let answerRows = [5, 6, 7, 13, 14, 15]
    let manual = crossEntropy(logits.gatherRows(IntTensor(answerRows)), IntTensor(answerRows.map { targets[$0] }))
    #expect(Swift.abs(masked.item() - manual.item()) < 1e-6)
    masked.backward()
    let grad = logits.grad!.scalars
    for row in 0..<16 where !answerRows.contains(row) {
      #expect(grad[(row * 12)..<(row * 12 + 12)].allSatisfy { $0 == 0 }, "prompt row \(row) got a gradient")
    }
  }

  /// The held-out split is disjoint from training, covers every problem, and is the same for the
  /// same seed.
  @Test func splitIsDisjointAndReproducible() {
    let task = AdditionProblems(digits: 2)
    var g = TorchGenerator(seed: 1337), g2 = TorchGenerator(seed: 1337)
    let (train, test) = task.split(testCount: 1000, generator: &g)
    #expect(test.count == 1000 && train.count == 9000)
    #expect(Set(train).isDisjoint(with: Set(test)) && Set(train + test).count == 10_000)
    #expect(task.split(testCount: 1000, generator: &g2).test == test)
  }

  // MARK: - EX1's claim, in the engine

  /// A block's separate heads and a batched attention given the same weights (each head's
  /// query/key/value rows in their slot of qkv) produce the same output and input gradient.
  @Test func separateAndBatchedHeadsAreOneFunction() {
    var g = TorchGenerator(seed: 3)
    let (c, nh) = (16, 4), hs = c / nh
    let mha = MultiHeadAttention(embedding: c, numHeads: nh, headSize: hs, blockSize: 8, generator: &g)
    let csa = CausalSelfAttention(embedding: c, numHeads: nh, blockSize: 8, qkvBias: false, generator: &g)
    Tensor.withNoGrad {
      for (h, head) in mha.heads.enumerated() {
        for (slot, w) in [head.query.weight, head.key.weight, head.value.weight].enumerated() {
          csa.qkv.weight[(slot * c + h * hs)..<(slot * c + (h + 1) * hs)] = w
        }
      }
      csa.proj.weight.assign(mha.proj.weight)
      csa.proj.bias!.assign(mha.proj.bias!)
    }
    let x1 = Tensor(GradCheck.values(2 * 8 * c, seed: 4), shape: [2, 8, c]).requiringGrad()
    let x2 = Tensor(x1.scalars, shape: [2, 8, c]).requiringGrad()
    let y1 = mha(x1), y2 = csa(x2)
    #expect(Tensor.maxAbsDifference(y1, y2) < 1e-5)
    let w = Tensor(GradCheck.values(y1.count, seed: 5), shape: y1.shape)
    (y1 * w).sum().backward()
    (y2 * w).sum().backward()
    #expect(Tensor.maxAbsDifference(x1.grad!, x2.grad!) < 1e-5)
    #expect(Tensor.maxAbsDifference(mha.heads[2].value.weight.grad!, csa.qkv.weight.grad![(2 * c + 2 * hs)..<(2 * c + 3 * hs)]) < 1e-5)
  }

  // MARK: - Quiz and code behind offered to the lecture

  /// The exercise objective names exactly the exercise questions; ids carry the `l7-ex-` prefix;
  /// each answer grades as right (the numbers are EX1's and EX2's, recomputed here) and a wrong
  /// one as wrong; every code-behind declaration exists in its file.
  @Test func exerciseQuizAndCodeBehindAreWellFormed() throws {
    let questions = LectureInfo.gptExerciseQuestions
    #expect(Set(questions.map(\.id)) == Set(LectureInfo.gptExerciseObjective.quiz))
    #expect(questions.allSatisfy { $0.id.hasPrefix("l7-ex-") })
    let byID = Dictionary(uniqueKeysWithValues: questions.map { ($0.id, $0) })
    #expect(byID["l7-ex-qkv-slot"]?.grade("\(64 + 2 * 16)") == .correct)
    #expect(byID["l7-ex-qkv-slot"]?.grade("32") == .incorrect)
    let masked = AdditionProblems(digits: 2).example(12, 39).target.filter { $0 == AdditionProblems.ignoreIndex }.count
    #expect(byID["l7-ex-masked-targets"]?.grade("\(masked)") == .correct)
    #expect(byID["l7-ex-rope"]?.grade("only on the relative position t − s") == .correct)
    #expect(byID["l7-ex-rope"]?.grade("on the absolute position") == .incorrect)
    for excerpt in LectureInfo.gptExerciseCodeBehind {
      let source = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent(excerpt.file), encoding: .utf8)
      for declaration in excerpt.declarations {
        #expect(SourceExtractor.declaration(declaration, in: source) != nil, "\(excerpt.file) has no \(declaration)")
      }
    }
  }

  // MARK: - The run

  /// One `--fast --quiet` run (two threads) and one with a single thread, shared by the tests below.
  static let fastRun = Result { try LectureRunner.run("Lecture07GPT", ["--fast", "--quiet", "--threads", "2"]) }
  static let fastRunOneThread = Result { try LectureRunner.run("Lecture07GPT", ["--fast", "--quiet", "--threads", "1"]) }

  static func lines(_ run: LectureRunner.Output) -> [String] {
    run.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("⏱") }
  }

  /// The floating-point numbers in `line`, in order.
  static func numbers(_ line: String) -> [Double] {
    line.split(whereSeparator: { !("0123456789.-e+".contains($0)) }).compactMap { Double($0) }
  }

  static func line(_ lines: [String], _ prefix: String) -> String? { lines.first { $0.hasPrefix(prefix) } }

  /// The numbers of the first line starting with `prefix` (a test failure when there is none).
  static func numbers(_ lines: [String], _ prefix: String) throws -> [Double] {
    let found = try #require(line(lines, prefix), "no line starts with \(prefix)")
    let values = numbers(found)
    try #require(!values.isEmpty, "no number in \(found)")
    return values
  }

  /// The four exercises run under `--fast` and the prose each prints agrees with its numbers.
  @Test func fastRunExercisesCompleteWithConsistentClaims() throws {
    let run = try Self.fastRun.get()
    #expect(run.status == 0, "stderr: \(run.stderr.suffix(2000))")
    let out = Self.lines(run)
    #expect(!run.stdout.contains("✗"), "✗ marks a failed comparison in lecture 7's output; the exercises print none")
    for title in ["EX1: heads as a batch dimension", "EX2: a GPT that adds", "EX3: pretrain, then fine-tune",
                  "EX4: rotary positions"] {
      #expect(out.contains { $0.contains("Exercise: " + title) }, "missing \(title)")
    }
    // EX1: same function.
    #expect(try Self.numbers(out, "max |logits(separate) − logits(batched)| = ")[0] < 1e-5)
    #expect(out.contains { $0.hasPrefix("Same outputs and gradients up to float32 rounding") })
    // EX2: the accuracy line and the sentence chosen for it.
    let n = try Self.numbers(out, "held-out accuracy (exact match): ")       // correct, total, percent
    #expect(n.count >= 3 && n[1] == 1000 && Swift.abs(n[0] / n[1] * 100 - n[2]) < 0.06)
    let accuracy = n[0] / n[1]
    let verdict = accuracy >= 0.9 ? "The model has learned to add" : accuracy >= 0.1 ? "Far above chance" : "Not yet useful"
    #expect(out.contains { $0.hasPrefix(verdict) }, "EX2 prose does not match accuracy \(accuracy)")
    // EX3: the table's losses and the two sentences.
    let zeroShot = try Self.numbers(out, "pretrained 12 steps, not fine-tuned").last!
    let fineTuned = try Self.numbers(out, "pretrained, then fine-tuned").last!
    let scratch = try Self.numbers(out, "trained on the play alone, from scratch").last!
    if fineTuned < scratch {
      #expect(Swift.abs(try Self.numbers(out, "Fine-tuning wins by ")[0] - (scratch - fineTuned)) < 2e-4)
    } else {
      #expect(out.contains { $0.hasPrefix("Training from scratch is not worse here") })
    }
    #expect(out.contains { $0.hasPrefix(fineTuned < zeroShot ? "Fine-tuning lowered" : "Fine-tuning did not lower") })
    #expect(out.contains("held-out play: The Tempest, from character 1080739 on (34655 characters)"))
    // EX4: parameters differ by the position table; the verdict follows the losses.
    let learned = try Self.numbers(out, "learned table (lecture 7)")
    let rotary = try Self.numbers(out, "rotary (RoPE)")
    #expect(learned.count >= 3 && rotary.count >= 3)
    #expect(learned[learned.count - 3] - rotary[rotary.count - 3] == 32 * 64)
    let (valLearned, valRotary) = (learned.last!, rotary.last!)
    #expect(out.contains { $0.hasPrefix(valRotary < valLearned ? "Rotary positions lower the val loss by" : "Rotary positions do not help here") })
  }

  /// Same seed, same output whatever the thread count (timings aside).
  @Test func fastRunIsTheSameOnOneThread() throws {
    let two = try Self.fastRun.get(), one = try Self.fastRunOneThread.get()
    #expect(one.status == 0)
    let exercisesTwo = Self.lines(two).drop { !$0.contains("Exercise: EX1") }
    let exercisesOne = Self.lines(one).drop { !$0.contains("Exercise: EX1") }
    #expect(!exercisesTwo.isEmpty)
    #expect(Array(exercisesTwo) == Array(exercisesOne))
  }

  /// The step knobs change the run and the prose follows: two EX2 steps give a near-chance model
  /// and say so.
  @Test func knobsChangeTheExercises() throws {
    let run = try LectureRunner.run("Lecture07GPT", ["--fast", "--quiet", "--set", "ex2_steps=2", "--set", "ex3_pretrain_steps=2",
                                                     "--set", "ex3_finetune_steps=2", "--set", "ex4_steps=2"])
    #expect(run.status == 0, "stderr: \(run.stderr.suffix(2000))")
    let out = Self.lines(run)
    #expect(out.contains { $0.hasPrefix("trained 2 steps of 64 problems") })
    #expect(out.contains { $0.hasPrefix("Not yet useful: 2 steps are too few") })
    #expect(out.contains { $0.hasPrefix("pretrained 2 steps, not fine-tuned") })
    let bad = try LectureRunner.run("Lecture07GPT", ["--fast", "--quiet", "--set", "ex2_steps=0"])
    #expect(bad.status == 2)
  }
}
