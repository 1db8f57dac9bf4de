import Foundation
import Testing
import Tensor

// Forward values against hand-computed numbers, shapes under broadcasting, and view semantics.

private func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance }
}

@Suite struct ForwardValues {
  @Test func arithmeticAndBroadcasting() {
    let a = Tensor([[1, 2, 3], [4, 5, 6]])
    let b = Tensor([10, 20, 30])
    #expect((a + b).scalars == [11, 22, 33, 14, 25, 36])
    #expect((a * Tensor([[2], [3]])).scalars == [2, 4, 6, 12, 15, 18])
    #expect((1 / Tensor([2, 4])).scalars == [0.5, 0.25])
    #expect((2 * a - 1).scalars == [1, 3, 5, 7, 9, 11])
    #expect((-a).scalars == [-1, -2, -3, -4, -5, -6])
    #expect((Tensor([[1], [2]]) + Tensor([10, 20])).shape == [2, 2])
    #expect((Tensor.zeros([5, 1, 3]) + Tensor.zeros([4, 1])).shape == [5, 4, 3])
    #expect((Tensor(2) * Tensor.ones([2, 2])).scalars == [2, 2, 2, 2])
  }

  @Test func lecture2RowNormalisation() {
    // P /= P.sum(1, keepdim=True) normalises rows; without keepdim the (3,) sum broadcasts as a
    // row and divides columns instead (the lecture's silent bug).
    let P = Tensor([[1, 1, 2], [3, 0, 1], [1, 1, 1]])
    let rows = P / P.sum(dim: 1, keepdim: true)
    #expect(close(rows.sum(dim: 1).scalars, [1, 1, 1]))
    let wrong = P / P.sum(dim: 1)
    #expect(!close(wrong.sum(dim: 1).scalars, [1, 1, 1]))
    var inPlace = P.detach().contiguous().reshape(3, 3) * 1
    inPlace /= inPlace.sum(dim: 1, keepdim: true)
    #expect(close(inPlace.scalars, rows.scalars))
  }

  @Test func unaryFunctions() {
    let x = Tensor([-1, 0, 0.5, 2])
    #expect(close(x.tanh().scalars, [-0.7615942, 0, 0.4621172, 0.9640276]))
    #expect(close(x.sigmoid().scalars, [0.2689414, 0.5, 0.6224593, 0.8807971]))
    #expect(x.relu().scalars == [0, 0, 0.5, 2])
    #expect(close(x.gelu().scalars, [-0.1588080, 0, 0.3457312, 1.9545977]))
    #expect(close(x.exp().scalars, [0.3678794, 1, 1.6487213, 7.3890561]))
    #expect(close(Tensor([1, 4]).sqrt().scalars, [1, 2]))
    #expect(close(Tensor([1, Float(M_E)]).log().scalars, [0, 1]))
    #expect(close(pow(Tensor([2, 3]), 2).scalars, [4, 9]))
    #expect(close(pow(Tensor([4, 16]), -0.5).scalars, [0.5, 0.25]))
    #expect(x.abs().scalars == [1, 0, 0.5, 2])
    #expect(x.gt(0.4).scalars == [0, 0, 1, 1])
    #expect(x.eq(0).scalars == [0, 1, 0, 0])
  }

  @Test func reductions() {
    let x = Tensor([[1, 2, 3, 4], [5, 6, 7, 8]])
    #expect(x.sum().item() == 36)
    #expect(x.sum(dim: 0).scalars == [6, 8, 10, 12])
    #expect(x.sum(dim: 1, keepdim: true).shape == [2, 1])
    #expect(x.sum(dims: [0, 1], keepdim: true).shape == [1, 1])
    #expect(x.mean(dim: 1).scalars == [2.5, 6.5])
    #expect(close(Tensor([1, 2, 3, 4]).variance().scalars, [1.6666666]))
    #expect(close(Tensor([1, 2, 3, 4]).variance(unbiased: false).scalars, [1.25]))
    #expect(close(Tensor([1, 2, 3, 4]).std().scalars, [1.2909944]))
    #expect(close(x.std(dim: 0, unbiased: false).scalars, [2, 2, 2, 2]))
    let (values, indices) = Tensor([[3, 9, 1], [7, 2, 7]]).max(dim: 1)
    #expect(values.scalars == [9, 7])
    #expect(indices.scalars == [1, 0])   // first maximum on ties
    #expect(Tensor([[3, 9, 1], [7, 2, 7]]).min(dim: 0, keepdim: true).values.scalars == [3, 2, 1])
    #expect(Tensor([[3, 9, 1], [7, 2, 7]]).argmax(dim: 0).scalars == [1, 0, 1])
    #expect(Tensor([3, 9, 1, 8]).argmax() == 1)
    let top = Tensor([[1, 5, 3, 4], [9, 0, 2, 8]]).topk(2)
    #expect(top.values.scalars == [5, 4, 9, 8])
    #expect(top.indices.scalars == [1, 3, 0, 3])
    #expect(Tensor([[1, 5], [9, 0]]).topk(1, dim: 0).indices.scalars == [1, 0])
  }

  @Test func matmulValues() {
    let a = Tensor([[1, 2], [3, 4], [5, 6]])
    let b = Tensor([[1, 0, 2], [0, 1, 3]])
    #expect(a.matmul(b).scalars == [1, 2, 8, 3, 4, 18, 5, 6, 28])
    #expect(a.T.matmul(a).scalars == [35, 44, 44, 56])
    #expect(Tensor([1, 2]).matmul(Tensor([3, 4])).item() == 11)
    let batched = Tensor.stack([a, 2 * a]).matmul(b)
    #expect(batched.shape == [2, 3, 3])
    #expect(batched[1].scalars == [2, 4, 16, 6, 8, 36, 10, 12, 56])
    // Lecture 7's averaging trick: row-normalised tril(ones) @ b
    let w = Tensor.ones([3, 3]).tril()
    let avg = (w / w.sum(dim: 1, keepdim: true)).matmul(Tensor([[2, 7], [6, 4], [6, 5]]))
    #expect(close(avg.scalars, [2, 7, 4, 5.5, 4.6667, 5.3333]))
  }

  @Test func softmaxAndCrossEntropy() {
    // Lecture 7: softmax([0.1, -0.2, 0.3, -0.2, 0.5]) and the same ×8
    let x = Tensor([0.1, -0.2, 0.3, -0.2, 0.5])
    #expect(close(x.softmax(dim: -1).scalars, [0.1925, 0.1426, 0.2351, 0.1426, 0.2872]))
    #expect(close((x * 8).softmax(dim: 0).scalars, [0.0326, 0.0030, 0.1615, 0.0030, 0.8000]))
    #expect(close(x.logSoftmax(dim: 0).exp().scalars, x.softmax(dim: 0).scalars, tolerance: 1e-6))
    // Cross-entropy = mean of −log softmax at the targets; uniform logits give log(C).
    let logits = Tensor([[2, 1, 0], [0, 0, 3]])
    let targets = IntTensor([0, 1])
    let manual = -(logits.logSoftmax(dim: 1)[IntTensor.arange(2), targets]).mean()
    #expect(Swift.abs(crossEntropy(logits, targets).item() - manual.item()) < 1e-6)
    #expect(Swift.abs(crossEntropy(Tensor.zeros([4, 27]), IntTensor([1, 2, 3, 4])).item() - 3.2958) < 1e-4)
    // Large logits stay finite (log-sum-exp trick).
    #expect(crossEntropy(Tensor([[1000, 0]]), IntTensor([1])).item() == 1000)
  }

  @Test func indexing() {
    let C = Tensor([[0, 1], [10, 11], [20, 21]])
    let emb = C[IntTensor([[2, 0], [1, 1]])]
    #expect(emb.shape == [2, 2, 2])
    #expect(emb.scalars == [20, 21, 0, 1, 10, 11, 10, 11])
    #expect(C[IntTensor([2, 0]), IntTensor([1, 0])].scalars == [21, 0])
    #expect(oneHot(IntTensor([0, 2]), numClasses: 3).scalars == [1, 0, 0, 0, 0, 1])
    // one_hot(5) @ C == C[5] (lecture 3)
    let table = Tensor((0..<12).map(Float.init), shape: [6, 2])
    #expect(oneHot(IntTensor([5]), numClasses: 6).matmul(table).scalars == table[5].scalars)
    #expect(Tensor.ones([3, 3]).tril().scalars == [1, 0, 0, 1, 1, 0, 1, 1, 1])
    let filled = Tensor.zeros([2, 2]).maskedFill(Tensor.ones([2, 2]).tril().eq(0), -Float.infinity)
    #expect(filled.scalars == [0, -.infinity, 0, 0])
    #expect(filled.softmax(dim: 1).scalars == [1, 0, 0.5, 0.5])
    #expect(Tensor.where(Tensor([1, 0]), Tensor([1, 2]), Tensor(9)).scalars == [1, 9])
  }

  @Test func catStackUnbindValues() {
    let a = Tensor([[1, 2]]), b = Tensor([[3, 4]])
    #expect(Tensor.cat([a, b]).scalars == [1, 2, 3, 4])
    #expect(Tensor.cat([a, b], dim: 1).shape == [1, 4])
    #expect(Tensor.stack([a, b], dim: 1).shape == [1, 2, 2])
    let x = Tensor((0..<6).map(Float.init), shape: [2, 3])
    #expect(x.unbind(dim: 1).map(\.scalars) == [[0, 3], [1, 4], [2, 5]])
    // Lecture 3: cat(unbind(emb, 1), 1) == emb.view(-1, 6)
    let emb = Tensor((0..<24).map(Float.init), shape: [4, 3, 2])
    #expect(Tensor.cat(emb.unbind(dim: 1), dim: 1).scalars == emb.view(-1, 6).scalars)
  }

  @Test func factories() {
    #expect(Tensor.arange(4).scalars == [0, 1, 2, 3])
    #expect(close(Tensor.linspace(-3, 0, count: 4).scalars, [-3, -2, -1, 0]))
    #expect(Tensor.full([2], 7).scalars == [7, 7])
    #expect(Tensor.eye(2).scalars == [1, 0, 0, 1])
    #expect(Tensor(3).shape == [])
    #expect(IntTensor.arange(3).scalars == [0, 1, 2])
    var counts = IntTensor.zeros([2, 2])
    counts[at: 1, 0] += 1
    #expect(counts.scalars == [0, 0, 1, 0])
    let Xtr = IntTensor([[0, 0, 5], [0, 5, 13], [5, 13, 13]])
    #expect(Xtr[IntTensor([2, 0])].scalars == [5, 13, 13, 0, 0, 5])
    #expect(Xtr[1].scalars == [0, 5, 13])
  }
}

@Suite struct ViewSemantics {
  @Test func transposeSharesStorage() {
    let t = Tensor([[1, 2, 3], [4, 5, 6]])
    let tt = t.T
    #expect(tt.shape == [3, 2])
    #expect(tt.strides == [1, 3])
    #expect(!tt.isContiguous)
    tt[at: 0, 1] = 40
    #expect(t[at: 1, 0] == 40)
    #expect(tt.scalars == [1, 40, 2, 5, 3, 6])
  }

  @Test func contiguousCopies() {
    let t = Tensor([[1, 2], [3, 4]])
    let c = t.T.contiguous()
    #expect(c.isContiguous && c.strides == [2, 1])
    c[at: 0, 0] = 100
    #expect(t[at: 0, 0] == 1)
    #expect(t.contiguous() === t)
  }

  @Test func viewsAndSlices() {
    let t = Tensor((0..<12).map(Float.init), shape: [3, 4])
    let v = t.view(-1)
    v[at: 5] = 50
    #expect(t[at: 1, 1] == 50)
    #expect(t.view(2, -1, 2).shape == [2, 3, 2])
    let row = t[1]
    #expect(row.shape == [4] && row.scalars == [4, 50, 6, 7])
    let rows = t[1..<3]
    #expect(rows.shape == [2, 4] && rows.offset == 4)
    let col = t.select(dim: 1, index: 2)
    #expect(col.scalars == [2, 6, 10] && col.strides == [4])
    #expect(t.narrow(dim: 1, start: 1, length: 2).scalars == [1, 2, 50, 6, 9, 10])
    #expect(t.permute(1, 0).scalars == t.T.scalars)
    // A transposed tensor can be viewed when the merged dims stay contiguous.
    let x = Tensor.zeros([2, 3, 4]).transpose(0, 1)   // (3, 2, 4), strides (4, 12, 1)
    #expect(x.view(3, 2, 2, 2).shape == [3, 2, 2, 2])
    #expect(x.reshape(6, 4).isContiguous)
    #expect(t.unsqueeze(0).shape == [1, 3, 4] && t.unsqueeze(-1).shape == [3, 4, 1])
    #expect(t.expand([2, 3, 4]).strides == [0, 4, 1])
  }

  @Test func printingLikePyTorch() {
    #expect(Tensor([[1.5674, -0.2373], [-0.0274, -1.1008]]).description
            == "tensor([[ 1.5674, -0.2373],\n        [-0.0274, -1.1008]])")
    #expect(Tensor([1, 2, 3]).description == "tensor([1., 2., 3.])")
    #expect(Tensor(3.7693).description == "tensor(3.7693)")
    #expect(Tensor([0.00001, 1]).description == "tensor([1.0000e-05, 1.0000e+00])")
    #expect(Tensor.arange(27).description == """
      tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,
              14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26.])
      """)
    #expect(Tensor.arange(2000).description == """
      tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,
              1.9990e+03])
      """)
    #expect(Tensor.zeros([2, 1, 2]).description == "tensor([[[0., 0.]],\n\n        [[0., 0.]]])")
    let w = Tensor([1, 2]).requiringGrad()
    #expect(w.description == "tensor([1., 2.], requires_grad=True)")
    #expect((w * 2).tanh().description.hasSuffix("grad_fn=<TanhBackward0>)"))
    #expect(IntTensor([0, 5, 13]).description == "tensor([ 0,  5, 13])")
    #expect(Tensor([1, 2]).pretty(name: "b").hasPrefix("b: shape [2]\n"))
    #expect(Tensor([Float.nan, 1.5]).description == "tensor([   nan, 1.5000])")
  }
}

@Suite struct MisuseStops {
  @Test func incompatibleBroadcastExits() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
    }
  }

  @Test func matmulInnerDimensionExitsWithAMessage() async throws {
    let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.zeros([32, 30]).matmul(Tensor.zeros([20, 200]))
    }
    let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(stderr.contains("matmul: inner dimensions differ: [32, 30] · [20, 200]"))
  }

  @Test func nonViewableExits() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor.zeros([3, 4]).T.view(12)
    }
  }
}
