import Foundation
import ZeroToHero

// The NN module's workloads: one training step of the lecture-4, lecture-6 and lecture-7 models
// (as ../shared/bench/torch_reference.py builds them: "bn", "wavenet", "gpt") and one GPT-2-sized
// transformer block forward + backward. Linear layers store their weight (in, out) as the lectures'
// own class does (`x @ W`): same values and GEMMs as nn.Linear's (out, in), one view op fewer.

/// One SGD step (lr 0.1) of `model` on a random batch of 32, as torch_reference.py's `sgd_step`.
private func nnSGDStep(_ model: Sequential, _ x: IntTensor, _ y: IntTensor, generator: TorchGenerator) -> () -> Void {
  var g = generator
  let optimizer = SGD(model.parameters(), learningRate: 0.1)
  return {
    let ix = IntTensor(g.randint(low: 0, high: x.shape[0], count: 32))
    let loss = crossEntropy(model(x[ix]), y[ix])
    optimizer.zeroGrad()
    loss.backward()
    optimizer.step()
  }
}

/// Workloads of the NN module.
@MainActor let nnWorkloads: [Workload] = [
  Workload(name: "l4-bn-step", config: "6 Linear+BatchNorm+Tanh layers, n_embd 10, hidden 100, batch 32, SGD",
           warmup: 300, repsPerWindow: 300) {
    let (x, y) = namesTrainingSet(blockSize: 3)
    var g = TorchGenerator(seed: 2147483647)
    let h = 100
    var layers: [any Module] = [Embedding(27, 10, generator: &g), Flatten()]
    let dims = [30, h, h, h, h, h]
    for i in 0..<5 { layers += [Linear(dims[i], h, bias: false, layout: .inByOut, generator: &g), BatchNorm1d(h), Tanh()] }
    layers += [Linear(h, 27, bias: false, layout: .inByOut, generator: &g), BatchNorm1d(27)]
    return nnSGDStep(Sequential(layers), x, y, generator: g)
  },
  Workload(name: "l6-wavenet-step", config: "block 8, n_embd 24, hidden 128, FlattenConsecutive(2), batch 32, SGD",
           warmup: 300, repsPerWindow: 300) {
    let (x, y) = namesTrainingSet(blockSize: 8)
    var g = TorchGenerator(seed: 2147483647)
    let h = 128
    let model = Sequential([
      Embedding(27, 24, generator: &g),
      FlattenConsecutive(2), Linear(48, h, bias: false, layout: .inByOut, generator: &g), BatchNorm1d(h), Tanh(),
      FlattenConsecutive(2), Linear(2 * h, h, bias: false, layout: .inByOut, generator: &g), BatchNorm1d(h), Tanh(),
      FlattenConsecutive(2), Linear(2 * h, h, bias: false, layout: .inByOut, generator: &g), BatchNorm1d(h), Tanh(),
      Linear(h, 27, layout: .inByOut, generator: &g),
    ])
    return nnSGDStep(model, x, y, generator: g)
  },
  Workload(name: "l7-gpt-iter", config: "batch 16, block 32, n_embd 64, 4 heads, 4 layers, batched heads, AdamW",
           warmup: 20, repsPerWindow: 20) {
    let (model, batch) = lecture7Model()
    let optimizer = AdamW(model.parameters(), learningRate: 1e-3)
    return {
      let (x, y) = batch()
      let loss = model.loss(x, targets: y)
      optimizer.zeroGrad()
      loss.backward()
      optimizer.step()
    }
  },
  // Lecture 7's evaluation (gpt.py's estimate_loss): 400 of these every 100 iterations, more time
  // than the training steps themselves in the lecture's default run.
  Workload(name: "l7-gpt-eval", config: "batch 16, block 32, n_embd 64, 4 heads, 4 layers: one loss with gradients off",
           warmup: 20, repsPerWindow: 50) {
    let (model, batch) = lecture7Model()
    model.eval()
    return {
      let (x, y) = batch()
      let loss = Tensor.withNoGrad { model.loss(x, targets: y) }
      if loss.item().isNaN { print("nan") }
    }
  },
  Workload(name: "gpt2-block-fwdbwd", config: "one GPT-2 block (n_embd 768, 12 heads, GELU), batch 4, T 256, forward+backward",
           flops: gpt2BlockFlops(batch: 4, t: 256, c: 768), warmup: 1, repsPerWindow: 1) {
    var g = TorchGenerator(seed: 1337)
    let config = GPTConfig(vocabSize: 50257, blockSize: 256, embedding: 768, heads: 12, layers: 1,
                           attention: .batched, gelu: true, qkvBias: true, linearLayout: .inByOut)
    let block = Block(config, generator: &g)
    let x = Tensor(g.normal(4 * 256 * 768), shape: [4, 256, 768]).requiringGrad()
    let gradOut = Tensor(g.normal(4 * 256 * 768), shape: [4, 256, 768])
    return {
      block.zeroGrad()
      x.grad = nil
      block(x).backward(gradOut)
    }
  },
]

/// Matmul FLOPs of a GPT-2 block's forward + backward (backward = 2 × forward): the four linear
/// layers (12·C² per token) and the two (T×T) attention products over all heads.
private func gpt2BlockFlops(batch: Int, t: Int, c: Int) -> Double {
  let tokens = Double(batch * t)
  let linear = 2 * tokens * 12 * Double(c * c)
  let attention = 2 * 2 * Double(batch) * Double(t * t) * Double(c)
  return 3 * (linear + attention)
}

/// Lecture 7's small GPT (batched heads, default init, weights (in, out)) and a sampler of random
/// 16 × 32 batches of tiny Shakespeare, for `l7-gpt-iter` and `l7-gpt-eval`.
private func lecture7Model() -> (GPTLanguageModel, () -> (IntTensor, IntTensor)) {
  let text: CharacterText
  do { text = try CharacterText.loadShakespeare() } catch { fatalError("Benchmarks: \(error)") }
  let data = text.text.map { text.stoi[$0]! }
  let (b, t) = (16, 32)
  var g = TorchGenerator(seed: 2147483647)
  let config = GPTConfig(vocabSize: text.vocabularySize, blockSize: t, embedding: 64, heads: 4, layers: 4,
                         attention: .batched, linearLayout: .inByOut)
  let model = GPTLanguageModel(config, gptInit: false, generator: &g)
  let batch = { () -> (IntTensor, IntTensor) in
    let starts = g.randint(low: 0, high: data.count - t, count: b)
    var xs: [Int] = [], ys: [Int] = []
    for s in starts { xs += data[s..<(s + t)]; ys += data[(s + 1)...(s + t)] }
    return (IntTensor(xs, shape: [b, t]), IntTensor(ys, shape: [b, t]))
  }
  return (model, batch)
}
