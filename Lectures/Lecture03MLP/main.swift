// Lecture 3: makemore part 2, a multilayer perceptron over a context of characters
// (Bengio et al. 2003), trained with minibatch gradient descent.
//
// Read top to bottom like the notebook: every `nb.cell` is one step of the lecture. State shared
// between cells lives in the top-level variables declared just before the cells that fill them.
import Foundation
import ZeroToHero

let nb = Notebook(.mlp)

/// The lecture's parameters: an embedding table C, one tanh hidden layer (W1, b1) and a linear
/// output layer (W2, b2), every one drawn from a standard normal in that order, as the notebook
/// draws them. The forward pass is written out in the cells that teach it; `logits` is the same
/// three lines, for evaluating a split and sampling.
struct MLP {
  let C, W1, b1, W2, b2: Tensor
  let blockSize: Int
  let embedding: Int
  var parameters: [Tensor] { [C, W1, b1, W2, b2] }
  var names: [String] { ["C", "W1", "b1", "W2", "b2"] }
  var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// `outScale` multiplies W2 and b2 as drawn (exercise E02: 0.01 starts near uniform
  /// predictions); 1 is the lecture's plain randn.
  init(embedding: Int, hidden: Int, blockSize: Int = 3, vocabulary: Int, outScale: Float = 1, generator g: inout TorchGenerator) {
    self.blockSize = blockSize
    self.embedding = embedding
    C = Tensor.randn([vocabulary, embedding], generator: &g).requiringGrad()
    W1 = Tensor.randn([blockSize * embedding, hidden], generator: &g).requiringGrad()
    b1 = Tensor.randn([hidden], generator: &g).requiringGrad()
    let w2 = Tensor.randn([hidden, vocabulary], generator: &g), bias2 = Tensor.randn([vocabulary], generator: &g)
    W2 = (outScale == 1 ? w2 : w2 * outScale).requiringGrad()
    b2 = (outScale == 1 ? bias2 : bias2 * outScale).requiringGrad()
  }

  /// Logits (n, vocabulary) for contexts X (n, blockSize).
  func logits(_ X: IntTensor) -> Tensor {
    let emb = C[X]                                                        // (n, block, embedding)
    let h = (emb.view(-1, blockSize * embedding).matmul(W1) + b1).tanh()  // (n, hidden)
    return h.matmul(W2) + b2                                              // (n, vocabulary)
  }
}

/// PyTorch 2.15 CPU with the default seed 2147483647 on the repository's names.txt (fixture
/// `lecture3_mlp` and the spec).
enum Reference {
  static let seed: UInt64 = 2147483647
  static let trajectory: [Int: Float] = [0: 27.881732940673828, 1: 24.00319480895996, 2: 24.807373046875,
                                         10: 16.694435119628906, 100: 7.942049026489258, 500: 6.7880964279174805,
                                         1000: 4.245043754577637, 1999: 2.743724822998047]
  static let fullTrain: Float = 2.1220, fullDev: Float = 2.1655
  static let notebookTrain: Float = 2.1260, notebookDev: Float = 2.1701
}

// MARK: - Knobs (`--set name=value`; `--help` lists them)

let block = nb.knob("block", 3, "context length (characters) of the final model", in: 1...16)
let embedding = nb.knob("embedding", 10, "embedding dimensions of the final model", in: 1...256)
let hidden = nb.knob("hidden", 200, "hidden units of the final model", in: 1...4096)
let batch = nb.knob("batch", 32, "minibatch size of the final model", in: 1...4096)
let lr = Float(nb.knob("lr", 0.1, "learning rate of the final model", in: 1e-5...10))
let lrLate = Float(nb.knob("lr_late", 0.01, "learning rate after the decay step", in: 1e-6...10))
let outScale = Float(nb.knob("out_scale", 1.0, "factor on the initial W2 and b2 of the final model (E02)", in: 0...10))
let steps = nb.knob("steps", standard: 100_000, fast: 1000, full: 200_000, "training steps of the final model", in: 1...10_000_000)

// MARK: - Cells
//
// A cell that builds something later cells use returns it; the names below read it back
// (`Shared.value`), so no variable holds a dummy value before its cell has run.

/// The examples of cell 1: the vocabulary, the first five words' contexts and all contexts.
struct Examples {
  let names: Names
  let X, Y: IntTensor          // the first five words (32 examples for names.txt)
  let Xall, Yall: IntTensor    // every word, unsplit
}

let examples = nb.cell("From bigrams to a context of characters", """
  The bigram model only ever sees one character, and counting cannot grow beyond that: with a
  context of 3 characters a count table needs 27³ ≈ 20,000 rows, most of them never seen. The
  way out is Bengio et al. (2003): give every character a small learned vector (an
  **embedding**), concatenate the vectors of the last few characters, and let a neural network
  map them to the next character's probabilities. Similar characters end up with similar
  vectors, so what the net learns about one context *generalises* to similar ones.

  The data set changes shape: each example is now a **context** of `block_size = 3` indices
  (padded with `.` at the start of a name) and the character that follows.
  """) { c -> Examples in
  let names = try Names(text: nb.readText("names.txt"))
  _ = try names.requireSplits(for: "lecture 3 (train, dev and test losses)")   // say now, not after training
  c.print("itos:", names.itos.enumerated().map { "\($0):'\($1)'" }.joined(separator: " "))
  for w in names.words.prefix(3) {
    c.print(w)
    let (ctx, tgt) = names.contextExamples([w], blockSize: 3)
    for i in 0..<Swift.min(tgt.count, 12) {
      c.print("  " + names.decode(Array(ctx[(3 * i)..<(3 * i + 3)])) + " ---> " + String(names.itos[tgt[i]]))
    }
    if tgt.count > 12 { c.print("  … \(tgt.count - 12) more") }
  }
  let (X, Y) = names.contextTensors(Array(names.words.prefix(5)), blockSize: 3)
  let (Xall, Yall) = names.contextTensors(names.words, blockSize: 3)
  let letters = names.words.prefix(5).map(\.count)
  c.worked("examples in the first five words", formula: "Σ (letters + 1)",
           substituted: letters.map { "(\($0) + 1)" }.joined(separator: " + "), result: "\(X.shape[0])")
  c.print("first 5 words: X.shape = \(shapeText(X.shape)) int64, Y.shape = \(shapeText(Y.shape)) int64")
  c.print("all words:     X.shape = \(shapeText(Xall.shape)), Y.shape = \(shapeText(Yall.shape))")
  c.trace("X[:5] =\n\(X[0..<Swift.min(5, X.shape[0])])\nY[:5] = \(Y[0..<Swift.min(5, Y.shape[0])])")
  c.think("How many examples does a name of n letters give? Check it against the examples of the first five names.",
          answer: "n + 1: one per letter (predicting it from the characters before it) plus one for the final `.`. The first five names have \(letters.map(String.init).joined(separator: " + ")) = \(letters.reduce(0, +)) letters, so \(letters.reduce(0, +)) + 5 = \(X.shape[0]) examples.")
  c.result("examples (block size 3)", "\(Xall.shape[0])")
  return Examples(names: names, X: X, Y: Y, Xall: Xall, Yall: Yall)
}
var names: Names { examples.value.names }
var V: Int { names.vocabularySize }                    // 27 for names.txt
var X: IntTensor { examples.value.X }
var Y: IntTensor { examples.value.Y }
var Xall: IntTensor { examples.value.Xall }
var Yall: IntTensor { examples.value.Yall }
/// PyTorch's numbers apply: the lecture's seed and settings, and the lecture's names.txt.
var isReference: Bool { nb.usesLectureSettings && names.isLectureFile }

let tiny = nb.cell("The embedding table: C[X]", """
  `C` is a (27, 2) table: row i is the 2-D vector of character i. Looking up character 5 is
  `C[5]`. Another way to see it: the one-hot vector of 5 times C picks out exactly that row,
  so the embedding is a linear layer without bias whose input is one-hot, as in lecture 2.
  Indexing is just much cheaper. PyTorch (and our `Tensor`) index with a whole tensor of
  indices at once: `C[X]` with X (32, 3) gives (32, 3, 2), one vector per character per context.
  """) { c -> (net: MLP, emb: Tensor) in
  var g = TorchGenerator(seed: nb.seed)
  let small = MLP(embedding: 2, hidden: 100, vocabulary: V, generator: &g)
  let C = small.C.detach()
  let k = Swift.min(5, V - 1)
  let row = C[k].scalars
  let viaOneHot = oneHot(IntTensor([k]), numClasses: V).matmul(C).scalars
  c.print("C[\(k)]                        =", torchList(row))
  c.print("F.one_hot(\(k), \(V)).float() @ C =", torchList(viaOneHot), row == viaOneHot ? "(identical)" : "(differs!)")
  let emb = C[X]
  c.print("emb = C[X]: \(shapeText(X.shape)) indices → \(shapeText(emb.shape))")
  let r = Swift.min(13, X.shape[0] - 1)
  c.print("C[X][\(r), 2] =", torchList(emb[r][2].scalars), " = C[X[\(r), 2]] = C[\(X[at: r, 2])] =", torchList(C[X[at: r, 2]].scalars))
  c.shape("C", C.shape, "embedding table")
  c.shape("X", X.shape, "contexts")
  c.shape("emb", emb.shape, "C[X]")
  c.trace("C =\n\(C)")
  c.trace("one-hot path: (1, \(V)) @ (\(V), 2) → (1, 2): \(V * 2) multiply-adds to read 2 numbers")
  return (small, emb)
}
var small: MLP { tiny.value.net }
var emb: Tensor { tiny.value.emb }

nb.cell("Concatenating the context: cat, unbind, and the free view", """
  The hidden layer wants one vector per example: the three 2-D embeddings side by side, 6
  numbers. `cat([emb[:, 0], emb[:, 1], emb[:, 2]], 1)` does it but hard-codes the block size;
  `cat(unbind(emb, 1), 1)` generalises. Both **copy** into new memory. `emb.view(32, 6)` gives
  the same numbers with **no copy at all**: a tensor is a flat block of memory (its *storage*)
  plus a shape and *strides* (how far to jump in memory for a step along each dimension). The
  storage of emb is already 32 runs of 3×2 consecutive numbers, so reinterpreting it as
  (32, 6) only changes the strides.
  """) { c in
  let n = X.shape[0]
  let parts = (0..<3).map { emb.select(dim: 1, index: $0) }
  let byHand = Tensor.cat(parts, dim: 1)
  let byUnbind = Tensor.cat(emb.unbind(dim: 1), dim: 1)
  let viewed = emb.view(n, 6)
  c.print("cat of three slices:", shapeText(byHand.shape), "  cat(unbind):", shapeText(byUnbind.shape), "  view:", shapeText(viewed.shape))
  c.print("all equal:", byHand.scalars == byUnbind.scalars && byUnbind.scalars == viewed.scalars)
  c.table(["tensor", "shape", "strides", "contiguous"], [
    ["emb", shapeText(emb.shape), shapeText(emb.strides), "\(emb.isContiguous)"],
    ["emb.view(\(n), 6)", shapeText(viewed.shape), shapeText(viewed.strides), "\(viewed.isContiguous)"],
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
  c.shape("emb.view(-1, 6)", [X.shape[0], 6])
  c.shape("W1", small.W1.shape)
  c.shape("b1", small.b1.shape, "broadcast as (1, 100)")
  c.shape("h", h.shape)
}

nb.cell("The output layer and the loss, by hand", """
  27 output neurons: `logits = h @ W2 + b2`, (32, 27). Then exactly lecture 2's recipe:
  exponentiate to counts, normalise rows to probabilities, pick out the probability of the
  correct next character with `prob[arange(32), Y]`, and average the negative log. The random
  network is confidently wrong, so the loss is far above uniform guessing's ln 27 = 3.2958.
  """) { c in
  let (logits, loss) = Tensor.withNoGrad { () -> (Tensor, Tensor) in
    let emb = small.C[X]                                            // (32, 3, 2)
    let h = (emb.view(-1, 6).matmul(small.W1) + small.b1).tanh()     // (32, 100)
    let logits = h.matmul(small.W2) + small.b2                       // (32, 27)
    let counts = logits.exp()
    let prob = counts / counts.sum(dim: 1, keepdim: true)
    return (logits, -prob[IntTensor.arange(X.shape[0]), Y].log().mean())
  }
  c.print("logits.shape =", shapeText(logits.shape))
  c.print("loss =", f4(loss.item()))
  let counts = small.parameters.map { $0.count }
  c.worked("parameters", formula: "\(V)·2 + 6·100 + 100 + 100·\(V) + \(V)",
           substituted: counts.map(String.init).joined(separator: " + "), result: "\(small.parameterCount)")
  c.shape("h", [X.shape[0], 100])
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
  @MainActor func naive(_ l: Tensor) -> [Float] { let e = l.exp(); return (e / e.sum()).scalars }
  c.table(["logits", "naive exp / sum", "softmax (max subtracted)"], [
    [torchList(safe.scalars, decimals: 0), torchList(naive(safe)), torchList(safe.softmax(dim: 0).scalars)],
    [torchList(big.scalars, decimals: 0), torchList(naive(big)), torchList(big.softmax(dim: 0).scalars)],
  ])
  c.print("exp(100) in float32 =", big.exp().scalars[3])
  let fused = Tensor.withNoGrad { crossEntropy(small.logits(X), Y).item() }
  let manual = Tensor.withNoGrad { () -> Float in
    let l = small.logits(X); let e = l.exp()
    return (-(e / e.sum(dim: 1, keepdim: true))[IntTensor.arange(X.shape[0]), Y].log().mean()).item()
  }
  c.print("on our batch: manual", f4(manual), " crossEntropy", f4(fused), fused == manual ? " (the same loss)" : " (equal to rounding)")
  c.print("cross entropy of [−100, −3, 0, 100] with target 3:", crossEntropy(big.view(1, 4), IntTensor([3])).item())
  // The gradient of the fused loss with respect to the logits is (softmax − one-hot) / n.
  let l = Tensor([[2, 1, 0.1]]).requiringGrad()
  crossEntropy(l, IntTensor([0])).backward()
  let p = l.detach().softmax(dim: 1).scalars
  c.worked("dloss/dlogits for logits [2, 1, 0.1], target 0", formula: "softmax(logits) − one_hot(target)",
           substituted: torchList(p) + " − [1, 0, 0]", result: torchList(l.grad!.scalars))
}

nb.cell("Overfitting one batch of 32", """
  A sanity check worth doing on every new model: can it drive the loss down on a tiny data set?
  3,481 parameters against 32 examples should memorise easily. Here is the whole training loop
  for the first time: forward pass, loss, zero the gradients, backward pass, update. The loss
  drops fast but does not reach 0: some contexts appear with several different next characters
  (`...` starts all five names: e, o, a, i, s), and the best the net can do is split its
  probability among them.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let net = MLP(embedding: 2, hidden: 100, vocabulary: V, generator: &g)
  let steps = nb.byMode(standard: 1000, fast: 200, full: 1000)
  var trajectory: [Float] = []
  for i in 0..<steps {
    let emb = net.C[X]                                              // forward
    let h = (emb.view(-1, 6).matmul(net.W1) + net.b1).tanh()
    let logits = h.matmul(net.W2) + net.b2
    let loss = crossEntropy(logits, Y)
    try Tensor.checkFinite(loss.item(), step: i, tensors: Array(zip(net.names, net.parameters)))
    for p in net.parameters { p.grad = nil }                        // zero the gradients
    loss.backward()                                                 // backward
    for p in net.parameters { p.data.addInPlace(p.grad!, scale: -0.1) }   // update: p -= 0.1 · grad
    trajectory.append(loss.item())
  }
  let final = splitLoss(X, Y, logits: net.logits)
  c.table(["step", "loss"], [0, 10, 100, steps - 1].filter { $0 < steps }.map { ["\($0)", f4(trajectory[$0])] } + [["after \(steps)", f4(final)]])
  let predicted = Tensor.withNoGrad { net.logits(X).argmax(dim: 1) }
  let n = X.shape[0]
  let wrong = (0..<n).filter { predicted.scalars[$0] != Y.scalars[$0] }
  c.print("argmax prediction wrong on \(wrong.count) of \(n) examples; contexts: "
          + wrong.prefix(6).map { "'" + names.decode(X[$0].scalars) + "'→" + String(names.itos[Y.scalars[$0]]) }.joined(separator: " "))
  // The floor: for each distinct context the best possible prediction is the empirical
  // distribution of its next characters; the loss can go no lower than that.
  var byContext: [[Int]: [Int]] = [:]
  for i in 0..<n { byContext[X[i].scalars, default: []].append(Y.scalars[i]) }
  let contexts = byContext.keys.sorted { $0.lexicographicallyPrecedes($1) }   // a fixed order: same digits every run
  var floorSum = 0.0
  var terms: [String] = []
  for context in contexts {
    let targets = byContext[context]!
    let counts = Set(targets).sorted().map { t in targets.filter { $0 == t }.count }
    guard counts.count > 1 else { continue }                       // one next character: loss 0 is possible
    let total = targets.count
    for k in counts { floorSum -= Double(k) * Foundation.log(Double(k) / Double(total)) }
    terms.append(counts.allSatisfy { $0 == 1 } ? "\(total)·ln \(total)"
                 : counts.map { "\($0)·ln(\(total)/\($0))" }.joined(separator: " + "))
    c.print("'\(names.decode(context))' is followed by " + Set(targets).sorted().map { "'\(names.itos[$0])'" }.joined(separator: ", "))
  }
  c.worked("lowest possible loss", formula: "Σ over contexts of −count · ln(empirical p) / \(n)",
           substituted: (terms.isEmpty ? "0" : terms.joined(separator: " + ")) + " / \(n) = " + String(format: "%.3f / %d", floorSum, n),
           result: String(format: "%.4f", floorSum / Double(n)))
  c.print(String(format: "after %d steps the loss is %.4f, %.4f above that floor", steps, final, final - Float(floorSum / Double(n))))
  c.result("loss after overfitting \(n) examples", f4(final))
  c.think("Our loss after training is just above this floor. Which examples still carry almost all of it?",
          answer: "The examples whose context has several possible next characters (the lines above: `...` starts every name, so its continuations are the five first letters). For them the best prediction splits the probability, e.g. 1/5 each, and −ln(1/5) = 1.609 per example: \(terms.isEmpty ? "0" : terms.joined(separator: " + ")) = \(String(format: "%.3f", floorSum)) in all. Every other context has a single continuation, whose loss can go to 0, so the remaining \(f4(final - Float(floorSum / Double(n)))) above the floor is spread over examples the net has not yet fully memorised.")
}

nb.cell("Minibatches on the whole data set", """
  On all 228,146 examples a full forward and backward pass costs ~7,000× more than on 32. Instead,
  each step uses a random **minibatch** of 32 examples (`randint`). Its gradient is a noisy
  estimate of the full gradient, but it is good enough to follow, and many cheap approximate
  steps beat few exact ones. The loss printed per step is now noisy; the loss on the full data
  set is what we judge by.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let net = MLP(embedding: 2, hidden: 100, vocabulary: V, generator: &g)
  let steps = nb.byMode(standard: 1000, fast: 100, full: 1000)
  var last: Float = 0
  for i in 0..<steps {
    let ix = IntTensor.randint(low: 0, high: Xall.shape[0], shape: [32], generator: &g)   // minibatch
    let h = (net.C[Xall[ix]].view(-1, 6).matmul(net.W1) + net.b1).tanh()
    let loss = crossEntropy(h.matmul(net.W2) + net.b2, Yall[ix])
    try Tensor.checkFinite(loss.item(), step: i, tensors: Array(zip(net.names, net.parameters)))
    for p in net.parameters { p.grad = nil }
    loss.backward()
    for p in net.parameters { p.data.addInPlace(p.grad!, scale: -0.1) }
    last = loss.item()
    if i < 3 { c.trace("step \(i): batch rows \(ix.scalars.prefix(4))…  loss \(f4(last))") }
  }
  c.why("Each minibatch loss is an estimate from 32 examples, so it jumps around the true loss by tens of percent; compare the two numbers below.")
  c.print("after \(steps) minibatch steps: last batch loss \(f4(last)), loss on all \(Xall.shape[0]) examples \(f4(splitLoss(Xall, Yall, logits: net.logits)))")
}

nb.cell("Finding a good learning rate", """
  How big should the step be? Try them all in one run: over 1,000 steps raise the learning rate
  exponentially from 10⁻³ to 10⁰ (`lre = linspace(−3, 0, 1000)`, `lr = 10^lre`) and record the
  loss at each. Too small and the loss barely moves; too large and it becomes unstable. The
  good region is the valley just before the loss turns up again: around lr = 0.1 (lre = −1).
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let net = MLP(embedding: 2, hidden: 100, vocabulary: V, generator: &g)
  let lre = Tensor.linspace(-3, 0, count: 1000).scalars
  var losses: [Float] = []
  for (i, e) in lre.enumerated() {
    let ix = IntTensor.randint(low: 0, high: Xall.shape[0], shape: [32], generator: &g)
    let h = (net.C[Xall[ix]].view(-1, 6).matmul(net.W1) + net.b1).tanh()
    let loss = crossEntropy(h.matmul(net.W2) + net.b2, Yall[ix])
    try Tensor.checkFinite(loss.item(), step: i, tensors: Array(zip(net.names, net.parameters)))
    for p in net.parameters { p.grad = nil }
    loss.backward()
    for p in net.parameters { p.data.addInPlace(p.grad!, scale: -Foundation.pow(10, e)) }   // lr = 10^lre
    losses.append(loss.item())
  }
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
  c.think("This run changes two things at once: the learning rate and the training progress. Why does that make the finder's answer only approximate, and why does it still work?",
          answer: "A loss at step i reflects both the current lr and the i steps already taken, so late (large) learning rates are judged on a better-trained net than early ones. It still works because the sweep is fast compared with training: the loss stops improving and blows up at a learning rate that is too large whatever the progress, and the valley just before it is a safe choice to an order of magnitude.")
}

/// The three splits as context tensors (block size `block`).
struct Splits {
  let Xtr, Ytr, Xdev, Ydev, Xte, Yte: IntTensor
}

let splits = nb.cell("Train, dev and test splits", """
  A big enough network can memorise its training set, and then its training loss says nothing
  about new names. So split the names: 80% **train** (fit the parameters), 10% **dev** (also
  called validation: tune the hyperparameters: sizes, learning rate, steps), 10% **test**
  (evaluated rarely, at the end: every look at it leaks a little information into our choices).
  The names are shuffled first with Python's `random.seed(42)`; our `PythonRandom` reproduces
  CPython's shuffle exactly.
  """) { c -> Splits in
  let (train, dev, test) = try names.requireSplits(for: "lecture 3")
  c.print("first shuffled names:", train.prefix(5).joined(separator: ", "))
  let (Xtr, Ytr) = names.contextTensors(train, blockSize: block)
  let (Xdev, Ydev) = names.contextTensors(dev, blockSize: block)
  let (Xte, Yte) = names.contextTensors(test, blockSize: block)
  c.table(["split", "names", "examples", "X shape"], [
    ["train", "\(train.count)", "\(Xtr.shape[0])", shapeText(Xtr.shape)],
    ["dev", "\(dev.count)", "\(Xdev.shape[0])", shapeText(Xdev.shape)],
    ["test", "\(test.count)", "\(Xte.shape[0])", shapeText(Xte.shape)],
  ])
  c.worked("split points", formula: "n1 = int(0.8 · n), n2 = int(0.9 · n)",
           substituted: "int(0.8 · \(names.words.count)), int(0.9 · \(names.words.count))", result: "\(train.count), \(train.count + dev.count)")
  if names.isLectureFile {
    c.print("The part-2 notebook prints 182,441 / 22,902 / 22,803: its shuffle cell had been run several times on")
    c.print("the already-shuffled list. One shuffle with seed 42 (as parts 3–5) gives the sizes above.")
  }
  c.result("split sizes", "\(Xtr.shape[0]) / \(Xdev.shape[0]) / \(Xte.shape[0])")
  return Splits(Xtr: Xtr, Ytr: Ytr, Xdev: Xdev, Ydev: Ydev, Xte: Xte, Yte: Yte)
}
var Xtr: IntTensor { splits.value.Xtr }
var Ytr: IntTensor { splits.value.Ytr }
var Xdev: IntTensor { splits.value.Xdev }
var Ydev: IntTensor { splits.value.Ydev }

let wide = nb.cell("A bigger hidden layer: 300 neurons", """
  With the splits we can run experiments. First, more capacity in the hidden layer: 300 neurons
  (2-D embeddings still), 10,281 parameters. If train and dev losses stay about equal, the
  model is **underfitting**: it is too small (or too briefly trained) to even fit the training
  data, and more capacity should help. The lecture suspected the bottleneck was elsewhere: 2
  numbers per character is very little room.
  """) { c -> MLP in
  var g = TorchGenerator(seed: nb.seed)
  let net = MLP(embedding: 2, hidden: 300, blockSize: block, vocabulary: V, generator: &g)
  let n = nb.byMode(standard: 20_000, fast: 500, full: 50_000)
  for i in c.steps(n, "hidden 300") {
    let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [32], generator: &g)
    let h = (net.C[Xtr[ix]].view(-1, block * 2).matmul(net.W1) + net.b1).tanh()
    let loss = crossEntropy(h.matmul(net.W2) + net.b2, Ytr[ix])
    try Tensor.checkFinite(loss.item(), step: i, tensors: Array(zip(net.names, net.parameters)))
    for p in net.parameters { p.grad = nil }
    loss.backward()
    for p in net.parameters { p.data.addInPlace(p.grad!, scale: i < n / 2 ? -0.1 : -0.05) }
    if i % 100 == 0 { c.status("loss \(f4(loss.item()))") }
  }
  let tr = splitLoss(Xtr, Ytr, logits: net.logits), dv = splitLoss(Xdev, Ydev, logits: net.logits)
  c.print("parameters:", net.parameterCount)
  c.print(String(format: "%d steps (lr 0.1, then 0.05): train %.4f, dev %.4f", n, tr, dv))
  let verdict = Swift.abs(tr - dv) < 0.05 ? "train ≈ dev (they differ by \(f4(Swift.abs(tr - dv)))): underfitting, not overfitting"
                                           : "train and dev differ by \(f4(Swift.abs(tr - dv)))"
  c.print(verdict)
  c.result("hidden 300 parameters", "\(net.parameterCount)")
  c.think("Train \(f4(tr)), dev \(f4(dv)). Would you now spend your compute on more steps, a bigger hidden layer, or bigger embeddings, and what would each change in the two numbers?",
          answer: "While train ≈ dev the model underfits, so anything that adds fitting power lowers both. More steps help until the loss flattens; a bigger hidden layer adds parameters but each character still squeezes into 2 numbers, which the lecture suspected was the bottleneck; bigger embeddings widen exactly that bottleneck (the next experiment). Once dev stops following train down, you have reached overfitting and capacity stops paying.")
  return net
}

nb.cell("Looking at the learned 2-D embeddings", """
  With two dimensions per character we can simply plot C. After enough training it is
  organised: in the lecture the vowels a, e, i, o, u sit together (they are interchangeable in
  many contexts), while rare or special characters like `q` and `.` are pushed away on their
  own. Nobody told the network what a vowel is; similar roles in the data produce similar
  vectors. Below, the plot of this run and two measurements of how organised it is.
  """) { c in
  let C = wide.value.C.detach()
  let xs = (0..<V).map { Double(C[at: $0, 0]) }, ys = (0..<V).map { Double(C[at: $0, 1]) }
  let plot = ScatterPlot(title: "character embeddings C (hidden 300, 2-D)", xLabel: "C[:, 0]", yLabel: "C[:, 1]",
                         xs: xs, ys: ys, labels: names.itos.map(String.init))
  c.figure(plot, name: "embeddings-2d", width: 72, height: 24)
  @MainActor func distance(_ i: Int, _ j: Int) -> Double {
    ((xs[i] - xs[j]) * (xs[i] - xs[j]) + (ys[i] - ys[j]) * (ys[i] - ys[j])).squareRoot()
  }
  let vowels = (["a", "e", "i", "o", "u"] as [Character]).compactMap { names.stoi[$0] }
  let letters = Array(1..<V)
  if vowels.count >= 2 && letters.count > vowels.count {
    var neighbours: [String] = []
    var vowelPairs = 0
    for v in vowels {
      let nearest = letters.filter { $0 != v }.min { distance(v, $0) < distance(v, $1) }!
      if vowels.contains(nearest) { vowelPairs += 1 }
      neighbours.append("\(names.itos[v])→\(names.itos[nearest])")
    }
    let chance = Double(vowels.count) * Double(vowels.count - 1) / Double(letters.count - 1)
    c.print("nearest letter of each vowel: " + neighbours.joined(separator: "  ")
            + String(format: "  (%d of %d are vowels; by chance about %d × %d/%d ≈ %.1f)", vowelPairs, vowels.count,
                     vowels.count, vowels.count - 1, letters.count - 1, chance))
    c.print(vowelPairs > Int(chance.rounded(.up)) ? "More vowel neighbours than chance: the embedding has grouped them."
            : "No more vowel neighbours than chance: this run has not trained long enough to group them (the lecture's long run does).")
  } else {
    c.print("(this names file has fewer than two of the vowels a e i o u, so there is no vowel cluster to look for)")
  }
  let centre = (xs.reduce(0, +) / Double(V), ys.reduce(0, +) / Double(V))
  @MainActor func fromCentre(_ i: Int) -> Double { ((xs[i] - centre.0) * (xs[i] - centre.0) + (ys[i] - centre.1) * (ys[i] - centre.1)).squareRoot() }
  let ranking = (0..<V).sorted { fromCentre($0) > fromCentre($1) }
  let rank = { (ch: Character) -> String in names.stoi[ch].map { "'\(ch)' is #\(ranking.firstIndex(of: $0)! + 1)" } ?? "no '\(ch)' in the data" }
  c.print("farthest from the centre: " + ranking.prefix(4).map { "'\(names.itos[$0])'" }.joined(separator: " ")
          + "  (\(rank(".")), \(rank("q")) of \(V))")
  c.trace(names.itos.enumerated().map { String(format: "%@ (%.2f, %.2f)", String($1), xs[$0], ys[$0]) }.joined(separator: "  "))
}

/// The final model and its training record.
struct Trained {
  let net: MLP
  let losses: [Float]     // the minibatch loss of every step
  let decay: Int          // the step where the learning rate drops (== losses.count: no drop)
}

let trained = nb.cell("Bigger embeddings: 10 dimensions, 200 hidden", """
  Now the lecture's final configuration: 10-D embeddings (3 × 10 = 30 inputs to the hidden
  layer), 200 hidden neurons: 11,897 parameters, drawn in the order C, W1, b1, W2, b2 from a
  generator seeded 2147483647. Every minibatch is drawn from **the same generator** with
  `randint`, so the whole run is determined by the seed, and the first steps can be checked
  against PyTorch number for number. Each step is the loop of the overfitting cell: forward,
  loss, zero the gradients, backward, update. The first loss is about 27.9: the randn init makes
  the logits huge (fixed in lecture 4, and in exercise E02 below).
  """) { c -> Trained in
  var g = TorchGenerator(seed: nb.seed)
  let net = MLP(embedding: embedding, hidden: hidden, blockSize: block, vocabulary: V, outScale: outScale, generator: &g)
  let (C, W1, b1, W2, b2) = (net.C, net.W1, net.b1, net.W2, net.b2)
  let n = Xtr.shape[0]
  c.mermaid("""
    flowchart LR
      X["context X<br/>(\(batch), \(block)) indices"] -->|"C[X]: C is \(V)×\(embedding)"| E["emb<br/>(\(batch), \(block), \(embedding))"]
      E -->|"view(-1, \(block * embedding))"| F["(\(batch), \(block * embedding))"]
      F -->|"@ W1 (\(block * embedding)×\(hidden)) + b1, tanh"| H["h<br/>(\(batch), \(hidden))"]
      H -->|"@ W2 (\(hidden)×\(V)) + b2"| L["logits<br/>(\(batch), \(V))"]
      L -->|"cross_entropy with Y (\(batch),)"| J["loss<br/>scalar"]
    """, terminalText: "X (\(batch), \(block)) → C[X] (\(batch), \(block), \(embedding)) → view (\(batch), \(block * embedding)) → tanh(@W1 + b1) (\(batch), \(hidden)) → @W2 + b2 (\(batch), \(V)) → cross_entropy → loss")
  c.worked("parameters", formula: "V·emb + (block·emb)·hidden + hidden + hidden·V + V",
           substituted: "\(V)·\(embedding) + \(block * embedding)·\(hidden) + \(hidden) + \(hidden)·\(V) + \(V)",
           result: "\(net.parameterCount)")
  let decay = nb.mode == .fast ? steps : steps / 2     // lr 0.1, then 0.01 for the second half
  c.print("schedule: \(steps) steps of batch \(batch), lr \(lr)" + (decay < steps ? " then \(lrLate) from step \(decay)" : ""))
  var losses: [Float] = []
  var recorded: [Int: Float] = [:]
  try c.timed("\(steps) training steps") {
    for i in c.steps(steps) {
      let ix = IntTensor.randint(low: 0, high: n, shape: [batch], generator: &g)          // minibatch
      if i == 0 { c.print("first minibatch rows:", ix.scalars.prefix(8).map(String.init).joined(separator: ", "), "…") }
      let emb = C[Xtr[ix]]                                                                 // forward
      let h = (emb.view(-1, block * embedding).matmul(W1) + b1).tanh()
      let logits = h.matmul(W2) + b2
      let loss = crossEntropy(logits, Ytr[ix])
      try Tensor.checkFinite(loss.item(), step: i, tensors: Array(zip(net.names, net.parameters)))
      for p in net.parameters { p.grad = nil }                                             // zero grad
      loss.backward()                                                                      // backward
      let rate = i < decay ? lr : lrLate
      for p in net.parameters { p.data.addInPlace(p.grad!, scale: -rate) }                 // update
      losses.append(loss.item())
      if Reference.trajectory[i] != nil { recorded[i] = loss.item() }
      if i % 10_000 == 0 && i > 0 { c.trace(String(format: "step %6d  loss %.4f", i, loss.item())) }
      if i % 200 == 0 { c.status("loss \(f4(loss.item()))") }
    }
  }
  let table = ReferenceTable(steps: Reference.trajectory.keys.sorted(), ours: recorded,
                             reference: isReference ? Reference.trajectory : nil)
  c.table(table.headers, table.rows)
  if isReference {
    c.note("""
      Same generator, same batches, same initial parameters: the first steps agree with PyTorch to
      float32 rounding. Then the runs drift apart. Our matrix products and sums add the same numbers in
      a different order than PyTorch's MKL, so results differ in the last bit; with the oversized randn
      init the early updates are huge and those one-bit differences are amplified step after step
      (two builds of our own engine with different GEMM blockings differ just as much by step 500).
      What stays the same is the statistics: the loss curve, its level, and the final losses.
      """)
  }
  c.timing("PyTorch: 48 s for 200,000 steps on one thread (240 µs per step)")
  c.result("step-0 loss", String(format: "%.4f", losses.first ?? .nan), headline: String(format: "%.2f", losses.first ?? .nan))
  c.result("parameters", "\(net.parameterCount)")
  return Trained(net: net, losses: losses, decay: decay)
}
var model: MLP { trained.value.net }

nb.cell("The loss curve (log10)", """
  Minibatch losses are noisy, so the lecture plots log10 of the loss: the early descent from
  27 squashes into a readable scale and the "thickness" of the band shows the noise of a
  32-example estimate. That noise hides slow changes, so the plot adds the mean of each window
  of steps (lecture 6 of the series does the same with `view(-1, 1000).mean(1)`): there the
  drop of the learning rate shows as a step down, as the parameters settle deeper into the
  valley instead of bouncing across it.
  """) { c in
  let log10s = trained.value.losses.map { Foundation.log10($0) }
  let decay = trained.value.decay
  let stride = Swift.max(1, log10s.count / 2000)
  let xs = Swift.stride(from: 0, to: log10s.count, by: stride).map(Double.init)
  let window = Swift.max(1, Swift.min(1000, log10s.count / 50))
  let means = Swift.stride(from: 0, to: log10s.count - window + 1, by: window).map { start in
    Double(log10s[start..<(start + window)].reduce(0, +)) / Double(window)
  }
  c.figure(LinePlot(title: "log10(minibatch loss) during training", xLabel: "step", yLabel: "log10 loss", series: [
    Series("log10 loss (every \(stride == 1 ? "" : "\(stride)th ")step)", xs: xs, ys: xs.map { Double(log10s[Int($0)]) }),
    Series("mean of each \(window) steps", xs: means.indices.map { Double($0 * window + window / 2) }, ys: means),
  ]), name: "mlp-loss-log10")
  if decay < log10s.count && decay >= window && decay + window <= log10s.count {
    @MainActor func mean(_ r: Range<Int>) -> Float { log10s[r].reduce(0, +) / Float(r.count) }
    let before = mean((decay - window)..<decay), after = mean(decay..<(decay + window))
    c.worked("the step at the decay", formula: "mean log10 loss of the \(window) steps after step \(decay) − the \(window) before",
             substituted: String(format: "%.4f − %.4f", after, before),
             result: String(format: "%.4f (loss ×%.3f)", after - before, Foundation.pow(10, after - before)))
  } else {
    c.print("This run keeps lr \(lr) throughout (--fast has no decay step), so there is no step to see: the standard and --full runs drop to \(lrLate) halfway.")
  }
}

let evaluation = nb.cell("Train and dev loss", """
  The numbers that matter: the loss over every training example and over the dev set the
  model never trained on. When dev is clearly above train, the model has begun to fit its
  training names better than names it has not seen: the start of **overfitting**, which the
  lecture reads in its own 2.1260 / 2.1701. (The notebook's minibatches were not drawn from the
  seeded generator, so those exact numbers cannot be reproduced; with every draw from the
  seeded generator, PyTorch 2.15 reaches 2.1220 / 2.1655 after the full 200,000 steps.)
  """) { c -> (train: Float, dev: Float) in
  let tr = splitLoss(Xtr, Ytr, logits: model.logits), dv = splitLoss(Xdev, Ydev, logits: model.logits)
  let n = trained.value.losses.count
  var rows = [["ours (\(n) steps)", f4(tr), f4(dv)]]
  if isReference { rows.append(["PyTorch, same seeds, 200,000 steps", f4(Reference.fullTrain), f4(Reference.fullDev)]) }
  rows.append(["the notebook (unseeded batches)", f4(Reference.notebookTrain), f4(Reference.notebookDev)])
  c.table(["run", "train", "dev"], rows)
  let gap = dv - tr
  c.worked("gap", formula: "dev − train", substituted: "\(f4(dv)) − \(f4(tr))", result: f4(gap))
  if gap > 0.02 {
    c.print("Dev is above train by \(f4(gap)): this run has begun to overfit, as the lecture's 2.1701 − 2.1260 = 0.0441 did.")
  } else {
    c.print("Dev is within \(f4(Swift.abs(gap))) of train: no sign of overfitting yet" + (n < 200_000 ? " in this shorter run (--full trains the lecture's 200,000 steps)." : "."))
  }
  if isReference && n == 200_000 {
    c.note("""
      Same schedule, same seeds, same batches: yet not the same digits. As the trajectory table showed,
      one-bit differences in float32 sums (our GEMM's order vs MKL's) are amplified until the two runs
      are different walks through the same valley. They end within a few thousandths of each other
      (≈ the noise between two seeds), which is as close as two float32 implementations can be expected
      to agree after 200,000 steps.
      """)
  } else if n < 200_000 {
    c.print("This run is shorter than the lecture's 200,000 steps, so both losses are higher: fewer updates.")
  }
  c.result("train loss", f4(tr), headline: String(format: "%.2f", tr))
  c.result("dev loss", f4(dv), headline: String(format: "%.2f", dv))
  return (tr, dv)
}

nb.cell("One context through the trained network", """
  What does the network compute for one example? Take the first context of the first name
  that has no padding ("emm" in "emma") and follow it: three rows of C, concatenated, through
  the hidden layer, to 27 logits, a softmax, the probability of the true next character, and
  its loss −log p. The loss of the whole data set is the mean of this last number over every
  example.
  """) { c in
  let (ctx, tgt) = names.contextExamples(names.words, blockSize: block)
  let i = (0..<tgt.count).first { k in !ctx[(k * block)..<((k + 1) * block)].contains(0) } ?? 0
  let context = Array(ctx[(i * block)..<((i + 1) * block)]), target = tgt[i]
  Tensor.withNoGrad {
    let x = IntTensor([context])
    let emb = model.C[x]                                          // (1, block, embedding)
    for (k, ix) in context.enumerated() {
      c.print("C['\(names.itos[ix])'] =", torchList(Array(emb[0][k].scalars.prefix(10))) + (embedding > 10 ? " …" : ""))
    }
    let flat = emb.view(1, block * embedding)
    let pre = flat.matmul(model.W1) + model.b1
    let h = pre.tanh()
    c.print("concatenated: (1, \(block * embedding));  h = tanh(x @ W1 + b1): (1, \(hidden)), first values", torchList(Array(h.scalars.prefix(6))))
    c.print("\(h.scalars.filter { Swift.abs($0) > 0.99 }.count) of \(hidden) hidden units are saturated (|h| > 0.99)")
    let logits = h.matmul(model.W2) + model.b2
    let l = logits.scalars
    let top = l.indices.sorted { l[$0] > l[$1] }.prefix(5)
    c.print("logits: (1, \(V)); largest:", top.map { "'\(names.itos[$0])' \(f4(l[$0]))" }.joined(separator: ", "))
    let m = l.max()!
    let z = l.map { Foundation.exp(Double($0 - m)) }.reduce(0, +)
    let p = logits.softmax(dim: 1).scalars[target]
    c.worked("p('\(names.itos[target])' | '\(names.decode(context))')", formula: "exp(logit['\(names.itos[target])'] − max) / Σⱼ exp(logitⱼ − max)",
             substituted: String(format: "exp(%.4f − %.4f) / %.4f = %.4f / %.4f", l[target], m, z, Foundation.exp(Double(l[target] - m)), z),
             result: String(format: "%.4f", p))
    c.worked("loss of this example", formula: "−ln p", substituted: String(format: "−ln %.4f", p), result: String(format: "%.4f", -Foundation.log(p)))
    let rank = l.indices.filter { l[$0] > l[target] }.count + 1
    c.print("'\(names.itos[target])' is the network's choice #\(rank) of \(V) after '\(names.decode(context))'")
  }
}

nb.cell("Sampling 20 names", """
  Sampling is lecture 2's loop with a longer memory: keep the last three characters, run the
  network, draw the next character from the softmax with `multinomial`, slide the window.
  The generator is seeded with the lecture's seed + 10, as in the notebook. How name-like the
  result is depends on how far training got; the counts below tell.
  """) { c in
  var g = TorchGenerator(seed: nb.seed + 10)
  var samples: [String] = []
  for _ in 0..<20 {
    var context = [Int](repeating: 0, count: block)
    var out = ""
    while true {
      let logits = Tensor.withNoGrad { model.logits(IntTensor([context])) }   // (1, 27)
      let probs = logits.softmax(dim: 1)
      let ix = g.multinomial(probs.scalars, numSamples: 1)[0]
      context = Array(context.dropFirst()) + [ix]
      out.append(names.itos[ix])
      if ix == 0 || out.count > 60 { break }
    }
    samples.append(out)
  }
  for s in samples { c.print(s) }
  let known = Set(names.words)
  let real = samples.filter { known.contains(String($0.dropLast())) }.count
  let meanLength = Double(samples.map { $0.count - 1 }.reduce(0, +)) / 20
  c.print(String(format: "%d of 20 are names from names.txt, %d are new; mean length %.1f letters (the data's: %.1f)", real, 20 - real, meanLength,
                 Double(names.words.map(\.count).reduce(0, +)) / Double(names.words.count)))
  c.print("dev loss of this model: \(f4(splitLoss(Xdev, Ydev, logits: model.logits))) (the bigram model's is about 2.45; uniform guessing ln \(V) = \(f4(Foundation.log(Float(V)))))")
  c.result("samples", samples.prefix(5).joined(separator: " "))
  c.think("The model can only see three characters back. What kind of mistake in a long name does that make likely?",
          answer: "Anything that needs memory of more than three characters: a name that forgets how it began (a long name that restarts a syllable pattern, repeats `ana`/`ele` loops, or ends without a plausible ending because the start is out of view). Within three characters it can keep spelling locally plausible; length and overall shape are beyond it.")
}

nb.cell("Temperature and top-k", """
  Two knobs change *how* we sample without retraining. **Temperature** T divides the logits
  before the softmax: T < 1 sharpens the distribution (the likely characters become likelier),
  T > 1 flattens it toward uniform (more surprising and more broken names); T = 1 is the model
  itself. **Top-k** keeps only the k most likely characters and renormalises: the long tail of
  unlikely characters is cut off. Below, 6 names per setting from the same generator seed, plus
  statistics over 200.
  """) { c in
  let known = Set(names.words)
  var rows: [[String]] = []
  var stats: [[String]] = []
  var real: [String: Int] = [:]
  for (t, k) in [(Float(0.5), Int?.none), (1.0, nil), (2.0, nil), (0.5, 5), (1.0, 5), (2.0, 5)] {
    @MainActor func probabilities(_ context: [Int]) -> [Float] {
      var logits = Tensor.withNoGrad { model.logits(IntTensor([context])) } / t     // temperature
      if let k = k.map({ Swift.min($0, V) }) {                                       // top-k: drop all but the k largest
        let kth = logits.topk(k, dim: 1).values.scalars.last!
        logits = logits.maskedFill(logits.lt(kth), -Float.infinity)
      }
      return logits.softmax(dim: 1).scalars
    }
    var g = TorchGenerator(seed: nb.seed + 10)
    let shown = (0..<6).map { _ in NameSampler.contextName(&g, blockSize: block, itos: names.itos, probabilities: probabilities) }
    let more = (0..<200).map { _ in NameSampler.contextName(&g, blockSize: block, itos: names.itos, probabilities: probabilities) }
    let label = String(format: "T = %.1f", t) + (k.map { ", top-\($0)" } ?? "")
    rows.append([label, shown.joined(separator: " ")])
    let meanLength = Double(more.map { $0.count - 1 }.reduce(0, +)) / Double(more.count)
    let inFile = more.filter { known.contains(String($0.dropLast())) }.count
    real[label] = inFile
    stats.append([label, String(format: "%.1f", meanLength), "\(inFile)", "\(Set(more).count)"])
  }
  c.table(["setting", "names"], rows)
  c.table(["setting", "mean length", "real names (of 200)", "distinct (of 200)"], stats)
  let cold = real["T = 0.5"]!, plain = real["T = 1.0"]!
  c.print(cold > plain ? "Here T = 0.5 gives more real names than T = 1 (\(cold) vs \(plain)): sharpening favours the common spellings."
          : "Here T = 0.5 gives no more real names than T = 1 (\(cold) vs \(plain)): sharpening repeats the model's own favourite patterns (see the distinct column), and those need not be names from the file.")
  c.why("Low temperature sends most probability to the top choice, so the samples repeat whatever the model rates highest, and the 'distinct' column drops; high temperature gives rare characters real chances, so names get longer and stranger. Top-k removes the tail whatever the temperature, which is why T = 2 with top-5 stays more readable than T = 2 alone.")
}

// MARK: - Exercises

/// Trains an MLP like the final cell (same loop, lr `lr` then `lrLate` from half-way), optionally
/// with Bengio et al.'s direct connections from the concatenated embeddings to the logits, and
/// returns it with its dev loss. Used by the exercises, whose point is the comparison.
@MainActor func trainVariant(_ c: Cell, embedding e: Int, hidden hid: Int, outScale: Float = 1, direct: Bool = false,
                  steps n: Int, label: String) throws -> Float {
  var g = TorchGenerator(seed: nb.seed)
  let net = MLP(embedding: e, hidden: hid, blockSize: block, vocabulary: V, outScale: outScale, generator: &g)
  let W3 = Tensor.zeros([block * e, V]).requiringGrad()          // direct input → output weights (E03)
  let parameters = net.parameters + (direct ? [W3] : [])
  func logits(_ X: IntTensor) -> Tensor {
    let x = net.C[X].view(-1, block * e)
    let out = (x.matmul(net.W1) + net.b1).tanh().matmul(net.W2) + net.b2
    return direct ? out + x.matmul(W3) : out
  }
  for i in c.steps(n, label) {
    let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [batch], generator: &g)
    let loss = crossEntropy(logits(Xtr[ix]), Ytr[ix])
    try Tensor.checkFinite(loss.item(), step: i, tensors: Array(zip(net.names + ["W3"], parameters)))
    for p in parameters { p.grad = nil }
    loss.backward()
    for p in parameters { p.data.addInPlace(p.grad!, scale: i < n / 2 ? -lr : -lrLate) }
    if i % 500 == 0 { c.status("loss \(f4(loss.item()))") }
  }
  return splitLoss(Xdev, Ydev, logits: logits)
}

nb.exercise("E01: beat a dev loss of 2.2", """
  *E01.* Tune the hyperparameters to beat the video's dev loss of 2.2 (and this run's own).
  The configuration below was found with the knobs (`--set embedding=12 --set hidden=300 --set
  out_scale=0.01` trains it as the final model): wider embeddings and hidden layer, and E02's
  init so that no steps are wasted undoing the huge first logits. `--full` trains it for the
  lecture's 200,000 steps; shorter runs train it for fewer and say so.
  """) { c in
  let n = nb.byMode(standard: 10_000, fast: 300, full: 200_000)
  let result = try trainVariant(c, embedding: 12, hidden: 300, outScale: 0.01, steps: n, label: "E01")
  let ours = evaluation.value.dev
  c.table(["run", "steps", "dev"], [
    ["this run's final model", "\(trained.value.losses.count)", f4(ours)],
    ["E01: embedding 12, hidden 300, out_scale 0.01", "\(n)", f4(result)],
  ])
  let beats2_2 = result < 2.2, beatsOurs = result < ours
  c.note("""
    Dev \(f4(result)): \(beats2_2 ? "below" : "not below") the video's 2.2, and \(beatsOurs ? "below" : "not below") this run's final model's \(f4(ours)).
    \(n < 200_000 ? "This run trained it for \(n) steps only; `--full` trains the 200,000 steps the solution is meant for." : "")
    Why it helps: 12 numbers per character give the hidden layer more to work with (2 were too few,
    10 still limit), 300 hidden units add capacity while train ≈ dev says the model underfits, and
    starting near ln 27 instead of 27.9 spends the first thousands of steps learning instead of
    shrinking W2.
    """)
  c.result("E01 dev loss (\(n) steps)", f4(result))
}

nb.exercise("E02: the loss of a uniform prediction, and an init that starts there", """
  *E02.* (1) What loss would a network get that predicts every character with the same
  probability? (2) The lecture's first loss is far higher: tune the initialisation so the
  network starts near (1).
  """) { c in
  c.worked("uniform loss", formula: "−ln(1/V)", substituted: "−ln(1/\(V)) = ln \(V)", result: f4(Foundation.log(Float(V))))
  var rows: [[String]] = []
  for scale in [Float(1), 0.1, 0.01, 0] {
    var g = TorchGenerator(seed: nb.seed)
    let net = MLP(embedding: embedding, hidden: hidden, blockSize: block, vocabulary: V, outScale: scale, generator: &g)
    rows.append(["W2, b2 × \(scale)", f4(splitLoss(Xdev, Ydev, logits: net.logits))])
  }
  c.table(["initialisation", "loss on the dev split before any step"], rows)
  c.note("""
    The logits are h @ W2 + b2 with ±1 activations times standard-normal weights: sums of \(hidden)
    terms whose spread is about √\(hidden) ≈ \(String(format: "%.0f", Double(hidden).squareRoot())). The softmax of such
    logits is nearly one-hot on an arbitrary character, and the loss is large whenever that is
    wrong. Scaling W2 and b2 down makes every logit near 0, every probability near 1/\(V), and the
    first loss near ln \(V): the table shows it, and `--set out_scale=0.01` trains the final model
    from that start. (Scaling to exactly 0 also gives ln \(V), but then W2 starts symmetric; lecture 4
    keeps a little randomness.)
    """)
}

nb.exercise("E03: an idea from Bengio et al. (2003), direct connections", """
  *E03.* Bengio et al. also feed the concatenated embeddings *directly* to the output layer,
  beside the hidden layer: logits = tanh(x W1 + b1) W2 + b2 + x W3. Does it help here? Two
  models from the same seed and the same minibatches, one with W3 (started at zero), trained for
  the same number of steps and compared on dev.
  """) { c in
  let n = nb.byMode(standard: 5_000, fast: 300, full: 30_000)
  let plain = try trainVariant(c, embedding: embedding, hidden: hidden, steps: n, label: "E03 without W3")
  let direct = try trainVariant(c, embedding: embedding, hidden: hidden, direct: true, steps: n, label: "E03 with W3")
  c.table(["model (\(n) steps)", "parameters", "dev"], [
    ["lecture's MLP", "\(model.parameterCount)", f4(plain)],
    ["+ direct connections W3 (\(block * embedding)×\(V))", "\(model.parameterCount + block * embedding * V)", f4(direct)],
  ])
  let d = direct - plain
  c.note("""
    With direct connections the dev loss \(d < 0 ? "drops" : "rises") by \(f4(Swift.abs(d))) after \(n) steps
    (\(f4(plain)) → \(f4(direct))). \(Swift.abs(d) < 0.01 ? "That is within the noise between two seeds: no clear effect." : d < 0 ? "The linear path lets the output see the raw embeddings, which helps most early, while the hidden layer is still saturated." : "The extra path adds parameters and a second route for the huge early gradients; with this init it does not pay.")
    Bengio et al. reported that direct connections sped up training but did not improve the final
    result much; try `--full` for a longer comparison.
    """)
}

nb.run()
