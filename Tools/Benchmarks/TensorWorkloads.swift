import Foundation
import ZeroToHero

// Tensor-engine workloads. `l3-mlp-step` is lecture 3's training step written with raw tensors as
// the lecture writes it (torch_reference.py's "mlp" workload does the same in PyTorch).

/// The workloads of the Tensor engine.
var tensorWorkloads: [Workload] {
  [
    Workload(name: "l3-mlp-step", config: "batch 32, block 3, n_embd 10, hidden 200 (randint, forward, backward, SGD)",
             warmup: 50, repsPerWindow: 500, make: makeLecture3Step),
  ]
}

/// Lecture 3's training contexts (block size 3) from names.txt: words shuffled with
/// `random.seed(42)`, the first 80 % turned into (context, next character) pairs.
func namesTrainingSet(blockSize: Int) -> (IntTensor, IntTensor) {
  let candidates = [
    URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("names.txt"),
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("names.txt"),
  ]
  guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }),
        let text = try? String(contentsOf: url, encoding: .utf8) else {
    FileHandle.standardError.write(Data("error: names.txt not found (tried \(candidates.map(\.path)))\n".utf8))
    exit(1)
  }
  var words = text.split(separator: "\n").map(String.init)
  var stoi: [Character: Int] = [".": 0]
  for (i, c) in Set(words.joined()).sorted().enumerated() { stoi[c] = i + 1 }
  var rng = PythonRandom(seed: 42)
  rng.shuffle(&words)
  var xs: [Int] = [], ys: [Int] = []
  for w in words[..<Int(0.8 * Double(words.count))] {
    var context = [Int](repeating: 0, count: blockSize)
    for ch in w + "." {
      let ix = stoi[ch]!
      xs.append(contentsOf: context)
      ys.append(ix)
      context = Array(context.dropFirst()) + [ix]
    }
  }
  return (IntTensor(xs, shape: [ys.count, blockSize]), IntTensor(ys))
}

/// One step: minibatch indices from the generator, forward, zero grads, backward, SGD (lr 0.1).
func makeLecture3Step() -> () -> Void {
  let (Xtr, Ytr) = namesTrainingSet(blockSize: 3)
  var g = TorchGenerator(seed: 2147483647)
  let C = Tensor.randn([27, 10], generator: &g).requiringGrad()
  let W1 = Tensor.randn([30, 200], generator: &g).requiringGrad()
  let b1 = Tensor.randn([200], generator: &g).requiringGrad()
  let W2 = Tensor.randn([200, 27], generator: &g).requiringGrad()
  let b2 = Tensor.randn([27], generator: &g).requiringGrad()
  let parameters = [C, W1, b1, W2, b2]
  var lastLoss: Float = 0
  return {
    let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [32], generator: &g)
    let emb = C[Xtr[ix]]
    let h = (emb.view(-1, 30).matmul(W1) + b1).tanh()
    let logits = h.matmul(W2) + b2
    let loss = crossEntropy(logits, Ytr[ix])
    for p in parameters { p.grad = nil }
    loss.backward()
    for p in parameters { p.data.addInPlace(p.grad!, scale: -0.1) }
    lastLoss = loss.item()
    if lastLoss.isNaN { print("l3-mlp-step: loss is NaN") }
  }
}
