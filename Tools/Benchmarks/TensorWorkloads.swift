import Foundation
import ZeroToHero

// Tensor-engine workloads. `l3-mlp-step` is lecture 3's training step written with raw tensors as
// the lecture writes it (torch_reference.py's "mlp" workload does the same in PyTorch).

/// The workloads of the Tensor engine.
var tensorWorkloads: [Workload] {
  [
    Workload(name: "l3-mlp-step", config: "batch 32, block 3, n_embd 10, hidden 200 (randint, forward, backward, SGD)",
             warmup: 50, repsPerWindow: 500, make: makeLecture3Step),
    Workload(name: "l3-mlp-gemms", config: "only the 6 sgemm calls of one l3-mlp-step (the floor for the step)",
             warmup: 50, repsPerWindow: 500, make: makeLecture3GEMMs),
    Workload(name: "l2-bigram-gd-step", config: "full batch 228,146×27, one-hot matmul, softmax, NLL + L2, backward, update",
             warmup: 2, repsPerWindow: 5, make: makeLecture2Step),
  ]
}

/// names.txt, found as the lectures find it (`Datasets.DataFiles`); a benchmark without its
/// data stops with the lectures' one-line error.
func loadNames() -> Names {
  do { return try Names.load() } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
  }
}

/// Lecture 2's full-batch gradient-descent step on all 228,146 bigrams of names.txt, written as
/// the lecture writes it: one-hot @ W, exp, broadcast division by the row sums, the pair gather
/// `probs[rows, ys]`, NLL + L2, backward, `W.data -= 50 · grad`.
func makeLecture2Step() -> () -> Void {
  let names = loadNames()
  var xsAll: [Int] = [], ysAll: [Int] = []
  for w in names.words {
    let ix = names.encodeFramed(w)
    for (a, b) in zip(ix, ix.dropFirst()) { xsAll.append(a); ysAll.append(b) }
  }
  var g = TorchGenerator(seed: 2147483647)
  let W = Tensor.randn([27, 27], generator: &g).requiringGrad()
  let ys = IntTensor(ysAll)
  let rows = IntTensor.arange(xsAll.count)
  let xenc = oneHot(IntTensor(xsAll), numClasses: 27)
  var lastLoss: Float = 0
  return {
    let logits = xenc.matmul(W)
    let counts = logits.exp()
    let probs = counts / counts.sum(dim: 1, keepdim: true)
    let loss = -probs[rows, ys].log().mean() + 0.01 * W.pow(2).mean()
    W.grad = nil
    loss.backward()
    W.data -= 50 * W.grad!
    lastLoss = loss.item()
    if lastLoss.isNaN { print("l2-bigram-gd-step: loss is NaN") }
  }
}

/// Lecture 3's training contexts from names.txt: makemore's split (`random.seed(42)` shuffle),
/// the first 80 % turned into (context, next character) pairs.
func namesTrainingSet(blockSize: Int) -> (IntTensor, IntTensor) {
  let names = loadNames()
  let (xs, ys) = names.contextExamples(names.split().train, blockSize: blockSize)
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
    for p in parameters { p.addInPlace(p.grad!, scale: -0.1) }   // p.data += -0.1 * p.grad, fused
    lastLoss = loss.item()
    if lastLoss.isNaN { print("l3-mlp-step: loss is NaN") }
  }
}

/// The six products of one lecture-3 step, with the layouts the Tensor engine passes to sgemm:
/// forward `emb·W1` (32×30·30×200) and `h·W2` (32×200·200×27); backward `dh = dlogits·W2ᵀ`,
/// `dW2 = hᵀ·dlogits`, `demb = dpre·W1ᵀ`, `dW1 = embᵀ·dpre`.
func makeLecture3GEMMs() -> () -> Void {
  let sizes = [32 * 30, 30 * 200, 32 * 200, 200 * 27, 32 * 27]
  let buffers = sizes.map { n in UnsafeMutablePointer<Float>.allocate(capacity: n) }
  for (b, n) in zip(buffers, sizes) { for i in 0..<n { b[i] = Float(i % 7) * 0.1 - 0.3 } }
  let (emb, W1, h, W2, logits) = (buffers[0], buffers[1], buffers[2], buffers[3], buffers[4])
  let out = sizes.map { n in UnsafeMutablePointer<Float>.allocate(capacity: n) }
  return {
    sgemm(transA: false, transB: false, m: 32, n: 200, k: 30, a: emb, lda: 30, b: W1, ldb: 200, c: out[2], ldc: 200)
    sgemm(transA: false, transB: false, m: 32, n: 27, k: 200, a: h, lda: 200, b: W2, ldb: 27, c: out[4], ldc: 27)
    sgemm(transA: false, transB: true, m: 32, n: 200, k: 27, a: logits, lda: 27, b: W2, ldb: 27, c: out[2], ldc: 200)
    sgemm(transA: true, transB: false, m: 200, n: 27, k: 32, a: h, lda: 200, b: logits, ldb: 27, c: out[3], ldc: 27)
    sgemm(transA: false, transB: true, m: 32, n: 30, k: 200, a: h, lda: 200, b: W1, ldb: 200, c: out[0], ldc: 30)
    sgemm(transA: true, transB: false, m: 30, n: 200, k: 32, a: emb, lda: 30, b: h, ldb: 200, c: out[1], ldc: 200)
  }
}
