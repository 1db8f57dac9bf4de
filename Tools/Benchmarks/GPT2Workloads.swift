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

// MARK: - Beside llm.c

/// `Benchmarks --llmc DIR [--threads N] [--batch B] [--context T] [--steps S] [--seed S]`: the
/// side-by-side with llm.c's CPU trainer (`train_gpt2.c`, built in DIR). Writes GPT-2 124M as
/// `GPT2(.gpt2, TorchGenerator(seed:))` initialises it to DIR/gpt2_124M.bin (llm.c's format, version
/// 3), then, when DIR/dev/data/tinyshakespeare/*.bin exist (llm.c's token files), prints what
/// `train_gpt2.c` prints for the same weights: the val loss of the first 5 batches (llm.c's val
/// loader is not shuffled, so the two numbers must agree) and `steps` training steps with their
/// times — same optimiser as train_gpt2.c (AdamW lr 1e-4, β 0.9/0.999, ε 1e-8, no decay, no
/// clipping) on the train file's batches in order (llm.c shuffles its train batches, so those
/// losses differ). B 4, T 64 by default, as train_gpt2.c.
func llmcSideBySide(_ arguments: [String]) -> Int32 {
  var args = arguments[...]
  guard let dir = args.popFirst(), !dir.hasPrefix("-") else {
    FileHandle.standardError.write(Data("usage: Benchmarks --llmc DIR [--threads N] [--batch B] [--context T] [--steps S] [--seed S]\n".utf8))
    return 2
  }
  var options = ["--threads": Parallelism.threadCount, "--batch": 4, "--context": 64, "--steps": 3, "--seed": 1337]
  while let flag = args.popFirst() {
    guard options[flag] != nil, let v = args.popFirst().flatMap({ Int($0) }), v > 0 else {
      FileHandle.standardError.write(Data("error: bad option \(flag) (expected one of \(options.keys.sorted()) with a positive integer)\n".utf8))
      return 2
    }
    options[flag] = v
  }
  let (b, t, steps) = (options["--batch"]!, options["--context"]!, options["--steps"]!)
  guard t <= GPT2Config.gpt2.blockSize else {
    FileHandle.standardError.write(Data("error: --context \(t) exceeds GPT-2's block size 1024\n".utf8))
    return 2
  }
  AllocatorTuning.keepLargeBlocksInHeap()  // as main.swift and every lecture: activations reuse the heap
  return Parallelism.$threadCount.withValue(options["--threads"]!) {
    let start = DispatchTime.now().uptimeNanoseconds
    func ms(since t0: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 }
    var g = TorchGenerator(seed: UInt64(options["--seed"]!))
    let model = GPT2(.gpt2, generator: &g)
    print(String(format: "built GPT-2 124M (%d parameters) in %.0f ms", model.parameterCount, ms(since: start)))
    let url = URL(fileURLWithPath: dir).appendingPathComponent("gpt2_124M.bin")
    do { try LLMC.saveModel(model, to: url) } catch {
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      return 1
    }
    print("wrote \(url.path) (llm.c version 3, padded vocabulary \(GPT2Config.gpt2.paddedVocabSize))")
    func tokens(_ name: String) -> [Int]? {
      let path = URL(fileURLWithPath: dir).appendingPathComponent("dev/data/tinyshakespeare/\(name)")
      guard let data = try? Data(contentsOf: path), data.count >= 1024 else { return nil }
      return data.withUnsafeBytes { raw -> [Int]? in
        let header = (0..<3).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
        guard header[0] == Int(LLMC.tokensMagic), 1024 + 2 * header[2] <= data.count else { return nil }
        return (0..<header[2]).map { Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 1024 + 2 * $0, as: UInt16.self))) }
      }
    }
    guard let val = tokens("tiny_shakespeare_val.bin"), let train = tokens("tiny_shakespeare_train.bin") else {
      print("no llm.c token files under \(dir)/dev/data/tinyshakespeare: only the checkpoint was written")
      return 0
    }
    func batch(_ data: [Int], _ i: Int) -> (IntTensor, IntTensor) {
      let s = (i * b * t) % (data.count - b * t - 1)
      return (IntTensor(Array(data[s..<(s + b * t)]), shape: [b, t]), IntTensor(Array(data[(s + 1)...(s + b * t)]), shape: [b, t]))
    }
    let valBatches = min(5, (val.count - 1) / (b * t))
    let valLoss = Tensor.withNoGrad { (0..<valBatches).reduce(0.0) { acc, i in let (x, y) = batch(val, i); return acc + Double(model.loss(x, targets: y).item()) } }
    print(String(format: "val loss %f  (mean of the first %d val batches, B %d x T %d)", valLoss / Double(valBatches), valBatches, b, t))
    let optimizer = AdamW(model.parameters(), learningRate: 1e-4, betas: (0.9, 0.999), eps: 1e-8, weightDecay: 0)
    for step in 0..<steps {
      let (x, y) = batch(train, step)
      let t0 = DispatchTime.now().uptimeNanoseconds
      let loss = model.loss(x, targets: y)
      optimizer.zeroGrad()
      loss.backward()
      optimizer.step()
      print(String(format: "step %d: train loss %f (took %f ms)", step, loss.item(), ms(since: t0)))
    }
    print(String(format: "threads %d, peak RSS %.2f GB", Parallelism.threadCount, peakResidentBytes() / 1e9))
    return 0
  }
}
