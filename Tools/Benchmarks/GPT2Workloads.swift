import Foundation
import ZeroToHero

// Lecture 10's workloads: one full training step of GPT-2 124M (B 1, T 1024: forward, backward,
// gradient clipping at 1.0, AdamW — torch_reference.py's "gpt2" workload, named
// gpt2-124m-step-t1/-t2 here) and one step of the lecture's CPU-sized GPT-2 (`l10-train-step`).
// The 124M step takes seconds: run it with `--windows 3` unless you have minutes to spare.

/// One build-nanogpt training step of `model` on a fixed random batch (B, T): loss, zero_grad,
/// backward, clip_grad_norm(1.0), AdamW (lr 6e-4, β 0.9/0.95, ε 1e-8, decay 0.1 on matrices).
private func gpt2TrainingStep(_ config: GPT2Config, batch b: Int, context t: Int) -> () -> Void {
  var g = TorchGenerator(seed: 1337)
  let model = GPT2(config, generator: &g, matchTorchDraws: false)
  let optimizer = AdamW(groups: model.parameterGroups(weightDecay: 0.1), learningRate: 6e-4, betas: (0.9, 0.95), eps: 1e-8)
  let parameters = model.parameters()
  var data = TorchGenerator(seed: 2147483647)
  let x = IntTensor(data.randint(low: 0, high: config.vocabSize, count: b * t), shape: [b, t])
  let y = IntTensor(data.randint(low: 0, high: config.vocabSize, count: b * t), shape: [b, t])
  return {
    let loss = model.loss(x, targets: y)
    optimizer.zeroGrad()
    loss.backward()
    clipGradNorm(parameters, maxNorm: 1.0)
    optimizer.step()
  }
}

/// The CPU-sized GPT-2 of lecture 10's training cells: GPT-2's vocabulary and architecture,
/// 4 layers × 256 wide, 4 heads, context 128, batch 8.
let l10TrainConfig = GPT2Config(vocabSize: 50257, blockSize: 128, layers: 4, heads: 4, embedding: 256)

@MainActor private let gpt2Small124M: Workload = {
  let (b, t) = (1, 1024)
  return Workload(name: "gpt2-124m-step",
                  config: "GPT-2 124M (\(GPT2Config.gpt2.parameterCount) params), B \(b) x T \(t), forward+backward+clip+AdamW; peak RSS is the process's high-water mark",
                  flops: GPT2Config.gpt2.trainingFlopsPerToken(context: t) * Double(b * t), warmup: 1, repsPerWindow: 1,
                  tokens: b * t, reportsPeakMemory: true) {
    gpt2TrainingStep(.gpt2, batch: b, context: t)
  }
}()

/// Workloads of the GPT-2 engine (lecture 10).
@MainActor let gpt2Workloads: [Workload] = [
  gpt2Small124M.onThreads(1),
  gpt2Small124M.onThreads(2),
  Workload(name: "l10-train-step",
           config: "GPT-2 architecture, vocab 50257, 4 layers x 256 wide, 4 heads, B 8 x T 128, forward+backward+clip+AdamW",
           flops: l10TrainConfig.trainingFlopsPerToken(context: 128) * 8 * 128, warmup: 2, repsPerWindow: 2,
           tokens: 8 * 128, reportsPeakMemory: false) {
    gpt2TrainingStep(l10TrainConfig, batch: 8, context: 128)
  },
]
