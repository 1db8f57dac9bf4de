import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Lecture 6: the modules the WaveNet is built from, checked against hand-computed values, the
/// shapes through every layer of the 76,579-parameter model, and the convolution view (one pass
/// of dilated causal convolutions equals the per-example forwards). The printed numbers are
/// checked by the snapshot test.
@Suite struct Lecture06Tests {
  /// The lecture's hierarchical model: Embedding, then 3 × (FlattenConsecutive(2), Linear without
  /// bias, BatchNorm1d, Tanh), then Linear to the vocabulary (its weight × 0.1).
  static func wavenet(embd: Int = 24, hidden: Int = 128, seed: UInt64 = 42) -> Sequential {
    var g = TorchGenerator(seed: seed)
    var layers: [any Module] = [Embedding(27, embd, generator: &g)]
    var width = embd
    for _ in 0..<3 {
      layers += [FlattenConsecutive(2), Linear.lecture(width * 2, hidden, bias: false, generator: &g), BatchNorm1d(hidden), Tanh()]
      width = hidden
    }
    let last = Linear.lecture(hidden, 27, generator: &g)
    last.scaleWeight(by: 0.1)
    return Sequential(layers + [last])
  }

  @Test func flattenConsecutiveRegroupsConsecutivePositions() {
    let x = Tensor((0..<24).map(Float.init), shape: [2, 4, 3])
    let y = FlattenConsecutive(2)(x)
    #expect(y.shape == [2, 2, 6])
    // Position 1 of example 0 holds positions 2 and 3 side by side: elements 6…11.
    #expect(y[0][1].scalars == [6, 7, 8, 9, 10, 11])
    #expect(y[1][0].scalars == [12, 13, 14, 15, 16, 17])
    let whole = FlattenConsecutive(4)(x)
    #expect(whole.shape == [2, 12])                      // squeezed when one position is left
    #expect(whole[1].scalars == (12..<24).map(Float.init))
  }

  @Test func batchNormReducesOverBatchAndPositionsForThreeDInput() {
    // x (2, 2, 2): channel 0 holds 1, 2, 3, 4; channel 1 holds 10, 10, 10, 14.
    let x = Tensor([1, 10, 2, 10, 3, 10, 4, 14], shape: [2, 2, 2])
    let bn = BatchNorm1d(2)
    let y = bn(x)
    // Channel 0: mean 2.5, unbiased variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3.
    // Channel 1: mean 11, unbiased variance (1 + 1 + 1 + 9) / 3 = 4.
    let expected: [Float] = [1, 10, 2, 10, 3, 10, 4, 14].enumerated().map { i, v in
      i % 2 == 0 ? (v - 2.5) / (5.0 / 3.0 + 1e-5).squareRoot() : (v - 11) / (4 + 1e-5).squareRoot()
    }
    #expect(y.shape == [2, 2, 2])
    for (a, b) in zip(y.scalars, expected) { #expect(Swift.abs(a - b) < 1e-5) }
    // One running statistic per channel (the bug would give one per position and channel).
    #expect(bn.runningMean.shape == [2])
    #expect(Swift.abs(bn.runningMean.scalars[0] - 0.25) < 1e-6 && Swift.abs(bn.runningMean.scalars[1] - 1.1) < 1e-6)
    #expect(Swift.abs(bn.runningVar.scalars[0] - (0.9 + 0.1 * 5.0 / 3.0)) < 1e-6)
    #expect(Swift.abs(bn.runningVar.scalars[1] - 1.3) < 1e-6)
  }

  @Test func shapesThroughEveryLayerAndParameterCount() {
    let model = Self.wavenet()
    #expect(model.parameterCount == 76_579)
    #expect(model.parameterCount == 27 * 24 + 48 * 128 + 256 + 2 * (256 * 128 + 256) + 128 * 27 + 27)
    model.recordsOutputs = true
    let X = IntTensor((0..<32).map { $0 % 27 }, shape: [4, 8])
    _ = Tensor.withNoGrad { model(X) }
    #expect(model.outputs.map(\.shape) == [
      [4, 8, 24],
      [4, 4, 48], [4, 4, 128], [4, 4, 128], [4, 4, 128],
      [4, 2, 256], [4, 2, 128], [4, 2, 128], [4, 2, 128],
      [4, 256], [4, 128], [4, 128], [4, 128],
      [4, 27],
    ])
    #expect(Self.wavenet(embd: 10, hidden: 68).parameterCount == 22_397)
  }

  /// The 8 contexts of a 7-letter name, forwarded one by one, equal one pass of dilated causal
  /// convolutions (kernel 2, dilations 1, 2, 4) over the padded 15-character sequence.
  @Test func dilatedConvolutionEqualsSeparateForwards() {
    let model = Self.wavenet()
    // A few training steps so that BatchNorm's running statistics are not the identity.
    for step in 0..<3 {
      let X = IntTensor((0..<256).map { ($0 * 7 + step) % 27 }, shape: [32, 8])
      _ = model(X)
    }
    model.eval()
    let sequence = [0, 0, 0, 0, 0, 0, 0, 0] + [4, 9, 15, 14, 4, 18, 5]   // "........diondre"
    let separate = Tensor.withNoGrad {
      Tensor.cat((0..<8).map { k in model(IntTensor([Array(sequence[k..<(k + 8)])])) }, dim: 0)
    }
    var h = Tensor.withNoGrad { (model.layers[0] as! Embedding)(IntTensor(sequence, shape: [15])) }
    var dilation = 1
    for level in 0..<3 {
      let n = h.shape[0] - dilation
      let pairs = Tensor.cat([h.narrow(dim: 0, start: 0, length: n), h.narrow(dim: 0, start: dilation, length: n)], dim: 1)
      let (linear, norm, act) = (model.layers[2 + 4 * level] as! Linear, model.layers[3 + 4 * level] as! BatchNorm1d, model.layers[4 + 4 * level] as! Tanh)
      h = Tensor.withNoGrad { act(norm(linear(pairs))) }
      dilation *= 2
    }
    let convolved = Tensor.withNoGrad { (model.layers[13] as! Linear)(h) }
    #expect(convolved.shape == [8, 27])
    #expect(Tensor.maxAbsDifference(convolved, separate) < 1e-5)
  }

  @Test func badFlagIsAUsageError() throws {
    let run = try LectureRunner.run("Lecture06WaveNet", ["--seed"])
    #expect(run.status == 2)
  }
}
