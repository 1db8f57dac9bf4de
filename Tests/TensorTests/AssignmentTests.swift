import Testing
import Tensor
import TestSupport

// Writing through subscripts and `data` (the lecture-5 manual-backprop idioms), integer tensor
// slicing/concatenation (lecture 7's generate loop), comparisons, and custom ops.

@Suite struct IndexAssignment {
  @Test func pairIndexAssignmentAndCompoundUpdate() {
    // dlogprobs = zeros_like(logprobs); dlogprobs[range(n), Yb] = -1.0/n
    let dlogprobs = Tensor.zeros([3, 4])
    dlogprobs[IntTensor.arange(3), IntTensor([1, 0, 3])] = Tensor(-0.5)
    #expect(dlogprobs.scalars == [0, -0.5, 0, 0, -0.5, 0, 0, 0, 0, 0, 0, -0.5])
    // dlogits = softmax(logits); dlogits[range(n), Yb] -= 1; dlogits /= n
    var dlogits = Tensor([[0.25, 0.75], [0.5, 0.5]])
    dlogits[IntTensor([0, 1]), IntTensor([1, 0])] -= 1
    dlogits /= 2
    #expect(dlogits.scalars == [0.125, -0.125, -0.25, 0.25])
  }

  @Test func rowUpdatesThroughViews() {
    // for k, j: dC[Xb[k, j]] += demb[k, j]  (repeated rows accumulate through the loop)
    let dC = Tensor.zeros([3, 2])
    let demb = Tensor([1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 2, 2])
    let Xb = IntTensor([[2, 0], [2, 2]])
    for k in 0..<2 {
      for j in 0..<2 { dC[Xb[at: k, j]] += demb[k, j] }
    }
    #expect(dC.scalars == [3, 4, 0, 0, 13, 16] as [Float])   // row 2 = demb[0,0] + demb[1,0] + demb[1,1]
    // Whole-row and block assignment.
    dC[0] = Tensor([9, 9])
    dC[1..<3] = Tensor(0)
    #expect(dC.scalars == [9, 9, 0, 0, 0, 0])
    let m = Tensor.zeros([3, 3])
    m[0..<2, 1..<3] = Tensor.ones([2, 2])
    #expect(m.scalars == [0, 1, 1, 0, 1, 1, 0, 0, 0])
    // Gathered rows are a copy; assigning writes them back (last write wins on repeats, as PyTorch).
    let t = Tensor.zeros([3, 2])
    t[IntTensor([2, 0])] = Tensor([[1, 2], [3, 4]])
    #expect(t.scalars == [3, 4, 0, 0, 1, 2])
  }

  @Test func sgdUpdateThroughData() {
    let W = Tensor([1, 2]).requiringGrad()
    (W * W).sum().backward()
    W.data -= 0.5 * W.grad!
    #expect(W.scalars == [0, 0])
    W.data = Tensor([5, 6])
    #expect(W.scalars == [5, 6] && W.requiresGrad)
  }
}

@Suite struct IntTensorShapes {
  @Test func narrowCatStack() {
    let idx = IntTensor([[1, 2, 3, 4], [5, 6, 7, 8]])
    #expect(idx.narrow(dim: 1, start: -2, length: 2).scalars == [3, 4, 7, 8])
    #expect(IntTensor.cat([idx, IntTensor([[9], [10]])], dim: 1).scalars == [1, 2, 3, 4, 9, 5, 6, 7, 8, 10])
    #expect(IntTensor.cat([idx, idx], dim: 0).shape == [4, 4])
    let data = IntTensor.arange(20)
    let batch = IntTensor.stack([3, 10].map { data[$0..<($0 + 4)] })
    #expect(batch.shape == [2, 4] && batch.scalars == [3, 4, 5, 6, 10, 11, 12, 13])
    #expect(IntTensor.stack([IntTensor([1, 2]), IntTensor([3, 4])], dim: 1).scalars == [1, 3, 2, 4])
    #expect(idx.permute([1, 0]).scalars == [1, 5, 2, 6, 3, 7, 4, 8])
  }
}

@Suite struct ComparisonsAndCustomOps {
  @Test func equalityHelpers() {
    let a = Tensor([1, 2, 3])
    #expect(Tensor.equal(a, Tensor([1, 2, 3])))
    #expect(!Tensor.equal(a, Tensor([1, 2, 3.0001])))
    #expect(Tensor.allClose(a, Tensor([1, 2, 3.00001])))
    #expect(!Tensor.allClose(a, Tensor([1, 2, 3.1])))
    #expect(Tensor.maxAbsDifference(a, Tensor([1, 2.5, 3])) == 0.5)
  }

  @Test func logAndPowerOfBase() {
    #expect(Tensor([10, 1000]).log10().scalars == [1, 3])
    let lrs = pow(10, Tensor.linspace(-3, 0, count: 4))
    #expect(lrs.scalars.enumerated().allSatisfy { Swift.abs($1 - [0.001, 0.01, 0.1, 1][$0]) < 1e-6 })
    #expect(GradCheck.mismatches([GradCheck.input([5], seed: 2, in: 0.5...2)]) { $0[0].log10() }.isEmpty)
    #expect(GradCheck.mismatches([GradCheck.input([5], seed: 3)]) { pow(3, $0[0]) }.isEmpty)
  }

  @Test func customOpGradientFlows() {
    let x = GradCheck.input([2, 3], seed: 11)
    let bad = GradCheck.mismatches([x]) { inputs in
      let x = inputs[0]
      let y = Tensor.customOp("cube", inputs: [x], output: Tensor.withNoGrad { x * x * x }) { g, inputs in
        [3 * inputs[0] * inputs[0] * g]
      }
      return y.tanh()
    }
    #expect(bad.isEmpty)
    let filled = Tensor(shape: [2, 2]) { buffer in for i in 0..<4 { buffer[i] = Float(i) } }
    #expect(filled.scalars == [0, 1, 2, 3])
  }
}
