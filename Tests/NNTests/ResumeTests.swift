import Foundation
import Kernels
import NN
import Random
import Tensor
import Testing

/// Stop-and-resume: a run saved after k steps (weights, AdamW moments, step counts, the generator
/// that draws batches and dropout masks, the schedule position) and resumed into a fresh model
/// and optimiser takes exactly the steps the uninterrupted run takes.
@Suite struct ResumeTests {
  static let vocab = 11, block = 8, batch = 4
  /// A deterministic token stream for batches.
  static let tokens: [Int] = (0..<400).map { ($0 * 7 + $0 / 5) % vocab }

  final class Run {
    let shared: SharedGenerator
    let model: GPTLanguageModel
    let optimizer: AdamW
    let schedule = CosineWarmupSchedule(maxLearningRate: 3e-3, minLearningRate: 3e-4, warmupSteps: 2, maxSteps: 8)
    var step = 0

    init(seed: UInt64) {
      shared = SharedGenerator(seed: seed)
      let config = GPTConfig(vocabSize: ResumeTests.vocab, blockSize: ResumeTests.block, embedding: 16, heads: 2,
                             layers: 2, dropout: 0.1, attention: .batched, gelu: true)
      model = GPTLanguageModel(config, dropoutGenerator: shared, generator: &shared.generator)
      optimizer = AdamW(groups: ParameterGroup.decayMatricesOnly(model.namedParameters(), weightDecay: 0.1),
                        learningRate: 3e-3, betas: (0.9, 0.95), eps: 1e-8)
    }

    /// One training step; returns its loss.
    func trainStep() -> Float {
      let ix = shared.generator.randint(low: 0, high: ResumeTests.tokens.count - ResumeTests.block - 1, count: ResumeTests.batch)
      var xs: [Int] = [], ys: [Int] = []
      for i in ix {
        xs += ResumeTests.tokens[i..<(i + ResumeTests.block)]
        ys += ResumeTests.tokens[(i + 1)...(i + ResumeTests.block)]
      }
      let shape = [ResumeTests.batch, ResumeTests.block]
      let loss = model.loss(IntTensor(xs, shape: shape), targets: IntTensor(ys, shape: shape))
      optimizer.learningRate = schedule.learningRate(at: step)
      optimizer.zeroGrad()
      loss.backward()
      optimizer.step()
      step += 1
      return loss.item()
    }

    var training: TrainingState { TrainingState(step: step, generator: shared.generator) }

    func resume(from state: TrainingState) {
      step = state.step
      if let g = state.generator { shared.generator = g }
    }
  }

  @Test func resumedRunTakesTheSameNextStepsAsAnUninterruptedOne() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString).ckpt")
    defer { try? FileManager.default.removeItem(at: url) }

    let straight = Run(seed: 42)
    var losses: [Float] = []
    for k in 0..<6 {
      if k == 3 { try Checkpoint.save(straight.model, optimizer: straight.optimizer, training: straight.training, to: url) }
      losses.append(straight.trainStep())
    }

    let resumed = Run(seed: 7)                       // different weights and stream until loaded
    let state = try #require(try Checkpoint.load(resumed.model, optimizer: resumed.optimizer, from: url))
    #expect(state.step == 3)
    resumed.resume(from: state)
    #expect(resumed.optimizer.steps == Array(repeating: 3, count: resumed.optimizer.steps.count))
    let after = (3..<6).map { _ in resumed.trainStep() }
    #expect(after == Array(losses[3...]), "resumed \(after) vs uninterrupted \(Array(losses[3...]))")
    for (a, b) in zip(straight.model.parameters(), resumed.model.parameters()) { #expect(a.scalars == b.scalars) }
  }

  @Test func withoutOptimizerStateTheNextLossStillMatchesButLaterOnesDiffer() throws {
    // The control: restoring weights, stream and step but fresh moments changes the second step,
    // so the test above really depends on the moments being saved.
    let straight = Run(seed: 42)
    var losses: [Float] = []
    var bytes: [UInt8] = []
    for k in 0..<5 {
      if k == 3 { bytes = Checkpoint.encode(straight.model, optimizer: nil, training: straight.training) }
      losses.append(straight.trainStep())
    }
    let resumed = Run(seed: 7)
    let state = try #require(try Checkpoint.load(resumed.model, bytes: bytes))
    resumed.resume(from: state)
    let next = resumed.trainStep(), later = resumed.trainStep()
    #expect(next == losses[3])
    #expect(later != losses[4])
  }

  @Test func optimizerStateMustFit() throws {
    let a = Run(seed: 1)
    _ = a.trainStep()
    let modelOnly = Checkpoint.encode(a.model)
    let b = Run(seed: 2)
    let before = b.model.parameters().map(\.scalars)
    do {
      try Checkpoint.load(b.model, optimizer: b.optimizer, bytes: modelOnly)
      Issue.record("loaded optimizer state from a model-only checkpoint")
    } catch {
      guard case let .missingTensors(names) = error else { Issue.record("\(error)"); return }
      #expect(names.first == "optimizer:0.exp_avg")
    }
    #expect(b.model.parameters().map(\.scalars) == before, "nothing loaded")
    // An SGD state does not fit AdamW.
    let sgd = SGD(a.model.parameters(), learningRate: 0.1, momentum: 0.9)
    sgd.step()
    let sgdBytes = Checkpoint.encode(a.model, optimizer: sgd)
    #expect(throws: CheckpointError.self) { try Checkpoint.load(b.model, optimizer: b.optimizer, bytes: sgdBytes) }
    // ... but restores into another SGD.
    let sgd2 = SGD(b.model.parameters(), learningRate: 0.1, momentum: 0.9)
    try Checkpoint.load(b.model, optimizer: sgd2, bytes: sgdBytes)
    #expect(sgd2.momentumBuffers.map { $0?.scalars } == sgd.momentumBuffers.map { $0?.scalars })
  }

  @Test func adamWStepIsIdenticalForAnyThreadCount() {
    // 70,000 elements: above the split threshold, so two threads take half each.
    func run(threads: Int) -> [Float] {
      Parallelism.$threadCount.withValue(threads) {
        let p = Tensor((0..<70_000).map { Float($0 % 97) / 50 - 1 }, shape: [350, 200]).requiringGrad()
        let opt = AdamW([p], learningRate: 1e-2, weightDecay: 0.1)
        for k in 0..<3 {
          p.grad = Tensor((0..<70_000).map { Float(($0 * (k + 3)) % 89) / 40 - 1 }, shape: [350, 200])
          opt.step()
        }
        return p.scalars + opt.firstMoments[0].scalars + opt.secondMoments[0].scalars
      }
    }
    #expect(run(threads: 1) == run(threads: 2))
  }

  @Test func sgdStepIsIdenticalForAnyThreadCount() {
    func run(threads: Int, momentum: Double) -> [Float] {
      Parallelism.$threadCount.withValue(threads) {
        let p = Tensor((0..<70_000).map { Float($0 % 97) / 50 - 1 }, shape: [350, 200]).requiringGrad()
        let opt = SGD([p], learningRate: 0.1, momentum: momentum, weightDecay: momentum == 0 ? 0 : 1e-3, nesterov: momentum != 0)
        for k in 0..<3 {
          p.grad = Tensor((0..<70_000).map { Float(($0 * (k + 3)) % 89) / 40 - 1 }, shape: [350, 200])
          opt.step()
        }
        return p.scalars + (opt.momentumBuffers[0]?.scalars ?? [])
      }
    }
    for momentum in [0.0, 0.9] { #expect(run(threads: 1, momentum: momentum) == run(threads: 2, momentum: momentum)) }
  }
}
