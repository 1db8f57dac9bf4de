import Foundation
import Testing
import Random
@testable import Micrograd

/// The demo's exact points (`TwoMoons.scikitLearnDemo`, scikit-learn's moons after
/// `np.random.seed(1337)`) let both engines replay the notebook's printed losses.
let sklearnMoons = TwoMoons.scikitLearnDemo

@Suite struct NotebookReplayTests {
  /// With the demo's exact data and `random.seed(1337)` weights, the class engine reproduces the
  /// notebook's first printed losses: step 0 0.8958441028683222 (50%), step 1 1.7235905336972022
  /// (81%). (Python sums gradients in set order, so the last digits may differ: compared to 1e-9
  /// relative. Two steps only: the class engine is the slow one.)
  @Test func demoTrainingMatchesTheNotebook() {
    var rng = PythonRandom(seed: 1337)
    let model = MLP(2, [16, 16, 1], style: .repo, rng: &rng)
    #expect(model.parameters().count == 337)
    let points = sklearnMoons.points, labels = sklearnMoons.labels
    var history: [LossAndAccuracy] = []
    for k in 0..<2 {
      history.append(trainingStep(model, points: points, labels: labels, learningRate: moonsLearningRate(step: k)))
    }
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * abs(b) }
    #expect(close(history[0].loss, 0.8958441028683222))
    #expect(history[0].accuracy == 0.5)
    #expect(close(history[1].loss, 1.7235905336972022))
    #expect(history[1].accuracy == 0.81)
  }

  /// The tape engine replays all 100 steps: step 40 0.0601600989523446 (100%), step 99
  /// 0.010978370135492717 (100%).
  @Test func tapeReplaysTheNotebookToo() {
    var rng = PythonRandom(seed: 1337)
    var model = TapeMLP(copying: MLP(2, [16, 16, 1], style: .repo, rng: &rng))
    let points = sklearnMoons.points, labels = sklearnMoons.labels
    var history: [LossAndAccuracy] = []
    for k in 0..<100 {
      history.append(model.trainingStep(points: points, labels: labels, learningRate: moonsLearningRate(step: k)))
    }
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * abs(b) }
    #expect(close(history[0].loss, 0.8958441028683222))
    #expect(close(history[40].loss, 0.0601600989523446))
    #expect(history[40].accuracy == 1.0)
    #expect(close(history[99].loss, 0.010978370135492717))
    #expect(history[99].accuracy == 1.0)
  }
}
