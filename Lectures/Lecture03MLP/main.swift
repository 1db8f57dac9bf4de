// Lecture 3: makemore part 2, a multilayer perceptron over a context of characters
// (Bengio et al. 2003), trained with minibatch gradient descent.
//
// Read top to bottom like the notebook: every `nb.cell` is one step of the lecture. State shared
// between cells lives in the top-level variables declared just before the cells that fill them.
import Foundation
import ZeroToHero

let nb = Notebook(.mlp)

/// The lecture's model: an embedding table C, one tanh hidden layer (W1, b1) and a linear
/// output layer (W2, b2), every parameter drawn from a standard normal in that order.
struct MLP {
  let C, W1, b1, W2, b2: Tensor
  let blockSize: Int
  let embedding: Int
  var parameters: [Tensor] { [C, W1, b1, W2, b2] }
  var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  init(embedding: Int, hidden: Int, blockSize: Int = 3, vocabulary: Int = 27, generator g: inout TorchGenerator) {
    self.blockSize = blockSize
    self.embedding = embedding
    C = Tensor.randn([vocabulary, embedding], generator: &g).requiringGrad()
    W1 = Tensor.randn([blockSize * embedding, hidden], generator: &g).requiringGrad()
    b1 = Tensor.randn([hidden], generator: &g).requiringGrad()
    W2 = Tensor.randn([hidden, vocabulary], generator: &g).requiringGrad()
    b2 = Tensor.randn([vocabulary], generator: &g).requiringGrad()
  }

  /// Logits (n, 27) for contexts X (n, blockSize).
  func logits(_ X: IntTensor) -> Tensor {
    let emb = C[X]                                                   // (n, block, embedding)
    let h = (emb.view(-1, blockSize * embedding).matmul(W1) + b1).tanh()  // (n, hidden)
    return h.matmul(W2) + b2                                         // (n, 27)
  }

  /// The mean cross-entropy on a whole split, without building a graph.
  func loss(_ X: IntTensor, _ Y: IntTensor) -> Float {
    Tensor.withNoGrad { crossEntropy(logits(X), Y).item() }
  }

  /// One step of gradient descent on (X, Y); returns the loss before the update.
  @discardableResult
  /// A NaN or infinite loss stops the run with an error naming the parameters that went bad.
  func step(_ X: IntTensor, _ Y: IntTensor, lr: Float, number: Int = 0) throws -> Float {
    let loss = crossEntropy(logits(X), Y)
    try Tensor.checkFinite(loss.item(), step: number, tensors: zip(["C", "W1", "b1", "W2", "b2"], parameters).map { ($0, $1) })
    for p in parameters { p.grad = nil }
    loss.backward()
    for p in parameters { p.data.addInPlace(p.grad!, scale: -lr) }
    return loss.item()
  }

  /// Samples one name: start from `...`, draw from softmax(logits / temperature), keeping only
  /// the `topK` most likely characters when given, until `.`.
  func sample(_ g: inout TorchGenerator, itos: [Character], temperature: Float = 1, topK: Int? = nil) -> String {
    var context = [Int](repeating: 0, count: blockSize)
    var out = ""
    while true {
      var logit = Tensor.withNoGrad { logits(IntTensor([context])) } / temperature
      if let k = topK {
        let kth = logit.topk(k, dim: 1).values.scalars.last!
        logit = logit.maskedFill(logit.lt(kth), -Float.infinity)
      }
      let probs = logit.softmax(dim: 1)
      let ix = g.multinomial(probs.scalars, numSamples: 1)[0]
      context = Array(context.dropFirst()) + [ix]
      out.append(itos[ix])
      if ix == 0 || out.count > 60 { break }
    }
    return out
  }
}

/// Contexts and targets as index tensors: X (n, blockSize), Y (n,).
func dataset(_ names: Names, _ words: [String], blockSize: Int = 3) -> (X: IntTensor, Y: IntTensor) {
  let (contexts, targets) = names.contextExamples(words, blockSize: blockSize)
  return (IntTensor(contexts, shape: [targets.count, blockSize]), IntTensor(targets))
}

/// PyTorch 2.15 CPU with the default seed 2147483647 (fixture `lecture3_mlp` and the spec).
enum Reference {
  static let seed: UInt64 = 2147483647
  static let trajectory: [Int: Float] = [0: 27.881732940673828, 1: 24.00319480895996, 2: 24.807373046875,
                                         10: 16.694435119628906, 100: 7.942049026489258, 500: 6.7880964279174805,
                                         1000: 4.245043754577637, 1999: 2.743724822998047]
  static let firstBatch = [1680, 115963, 46562, 106512]
  static let fullTrain: Float = 2.1220, fullDev: Float = 2.1655
  static let notebookTrain: Float = 2.1260, notebookDev: Float = 2.1701
}
let isDefaultSeed = nb.seed == Reference.seed

/// Wall and CPU time of a training loop (on a shared machine they differ: wall time also counts
/// waiting for a core).
struct Stopwatch {
  let wallStart = DispatchTime.now().uptimeNanoseconds
  let cpuStart = processCPUSeconds()
  var wall: Double { secondsSince(wallStart) }
  var cpu: Double { processCPUSeconds() - cpuStart }
}

/// Prints our losses at the steps the PyTorch fixture recorded, with the difference, and why
/// they drift apart.
@MainActor func compareWithPyTorch(_ c: Cell, _ recorded: [Int: Float]) {
  var rows: [[String]] = []
  for k in Reference.trajectory.keys.sorted() {
    guard let ours = recorded[k], let ref = Reference.trajectory[k] else { continue }
    rows.append(["\(k)", String(format: "%.4f", ours)] + (isDefaultSeed ? [String(format: "%.4f", ref), String(format: "%+.1e", ours - ref)] : []))
  }
  c.table(["step", "loss (ours)"] + (isDefaultSeed ? ["PyTorch", "Δ"] : []), rows)
  guard isDefaultSeed else { return }
  c.note("""
    Same generator, same batches, same initial parameters: the first steps agree with PyTorch to
    float32 rounding. Then the runs drift apart. Our matrix products and sums add the same numbers in
    a different order than PyTorch's MKL, so results differ in the last bit; with the oversized randn
    init the early updates are huge and those one-bit differences are amplified step after step
    (two builds of our own engine with different GEMM blockings differ just as much by step 500).
    What stays the same is the statistics: the loss curve, its level, and the final losses.
    """)
}

/// Prints the training time beside PyTorch's (48 s for 200,000 steps on one thread).
@MainActor func reportTiming(_ c: Cell, _ clock: Stopwatch, steps: Int) {
  let wall = clock.wall, cpu = clock.cpu
  c.terminalOnly {
    c.print(String(format: "%d steps: wall %.1f s (%.0f µs per step), CPU %.1f s on %d thread%@", steps, wall,
                   wall * 1e6 / Double(steps), cpu, nb.options.threads, nb.options.threads == 1 ? "" : "s"))
    c.print(String(format: "PyTorch: 48 s for 200,000 steps on one thread (240 µs per step); ours at this rate: %.0f s of CPU",
                   cpu / Double(steps) * 200_000))
    c.result("training time", String(format: "%.1f s wall, %.1f s CPU for %d steps", wall, cpu, steps))
  }
}

// MARK: - State shared between cells

var names: Names! = nil
var X = IntTensor([0]), Y = IntTensor([0])          // the first five words (32 examples)
var Xall = IntTensor([0]), Yall = IntTensor([0])    // every word, unsplit
var emb = Tensor.zeros([1])
var small: MLP! = nil
var Xtr = IntTensor([0]), Ytr = IntTensor([0])
var Xdev = IntTensor([0]), Ydev = IntTensor([0])
var Xte = IntTensor([0]), Yte = IntTensor([0])
var wide: MLP! = nil
var model: MLP! = nil
var lossLog10: [Float] = []

// MARK: - Cells

nb.cell("From bigrams to a context of characters", """
  The bigram model only ever sees one character, and counting cannot grow beyond that: with a
  context of 3 characters a count table needs 27³ ≈ 20,000 rows, most of them never seen. The
  way out is Bengio et al. (2003): give every character a small learned vector (an
  **embedding**), concatenate the vectors of the last few characters, and let a neural network
  map them to the next character's probabilities. Similar characters end up with similar
  vectors, so what the net learns about one context *generalises* to similar ones.

  The data set changes shape: each example is now a **context** of `block_size = 3` indices
  (padded with `.` at the start of a name) and the character that follows.
  """) { c in
  names = try Names(text: nb.readText("names.txt"))
  c.print("itos:", names.itos.enumerated().map { "\($0):'\($1)'" }.joined(separator: " "))
  for w in names.words.prefix(3) {
    c.print(w)
    let (ctx, tgt) = names.contextExamples([w], blockSize: 3)
    for i in 0..<tgt.count {
      c.print("  " + names.decode(Array(ctx[(3 * i)..<(3 * i + 3)])) + " ---> " + String(names.itos[tgt[i]]))
    }
  }
  (X, Y) = dataset(names, Array(names.words.prefix(5)))
  (Xall, Yall) = dataset(names, names.words)
  c.print("first 5 words: X.shape = \(shapeText(X.shape)) int64, Y.shape = \(shapeText(Y.shape)) int64")
  c.print("all words:     X.shape = \(shapeText(Xall.shape)), Y.shape = \(shapeText(Yall.shape))")
  c.trace("X[:5] =\n\(X[0..<5])\nY[:5] = \(Y[0..<5])")
  c.think("How many examples does a name of n letters give? Check it against the 32 examples of the first five names.")
  c.result("examples (block size 3)", "\(Xall.shape[0])")
}

nb.cell("The embedding table: C[X]", """
  `C` is a (27, 2) table: row i is the 2-D vector of character i. Looking up character 5 is
  `C[5]`. Another way to see it: the one-hot vector of 5 times C picks out exactly that row,
  so the embedding is a linear layer without bias whose input is one-hot, as in lecture 2.
  Indexing is just much cheaper. PyTorch (and our `Tensor`) index with a whole tensor of
  indices at once: `C[X]` with X (32, 3) gives (32, 3, 2), one vector per character per context.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  small = MLP(embedding: 2, hidden: 100, generator: &g)
  let C = small.C.detach()
  let row = C[5].scalars
  let viaOneHot = oneHot(IntTensor([5]), numClasses: 27).matmul(C).scalars
  c.print("C[5]                        =", torchList(row))
  c.print("F.one_hot(5, 27).float() @ C =", torchList(viaOneHot), row == viaOneHot ? "(identical)" : "(differs!)")
  emb = C[X]
  c.print("emb = C[X]: \(shapeText(X.shape)) indices → \(shapeText(emb.shape))")
  c.print("C[X][13, 2] =", torchList(emb[13][2].scalars), " = C[X[13, 2]] = C[\(X[at: 13, 2])] =", torchList(C[X[at: 13, 2]].scalars))
  c.shape("C", C.shape, "embedding table")
  c.shape("X", X.shape, "contexts")
  c.shape("emb", emb.shape, "C[X]")
  c.trace("C =\n\(C)")
  c.trace("one-hot path: (1, 27) @ (27, 2) → (1, 2): 54 multiply-adds to read 2 numbers")
}

nb.cell("Concatenating the context: cat, unbind, and the free view", """
  The hidden layer wants one vector per example: the three 2-D embeddings side by side, 6
  numbers. `cat([emb[:, 0], emb[:, 1], emb[:, 2]], 1)` does it but hard-codes the block size;
  `cat(unbind(emb, 1), 1)` generalises. Both **copy** into new memory. `emb.view(32, 6)` gives
  the same numbers with **no copy at all**: a tensor is a flat block of memory (its *storage*)
  plus a shape and *strides* (how far to jump in memory for a step along each dimension). The
  storage of emb is already 32 runs of 3×2 consecutive numbers, so reinterpreting it as
  (32, 6) only changes the strides.
  """) { c in
  let parts = (0..<3).map { emb.select(dim: 1, index: $0) }
  let byHand = Tensor.cat(parts, dim: 1)
  let byUnbind = Tensor.cat(emb.unbind(dim: 1), dim: 1)
  let viewed = emb.view(32, 6)
  c.print("cat of three slices:", shapeText(byHand.shape), "  cat(unbind):", shapeText(byUnbind.shape), "  view:", shapeText(viewed.shape))
  c.print("all equal:", byHand.scalars == byUnbind.scalars && byUnbind.scalars == viewed.scalars)
  c.table(["tensor", "shape", "strides", "contiguous"], [
    ["emb", shapeText(emb.shape), shapeText(emb.strides), "\(emb.isContiguous)"],
    ["emb.view(32, 6)", shapeText(viewed.shape), shapeText(viewed.strides), "\(viewed.isContiguous)"],
    ["emb[:, 1] (a slice)", shapeText(parts[1].shape), shapeText(parts[1].strides), "\(parts[1].isContiguous)"],
  ])
  let a = Tensor.arange(18)
  let v = a.view(3, 3, 2)
  v[at: 0, 0, 0] = 100
  c.print("a = arange(18); v = a.view(3, 3, 2); v[0, 0, 0] = 100 → a[0] =", a[at: 0], "(v and a share storage)")
  c.why("A view costs nothing because no number moves: only the shape/stride bookkeeping is new. That is why `.view(-1, 6)` is the idiom, and why it fails on a tensor whose memory is not laid out as the new shape needs (e.g. after a transpose): then `.reshape` copies.")
  c.shape("emb", emb.shape)
  c.shape("emb.view(-1, 6)", viewed.shape, "strides \(shapeText(viewed.strides))")
}

nb.cell("The hidden layer", """
  100 tanh neurons, each seeing all 6 numbers: `h = tanh(emb.view(-1, 6) @ W1 + b1)`. The bias
  `b1` has shape (100,) and is added to a (32, 100) matrix: broadcasting aligns from the right,
  (100,) becomes (1, 100) and is copied down the 32 rows, so every example gets the same bias,
  which is what we want. (`-1` in `view` asks for "whatever makes the sizes work": 32 here.)
  """) { c in
  let h = Tensor.withNoGrad { (emb.view(-1, 6).matmul(small.W1.detach()) + small.b1.detach()).tanh() }
  c.print("h.shape =", shapeText(h.shape), "  values in (−1, 1): min", f4(h.min().item()), "max", f4(h.max().item()))
  let saturated = h.scalars.filter { Swift.abs($0) > 0.99 }.count
  c.print("\(saturated) of \(h.count) activations have |h| > 0.99 (the randn init is too large: lecture 4 fixes this)")
  c.shape("emb.view(-1, 6)", [32, 6])
  c.shape("W1", small.W1.shape)
  c.shape("b1", small.b1.shape, "broadcast as (1, 100)")
  c.shape("h", h.shape)
}

nb.cell("The output layer and the loss, by hand", """
  27 output neurons: `logits = h @ W2 + b2`, (32, 27). Then exactly lecture 2's recipe:
  exponentiate to counts, normalise rows to probabilities, pick out the probability of the
  correct next character with `prob[arange(32), Y]`, and average the negative log. The random
  network is confidently wrong, so the loss is far above uniform guessing's 3.2958.
  """) { c in
  let (logits, loss) = Tensor.withNoGrad { () -> (Tensor, Tensor) in
    let logits = small.logits(X)
    let counts = logits.exp()
    let prob = counts / counts.sum(dim: 1, keepdim: true)
    return (logits, -prob[IntTensor.arange(32), Y].log().mean())
  }
  c.print("logits.shape =", shapeText(logits.shape))
  c.print("loss =", f4(loss.item()))
  let counts = small.parameters.map { $0.count }
  c.worked("parameters", formula: "27·2 + 6·100 + 100 + 100·27 + 27",
           substituted: counts.map(String.init).joined(separator: " + "), result: "\(small.parameterCount)")
  c.shape("h", [32, 100])
  c.shape("W2", small.W2.shape)
  c.shape("logits", logits.shape)
  c.result("small net parameters", "\(small.parameterCount)")
  c.why("Uniform guessing would score ln 27 ≈ 3.30. The weights are drawn from a standard normal, so the logits are sums of ~100 terms of size ~1: spreads of ±10 or more. The softmax then puts almost all probability on one arbitrary character, and when it is wrong, −log p is huge.")
}

nb.cell("Why F.cross_entropy", """
  The manual version creates three intermediate (32, 27) tensors and, worse, can **overflow**.
  exp(100) is about 2.7·10⁴³, beyond float32's 3.4·10³⁸, so it becomes `inf`, and inf/inf is
  `nan`. The fix: softmax is unchanged if you subtract the same number from every logit of a
  row, so subtract the row's maximum first; the largest exponent is then exp(0) = 1. `crossEntropy`
  does that, computes log-probabilities directly (never taking log of a rounded-to-zero
  probability), and its backward pass is one simple formula (softmax − one-hot) instead of
  going back through every intermediate.
  """) { c in
  let safe = Tensor([-2, -3, 0, 5])
  let big = Tensor([-100, -3, 0, 100])
  func naive(_ l: Tensor) -> [Float] { let e = l.exp(); return (e / e.sum()).scalars }
  c.table(["logits", "naive exp / sum", "softmax (max subtracted)"], [
    [torchList(safe.scalars, decimals: 0), torchList(naive(safe)), torchList(safe.softmax(dim: 0).scalars)],
    [torchList(big.scalars, decimals: 0), torchList(naive(big)), torchList(big.softmax(dim: 0).scalars)],
  ])
  c.print("exp(100) in float32 =", big.exp().scalars[3])
  let fused = Tensor.withNoGrad { crossEntropy(small.logits(X), Y).item() }
  let manual = Tensor.withNoGrad { () -> Float in
    let l = small.logits(X); let e = l.exp()
    return (-(e / e.sum(dim: 1, keepdim: true))[IntTensor.arange(32), Y].log().mean()).item()
  }
  c.print("on our batch: manual", f4(manual), " crossEntropy", f4(fused), " (the same loss)")
  c.print("cross entropy of [−100, −3, 0, 100] with target 3:", crossEntropy(big.view(1, 4), IntTensor([3])).item())
}

nb.cell("Overfitting one batch of 32", """
  A sanity check worth doing on every new model: can it drive the loss down on a tiny data set?
  3,481 parameters against 32 examples should memorise easily. The loss drops fast but does
  not reach 0: some contexts appear with several different next characters (`...` starts all
  five names: e, o, a, i, s), and the best the net can do is split its probability among them.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let net = MLP(embedding: 2, hidden: 100, generator: &g)
  let steps = nb.byMode(standard: 1000, fast: 200, full: 1000)
  var trajectory: [Float] = []
  for i in 0..<steps { trajectory.append(try net.step(X, Y, lr: 0.1, number: i)) }
  let final = net.loss(X, Y)
  c.table(["step", "loss"], [0, 10, 100, steps - 1].filter { $0 < steps }.map { ["\($0)", f4(trajectory[$0])] } + [["after \(steps)", f4(final)]])
  let predicted = Tensor.withNoGrad { net.logits(X).argmax(dim: 1) }
  let wrong = (0..<32).filter { predicted.scalars[$0] != Y.scalars[$0] }
  c.print("argmax prediction wrong on \(wrong.count) of 32 examples; contexts: "
          + wrong.prefix(6).map { "'" + names.decode(X[$0].scalars) + "'→" + String(names.itos[Y.scalars[$0]]) }.joined(separator: " "))
  // The floor: for each distinct context the best possible prediction is the empirical
  // distribution of its next characters; the loss can go no lower than that.
  var byContext: [[Int]: [Int]] = [:]
  for i in 0..<32 { byContext[X[i].scalars, default: []].append(Y.scalars[i]) }
  var floor = 0.0
  let contexts = byContext.keys.sorted { $0.lexicographicallyPrecedes($1) }   // a fixed order: same digits every run
  for context in contexts {
    let targets = byContext[context]!
    for t in Set(targets).sorted() {
      let k = Double(targets.filter { $0 == t }.count)
      floor -= k * Foundation.log(k / Double(targets.count))
    }
  }
  floor /= 32
  let shared = contexts.filter { Set(byContext[$0]!).count > 1 }
  c.worked("lowest possible loss", formula: "Σ over contexts of −count · log(empirical p) / 32",
           substituted: shared.map { "'\(names.decode($0))' → \(byContext[$0]!.count) different next characters" }.joined(separator: "; "),
           result: String(format: "%.4f", floor))
  c.result("loss after overfitting 32 examples", f4(final))
  c.think("Our loss after training is just above this floor. Which examples still carry almost all of it?")
}

nb.cell("Minibatches on the whole data set", """
  On all 228,146 examples a full forward and backward pass costs ~7,000× more than on 32. Instead,
  each step uses a random **minibatch** of 32 examples (`randint`). Its gradient is a noisy
  estimate of the full gradient, but it is good enough to follow, and many cheap approximate
  steps beat few exact ones. The loss printed per step is now noisy; the loss on the full data
  set is what we judge by.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let net = MLP(embedding: 2, hidden: 100, generator: &g)
  let steps = nb.byMode(standard: 1000, fast: 100, full: 1000)
  var last: Float = 0
  for i in 0..<steps {
    let ix = IntTensor.randint(low: 0, high: Xall.shape[0], shape: [32], generator: &g)
    last = try net.step(Xall[ix], Yall[ix], lr: 0.1, number: i)
    if i < 3 { c.trace("step \(i): batch rows \(ix.scalars.prefix(4))…  loss \(f4(last))") }
  }
  c.why("Each minibatch loss is an estimate from 32 examples, so it jumps around the true loss by tens of percent; compare the two numbers below.")
  c.print("after \(steps) minibatch steps: last batch loss \(f4(last)), loss on all \(Xall.shape[0]) examples \(f4(net.loss(Xall, Yall)))")
}

var lrFinder: (exponents: [Float], losses: [Float]) = ([], [])

nb.cell("Finding a good learning rate", """
  How big should the step be? Try them all in one run: over 1,000 steps raise the learning rate
  exponentially from 10⁻³ to 10⁰ (`lre = linspace(−3, 0, 1000)`, `lr = 10^lre`) and record the
  loss at each. Too small and the loss barely moves; too large and it becomes unstable. The
  good region is the valley just before the loss turns up again: around lr = 0.1 (lre = −1).
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let net = MLP(embedding: 2, hidden: 100, generator: &g)
  let lre = Tensor.linspace(-3, 0, count: 1000).scalars
  var losses: [Float] = []
  for (i, e) in lre.enumerated() {
    let ix = IntTensor.randint(low: 0, high: Xall.shape[0], shape: [32], generator: &g)
    losses.append(try net.step(Xall[ix], Yall[ix], lr: Foundation.pow(10, e), number: i))
  }
  lrFinder = (lre, losses)
  let plot = LinePlot(title: "learning-rate finder: minibatch loss vs log10(lr)", xLabel: "lre (lr = 10^lre)", yLabel: "loss",
                      xs: lre.map(Double.init), ys: losses.map(Double.init), guides: [])
  c.figure(plot, name: "lr-finder")
  // Smooth with a window of 50 to find the valley.
  let window = 50
  var best = (index: 0, value: Float.infinity)
  for i in 0..<(lre.count - window) {
    let m = losses[i..<(i + window)].reduce(0, +) / Float(window)
    if m < best.value { best = (i + window / 2, m) }
  }
  c.print(String(format: "lowest 50-step average loss %.3f at lre ≈ %.2f (lr ≈ %.3f)", best.value, lre[best.index], Foundation.pow(10, lre[best.index])))
  c.think("This run changes two things at once: the learning rate and the training progress. Why does that make the finder's answer only approximate, and why does it still work?")
}

nb.cell("Train, dev and test splits", """
  A big enough network can memorise its training set, and then its training loss says nothing
  about new names. So split the names: 80% **train** (fit the parameters), 10% **dev** (also
  called validation: tune the hyperparameters: sizes, learning rate, steps), 10% **test**
  (evaluated rarely, at the end: every look at it leaks a little information into our choices).
  The names are shuffled first with Python's `random.seed(42)`; our `PythonRandom` reproduces
  CPython's shuffle exactly.
  """) { c in
  let (train, dev, test) = names.split(seed: 42)
  c.print("first shuffled names:", train.prefix(5).joined(separator: ", "))
  (Xtr, Ytr) = dataset(names, train)
  (Xdev, Ydev) = dataset(names, dev)
  (Xte, Yte) = dataset(names, test)
  c.table(["split", "names", "examples", "X shape"], [
    ["train", "\(train.count)", "\(Xtr.shape[0])", shapeText(Xtr.shape)],
    ["dev", "\(dev.count)", "\(Xdev.shape[0])", shapeText(Xdev.shape)],
    ["test", "\(test.count)", "\(Xte.shape[0])", shapeText(Xte.shape)],
  ])
  c.print("The part-2 notebook prints 182,441 / 22,902 / 22,803: its shuffle cell had been run several times on")
  c.print("the already-shuffled list. One shuffle with seed 42 (as parts 3–5) gives the sizes above.")
  c.result("split sizes", "\(Xtr.shape[0]) / \(Xdev.shape[0]) / \(Xte.shape[0])")
}

nb.cell("A bigger hidden layer: 300 neurons", """
  With the splits we can run experiments. First, more capacity in the hidden layer: 300 neurons
  (2-D embeddings still), 10,281 parameters. If train and dev losses stay about equal, the
  model is **underfitting**: it is too small (or too briefly trained) to even fit the training
  data, and more capacity should help. The lecture suspected the bottleneck was elsewhere: 2
  numbers per character is very little room.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  wide = MLP(embedding: 2, hidden: 300, generator: &g)
  let steps = nb.steps(standard: 20_000, fast: 500, full: 50_000)
  let start = DispatchTime.now().uptimeNanoseconds
  let progress = c.progress("hidden 300", total: steps)
  for i in 0..<steps {
    let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [32], generator: &g)
    let loss = try wide.step(Xtr[ix], Ytr[ix], lr: i < steps / 2 ? 0.1 : 0.05, number: i)
    if i % 100 == 0 { progress.update(i + 1, "loss \(f4(loss))") }
  }
  progress.finish()
  let tr = wide.loss(Xtr, Ytr), dv = wide.loss(Xdev, Ydev)
  c.print("parameters:", wide.parameterCount)
  c.terminalOnly(pageNote: "") { c.print(String(format: "(%d steps in %.1f s)", steps, secondsSince(start))) }
  c.print(String(format: "%d steps (lr 0.1, then 0.05): train %.4f, dev %.4f", steps, tr, dv))
  c.print(abs(tr - dv) < 0.05 ? "train ≈ dev: underfitting, not overfitting" : "train and dev differ by \(f4(abs(tr - dv)))")
  c.result("hidden 300 parameters", "\(wide.parameterCount)")
  c.think("Train and dev are equal. Would you now spend your compute on more steps, a bigger hidden layer, or bigger embeddings, and what would each change in the two numbers?")
}

nb.cell("Looking at the learned 2-D embeddings", """
  With two dimensions per character we can simply plot C. After enough training it is
  organised: in the lecture the vowels a, e, i, o, u sit together (they are interchangeable in
  many contexts), while rare or special characters like `q` and `.` are pushed away on their
  own. Nobody told the network what a vowel is; similar roles in the data produce similar
  vectors. (A `--fast` run trains too briefly for much structure to appear.)
  """) { c in
  let C = wide.C.detach()
  let xs = (0..<27).map { Double(C[at: $0, 0]) }, ys = (0..<27).map { Double(C[at: $0, 1]) }
  let plot = ScatterPlot(title: "character embeddings C (hidden 300, 2-D)", xLabel: "C[:, 0]", yLabel: "C[:, 1]",
                         xs: xs, ys: ys, labels: names.itos.map(String.init))
  c.figure(plot, name: "embeddings-2d", width: 72, height: 24)
  @MainActor func distance(_ a: Character, _ b: Character) -> Double {
    let i = names.stoi[a]!, j = names.stoi[b]!
    return ((xs[i] - xs[j]) * (xs[i] - xs[j]) + (ys[i] - ys[j]) * (ys[i] - ys[j])).squareRoot()
  }
  let vowels: [Character] = ["a", "e", "i", "o", "u"]
  let letters = (1..<27).map { names.itos[$0] }
  var vowelNeighbours: [String] = []
  for v in vowels {
    let nearest = letters.filter { $0 != v }.min { distance(v, $0) < distance(v, $1) }!
    vowelNeighbours.append("\(v)→\(nearest)")
  }
  let vowelPairs = vowelNeighbours.filter { vowels.contains($0.last!) }.count
  c.print("nearest letter of each vowel: " + vowelNeighbours.joined(separator: "  ")
          + "  (\(vowelPairs) of 5 are vowels; by chance about 5 × 4/25 ≈ 0.8)")
  let dot = (names.stoi["."]!, names.stoi["q"]!)
  let centre = (xs.reduce(0, +) / 27, ys.reduce(0, +) / 27)
  func fromCentre(_ i: Int) -> Double { ((xs[i] - centre.0) * (xs[i] - centre.0) + (ys[i] - centre.1) * (ys[i] - centre.1)).squareRoot() }
  let ranking = (0..<27).sorted { fromCentre($0) > fromCentre($1) }
  c.print("farthest from the centre: " + ranking.prefix(4).map { "'\(names.itos[$0])'" }.joined(separator: " ")
          + "  ('.' is #\(ranking.firstIndex(of: dot.0)! + 1), 'q' is #\(ranking.firstIndex(of: dot.1)! + 1) of 27)")
  c.trace(names.itos.enumerated().map { String(format: "%@ (%.2f, %.2f)", String($1), xs[$0], ys[$0]) }.joined(separator: "  "))
}

nb.cell("Bigger embeddings: 10 dimensions, 200 hidden", """
  Now the lecture's final configuration: 10-D embeddings (3 × 10 = 30 inputs to the hidden
  layer), 200 hidden neurons: 11,897 parameters, drawn in the order C, W1, b1, W2, b2 from a
  generator seeded 2147483647. Every minibatch is drawn from **the same generator** with
  `randint`, so the whole run is determined by the seed, and the first steps can be checked
  against PyTorch number for number. The first loss is 27.88: the randn init makes the logits
  huge (fixed in lecture 4).
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  model = MLP(embedding: 10, hidden: 200, generator: &g)
  c.print("parameters:", model.parameterCount, "  (27·10 + 30·200 + 200 + 200·27 + 27)")
  for p in zip(["C", "W1", "b1", "W2", "b2"], model.parameters) { c.shape(p.0, p.1.shape) }
  let steps = nb.steps(standard: 100_000, fast: 1000, full: 200_000)
  let decay = nb.mode == .fast ? steps : steps / 2     // lr 0.1, then 0.01 for the second half
  c.print("schedule: \(steps) steps of batch 32, lr 0.1" + (decay < steps ? " then 0.01 from step \(decay)" : ""))
  lossLog10 = []
  var recorded: [Int: Float] = [:]
  let clock = Stopwatch()
  let progress = c.progress("training", total: steps)
  for i in 0..<steps {
    let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [32], generator: &g)   // minibatch
    if i == 0 { c.print("first minibatch rows:", ix.scalars.prefix(8).map(String.init).joined(separator: ", "), "…") }
    let loss = try model.step(Xtr[ix], Ytr[ix], lr: i < decay ? 0.1 : 0.01, number: i)  // forward, backward, update
    lossLog10.append(Foundation.log10(loss))
    if Reference.trajectory[i] != nil { recorded[i] = loss }
    if i % 10_000 == 0 && i > 0 { c.trace(String(format: "step %6d  loss %.4f", i, loss)) }
    if i % 200 == 0 { progress.update(i + 1, "loss \(f4(loss))") }
  }
  progress.finish()
  compareWithPyTorch(c, recorded)
  reportTiming(c, clock, steps: steps)
  c.result("step-0 loss", String(format: "%.4f", recorded[0] ?? .nan))
  c.result("parameters", "\(model.parameterCount)")
}

nb.cell("The loss curve (log10)", """
  Minibatch losses are noisy, so the lecture plots log10 of the loss: the early descent from
  27 squashes into a readable scale and the later "thickness" of the band shows the noise of a
  32-example estimate. The drop of the learning rate shows as a step down: with a smaller
  step the parameters settle deeper into the valley instead of bouncing across it.
  """) { c in
  let stride = Swift.max(1, lossLog10.count / 2000)
  let xs = Swift.stride(from: 0, to: lossLog10.count, by: stride).map(Double.init)
  let ys = xs.map { Double(lossLog10[Int($0)]) }
  c.figure(LinePlot(title: "log10(minibatch loss) during training", xLabel: "step", yLabel: "log10 loss", xs: xs, ys: ys), name: "mlp-loss-log10")
}

nb.cell("Train and dev loss", """
  The numbers that matter: the loss over every training example and over the dev set the
  model never trained on. Close together means we are not overfitting; the network is still
  small for this much data. The lecture reached train 2.1260 / dev 2.1701 (its minibatches were
  not drawn from the seeded generator, so those exact numbers cannot be reproduced). With every
  draw from the seeded generator, PyTorch 2.15 reaches 2.1220 / 2.1655 after the full
  200,000 steps.
  """) { c in
  let tr = model.loss(Xtr, Ytr), dv = model.loss(Xdev, Ydev)
  let steps = lossLog10.count
  var rows = [["ours (\(steps) steps)", f4(tr), f4(dv)]]
  if isDefaultSeed { rows.append(["PyTorch, same seeds, 200,000 steps", f4(Reference.fullTrain), f4(Reference.fullDev)]) }
  rows.append(["the notebook (unseeded batches)", f4(Reference.notebookTrain), f4(Reference.notebookDev)])
  c.table(["run", "train", "dev"], rows)
  if steps < 200_000 {
    c.print("This run is shorter than the lecture's 200,000 steps (--full runs them), so both losses are higher:")
    c.print("fewer updates, and less time at the small learning rate.")
  } else {
    c.note("""
      Same schedule, same seeds, same batches: yet not the same digits. As the trajectory table showed,
      one-bit differences in float32 sums (our GEMM's order vs MKL's) are amplified until the two runs
      are different walks through the same valley. They end within a few thousandths of each other
      (≈ the noise between two seeds), which is as close as two float32 implementations can be expected
      to agree after 200,000 steps.
      """)
  }
  c.result("train loss", f4(tr))
  c.result("dev loss", f4(dv))
}

nb.cell("Sampling 20 names", """
  Sampling is lecture 2's loop with a longer memory: keep the last three characters, run the
  network, draw the next character from the softmax with `multinomial`, slide the window.
  The generator is seeded with the lecture's seed + 10, as in the notebook. The names are much
  more name-like than the bigram model's: three characters of context are enough for
  plausible syllables.
  """) { c in
  var g = TorchGenerator(seed: nb.seed + 10)
  let samples = (0..<20).map { _ in model.sample(&g, itos: names.itos) }
  for s in samples { c.print(s) }
  let known = Set(names.words)
  let novel = samples.filter { !known.contains(String($0.dropLast())) }.count
  c.print("\(novel) of 20 are not in names.txt")
  c.result("samples", samples.prefix(5).joined(separator: " "))
  c.think("The model can only see three characters back. What kind of mistake in a long name does that make likely?")
}

nb.cell("Temperature and top-k", """
  Two knobs change *how* we sample without retraining. **Temperature** T divides the logits
  before the softmax: T < 1 sharpens the distribution (the likely characters become likelier:
  safer, more repetitive names), T > 1 flattens it toward uniform (more surprising and more
  broken names); T = 1 is the model itself. **Top-k** keeps only the k most likely characters
  and renormalises: the long tail of unlikely characters, where most garbage comes from, is
  cut off. Below, 6 names per setting from the same generator seed, plus statistics over 200.
  """) { c in
  let known = Set(names.words)
  var rows: [[String]] = []
  var stats: [[String]] = []
  for (t, k) in [(Float(0.5), Int?.none), (1.0, nil), (2.0, nil), (0.5, 5), (1.0, 5), (2.0, 5)] {
    var g = TorchGenerator(seed: nb.seed + 10)
    let shown = (0..<6).map { _ in model.sample(&g, itos: names.itos, temperature: t, topK: k) }
    let more = (0..<200).map { _ in model.sample(&g, itos: names.itos, temperature: t, topK: k) }
    let label = String(format: "T = %.1f", t) + (k.map { ", top-\($0)" } ?? "")
    rows.append([label, shown.joined(separator: " ")])
    let meanLength = Double(more.map { $0.count - 1 }.reduce(0, +)) / Double(more.count)
    let inFile = more.filter { known.contains(String($0.dropLast())) }.count
    stats.append([label, String(format: "%.1f", meanLength), "\(inFile)", "\(Set(more).count)"])
  }
  c.table(["setting", "names"], rows)
  c.table(["setting", "mean length", "real names (of 200)", "distinct (of 200)"], stats)
  c.why("Low temperature sends most probability to the top choice, so samples repeat common names found in the file; high temperature gives rare characters real chances, so names get longer and stranger. Top-k removes the tail whatever the temperature, which is why T = 2 with top-5 is still readable.")
}

nb.run()
