import Foundation
import Testing
import Random
@testable import Micrograd

@Suite struct TapeTests {
  /// The same expression on both engines: equal values and gradients, op by op.
  @Test func everyOpAgreesWithTheClassEngine() {
    let inputs = [0.8, -1.3, 2.2]
    let v = inputs.map { Value($0) }
    let classOut = ((v[0] * v[1] + 2).tanh() * (v[0] + v[2]).exp() + v[2].log() * v[1].relu()
                    + v[2].pow(-1.5) * 3 + (v[1] * -1).relu()).pow(2)
    classOut.backward()

    var t = Tape()
    let x = inputs.map { t.leaf($0) }
    var out = t.mul(t.tanh(t.add(t.mul(x[0], x[1]), 2)), t.exp(t.add(x[0], x[2])))
    out = t.add(out, t.mul(t.log(x[2]), t.relu(x[1])))
    out = t.add(out, t.mul(t.pow(x[2], -1.5), 3))
    out = t.add(out, t.relu(t.mul(x[1], -1)))
    out = t.pow(out, 2)
    t.backward(from: out)

    #expect(t.data(out) == classOut.data)
    for i in 0..<3 { #expect(abs(t.grad(x[i]) - v[i].grad) <= 1e-12 * max(1, abs(v[i].grad))) }
  }

  @Test func backwardStartsFromZeroEachTime() {
    var t = Tape()
    let a = t.leaf(3)
    let y = t.mul(a, a)
    t.backward(from: y)
    t.backward(from: y)
    #expect(t.grad(a) == 6)
  }

  @Test func truncateKeepsParametersAndDropsTheGraph() {
    var t = Tape()
    let p = t.leaf(2)
    for _ in 0..<3 {
      t.truncate(to: 1)
      let loss = t.mul(t.add(p, -1), t.add(p, -1))  // (p − 1)²
      t.backward(from: loss)
      t.descend(firstNodes: 1, learningRate: 0.25)
      #expect(t.count == 4)
    }
    // p ← p − 0.25·2(p − 1) halves the distance to 1 each step: 2 → 1.5 → 1.25 → 1.125.
    #expect(t.data(p) == 1.125)
  }

  /// micrograd's moons step on both engines, from the same weights: same loss, same gradients.
  @Test func moonsLossAndGradientsAgreeAcrossEngines() {
    var rng = PythonRandom(seed: 1337)
    let model = MLP(2, [16, 16, 1], style: .repo, rng: &rng)
    var dataRNG = PythonRandom(seed: 1337)
    let moons = TwoMoons(count: 100, noise: 0.1, rng: &dataRNG)
    var tapeModel = TapeMLP(copying: model)

    let (loss, accuracy) = svmLoss(model, points: moons.points, labels: moons.labels)
    model.zeroGrad()
    loss.backward()

    tapeModel.tape.truncate(to: tapeModel.parameterCount)
    let (tapeLoss, tapeAccuracy) = tapeModel.svmLoss(points: moons.points, labels: moons.labels)
    tapeModel.tape.backward(from: tapeLoss)

    #expect(abs(tapeModel.tape.data(tapeLoss) - loss.data) <= 1e-12 * abs(loss.data))
    #expect(tapeAccuracy == accuracy)
    let grads = model.parameters().map(\.grad)
    let tapeGrads = tapeModel.parameterGrads
    #expect(grads.count == 337 && tapeGrads.count == 337)
    for (g, tg) in zip(grads, tapeGrads) { #expect(abs(g - tg) <= 1e-12 * max(1, abs(g))) }

    // And after an SGD step on each, the weights still agree.
    for p in model.parameters() { p.data -= 0.5 * p.grad }
    tapeModel.tape.descend(firstNodes: tapeModel.parameterCount, learningRate: 0.5)
    for (w, tw) in zip(model.parameters().map(\.data), tapeModel.parameterValues) {
      #expect(abs(w - tw) <= 1e-12 * max(1, abs(w)))
    }
  }

  @Test func predictMatchesTheRecordedForwardPass() {
    var rng = PythonRandom(seed: 7)
    let model = MLP(3, [4, 4, 1], style: .lecture, rng: &rng)
    var tapeModel = TapeMLP(copying: model)
    let x = [2.0, 3.0, -1.0]
    let recorded = tapeModel.forward(x)[0]
    #expect(tapeModel.predict(x)[0] == tapeModel.tape.data(recorded))
    #expect(tapeModel.predict(x)[0] == model(x)[0].data)
  }
}
