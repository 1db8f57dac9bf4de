import Foundation
import Testing
import Random
@testable import Micrograd

@Suite struct NetworkTests {
  /// micrograd's gout.svg: `random.seed(1337); Neuron(2)` on x = [1, −2].
  @Test func seededNeuronMatchesMicrograd() {
    var rng = PythonRandom(seed: 1337)
    let n = Neuron(2, rng: &rng)
    #expect(n.w.map(\.data) == [0.23550571390294128, 0.06653114721000164])
    #expect(n.b.data == 0)
    let y = n([1.0, -2.0])
    y.backward()
    #expect(String(format: "%.4f", y.data) == "0.1024")
    #expect(n.w.map(\.grad) == [1, -2])
    #expect(n.description == "ReLUNeuron(2)")
  }

  @Test func parameterCounts() {
    var rng = PythonRandom(seed: 1)
    #expect(MLP(3, [4, 4, 1], style: .lecture, rng: &rng).parameters().count == 41)
    #expect(MLP(2, [16, 16, 1], style: .repo, rng: &rng).parameters().count == 337)
  }

  @Test func activationsFollowTheStyle() {
    var rng = PythonRandom(seed: 1)
    let repo = MLP(2, [16, 16, 1], style: .repo, rng: &rng)
    #expect(repo.layers.map { $0.neurons[0].activation.description } == ["ReLU", "ReLU", "Linear"])
    let lecture = MLP(3, [4, 4, 1], style: .lecture, rng: &rng)
    #expect(lecture.layers.allSatisfy { $0.neurons.allSatisfy { $0.activation.description == "Tanh" } })
    #expect(lecture.layers[0].neurons.contains { $0.b.data != 0 }, "lecture-style biases are drawn")
  }

  /// The lecture's four-example dataset: 20 steps of gradient descent lower the loss every step.
  @Test func tinyDatasetLossFalls() {
    var rng = PythonRandom(seed: 1337)
    let n = MLP(3, [4, 4, 1], style: .lecture, rng: &rng)
    let xs: [[Double]] = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]]
    let ys: [Double] = [1, -1, -1, 1]
    var losses: [Double] = []
    for _ in 0..<20 {
      let ypred = xs.map { n($0)[0] }
      let loss = zip(ypred, ys).map { ($0 - $1).pow(2) }.reduce(Value(0), +)
      n.zeroGrad()
      loss.backward()
      for p in n.parameters() { p.data += -0.1 * p.grad }
      losses.append(loss.data)
    }
    #expect(zip(losses, losses.dropFirst()).allSatisfy { $1 < $0 })
    #expect(losses.last! < 0.5 * losses.first!)
  }

  @Test func twoMoonsShape() {
    var rng = PythonRandom(seed: 1337)
    let moons = TwoMoons(count: 100, noise: 0.1, rng: &rng)
    #expect(moons.points.count == 100)
    #expect(moons.labels.filter { $0 == 1 }.count == 50)
    #expect(moons.labels.allSatisfy { $0 == 1 || $0 == -1 })
    // Inner moon sits lower on average than the outer one.
    let meanY = { (label: Double) in
      zip(moons.points, moons.labels).filter { $0.1 == label }.map { $0.0[1] }.reduce(0, +) / 50
    }
    #expect(meanY(1) < meanY(-1))
  }

  /// The demo: 100 SGD steps on the tape reach 100% training accuracy.
  @Test func moonsTrainingReachesFullAccuracy() {
    var rng = PythonRandom(seed: 1337)
    let model = MLP(2, [16, 16, 1], style: .repo, rng: &rng)
    var dataRNG = PythonRandom(seed: 1337)
    let moons = TwoMoons(count: 100, noise: 0.1, rng: &dataRNG)
    var tapeModel = TapeMLP(copying: model)
    var history: [LossAndAccuracy] = []
    for k in 0..<100 {
      history.append(tapeModel.trainingStep(points: moons.points, labels: moons.labels,
                                            learningRate: moonsLearningRate(step: k)))
    }
    #expect(history.last!.accuracy == 1.0)
    #expect(history.last!.loss < 0.1 * history.first!.loss)
  }
}
