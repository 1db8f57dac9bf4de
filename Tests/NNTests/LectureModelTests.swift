import Datasets
import Foundation
import NN
import Random
import Tensor
import TestSupport
import Testing

/// The lecture-4 "PyTorch-ified" network built with these layers reproduces the notebook's
/// step-0 loss (3.2870): same generator, same draw order, same BatchNorm.
@Suite struct LectureModelTests {
  @Test func lecture4DeepBatchNormStepZeroLoss() throws {
    let text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("names.txt"), encoding: .utf8)
    let names = try Names(text: text)
    let (ctx, tgt) = names.contextExamples(names.split().train, blockSize: 3)
    #expect(tgt.count == 182_625)
    let xtr = IntTensor(ctx, shape: [tgt.count, 3]), ytr = IntTensor(tgt)
    var g = TorchGenerator(seed: 2147483647)
    let model = lecture4Model(generator: &g)
    (model.layers.last as! BatchNorm1d).weight.withUnsafeMutableBufferPointer { w in for i in w.indices { w[i] *= 0.1 } }
    for case let l as Linear in model.layers.dropLast() { l.scaleWeight(by: 5.0 / 3.0) }
    let ix = IntTensor(g.randint(low: 0, high: tgt.count, count: 32))
    let loss = crossEntropy(model(xtr[ix]), ytr[ix]).item()
    #expect(abs(loss - 3.2870) < 5e-5, "step-0 loss \(loss), notebook 3.2870")
  }
}
