import Foundation
import NN
import Random
import Tensor
import Testing

/// Backward passes of every layer against central finite differences.
@Suite struct GradientTests {
  @Test func linearBothLayoutsFusedAndComposed() {
    var g = TorchGenerator(seed: 1)
    for layout in [Linear.Layout.outByIn, .inByOut] { for fused in [true, false] {
      let l = Linear(4, 3, layout: layout, generator: &g)
      l.fused = fused
      let x = Tensor(testValues(24, seed: 2), shape: [2, 3, 4]).requiringGrad()
      checkGradients([x, l.weight, l.bias!], "Linear \(layout) fused \(fused)") { l(x) }
      let noBias = Linear(4, 3, bias: false, layout: layout, generator: &g)
      noBias.fused = fused
      checkGradients([x, noBias.weight], "Linear without bias \(layout)") { noBias(x) }
    } }
  }

  @Test func fusedLinearMatchesComposed() {
    var g = TorchGenerator(seed: 31)
    let a = Linear(5, 7, generator: &g)
    let b = Linear(weight: a.weight.scalars, bias: a.bias!.scalars, inFeatures: 5, outFeatures: 7, layout: .outByIn)
    b.fused = false
    let xa = Tensor(testValues(30, seed: 32), shape: [6, 5]).requiringGrad()
    let xb = Tensor(xa.scalars, shape: [6, 5]).requiringGrad()
    let w = Tensor(testValues(42, seed: 33), shape: [6, 7])
    let ya = a(xa), yb = b(xb)
    expectClose(ya.scalars, yb.scalars, tol: 1e-6, "forward")
    (ya * w).sum().backward()
    (yb * w).sum().backward()
    expectClose(xa.grad!.scalars, xb.grad!.scalars, tol: 1e-6, "dx")
    expectClose(a.weight.grad!.scalars, b.weight.grad!.scalars, tol: 1e-6, "dW")
    expectClose(a.bias!.grad!.scalars, b.bias!.grad!.scalars, tol: 1e-6, "db")
  }

  @Test func batchNormTrainingBothVariancesAnd3D() {
    for v in [BatchNorm1d.Variance.lecture, .pytorch] { for fused in [true, false] {
      let bn = BatchNorm1d(3, variance: v)
      bn.fused = fused
      bn.weight.withUnsafeMutableBufferPointer { $0[0] = 1.5; $0[2] = -0.5 }
      let x = Tensor(testValues(12, seed: 3), shape: [4, 3]).requiringGrad()
      checkGradients([x, bn.weight, bn.bias], "BatchNorm1d 2-D \(v)") { bn(x) }
      let x3 = Tensor(testValues(18, seed: 4), shape: [3, 2, 3]).requiringGrad()
      checkGradients([x3, bn.weight], "BatchNorm1d 3-D \(v)") { bn(x3) }
    } }
  }

  @Test func fusedNormsMatchTheirCompositions() {
    for v in [BatchNorm1d.Variance.lecture, .pytorch] {
      let a = BatchNorm1d(20, variance: v), b = BatchNorm1d(20, variance: v)  // 16 lanes + a tail
      b.fused = false
      for bn in [a, b] { bn.weight.withUnsafeMutableBufferPointer { $0[2] = 0.5 } }
      let xa = Tensor(testValues(240, seed: 21), shape: [4, 3, 20]).requiringGrad()
      let xb = Tensor(xa.scalars, shape: [4, 3, 20]).requiringGrad()
      let w = Tensor(testValues(240, seed: 22), shape: [4, 3, 20])
      let ya = a(xa), yb = b(xb)
      expectClose(ya.scalars, yb.scalars, tol: 1e-5, "BatchNorm forward \(v)")
      (ya * w).sum().backward()
      (yb * w).sum().backward()
      expectClose(xa.grad!.scalars, xb.grad!.scalars, tol: 1e-5, "BatchNorm dx \(v)")
      expectClose(a.weight.grad!.scalars, b.weight.grad!.scalars, tol: 1e-5, "BatchNorm dγ")
      expectClose(a.bias.grad!.scalars, b.bias.grad!.scalars, tol: 1e-5, "BatchNorm dβ")
      expectClose(a.runningMean.scalars, b.runningMean.scalars, tol: 1e-6, "running mean")
      expectClose(a.runningVar.scalars, b.runningVar.scalars, tol: 1e-6, "running var")
    }
    let la = LayerNorm(22), lb = LayerNorm(22)  // 16 lanes + a tail
    lb.fused = false
    for ln in [la, lb] { ln.weight.withUnsafeMutableBufferPointer { $0[1] = -2 } }
    let xa = Tensor(testValues(88, seed: 23), shape: [2, 2, 22]).requiringGrad()
    let xb = Tensor(xa.scalars, shape: [2, 2, 22]).requiringGrad()
    let w = Tensor(testValues(88, seed: 24), shape: [2, 2, 22])
    let ya = la(xa), yb = lb(xb)
    expectClose(ya.scalars, yb.scalars, tol: 1e-5, "LayerNorm forward")
    (ya * w).sum().backward()
    (yb * w).sum().backward()
    expectClose(xa.grad!.scalars, xb.grad!.scalars, tol: 1e-5, "LayerNorm dx")
    expectClose(la.weight.grad!.scalars, lb.weight.grad!.scalars, tol: 1e-5, "LayerNorm dγ")
    expectClose(la.bias!.grad!.scalars, lb.bias!.grad!.scalars, tol: 1e-5, "LayerNorm dβ")
  }

  @Test func batchNormEvaluation() {
    let bn = BatchNorm1d(3)
    _ = bn(Tensor(testValues(12, seed: 5), shape: [4, 3]))
    bn.eval()
    let x = Tensor(testValues(6, seed: 6), shape: [2, 3]).requiringGrad()
    checkGradients([x, bn.weight, bn.bias], "BatchNorm1d eval") { bn(x) }
  }

  @Test func layerNormAndRMSNorm() {
    let noBias = LayerNorm(4, bias: false)
    let x0 = Tensor(testValues(8, seed: 25), shape: [2, 4]).requiringGrad()
    checkGradients([x0, noBias.weight], "LayerNorm without bias") { noBias(x0) }
    let ln = LayerNorm(4)
    ln.weight.withUnsafeMutableBufferPointer { $0[1] = 2 }
    let x = Tensor(testValues(24, seed: 7), shape: [2, 3, 4]).requiringGrad()
    checkGradients([x, ln.weight, ln.bias!], "LayerNorm") { ln(x) }
    let rms = RMSNorm(4)
    checkGradients([x, rms.weight], "RMSNorm") { rms(x) }
  }

  @Test func activationsAndDropout() {
    let x = Tensor(testValues(10, seed: 8), shape: [2, 5]).requiringGrad()
    checkGradients([x], "Tanh") { Tanh()(x) }
    checkGradients([x], "GELU") { GELU()(x) }
    let wide = Tensor(testValues(37, seed: 26).map { $0 * 4 }).requiringGrad()  // vector body + tail
    let composed = GELU()
    composed.fused = false
    let yf = GELU()(wide), yc = composed(wide)
    expectClose(yf.scalars, yc.scalars, tol: 1e-6, "fused GELU forward")
    yf.sum().backward()
    let gf = wide.grad!.scalars
    wide.grad = nil
    yc.sum().backward()
    expectClose(gf, wide.grad!.scalars, tol: 1e-5, "fused GELU backward")
    let d = Dropout(p: 0.5, generator: SharedGenerator(seed: 3))
    let ones = Tensor.ones([2, 5]).requiringGrad()
    let y = d(ones)
    y.sum().backward()
    #expect(ones.grad!.scalars == y.scalars, "training: d(mask·x/(1−p))/dx = mask/(1−p)")
    d.eval()
    checkGradients([x], "Dropout eval") { d(x) }
  }

  @Test func attentionHeadsAndBatchedAttention() {
    var g = TorchGenerator(seed: 11)
    let x = Tensor(testValues(2 * 4 * 8, seed: 12), shape: [2, 4, 8]).requiringGrad()
    let head = Head(embedding: 8, headSize: 4, blockSize: 4, generator: &g)
    checkGradients([x, head.key.weight, head.query.weight, head.value.weight], "Head") { head(x) }
    let mha = MultiHeadAttention(embedding: 8, numHeads: 2, headSize: 4, blockSize: 6, generator: &g)
    checkGradients([x, mha.proj.weight, mha.heads[1].query.weight], "MultiHeadAttention (T < block)") { mha(x) }
    for fused in [true, false] {
      let csa = CausalSelfAttention(embedding: 8, numHeads: 2, blockSize: 5, generator: &g)
      csa.fused = fused
      checkGradients([x, csa.qkv.weight, csa.qkv.bias!, csa.proj.weight], "CausalSelfAttention fused \(fused)") { csa(x) }
    }
  }

  @Test func transformerBlock() {
    var g = TorchGenerator(seed: 13)
    let x = Tensor(testValues(2 * 3 * 8, seed: 14), shape: [2, 3, 8]).requiringGrad()
    for style in [AttentionStyle.heads, .batched] {
      let config = GPTConfig(vocabSize: 5, blockSize: 3, embedding: 8, heads: 2, layers: 1, attention: style, gelu: true)  // ReLU's kink would defeat finite differences
      let block = Block(config, generator: &g)
      checkGradients([x, block.ln1.weight, block.ffwd.net.parameters()[0]], "Block \(style)") { block(x) }
    }
  }

  @Test func headMatchesTheLectureComposition() {
    var g = TorchGenerator(seed: 17)
    let head = Head(embedding: 6, headSize: 3, blockSize: 5, scale: .embedding, generator: &g)
    let x = Tensor(testValues(2 * 4 * 6, seed: 18), shape: [2, 4, 6])
    // wei = softmax(masked_fill(q @ kᵀ · C^−½, tril == 0, −inf)) @ v, as the lecture writes it
    var future = [Float](repeating: 0, count: 16)
    for i in 0..<4 { for j in (i + 1)..<5 where j < 4 { future[i * 4 + j] = 1 } }
    let q = head.query(x), k = head.key(x), v = head.value(x)
    let wei = (q.matmul(k.transpose(-2, -1)) * Float(pow(6.0, -0.5)))
      .maskedFill(Tensor(future, shape: [4, 4]), -.infinity).softmax(dim: -1)
    expectClose(head(x).scalars, wei.matmul(v).scalars, tol: 1e-6, "Head")
  }

  @Test func fusedBatchedAttentionMatchesComposed() {
    var g1 = TorchGenerator(seed: 41), g2 = TorchGenerator(seed: 41)
    let a = CausalSelfAttention(embedding: 12, numHeads: 3, blockSize: 6, generator: &g1)
    let b = CausalSelfAttention(embedding: 12, numHeads: 3, blockSize: 6, generator: &g2)
    b.fused = false
    let xa = Tensor(testValues(2 * 5 * 12, seed: 42), shape: [2, 5, 12]).requiringGrad()
    let xb = Tensor(xa.scalars, shape: [2, 5, 12]).requiringGrad()
    let w = Tensor(testValues(120, seed: 43), shape: [2, 5, 12])
    let ya = a(xa), yb = b(xb)
    expectClose(ya.scalars, yb.scalars, tol: 1e-5, "forward")
    (ya * w).sum().backward()
    (yb * w).sum().backward()
    expectClose(xa.grad!.scalars, xb.grad!.scalars, tol: 1e-5, "dx")
    expectClose(a.qkv.weight.grad!.scalars, b.qkv.weight.grad!.scalars, tol: 1e-5, "d qkv weight")
  }

  @Test func causalAttentionIgnoresTheFuture() {
    var g = TorchGenerator(seed: 15)
    let csa = CausalSelfAttention(embedding: 4, numHeads: 2, blockSize: 3, generator: &g)
    let a = Tensor(testValues(12, seed: 16), shape: [1, 3, 4])
    var changed = a.scalars
    for i in 8..<12 { changed[i] += 1 }  // only the last position changes
    let ya = csa(a).scalars, yb = csa(Tensor(changed, shape: [1, 3, 4])).scalars
    expectClose(Array(yb[0..<8]), Array(ya[0..<8]), "first two positions")
    #expect(yb[8..<12] != ya[8..<12])
  }
}
