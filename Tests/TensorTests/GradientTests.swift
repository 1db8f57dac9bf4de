import Testing
import Tensor
import TestSupport

// Every op's backward pass against central finite differences (see GradCheck for the step size
// and tolerance). Inputs are small so the whole file runs in well under a second.

/// Checks `f` at random inputs of `shapes` drawn from `range`.
private func expectGradients(_ shapes: [[Int]], in range: ClosedRange<Float> = -1...1, seed: UInt64 = 1,
                             sourceLocation: SourceLocation = #_sourceLocation, _ f: @escaping ([Tensor]) -> Tensor) {
  let inputs = shapes.enumerated().map { GradCheck.input($1, seed: seed &+ UInt64($0) &* 7919, in: range) }
  let bad = GradCheck.mismatches(inputs, f)
  #expect(bad.isEmpty, "\(bad.prefix(3))", sourceLocation: sourceLocation)
}

/// Values bounded away from 0 (for relu/abs, whose derivative jumps there).
private func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
  let v = GradCheck.values(shape.reduce(1, *), seed: seed).map { $0 < 0 ? $0 - 0.1 : $0 + 0.1 }
  return Tensor(v, shape: shape).requiringGrad()
}

@Suite struct BroadcastingGradients {
  @Test(arguments: [
    ([3, 4], [4]), ([4], [3, 4]), ([3, 1], [1, 4]), ([1, 4], [3, 4]), ([2, 3, 4], [3, 1]), ([4], [2, 3, 4]), ([3, 4], [3, 4]), ([], [2, 3]),
  ])
  func arithmetic(shapes: ([Int], [Int])) {
    let (a, b) = shapes
    expectGradients([a, b]) { $0[0] + $0[1] }
    expectGradients([a, b]) { $0[0] - $0[1] }
    expectGradients([a, b]) { $0[0] * $0[1] }
    expectGradients([a], seed: 3) { x in x[0] / Tensor(GradCheck.values(b.reduce(1, *), seed: 9, in: 0.5...2), shape: b) }
    expectGradients([b], in: 0.5...2, seed: 4) { y in Tensor(GradCheck.values(a.reduce(1, *), seed: 8), shape: a) / y[0] }
  }

  @Test func scalarForms() {
    expectGradients([[2, 3]]) { 2 * $0[0] }
    expectGradients([[2, 3]]) { $0[0] * 3 + 1 }
    expectGradients([[2, 3]]) { 1 + $0[0] - 3 }
    expectGradients([[2, 3]]) { 3 - $0[0] }
    expectGradients([[2, 3]]) { -$0[0] / 4 }
    expectGradients([[2, 3]], in: 0.5...2) { 1 / $0[0] }
  }
}

@Suite struct ElementwiseGradients {
  @Test func smoothFunctions() {
    expectGradients([[3, 4]]) { $0[0].tanh() }
    expectGradients([[3, 4]]) { $0[0].gelu() }
    expectGradients([[3, 4]], in: -3...3) { $0[0].gelu() }
    expectGradients([[3, 4]]) { $0[0].sigmoid() }
    expectGradients([[3, 4]]) { $0[0].exp() }
    expectGradients([[3, 4]], in: 0.5...2) { $0[0].log() }
    expectGradients([[3, 4]], in: 0.5...2) { $0[0].sqrt() }
  }

  @Test(arguments: [2, 3, 0.5, -0.5, -1, -2, 1.7] as [Float])
  func power(p: Float) {
    expectGradients([[3, 4]], in: 0.5...2) { pow($0[0], p) }
  }

  @Test func kinkedFunctions() {
    let x = awayFromZero([3, 4], seed: 5)
    #expect(GradCheck.mismatches([x]) { $0[0].relu() }.isEmpty)
    #expect(GradCheck.mismatches([x]) { $0[0].abs() }.isEmpty)
    #expect(GradCheck.mismatches([x]) { $0[0].clamp(min: -0.5, max: 0.5) }.isEmpty)
  }

  @Test func maskedFillAndWhere() {
    let mask = Tensor([1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0], shape: [3, 4])
    expectGradients([[3, 4]]) { $0[0].maskedFill(mask, -2) }
    expectGradients([[3, 4]]) { $0[0].maskedFill(Tensor([1, 0, 0, 1]), 5) }
    expectGradients([[3, 4], [4]]) { Tensor.where(mask, $0[0], $0[1]) }
    expectGradients([[3, 4]]) { $0[0].tril() }
    expectGradients([[3, 4]]) { $0[0].triu(diagonal: 1) }
  }

  @Test func dropoutWithFixedMask() {
    let keep = Tensor([1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0], shape: [3, 4])
    expectGradients([[3, 4]]) { $0[0].dropout(keepMask: keep, p: 0.25) }
  }
}

@Suite struct ReductionGradients {
  @Test(arguments: [0, 1, 2, -1])
  func alongOneDim(dim: Int) {
    for keepdim in [false, true] {
      expectGradients([[2, 3, 4]]) { $0[0].sum(dim: dim, keepdim: keepdim) }
      expectGradients([[2, 3, 4]]) { $0[0].mean(dim: dim, keepdim: keepdim) }
      expectGradients([[2, 3, 4]]) { $0[0].max(dim: dim, keepdim: keepdim).values }
      expectGradients([[2, 3, 4]]) { $0[0].min(dim: dim, keepdim: keepdim).values }
      for unbiased in [false, true] {
        expectGradients([[2, 3, 4]]) { $0[0].variance(dim: dim, unbiased: unbiased, keepdim: keepdim) }
        expectGradients([[2, 3, 4]]) { $0[0].std(dim: dim, unbiased: unbiased, keepdim: keepdim) }
      }
    }
  }

  @Test func severalAndAllDims() {
    expectGradients([[2, 3, 4]]) { $0[0].sum(dims: [0, 2]) }
    expectGradients([[2, 3, 4]]) { $0[0].sum(dims: [0, 1], keepdim: true) }
    expectGradients([[2, 3, 4]]) { $0[0].mean(dims: [0, 1], keepdim: true) }
    expectGradients([[2, 3, 4]]) { $0[0].variance(dims: [0, 1], keepdim: true) }
    expectGradients([[2, 3, 4]]) { $0[0].sum() }
    expectGradients([[2, 3, 4]]) { $0[0].mean() }
    expectGradients([[2, 3, 4]]) { $0[0].max() }
    expectGradients([[2, 3, 4]]) { $0[0].min() }
    expectGradients([[2, 3, 4]]) { $0[0].variance() }
    expectGradients([[2, 3, 4]]) { $0[0].std(unbiased: false) }
    expectGradients([[2, 3, 4]]) { $0[0].topk(2, dim: 1).values }
    expectGradients([[2, 3, 4]]) { $0[0].topk(3, dim: -1, largest: false).values }
  }
}

@Suite struct ViewGradients {
  @Test func views() {
    expectGradients([[2, 3, 4]]) { $0[0].transpose(0, 2) }
    expectGradients([[2, 3, 4]]) { $0[0].permute(2, 0, 1) }
    expectGradients([[2, 3, 4]]) { $0[0].permute(2, 0, 1).contiguous() * 2 }
    expectGradients([[2, 3, 4]]) { $0[0].view(-1, 6) }
    expectGradients([[2, 3, 4]]) { $0[0].transpose(1, 2).reshape(2, 12) }
    expectGradients([[2, 3, 4]]) { $0[0][1] }
    expectGradients([[4, 3]]) { $0[0][1..<3] }
    expectGradients([[2, 3, 4]]) { $0[0].narrow(dim: 2, start: 1, length: 2) }
    expectGradients([[2, 3, 4]]) { $0[0].select(dim: 1, index: -1) }
    expectGradients([[3, 4]]) { $0[0].unsqueeze(1).expand([3, 2, 4]) }
    expectGradients([[3, 1]]) { $0[0].squeeze(1).flatten() }
    expectGradients([[3, 4]]) { $0[0].T }
    // A view used twice: both paths accumulate into the same leaf.
    expectGradients([[3, 4]]) { $0[0].T.matmul($0[0]) + $0[0][0].unsqueeze(0) }
  }

  @Test func catStackUnbind() {
    expectGradients([[2, 3], [4, 3]]) { Tensor.cat([$0[0], $0[1]], dim: 0) }
    expectGradients([[2, 3], [2, 1]]) { Tensor.cat([$0[0], $0[1], $0[0]], dim: 1) }
    expectGradients([[2, 3], [2, 3]]) { Tensor.stack([$0[0], $0[1]], dim: 1) }
    expectGradients([[3, 4]]) { x in
      let rows = x[0].unbind(dim: 0)
      return rows[0] * 2 + rows[2] - rows[1] * rows[0]
    }
    expectGradients([[3, 4]]) { Tensor.cat($0[0].unbind(dim: 1), dim: 0) }
  }
}

@Suite struct IndexingGradients {
  @Test func embeddingGatherWithRepeatedIndices() {
    let X = IntTensor([[0, 2, 2], [4, 0, 2]])
    expectGradients([[5, 3]]) { $0[0][X] }
    expectGradients([[5, 3]]) { $0[0][X].view(2, 9).tanh() }
    expectGradients([[5]]) { $0[0][IntTensor([1, 1, 1, 3])] }
  }

  @Test func pairGather() {
    let rows = IntTensor([0, 1, 2, 2, 0]), cols = IntTensor([1, 3, 0, 0, 1])
    expectGradients([[3, 4]]) { $0[0][rows, cols] }
    expectGradients([[3, 4]]) { $0[0].T.gather(rows: cols, cols: rows) }
  }
}

@Suite struct MatmulGradients {
  @Test func twoD() {
    expectGradients([[3, 4], [4, 5]]) { $0[0].matmul($0[1]) }
    expectGradients([[4, 3], [4, 5]]) { $0[0].T.matmul($0[1]) }
    expectGradients([[3, 4], [5, 4]]) { $0[0].matmul($0[1].T) }
    expectGradients([[4, 3], [5, 4]]) { $0[0].T • $0[1].T }
    expectGradients([[6, 4], [4, 5]]) { $0[0][..<3].matmul($0[1]) }
  }

  @Test func vectors() {
    expectGradients([[4], [4]]) { $0[0].matmul($0[1]) }
    expectGradients([[4], [4, 3]]) { $0[0].matmul($0[1]) }
    expectGradients([[3, 4], [4]]) { $0[0].matmul($0[1]) }
  }

  @Test func batchedAndBroadcast() {
    expectGradients([[2, 3, 4], [2, 4, 5]]) { $0[0].matmul($0[1]) }
    expectGradients([[2, 3, 4], [4, 5]]) { $0[0].matmul($0[1]) }             // folded Linear path
    expectGradients([[3, 4], [2, 4, 5]]) { $0[0].matmul($0[1]) }             // a broadcast over the batch
    expectGradients([[2, 1, 3, 4], [1, 2, 4, 5]]) { $0[0].matmul($0[1]) }    // both broadcast
    expectGradients([[2, 3, 4], [2, 3, 4]]) { $0[0].matmul($0[1].transpose(-2, -1)) } // q @ kᵀ
    expectGradients([[2, 4, 3], [4, 5]]) { $0[0].transpose(1, 2).matmul($0[1]) }
  }
}

@Suite struct SoftmaxGradients {
  @Test func softmaxFamily() {
    expectGradients([[3, 5]]) { $0[0].softmax(dim: -1) }
    expectGradients([[3, 5]]) { $0[0].softmax(dim: 0) }
    expectGradients([[2, 3, 4]]) { $0[0].softmax(dim: 1) }
    expectGradients([[3, 5]]) { $0[0].logSoftmax(dim: 1) }
    expectGradients([[2, 3, 4]]) { $0[0].logSoftmax(dim: 0) }
  }

  @Test func crossEntropyLoss() {
    expectGradients([[4, 5]], in: -2...2) { crossEntropy($0[0], IntTensor([1, 0, 4, 1])) }
    expectGradients([[2, 3, 5]], in: -2...2) { crossEntropy($0[0], IntTensor([[1, 0, 4], [2, 2, 3]])) }
    expectGradients([[4, 5]], in: -2...2) { crossEntropy($0[0], IntTensor([1, -1, 4, -1]), ignoreIndex: -1) }
    expectGradients([[5, 4]], in: -2...2) { crossEntropy($0[0].T, IntTensor([1, 0, 3, 1])) }
  }
}
