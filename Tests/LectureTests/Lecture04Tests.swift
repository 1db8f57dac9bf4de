import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Lecture 4's step-0 numbers, recomputed here from the notebook's recipe (parameters drawn in
/// the order C, W1, b1, W2, b2, then the first minibatch, all from one generator seeded
/// 2147483647) and compared with PyTorch; its flags; the deep network's parameter counts.
@Suite struct Lecture04Tests {
  static let data: (X: IntTensor, Y: IntTensor) = {
    let text = try! String(contentsOf: Fixtures.packageRoot.appendingPathComponent("names.txt"), encoding: .utf8)
    let names = try! Names(text: text)
    return names.contextTensors(names.split().train, blockSize: 3)
  }()

  /// Step-0 loss and fraction of |h| > 0.99 for W1, b1, W2, b2 multiplied by the given factors.
  static func stepZero(w1: Float?, b1: Float?, w2: Float?, b2: Float?) -> (loss: Float, saturated: Double) {
    var g = TorchGenerator(seed: 2147483647)
    func scaled(_ t: Tensor, _ s: Float?) -> Tensor { s.map { t * $0 } ?? t }
    let C = Tensor.randn([27, 10], generator: &g)
    let W1 = scaled(Tensor.randn([30, 200], generator: &g), w1)
    let B1 = scaled(Tensor.randn([200], generator: &g), b1)
    let W2 = scaled(Tensor.randn([200, 27], generator: &g), w2)
    let B2 = scaled(Tensor.randn([27], generator: &g), b2)
    let ix = IntTensor.randint(low: 0, high: data.X.shape[0], shape: [32], generator: &g)
    let h = (C[data.X[ix]].view(-1, 30).matmul(W1) + B1).tanh()
    let loss = crossEntropy(h.matmul(W2) + B2, data.Y[ix]).item()
    return (loss, Diagnostics.saturation(h, threshold: 0.99))
  }

  @Test func stepZeroNumbersMatchPyTorch() {
    #expect(Self.data.Y.count == 182_625)
    let kaiming = Float((5.0 / 3.0) / 30.0.squareRoot())
    let cases: [(String, (Float, Double), Float, String)] = [
      ("original", Self.stepZero(w1: nil, b1: nil, w2: nil, b2: nil), 27.8817, "60.95"),
      ("W2 × 0.01, b2 × 0", Self.stepZero(w1: nil, b1: nil, w2: 0.01, b2: 0), 3.3221, "60.95"),
      ("W1 × 0.2, b1 × 0.01", Self.stepZero(w1: 0.2, b1: 0.01, w2: 0.01, b2: 0), 3.3135, "0.98"),
      ("Kaiming", Self.stepZero(w1: kaiming, b1: 0.01, w2: 0.01, b2: 0), 3.3179, "8.14"),
    ]
    for (name, ours, loss, saturated) in cases {
      #expect(String(format: "%.4f", ours.0) == String(format: "%.4f", loss), "\(name): loss \(ours.0)")
      #expect(String(format: "%.2f", ours.1 * 100) == saturated, "\(name): saturated \(ours.1)")
    }
    #expect(String(format: "%.4f", kaiming) == "0.3043")
  }

  @Test func deepNetworkParameterCounts() {
    var g = TorchGenerator(seed: 2147483647)
    func count(batchNorm: Bool) -> Int {
      var layers: [any Module] = []
      let sizes = [30, 100, 100, 100, 100, 100, 27]
      for k in 0..<6 {
        layers.append(Linear.lecture(sizes[k], sizes[k + 1], bias: !batchNorm, generator: &g))
        if batchNorm { layers.append(BatchNorm1d(sizes[k + 1])) }
        if k < 5 { layers.append(Tanh()) }
      }
      return 27 * 10 + Sequential(layers).parameterCount
    }
    #expect(count(batchNorm: true) == 47_024)
    #expect(count(batchNorm: false) == 46_497)
  }

  @Test func badKnobIsAUsageError() throws {
    let run = try LectureRunner.run("Lecture04BatchNorm", ["--set", "gain=-1"])
    #expect(run.status == 2)
  }
}
