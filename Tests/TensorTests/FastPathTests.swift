import Foundation
import Kernels
import Testing
@testable import Tensor

// The vectorised element-wise paths against the scalar reference loop (`stridedBinary` with an
// `ElementFunction`), bit for bit, over the layouts they special-case and row lengths around the
// 16-lane block size; the fused divisor gradient against the unfused formula; pair gathers.

/// Deterministic values in about [0.5, 1.5] (no zeros, so divisions stay finite).
private func values(_ n: Int, seed: Double) -> [Float] {
  (0..<n).map { i in Float(1 + 0.5 * sin(Double(i) * 12.9898 + seed)) }
}

private func tensor(_ shape: [Int], seed: Double) -> Tensor {
  Tensor(values(shape.reduce(1, *), seed: seed), shape: shape)
}

/// `a op b` computed by the generic scalar loop over broadcast strides.
private func reference(_ a: Tensor, _ b: Tensor, _ op: ElementOp) -> [Float] {
  let shape = broadcastShapes(a.shape, b.shape, op: "reference")
  let out = Tensor.zeros(shape)
  let sa = broadcastStrides(shape: a.shape, strides: a.strides, to: shape)
  let sb = broadcastStrides(shape: b.shape, strides: b.strides, to: shape)
  stridedBinary(shape, dst: out.pointer, out.strides, a.pointer, sa, b.pointer, sb, op)
  return out.scalars
}

private func apply(_ a: Tensor, _ b: Tensor, _ op: ElementOp) -> Tensor {
  switch op {
  case .add: a + b
  case .sub: a - b
  case .mul: a * b
  case .div: a / b
  case .second: Tensor.zeros(broadcastShapes(a.shape, b.shape, op: "second")) + b
  }
}

@Suite struct VectorisedBinaryOps {
  static let ops: [ElementOp] = [.add, .sub, .mul, .div]

  @Test(arguments: [1, 5, 15, 16, 17, 27, 32, 45])
  func layoutsMatchTheScalarLoop(columns c: Int) {
    let rows = 7
    let x = tensor([rows, c], seed: 1)
    let pairs: [(Tensor, Tensor)] = [
      (x, tensor([rows, c], seed: 2)),                    // same shape
      (x, tensor([rows, 1], seed: 3)),                    // one value per row
      (tensor([rows, 1], seed: 3), x),                    // mirrored
      (x, tensor([1, c], seed: 4)),                       // a bias row
      (tensor([c], seed: 4), x),                          // mirrored, lower rank
      (x, Tensor(1.7)),                                   // scalar
      (tensor([rows, 1], seed: 5), tensor([1, c], seed: 6)),  // outer product layout
      (x, tensor([c, rows], seed: 7).T),                  // transposed operand
      (tensor([2, rows, c], seed: 8), tensor([2, 1, c], seed: 9)),
    ]
    for (a, b) in pairs {
      for op in Self.ops {
        #expect(apply(a, b, op).scalars == reference(a, b, op), "\(op) \(a.shape) \(b.shape)")
      }
    }
  }

  @Test(arguments: [3, 16, 27, 40])
  func inPlaceUpdatesMatchTheScalarLoop(columns c: Int) {
    let b = tensor([4, 1], seed: 2)
    var x = tensor([4, c], seed: 1)
    let expected = reference(x, b, .div)
    x /= b
    #expect(x.scalars == expected)
    var y = tensor([4, c], seed: 1)
    let bias = tensor([c], seed: 3)
    let expectedSum = reference(y, bias, .add)
    y += bias
    #expect(y.scalars == expectedSum)
    let z = tensor([4, c], seed: 1)
    z.fill(0.25)
    #expect(z.scalars == [Float](repeating: 0.25, count: 4 * c))
  }

  @Test(arguments: [2, 16, 27, 33])
  func sumBackwardBroadcastsTheGradient(columns c: Int) {
    let x = tensor([5, c], seed: 1).requiringGrad()
    let g = tensor([5, 1], seed: 2)
    x.sum(dim: 1, keepdim: true).backward(g)
    let expected = (0..<(5 * c)).map { g.scalars[$0 / c] }
    #expect(x.grad!.scalars == expected)
    x.sum(dim: 1, keepdim: true).backward(g)   // accumulates
    #expect(x.grad!.scalars == expected.map { $0 + $0 })
  }
}

@Suite struct FusedBackward {
  @Test(arguments: [2, 16, 27, 40, 300])
  func rowDivisorGradientMatchesTheUnfusedFormula(columns c: Int) {
    let x = tensor([9, c], seed: 1).requiringGrad()
    let y = tensor([9, 1], seed: 2).requiringGrad()
    let g = tensor([9, c], seed: 3)
    (x / y).backward(g)
    let (xd, yd) = (x.detach(), y.detach())
    #expect(y.grad!.scalars == (-(g * xd) / (yd * yd)).sum(dim: 1, keepdim: true).scalars)
    #expect(x.grad!.scalars == (g / yd).scalars)
    // Only the divisor requires grad.
    let y2 = tensor([9, 1], seed: 2).requiringGrad()
    (xd / y2).backward(g)
    #expect(y2.grad!.scalars == y.grad!.scalars)
  }

  @Test func softmaxByDivisionHasTheExpectedGradient() {
    // d/dlogits of Σ probs[k, t_k]·w_k for probs = exp / row sums, against the closed form
    // p_t·(δ − p) per row.
    let logits = tensor([3, 27], seed: 4).requiringGrad()
    let counts = logits.exp()
    let probs = counts / counts.sum(dim: 1, keepdim: true)
    let targets = IntTensor([5, 0, 26])
    probs[IntTensor.arange(3), targets].sum().backward()
    let p = probs.detach().scalars
    for r in 0..<3 {
      for j in 0..<27 {
        let pt = p[r * 27 + targets.scalars[r]]
        let expected = pt * ((j == targets.scalars[r] ? 1 : 0) - p[r * 27 + j])
        #expect(Swift.abs(logits.grad!.scalars[r * 27 + j] - expected) < 1e-6)
      }
    }
  }
}

@Suite struct GradientTakeOver {
  @Test func expBackwardLeavesARetainedGradientIntact() {
    let x = Tensor([0.5, 1, 2]).requiringGrad()
    let y = x.exp()
    y.retainGrad()
    (y * Tensor([1, 2, 3])).sum().backward()
    #expect(y.grad!.scalars == [1, 2, 3])
    #expect(x.grad!.scalars == (Tensor([1, 2, 3]) * x.detach().exp()).scalars)
  }

  @Test func tanhBackwardAddsToAnExistingGradient() {
    let x = Tensor([-1, 0.25, 3]).requiringGrad()
    (x.tanh() + x).sum().backward()
    let t = x.detach().tanh().scalars
    #expect(x.grad!.scalars == t.map { 1 + (1 - $0 * $0) })
  }
}

@Suite struct PairGather {
  @Test func gathersThroughStridesAndScattersBack() {
    let base = Tensor((0..<12).map(Float.init), shape: [3, 4]).requiringGrad()
    let t = base.T                                              // (4, 3), strided
    let picked = t[IntTensor([0, 3, -1, 2]), IntTensor([2, 0, 1, -1])]
    #expect(picked.scalars == [8, 3, 7, 10])
    picked.backward(Tensor([1, 2, 3, 3]))
    // t[0,2] = base[2,0], t[3,0] = base[0,3], t[3,1] = base[1,3], t[2,2] = base[2,2].
    var expected = [Float](repeating: 0, count: 12)
    expected[8] = 1; expected[3] = 2; expected[7] = 3; expected[10] = 3
    #expect(base.grad!.scalars == expected)
  }

  @Test func repeatedPairsAccumulate() {
    let w = Tensor.zeros([2, 3]).requiringGrad()
    w[IntTensor([1, 1, 0]), IntTensor([2, 2, 0])].sum().backward()
    #expect(w.grad!.scalars == [1, 0, 0, 0, 0, 2])
  }
}
