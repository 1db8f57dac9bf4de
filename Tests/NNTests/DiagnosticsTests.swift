import Foundation
import NN
import Random
import Tensor
import Testing

@Suite struct DiagnosticsTests {
  @Test func statsSaturationAndHistogram() {
    let t = Tensor([-1, -0.98, 0, 0.5, 0.99])
    #expect(abs(Diagnostics.saturation(t) - 0.6) < 1e-12)
    let s = TensorStats(Tensor([1, 2, 3, 4]))
    #expect(s.mean == 2.5 && abs(s.std - 1.2909944487358056) < 1e-12 && s.min == 1 && s.max == 4)
    let h = HistogramData(Tensor([0, 1, 1, 2, 4]), bins: 4, density: false)
    #expect(h.edges == [0, 1, 2, 3, 4])
    #expect(h.counts == [1, 2, 1, 1])
    let d = HistogramData(Tensor([0, 1, 1, 2, 4]), bins: 4)
    #expect(abs(d.counts.reduce(0, +) * 1 - 1) < 1e-12, "densities integrate to 1")
  }

  @Test func layerReportsAfterATrainingStep() {
    var g = TorchGenerator(seed: 2147483647)
    let model = lecture4Model(generator: &g)
    model.recordsOutputs = true
    let x = IntTensor(g.randint(low: 0, high: 27, count: 96), shape: [32, 3])
    let y = IntTensor(g.randint(low: 0, high: 27, count: 32))
    crossEntropy(model(x), y).backward()
    let acts = Diagnostics.activations(model)
    #expect(acts.map(\.index) == [4, 7, 10, 13, 16])
    #expect(acts.allSatisfy { $0.saturation >= 0 && $0.saturation <= 1 && abs($0.stats.mean) < 1 })
    let grads = Diagnostics.activationGradients(model)
    #expect(grads.count == 5 && grads.allSatisfy { $0.stats.std > 0 })
    let params = Diagnostics.parameterGradients(model.namedParameters())
    #expect(params.map(\.name) == ["0.weight", "2.weight", "5.weight", "8.weight", "11.weight", "14.weight", "17.weight"])
    #expect(params.allSatisfy { $0.gradToDataRatio > 0 })
    var tracker = UpdateRatioTracker(model.parameters())
    tracker.record(learningRate: 0.1)
    let w = model.parameters()[1]
    let expected = (TensorStats(w.grad!).std * 0.1 / TensorStats(w).std).ulp
    #expect(abs(tracker.series(1)[0] - log10(TensorStats(w.grad!).std * 0.1 / TensorStats(w).std)) <= expected * 10 + 1e-12)
  }
}
