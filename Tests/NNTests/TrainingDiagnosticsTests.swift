import Foundation
import NN
import Random
import Tensor
import Testing

/// Lecture 4's reusable diagnostic table and exercise E02's BatchNorm folding.
@Suite struct TrainingDiagnosticsTests {
  @Test func tableOfKnownTensors() {
    let a = Tensor([-1, -0.995, 0, 0.5, 0.999, 0.2], shape: [2, 3])
    let w = Tensor([1, 2, 3, 4], shape: [2, 2]).requiringGrad()
    (w * Tensor([1, 1, 1, 3], shape: [2, 2])).sum().backward()        // grad = [1, 1, 1, 3]
    let table = DiagnosticTable(activations: [("h", a)], parameters: [("w", w), ("unused", Tensor([1, 2]))])
    #expect(table.activations.count == 1 && table.parameters.count == 1, "a parameter without a gradient is left out")
    let act = table.activations[0]
    #expect(abs(act.stats.mean - (-0.296 / 6)) < 1e-6)
    #expect(abs(act.saturation - 0.5) < 1e-12, "-1, -0.995 and 0.999 are beyond 0.99: 3 of 6")
    let p = table.parameters[0]
    #expect(p.grad.mean == 1.5)
    #expect(abs(p.grad.std - 1) < 1e-12, "unbiased std of [1, 1, 1, 3] is 1")
    #expect(abs(p.gradToData - 1 / 1.2909944487358056) < 1e-9, "std of [1, 2, 3, 4] is 1.2910")
    #expect(table.rows.count == 2 && table.rows.allSatisfy { $0.count == table.headers.count })
    #expect(table.rows[0][5] == "50.00%")
    let lines = table.text.split(separator: "\n")
    #expect(lines.count == 3)
    let column = lines[0].range(of: "mean")!.lowerBound.utf16Offset(in: lines[0])
    #expect(lines.dropFirst().allSatisfy { $0.count > column }, "aligned columns")
  }

  @Test func foldedBatchNormGivesTheSameOutputs() {
    var g = TorchGenerator(seed: 42)
    for bias in [false, true] {
      let linear = Linear.lecture(6, 4, bias: bias, generator: &g)
      if let b = linear.bias { b.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = Float(i) - 1.5 } } }
      let bn = BatchNorm1d(4)
      for _ in 0..<20 { _ = bn(linear(Tensor.randn([16, 6], generator: &g) * 3 + 1)) }   // non-trivial running statistics
      bn.weight.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = 0.5 + Float(i) } }
      bn.bias.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = Float(i) * 0.25 - 0.3 } }
      bn.training = false
      let x = Tensor.randn([10, 6], generator: &g)
      let reference = Tensor.withNoGrad { bn(linear(x)) }
      let folded = foldBatchNorm(linear, bn)
      let y = Tensor.withNoGrad { folded(x) }
      #expect(y.shape == [10, 4])
      #expect(Tensor.maxAbsDifference(y, reference) < 1e-5, "bias \(bias): \(Tensor.maxAbsDifference(y, reference))")
      #expect(Tensor.maxAbsDifference(reference, Tensor.withNoGrad { linear(x) }) > 0.1, "the BatchNorm is not the identity")
    }
  }
}
