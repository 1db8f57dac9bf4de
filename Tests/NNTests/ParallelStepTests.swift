import Foundation
import Kernels
import NN
import Random
import Tensor
import Testing

/// The training step's parallel paths (attention's (batch, head) pairs shared between threads, a
/// Linear's dX and dW products side by side, AdamW over all parameters at once, eight lanes at a
/// time) must not change a single bit: the same numbers for any thread count, and AdamW equal to
/// the scalar statement of PyTorch's update order.
@Suite struct ParallelStepTests {
  /// Parameters and moments after three AdamW steps of a small GPT on fixed token ids.
  func gptRun(threads: Int, attention: AttentionStyle, gelu: Bool) -> [[Float]] {
    Parallelism.$threadCount.withValue(threads) {
      var g = TorchGenerator(seed: 42)
      // 12 heads × 6 (batch) pairs over T 20: above the attention's split threshold; the MLP's
      // 40×... products above the Linear's; ragged sizes (T 20, hs 4, vocab 13).
      let config = GPTConfig(vocabSize: 13, blockSize: 20, embedding: 48, heads: 12, layers: 2,
                             attention: attention, gelu: gelu, qkvBias: gelu, linearLayout: gelu ? .outByIn : .inByOut)
      let model = GPTLanguageModel(config, gptInit: false, generator: &g)
      let optimizer = AdamW(model.parameters(), learningRate: 1e-2, weightDecay: 0.1)
      let ids = IntTensor((0..<(6 * 20)).map { ($0 * 7 + $0 / 5) % 13 }, shape: [6, 20])
      let targets = IntTensor((0..<(6 * 20)).map { ($0 * 5 + 3) % 13 }, shape: [6, 20])
      for _ in 0..<3 {
        let loss = model.loss(ids, targets: targets)
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
      }
      return model.parameters().map(\.scalars) + optimizer.firstMoments.map(\.scalars)
        + optimizer.secondMoments.map(\.scalars)
    }
  }

  @Test("a GPT's AdamW steps give identical parameters on 1 and 2 threads",
        arguments: [(AttentionStyle.batched, false), (.batched, true), (.heads, false)])
  func gptIdenticalForAnyThreadCount(_ style: AttentionStyle, _ gelu: Bool) {
    #expect(gptRun(threads: 1, attention: style, gelu: gelu) == gptRun(threads: 2, attention: style, gelu: gelu))
  }

  /// PyTorch's single-tensor AdamW, one element at a time (what the optimizer computed before
  /// it was vectorised): the vector lanes must give exactly these values.
  func scalarAdamW(w: inout [Float], m: inout [Float], v: inout [Float], g: [Float], step: Int,
                   lr: Double, weightDecay: Double, decoupled: Bool) {
    let (b1, b2, eps) = (0.9, 0.999, 1e-8)
    let decayFactor = Float(1 - lr * weightDecay), l2: Float = decoupled ? 0 : Float(weightDecay)
    let w1 = Float(1 - b1), beta2 = Float(b2), w2 = Float(1 - b2)
    let negStep = Float(-(lr / (1 - Foundation.pow(b1, Double(step)))))
    let bc2Sqrt = Float((1 - Foundation.pow(b2, Double(step))).squareRoot())
    for j in w.indices {
      if decoupled && weightDecay != 0 { w[j] = w[j] * decayFactor }
      let gj = l2 == 0 ? g[j] : g[j].addingProduct(w[j], l2)
      m[j] = m[j].addingProduct(w1, gj - m[j])
      v[j] = v[j] * beta2 + w2 * gj * gj
      let denom = v[j].squareRoot() / bc2Sqrt + Float(eps)
      w[j] = w[j] + negStep * m[j] / denom
    }
  }

  @Test("AdamW (8 lanes at a time, all parameters split between threads) equals the scalar update",
        arguments: [true, false])
  func adamWEqualsScalar(_ decoupled: Bool) {
    // Sizes with ragged tails, and more elements in all than the split threshold.
    let sizes = [1, 7, 13, 64, 70_003, 9]
    for threads in [1, 2] {
      Parallelism.$threadCount.withValue(threads) {
        var start = 0
        let params = sizes.map { n -> Tensor in
          defer { start += n }
          return Tensor((0..<n).map { Float(($0 + start) % 101) / 50 - 1 }, shape: [n]).requiringGrad()
        }
        var w = params.map(\.scalars)
        var m = sizes.map { [Float](repeating: 0, count: $0) }, v = m
        let opt = decoupled ? AdamW(params, learningRate: 1e-2, weightDecay: 0.1)
          : AdamW.adam(params, learningRate: 1e-2, weightDecay: 0.1)
        for step in 1...3 {
          for (i, p) in params.enumerated() {
            let g = (0..<sizes[i]).map { Float(($0 * (step + 2) + i) % 89) / 40 - 1 }
            p.grad = Tensor(g, shape: [sizes[i]])
            scalarAdamW(w: &w[i], m: &m[i], v: &v[i], g: g, step: step, lr: 1e-2, weightDecay: 0.1,
                        decoupled: decoupled)
          }
          opt.step()
        }
        #expect(params.map(\.scalars) == w, "parameters, \(threads) threads")
        #expect(opt.firstMoments.map(\.scalars) == m, "first moments, \(threads) threads")
        #expect(opt.secondMoments.map(\.scalars) == v, "second moments, \(threads) threads")
      }
    }
  }

  @Test("fused causal attention (masked blocks skipped) equals the composed matmul path bit for bit",
        arguments: [(20, 2, 2), (200, 2, 2), (300, 2, 2), (530, 2, 2), (200, 1, 12), (40, 3, 12)])
  func fusedAttentionEqualsComposed(_ t: Int, _ batch: Int, _ heads: Int) {
    // T above 192 uses row blocks; above 256 a sum spans two depth blocks of the GEMM. 12 pairs
    // on 2 threads: runs of 2 pairs, fewer runs than the 8 tasks asked for (GPT-2 at batch 1).
    var g = TorchGenerator(seed: 21)
    let width = 2 * heads
    let csa = CausalSelfAttention(embedding: width, numHeads: heads, blockSize: t, generator: &g)
    let values = g.normal(batch * t * width), upstream = g.normal(batch * t * width)
    func run(fused: Bool, threads: Int) -> [[Float]] {
      Parallelism.$threadCount.withValue(threads) {
        csa.fused = fused
        csa.zeroGrad()
        let x = Tensor(values, shape: [batch, t, width]).requiringGrad()
        let y = csa(x)
        y.backward(Tensor(upstream, shape: [batch, t, width]))
        return [y.scalars, x.grad!.scalars, csa.qkv.weight.grad!.scalars]
      }
    }
    let composed = run(fused: false, threads: 1)
    #expect(run(fused: true, threads: 1) == composed)
    #expect(run(fused: true, threads: 2) == composed)
  }
}
