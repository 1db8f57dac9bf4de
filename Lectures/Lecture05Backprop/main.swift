// Lecture 5: makemore part 4, becoming a backprop ninja. The MLP with BatchNorm of lecture 4,
// its forward pass cut into atomic steps, and every one of those steps differentiated by hand:
// 26 gradients checked against autograd, two of them fused into one expression each, and finally
// the network trained with the hand-written backward pass and no autograd graph at all.
//
// Read top to bottom like the notebook: every `nb.cell` is one step of the lecture.
import Foundation
import ZeroToHero

let nb = Notebook(.backprop)

/// PyTorch's default seed in a fresh process (`torch.initial_seed()`): the notebook draws bngain and
/// bnbias from the global generator, whose state depends on what the session ran before. A fresh
/// process would draw them from this seed, so we do.
let globalSeed: UInt64 = 67280421310721

/// The network of the lecture: an embedding table C, a linear layer (W1, b1), BatchNorm with gain
/// and bias, tanh, and an output layer (W2, b2). C, W1, b1, W2, b2 come from the lecture's
/// generator `g` in that order with lecture 4's scalings; bngain and bnbias from a second generator
/// (`bn`) standing for PyTorch's global one. Nothing here requires a gradient: the cells decide.
struct Parameters {
  let C, W1, b1, W2, b2, bngain, bnbias: Tensor
  var all: [Tensor] { [C, W1, b1, W2, b2, bngain, bnbias] }
  static let names = ["C", "W1", "b1", "W2", "b2", "bngain", "bnbias"]
  var count: Int { all.reduce(0) { $0 + $1.count } }

  init(embedding e: Int, hidden: Int, block: Int, vocabulary V: Int, g: inout TorchGenerator, bn: inout TorchGenerator) {
    C = Tensor.randn([V, e], generator: &g)
    W1 = Tensor.randn([block * e, hidden], generator: &g) * Float(5.0 / 3.0) / Float(Double(block * e).squareRoot())
    b1 = Tensor.randn([hidden], generator: &g) * 0.1      // useless because of BN, kept "just for fun"
    W2 = Tensor.randn([hidden, V], generator: &g) * 0.1
    b2 = Tensor.randn([V], generator: &g) * 0.1
    bngain = Tensor.randn([1, hidden], generator: &bn) * 0.1 + 1.0
    bnbias = Tensor.randn([1, hidden], generator: &bn) * 0.1
  }
  private init(_ t: [Tensor]) { (C, W1, b1, W2, b2, bngain, bnbias) = (t[0], t[1], t[2], t[3], t[4], t[5], t[6]) }

  /// Independent copies (`requiresGrad` as asked): the autograd twin of exercise 4.
  func copy(requiringGrad: Bool) -> Parameters {
    Parameters(all.map { Tensor($0.scalars, shape: $0.shape).requiringGrad(requiringGrad) })
  }

  /// The compact forward pass of exercise 4 (mean, unbiased variance, `F.cross_entropy`): what the
  /// autograd twin trains with and what the finite-difference check evaluates.
  func loss(_ Xb: IntTensor, _ Yb: IntTensor) -> Tensor {
    let embcat = C[Xb].view(Xb.shape[0], -1)
    let hprebn = embcat.matmul(W1) + b1
    let bnraw = (hprebn - hprebn.mean(dim: 0, keepdim: true)) * (hprebn.variance(dim: 0, unbiased: true, keepdim: true) + 1e-5).pow(-0.5)
    let h = (bngain * bnraw + bnbias).tanh()
    return crossEntropy(h.matmul(W2) + b2, Yb)
  }

  /// Logits with BatchNorm in inference mode: a fixed mean and variance (the calibration's).
  func logits(_ X: IntTensor, mean: Tensor, variance: Tensor) -> Tensor {
    let hpreact = C[X].view(X.shape[0], -1).matmul(W1) + b1
    let h = (bngain * (hpreact - mean) * (variance + 1e-5).pow(-0.5) + bnbias).tanh()
    return h.matmul(W2) + b2
  }
}

/// The lecture's `cmp`: is our gradient `dt` exactly autograd's `t.grad`, approximately
/// (`allclose`), and the largest difference. Unlike PyTorch's `==`, shapes must agree: a gradient
/// must have its variable's shape (see the keepdim trap).
func cmp(_ name: String, _ dt: Tensor, _ t: Tensor) -> [String] {
  guard let grad = t.grad else { return [name, "no grad", "", ""] }
  guard dt.shape == grad.shape else {
    return [name, "shape \(shapeText(dt.shape)) ≠ \(shapeText(grad.shape))", "", ""]
  }
  let exact = Tensor.equal(dt, grad), close = Tensor.allClose(dt, grad)
  return [name, "\(exact)", "\(close)", "\(Double(Tensor.maxAbsDifference(dt, grad)))"]
}

/// One hand-written gradient, the variable it belongs to (whose `.grad` autograd filled), the
/// upstream gradient it was computed from, and the local derivative in words (`--verbose`).
struct Grad {
  let name: String
  let grad: Tensor
  let variable: Tensor
  let upstream: Tensor
  let local: String
  init(_ name: String, _ grad: Tensor, _ variable: Tensor, from upstream: Tensor, _ local: String) {
    (self.name, self.grad, self.variable, self.upstream, self.local) = (name, grad, variable, upstream, local)
  }
}

// MARK: - Knobs (`--set name=value`; `--help` lists them)

let batch = nb.knob("batch", 32, "minibatch size (exercises 1–4)", in: 2...4096)
let hidden4 = nb.knob("hidden", 200, "hidden units of the exercise-4 network", in: 1...4096)
let steps = nb.knob("steps", standard: 30_000, fast: 300, full: 200_000, "training steps of exercise 4", in: 10...10_000_000)

// MARK: - Cells

nb.cell("Why you should care: backprop is a leaky abstraction", """
  `loss.backward()` computes every gradient for us, so why learn to do it by hand? Because the
  abstraction leaks: a network does not learn just because its gradients exist. A tanh unit
  pushed to ±1 passes back almost nothing (its local derivative is 1 − tanh²), a dead ReLU passes
  nothing, a badly scaled layer makes gradients explode or vanish, and a "clever" trick such as
  clipping the *loss* instead of the gradient silently sets the gradient of exactly the examples
  you most need to learn from to zero. You only see these when you know what backward does.
  Below, autograd itself shows two of them: how the gradient through tanh dies as the input
  grows, and what a clipped loss does to the gradient of an outlier.
  """) { c in
  let x = Tensor([0.5, 2, 4, 8]).requiringGrad()
  x.tanh().sum().backward()
  c.table(["x", "tanh(x)", "gradient 1 − tanh²(x)"], (0..<4).map { i in
    [String(format: "%.1f", x.scalars[i]), String(format: "%.6f", Foundation.tanh(x.scalars[i])), String(format: "%.6g", x.grad!.scalars[i])]
  })
  // Per-example losses of a batch of 4; the last one is an outlier the model gets very wrong.
  let losses = Tensor([0.3, 0.8, 1.2, 9.0]).requiringGrad()
  losses.clamp(max: 2).mean().backward()
  c.print("per-example losses [0.3, 0.8, 1.2, 9.0], loss = clamp(max: 2).mean():")
  c.print("  gradients", torchList(losses.grad!.scalars), "← the outlier, the example with the most to learn, gets 0")
  c.think("A unit with pre-activation 8 has a tanh gradient of about 5e-7. What happens to the weights feeding it?",
          answer: "Almost nothing: every gradient that reaches those weights passes through this unit's local derivative, \(String(format: "%.2g", x.grad!.scalars[3])), so they hardly move whatever the loss says. The unit is stuck, and nothing in `loss.backward()` warns you; lecture 4's initialisation and BatchNorm exist to keep units out of this region.")
}

/// The training split (block size 3) and the vocabulary.
struct Data {
  let names: Names
  let Xtr, Ytr, Xdev, Ydev: IntTensor
}

let data = nb.cell("The data, as in lectures 3 and 4", """
  Nothing changes from the last two lectures: the 32,033 names shuffled with Python's
  `random.seed(42)`, split 80/10/10, each name cut into (3-character context → next character)
  examples.
  """) { c -> Data in
  let names = try Names(text: nb.readText("names.txt"))
  let (train, dev, _) = try names.requireSplits(for: "lecture 5 (training and evaluating exercise 4)")
  let (Xtr, Ytr) = names.contextTensors(train, blockSize: 3)
  let (Xdev, Ydev) = names.contextTensors(dev, blockSize: 3)
  c.print("vocabulary \(names.vocabularySize); train \(shapeText(Xtr.shape)), dev \(shapeText(Xdev.shape)); first shuffled names:",
          train.prefix(5).joined(separator: ", "))
  return Data(names: names, Xtr: Xtr, Ytr: Ytr, Xdev: Xdev, Ydev: Ydev)
}
var names: Names { data.value.names }
var V: Int { names.vocabularySize }
var Xtr: IntTensor { data.value.Xtr }
var Ytr: IntTensor { data.value.Ytr }
/// PyTorch's numbers apply: lecture seed, knobs at the lecture's values, the lecture's names.txt.
var isReference: Bool { nb.usesLectureSettings && names.isLectureFile }

/// Every intermediate of the chunked forward pass, kept so that each can be compared with its
/// gradient (autograd fills `.grad` of each because of `retainGrad`).
struct Forward {
  let p: Parameters
  let Xb, Yb: IntTensor
  let emb, embcat, hprebn, bnmeani, bndiff, bndiff2, bnvar, bnvar_inv, bnraw, hpreact, h, logits,
      logit_maxes, norm_logits, counts, counts_sum, counts_sum_inv, probs, logprobs, loss: Tensor
  var n: Int { Xb.shape[0] }
}

let forward = nb.cell("The network, spelled out one atomic operation at a time", """
  Lecture 4's network with **n_hidden = 64** so that everything stays small: embeddings of 10
  numbers, W1 scaled by (5/3)/√30 (Kaiming for tanh), b1, W2 and b2 scaled by 0.1, and a BatchNorm
  layer whose gain and bias start near 1 and 0. The lecture initialises some of these in unusual
  ways on purpose: an all-zero tensor could hide a wrong backward formula.

  The forward pass is cut into the smallest steps we can differentiate one at a time, and every
  intermediate is kept: the mean of the batch, the deviations, their squares, the variance with
  Bessel's correction (÷ (n − 1)), its inverse square root, the normalised activations, the
  cross-entropy written out as max, subtract, exp, sum, reciprocal (`.pow(-1)`, which keeps autograd's
  arithmetic identical to ours), multiply, log, pick and mean. Autograd is told to keep the
  gradient of every intermediate (`retainGrad`), and `loss.backward()` fills them: the answers we
  will check our hand-written ones against.
  """) { c -> Forward in
  var g = TorchGenerator(seed: nb.seed)
  var bn = TorchGenerator(seed: globalSeed)
  let p = Parameters(embedding: 10, hidden: 64, block: 3, vocabulary: V, g: &g, bn: &bn)
  for t in p.all { t.requiresGrad = true }
  c.table(["parameter", "shape", "init", "count"], zip(Parameters.names, p.all).map { name, t in
    let recipe = ["C": "randn", "W1": "randn · (5/3)/√30", "b1": "randn · 0.1", "W2": "randn · 0.1", "b2": "randn · 0.1",
                "bngain": "randn · 0.1 + 1 (global generator)", "bnbias": "randn · 0.1 (global generator)"][name]!
    return [name, shapeText(t.shape), recipe, "\(t.count)"]
  })
  c.result("parameters (n_hidden 64)", "\(p.count)")

  let n = batch                                              // a shorter name, as in the notebook
  let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [n], generator: &g)
  let Xb = Xtr[ix], Yb = Ytr[ix]                             // the one minibatch of exercises 1–3

  let emb = p.C[Xb]                                          // (n, 3, 10) embed the characters
  let embcat = emb.view(emb.shape[0], -1)                    // (n, 30) concatenate
  let hprebn = embcat.matmul(p.W1) + p.b1                    // (n, 64) linear layer 1
  let bnmeani = Float(1.0 / Double(n)) * hprebn.sum(dim: 0, keepdim: true)          // BatchNorm: mean
  let bndiff = hprebn - bnmeani
  let bndiff2 = bndiff.pow(2)
  let bnvar = Float(1.0 / Double(n - 1)) * bndiff2.sum(dim: 0, keepdim: true)      // Bessel: ÷ (n − 1)
  let bnvar_inv = (bnvar + 1e-5).pow(-0.5)
  let bnraw = bndiff * bnvar_inv
  let hpreact = p.bngain * bnraw + p.bnbias
  let h = hpreact.tanh()                                     // non-linearity
  let logits = h.matmul(p.W2) + p.b2                         // (n, 27) output layer
  let logit_maxes = logits.max(dim: 1, keepdim: true).values // cross-entropy, written out
  let norm_logits = logits - logit_maxes                     // subtract the max: numerical safety
  let counts = norm_logits.exp()
  let counts_sum = counts.sum(dim: 1, keepdim: true)
  let counts_sum_inv = counts_sum.pow(-1)
  let probs = counts * counts_sum_inv
  let logprobs = probs.log()
  let loss = -logprobs[IntTensor.arange(n), Yb].mean()

  for t in [logprobs, probs, counts, counts_sum, counts_sum_inv, norm_logits, logit_maxes, logits, h, hpreact, bnraw,
            bnvar_inv, bnvar, bndiff2, bndiff, hprebn, bnmeani, embcat, emb] { t.retainGrad() }
  loss.backward()                                            // autograd's answers, for comparison

  c.print("loss =", Double(loss.item()))
  let fused = Tensor.withNoGrad { crossEntropy(logits, Yb).item() }          // the same loss, computed in one call
  if isReference {
    c.compare("F.cross_entropy(logits, Yb), bngain and bnbias drawn from seed \(globalSeed)", ours: "\(Double(fused))",
              reference: "3.3345839977264404", source: "PyTorch, fresh process")
    c.note("""
      The reference matches the fused loss bit for bit; the chunked loss is one float32 step \
      (\(Double(fused - loss.item()))) below it, the same gap as the notebook's 2.384185791015625e-07 \
      between its two. The notebook itself prints 3.3377: its bngain and bnbias came from PyTorch's \
      global generator in whatever state the session had left it, which no one can reproduce. A \
      fresh process starts that generator at \(globalSeed); we draw them from there.
      """)
  }
  for (name, t) in [("emb", emb), ("embcat", embcat), ("hprebn", hprebn), ("bnmeani", bnmeani), ("bnvar", bnvar),
                    ("h", h), ("logits", logits), ("logit_maxes", logit_maxes), ("counts_sum", counts_sum), ("probs", probs)] {
    c.shape(name, t.shape)
  }
  c.result("loss of the first batch", "\(Double(loss.item()))", headline: f4(loss.item()))
  c.think("Why does the lecture write 1/n·sum and a reciprocal `.pow(-1)` instead of mean() and a division?",
          answer: "So that every step is one of the few operations we will differentiate by hand (a sum, a product, a power), and so that our formulas repeat autograd's arithmetic operation for operation: then the comparison can be exact, not just close. A division `1.0/counts_sum` is differentiated by autograd as a division, in a different order of roundings.")
  return Forward(p: p, Xb: Xb, Yb: Yb, emb: emb, embcat: embcat, hprebn: hprebn, bnmeani: bnmeani, bndiff: bndiff,
                 bndiff2: bndiff2, bnvar: bnvar, bnvar_inv: bnvar_inv, bnraw: bnraw, hpreact: hpreact, h: h,
                 logits: logits, logit_maxes: logit_maxes, norm_logits: norm_logits, counts: counts, counts_sum: counts_sum,
                 counts_sum_inv: counts_sum_inv, probs: probs, logprobs: logprobs, loss: loss)
}
var f: Forward { forward.value }

/// What exercise 1 (a) hands to (b).
struct LossGradients { let list: [Grad]; let dlogits: Tensor }

let ex1a = nb.cell("Exercise 1 (a): backward through the cross-entropy, one operation at a time", """
  We walk the forward pass backwards. Each line multiplies the gradient arriving from above (the
  *upstream* gradient) by the *local* derivative of one operation: the chain rule. Two rules do
  most of the work: a gradient always has the shape of its variable, and **a variable used many
  times receives the sum of its gradients** (so a broadcast in the forward pass becomes a sum in
  the backward pass, and a sum becomes a broadcast).

  - `loss = −mean(logprobs[i, Yb[i]])` picks n entries and averages them: each picked entry gets −1/n, the other 26·n entries do not affect the loss at all (0).
  - `logprobs = log(probs)`: d log p/dp = 1/p. Where the net gave the right answer a low probability, the gradient is boosted.
  - `probs = counts * counts_sum_inv` broadcasts the (n, 1) column over 27 columns. For `counts_sum_inv` the local derivative is `counts`, summed along the row (used 27 times); for `counts` it is `counts_sum_inv` (the first of its two contributions).
  - `counts_sum_inv = counts_sum.pow(-1)`: d x⁻¹/dx = −x⁻².
  - `counts_sum = counts.sum(1)`: a sum hands its gradient to every term unchanged, so each count gets `dcounts_sum` broadcast along the row: the second contribution, added with `+=`.
  - `counts = exp(norm_logits)`: d eˣ/dx = eˣ, which is `counts` itself.
  - `norm_logits = logits − logit_maxes`: +1 for `logits`, −1 for the maxes, summed over the row.
  - `logit_maxes = logits.max(1)`: the max passes its gradient to the one element that was the maximum (one-hot at the argmax), the second contribution to `dlogits`. It is ~0 here: the max is subtracted only for numerical safety and cannot change the loss.
  """) { c -> LossGradients in
  let n = f.n
  let (logprobs, probs, counts, counts_sum, counts_sum_inv, logits) = (f.logprobs.detach(), f.probs.detach(), f.counts.detach(),
                                                                      f.counts_sum.detach(), f.counts_sum_inv.detach(), f.logits.detach())
  let dlogprobs = Tensor.zeros(like: logprobs)
  dlogprobs[IntTensor.arange(n), f.Yb] = Tensor.full([n], -1 / Float(n))    // −1/n at each target
  let dprobs = (1 / probs) * dlogprobs                                        // d log p / dp = 1/p
  let dcounts_sum_inv = (counts * dprobs).sum(dim: 1, keepdim: true)          // broadcast → sum over the row
  var dcounts = counts_sum_inv * dprobs                                       // first use of counts
  let dcounts_sum = (-counts_sum.pow(-2)) * dcounts_sum_inv                   // d x⁻¹/dx = −x⁻²
  dcounts += Tensor.ones(like: counts) * dcounts_sum                          // second use: through the sum
  let dnorm_logits = counts * dcounts                                         // d eˣ/dx = eˣ
  var dlogits = dnorm_logits.contiguous() + 0                                 // a copy (clone): first use of logits
  let dlogit_maxes = (-dnorm_logits).sum(dim: 1, keepdim: true)               // −1, summed over the row
  dlogits += oneHot(logits.max(dim: 1).indices, numClasses: logits.shape[1]) * dlogit_maxes   // max routes to the argmax

  let list = [
    Grad("logprobs", dlogprobs, f.logprobs, from: f.loss.detach(), "∂(−mean of picked)/∂logprobs = −1/n at (i, Yb[i]), 0 elsewhere"),
    Grad("probs", dprobs, f.probs, from: dlogprobs, "∂log p/∂p = 1/p, element-wise"),
    Grad("counts_sum_inv", dcounts_sum_inv, f.counts_sum_inv, from: dprobs, "∂(counts·inv)/∂inv = counts; inv was broadcast over 27 columns → sum(1, keepdim)"),
    Grad("counts_sum", dcounts_sum, f.counts_sum, from: dcounts_sum_inv, "∂x⁻¹/∂x = −x⁻²"),
    Grad("counts", dcounts, f.counts, from: dprobs, "counts_sum_inv (via probs) + dcounts_sum broadcast back over the row (via the sum)"),
    Grad("norm_logits", dnorm_logits, f.norm_logits, from: dcounts, "∂eˣ/∂x = eˣ = counts"),
    Grad("logit_maxes", dlogit_maxes, f.logit_maxes, from: dnorm_logits, "∂(l − m)/∂m = −1; m was broadcast → sum(1, keepdim)"),
    Grad("logits", dlogits, f.logits, from: dnorm_logits, "1 (via norm_logits) + one-hot at the row's argmax × dlogit_maxes"),
  ]
  c.print("8 gradients written: dlogprobs … dlogits. dlogit_maxes is at most", Double(dlogit_maxes.abs().max().item()), "in absolute value (≈ 0, as it should be).")
  return LossGradients(list: list, dlogits: dlogits)
}

/// What exercise 1 (b) hands to (c).
struct HiddenGradients { let list: [Grad]; let dhpreact, dhprebn: Tensor }

let ex1b = nb.cell("Exercise 1 (b): the second layer, tanh and BatchNorm", """
  - `logits = h @ W2 + b2`: the gradient of a matrix product is again a matrix product, and the shapes tell you which: dh must be (n, 64), so `dlogits (n, 27) @ W2.T (27, 64)`; dW2 must be (64, 27), so `h.T (64, n) @ dlogits (n, 27)`. b2 (27) was broadcast over the n rows: sum over dim 0.
  - `h = tanh(hpreact)`: d tanh/dx = 1 − tanh² = 1 − h², written with the output we already have.
  - `hpreact = bngain * bnraw + bnbias`: bngain and bnbias (1, 64) are broadcast over n rows, so their gradients are sums over dim 0 **with keepdim** to keep their (1, 64) shape.
  - `bnraw = bndiff * bnvar_inv`: bndiff gets `bnvar_inv` (its first use), bnvar_inv (1, 64) gets `bndiff`, summed over the batch.
  - `bnvar_inv = (bnvar + 1e-5).pow(-0.5)`: the power rule, −0.5·(bnvar + 1e-5)^−1.5.
  - `bnvar = 1/(n−1) · bndiff2.sum(0)`: the sum hands the gradient to every row, times 1/(n−1).
  - `bndiff2 = bndiff.pow(2)`: 2·bndiff, the second contribution to `dbndiff`.
  - `bndiff = hprebn − bnmeani`: +1 for hprebn; −1 for bnmeani, which was broadcast → sum(0).
  - `bnmeani = 1/n · hprebn.sum(0)`: every row of hprebn gets dbnmeani/n, the second contribution to `dhprebn`.
  """) { c -> HiddenGradients in
  let n = f.n
  let (h, W2, bngain, bnraw, bndiff, bnvar, bnvar_inv, bndiff2, hprebn) = (f.h.detach(), f.p.W2.detach(), f.p.bngain.detach(),
    f.bnraw.detach(), f.bndiff.detach(), f.bnvar.detach(), f.bnvar_inv.detach(), f.bndiff2.detach(), f.hprebn.detach())
  let dlogits = ex1a.value.dlogits
  let dh = dlogits.matmul(W2.T)                                               // (n, 27) @ (27, 64) → (n, 64)
  let dW2 = h.T.matmul(dlogits)                                               // (64, n) @ (n, 27) → (64, 27)
  let db2 = dlogits.sum(dim: 0)                                               // b2 broadcast over rows → sum(0)
  let dhpreact = (1.0 - h.pow(2)) * dh                                        // d tanh = 1 − h²
  let dbngain = (bnraw * dhpreact).sum(dim: 0, keepdim: true)                 // (1, 64)
  let dbnraw = bngain * dhpreact
  let dbnbias = dhpreact.sum(dim: 0, keepdim: true)                           // (1, 64)
  var dbndiff = bnvar_inv * dbnraw                                            // first use of bndiff
  let dbnvar_inv = (bndiff * dbnraw).sum(dim: 0, keepdim: true)
  let dbnvar = (-0.5 * (bnvar + 1e-5).pow(-1.5)) * dbnvar_inv                 // power rule
  let dbndiff2 = Float(1.0 / Double(n - 1)) * Tensor.ones(like: bndiff2) * dbnvar   // the sum broadcasts back, ÷ (n − 1)
  dbndiff += (2 * bndiff) * dbndiff2                                          // second use: through the square
  var dhprebn = dbndiff.contiguous() + 0                                      // a copy: first use of hprebn
  let dbnmeani = (-dbndiff).sum(dim: 0, keepdim: true)                        // keepdim: (1, 64), bnmeani's shape
  dhprebn += Float(1.0 / Double(n)) * (Tensor.ones(like: hprebn) * dbnmeani)  // second use: through the mean

  let list = [
    Grad("h", dh, f.h, from: dlogits, "∂(h @ W2)/∂h: dlogits @ W2.T"),
    Grad("W2", dW2, f.p.W2, from: dlogits, "∂(h @ W2)/∂W2: h.T @ dlogits"),
    Grad("b2", db2, f.p.b2, from: dlogits, "1; b2 broadcast over n rows → sum(0)"),
    Grad("hpreact", dhpreact, f.hpreact, from: dh, "∂tanh/∂x = 1 − h²"),
    Grad("bngain", dbngain, f.p.bngain, from: dhpreact, "bnraw; bngain broadcast over n rows → sum(0, keepdim)"),
    Grad("bnbias", dbnbias, f.p.bnbias, from: dhpreact, "1; broadcast over n rows → sum(0, keepdim)"),
    Grad("bnraw", dbnraw, f.bnraw, from: dhpreact, "bngain"),
    Grad("bnvar_inv", dbnvar_inv, f.bnvar_inv, from: dbnraw, "bndiff; bnvar_inv broadcast over n rows → sum(0, keepdim)"),
    Grad("bnvar", dbnvar, f.bnvar, from: dbnvar_inv, "power rule: −0.5·(bnvar + 1e-5)^−1.5"),
    Grad("bndiff2", dbndiff2, f.bndiff2, from: dbnvar, "1/(n−1), broadcast back over the n rows the sum added"),
    Grad("bndiff", dbndiff, f.bndiff, from: dbnraw, "bnvar_inv (via bnraw) + 2·bndiff (via bndiff2)"),
    Grad("bnmeani", dbnmeani, f.bnmeani, from: dbndiff, "−1; bnmeani broadcast over n rows → sum(0, keepdim)"),
    Grad("hprebn", dhprebn, f.hprebn, from: dbndiff, "1 (via bndiff) + 1/n broadcast (via the mean)"),
  ]
  c.print("13 gradients written: dh … dhprebn.")
  return HiddenGradients(list: list, dhpreact: dhpreact, dhprebn: dhprebn)
}

let ex1c = nb.cell("Exercise 1 (c): the first layer and the embedding table", """
  - `hprebn = embcat @ W1 + b1`: the same three lines as the second layer.
  - `embcat = emb.view(n, 30)`: a view only re-labels the numbers, so the gradient is re-labelled back with `view(emb.shape)`.
  - `emb = C[Xb]`: row `Xb[k, j]` of C was copied into `emb[k, j]`. Each copy sends its gradient back to the row it came from, and a character that appears several times in the batch collects the sum: start from zeros and add, a scatter-add (the notebook's double loop, kept here).
  """) { c -> [Grad] in
  let (embcat, W1) = (f.embcat.detach(), f.p.W1.detach())
  let dhprebn = ex1b.value.dhprebn
  let dembcat = dhprebn.matmul(W1.T)                                          // (n, 64) @ (64, 30) → (n, 30)
  let dW1 = embcat.T.matmul(dhprebn)                                          // (30, n) @ (n, 64) → (30, 64)
  let db1 = dhprebn.sum(dim: 0)                                               // (64)
  let demb = dembcat.view(f.emb.shape)                                        // un-concatenate: (n, 3, 10)
  var dC = [Float](repeating: 0, count: f.p.C.count)                          // dC = zeros_like(C)
  let e = f.p.C.shape[1], block = f.Xb.shape[1], dembValues = demb.scalars
  for k in 0..<f.Xb.shape[0] {
    for j in 0..<block {
      let ix = f.Xb[at: k, j]
      for d in 0..<e { dC[ix * e + d] += dembValues[(k * block + j) * e + d] }   // dC[ix] += demb[k, j]
    }
  }
  let dCt = Tensor(dC, shape: f.p.C.shape)
  c.print("5 gradients written: dembcat … dC. Rows of C used in this batch:", Set(f.Xb.scalars).count, "of", V)
  return [
    Grad("embcat", dembcat, f.embcat, from: dhprebn, "dhprebn @ W1.T"),
    Grad("W1", dW1, f.p.W1, from: dhprebn, "embcat.T @ dhprebn"),
    Grad("b1", db1, f.p.b1, from: dhprebn, "1; broadcast over n rows → sum(0)"),
    Grad("emb", demb, f.emb, from: dembcat, "a view: the same numbers, re-shaped back"),
    Grad("C", dCt, f.p.C, from: demb, "scatter-add: dC[Xb[k, j]] += demb[k, j]"),
  ]
}

nb.cell("Exercise 1: all 26 gradients against autograd", """
  The lecture's `cmp` for every gradient: *exact* if every number equals autograd's bit for bit,
  *approximate* if they agree to `allclose`'s tolerance (1e-5 relative), and the largest
  difference. Then a second opinion that needs no autograd at all: central finite differences
  on the parameters, (L(θ + h) − L(θ − h)) / 2h for a few entries of each, in float32 with
  h = 1e-2 (small enough for the curvature, large enough that the rounding of a loss near 3,
  about 2e-7, divided by 2h stays near 1e-5).
  """) { c in
  let all = ex1a.value.list + ex1b.value.list + ex1c.value
  let rows = all.map { cmp($0.name, $0.grad, $0.variable) }
  c.table(["name", "exact", "approximate", "maxdiff"], rows)
  let exact = rows.filter { $0[1] == "true" }.count, close = rows.filter { $0[2] == "true" }.count
  c.print("\(all.count) gradients: \(exact) exact, \(close) approximate (allclose), \(all.count - close) wrong.")
  for g in all {
    c.trace("d\(g.name): local derivative \(g.local); upstream \(shapeText(g.upstream.shape)) → d\(g.name) \(shapeText(g.grad.shape))")
  }
  // Central differences on up to 3 entries of every parameter, against the hand-written gradient.
  let p = f.p
  let mine: [String: Tensor] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.grad) })
  var fdRows: [[String]] = []
  var worst = 0.0
  Tensor.withNoGrad {
    for (name, t) in zip(Parameters.names, p.all) {
      let ours = mine[name]!.scalars
      let scale = Double(ours.map { Swift.abs($0) }.max() ?? 0)
      var errors: [Double] = []
      for k in [0, t.count / 2, t.count - 1] {
        let old = t.data.scalars[k]
        t.data.withUnsafeMutableBufferPointer { $0[k] = old + 1e-2 }
        let up = Double(p.loss(f.Xb, f.Yb).item())
        t.data.withUnsafeMutableBufferPointer { $0[k] = old - 1e-2 }
        let down = Double(p.loss(f.Xb, f.Yb).item())
        t.data.withUnsafeMutableBufferPointer { $0[k] = old }
        errors.append(Swift.abs((up - down) / 2e-2 - Double(ours[k])))
      }
      let tolerance = 1e-4 + 1e-2 * scale
      worst = Swift.max(worst, errors.max()! / tolerance)
      fdRows.append([name, String(format: "%.3g", scale), String(format: "%.1e", errors.max()!), String(format: "%.1e", tolerance), errors.max()! <= tolerance ? "✓" : "✗"])
    }
  }
  c.table(["parameter", "max |dθ|", "worst |finite diff − ours|", "tolerance 1e-4 + 1e-2·max |dθ|", "within"], fdRows)
  c.print(worst <= 1 ? "Finite differences agree with every hand-written parameter gradient." : "A finite difference disagrees: a formula is wrong.")
  c.result("exercise 1: gradients matching autograd", "\(close) of \(all.count) (\(exact) exact)", headline: "\(close)/\(all.count)")
  c.think("Why does dW1 come from a sum over the batch, when W1 has no batch dimension?",
          answer: "Every one of the \(f.n) examples uses the same W1, so W1 collects the gradient of each use, and the matrix product embcat.T @ dhprebn is exactly that sum over the batch: entry (i, j) = Σₖ embcat[k, i]·dhprebn[k, j]. The shapes force it too: (30, \(f.n)) @ (\(f.n), 64) → (30, 64).")
}

nb.cell("Digression: Bessel's correction, 1/(n−1) versus 1/n", """
  The variance of a batch can be computed two ways. Dividing the sum of squared deviations by n
  gives the variance *of this batch*; but the batch mean was fitted to the same numbers, which
  makes the deviations a little too small, so as an estimate of the variance of all the data it
  is biased low. Dividing by n − 1 (Bessel's correction) removes the bias. For a batch of 32 the
  difference is the factor 32/31, about 3%.

  PyTorch's BatchNorm1d normalises with the biased 1/n estimate during training, but keeps the
  unbiased n − 1 estimate in its running variance, used at inference: train and test do not use
  the same statistic. The lecture uses n − 1 in both (as the paper's inference formula does), and
  so do we.
  """) { c in
  let n = f.n
  let col = f.hprebn.detach().select(dim: 1, index: 0)
  let biased = col.variance(dim: 0, unbiased: false).item(), unbiased = col.variance(dim: 0, unbiased: true).item()
  c.worked("Bessel's factor", formula: "n / (n − 1)", substituted: "\(n) / \(n - 1)", result: String(format: "%.4f", Double(n) / Double(n - 1)))
  c.worked("variance of hprebn[:, 0]", formula: "Σ(x − x̄)² / (n − 1)  vs  Σ(x − x̄)² / n",
           substituted: String(format: "%.6f vs %.6f, ratio %.6f", unbiased, biased, unbiased / biased), result: String(format: "%.4f", unbiased))
  c.print(String(format: "for a batch of 4,096 the factor would be only %.5f: it matters for small batches", 4096.0 / 4095.0))
  c.think("Normalise with the 1/n variance in training but the n − 1 variance at inference (PyTorch's BatchNorm1d). How much do a unit's normalised activations change between the two, for n = \(n)?",
          answer: "x̂ divides by the square root of the variance, so the ratio is √(n/(n − 1)) = √(\(n)/\(n - 1)) = \(String(format: "%.4f", (Double(n) / Double(n - 1)).squareRoot())): at inference every activation is \(String(format: "%.1f", ((Double(n) / Double(n - 1)).squareRoot() - 1) * 100))% smaller than the network saw in training. Small, but a systematic mismatch for no reason; with n − 1 in both there is none.")
}

nb.cell("Exercise 2: the cross-entropy backward pass in one line", """
  Eight lines of exercise 1 went from the loss to the logits. Write the loss in one formula and
  differentiate it directly. For one example with target y and logits l, with pᵢ = eˡⁱ / Σⱼ eˡʲ,
  the loss is −log p_y = −l_y + log Σⱼ eˡʲ. Differentiate with respect to lᵢ: the first term
  gives −1 if i = y, and the second gives eˡⁱ / Σⱼ eˡʲ = pᵢ. So **∂loss/∂lᵢ = pᵢ − 1[i = y]**: the
  softmax, minus one at the target. The batch loss is the mean over n examples, so divide by n:

  `dlogits = softmax(logits); dlogits[range(n), Yb] -= 1; dlogits /= n`

  The forward pass in one line is `F.cross_entropy(logits, Yb)`. Both fused versions compute the
  same mathematics in a different order, so they agree with the chunked ones to rounding.
  """) { c in
  let n = f.n
  let logits = f.logits.detach()
  let loss_fast = crossEntropy(logits, f.Yb)
  c.print("F.cross_entropy:", Double(loss_fast.item()), "  diff:", Double(loss_fast.item() - f.loss.item()))
  var dlogits = logits.softmax(dim: 1)                                        // p
  dlogits[IntTensor.arange(n), f.Yb] -= 1                                     // p − one-hot
  dlogits /= Float(n)                                                         // mean over the batch
  let row = cmp("logits", dlogits, f.logits)
  c.table(["name", "exact", "approximate", "maxdiff"], [row])
  // Row 0 worked: the probabilities, and the gradient at the target.
  let p0 = logits.softmax(dim: 1)[0].scalars, y0 = f.Yb[at: 0]
  let g0 = (dlogits[0] * Float(n)).scalars
  c.print("softmax(logits)[0] =", torchList(p0))
  c.print("dlogits[0] * n     =", torchList(g0))
  c.worked("dlogits[0, Yb[0]] · n (target '\(names.itos[y0])')", formula: "p − 1", substituted: String(format: "%.4f − 1", p0[y0]), result: String(format: "%.4f", g0[y0]))
  c.print("dlogits[0].sum() =", Double(dlogits[0].sum().item()), " (≈ 0: the probabilities sum to 1, the one-hot subtracts 1)")
  let values = (0..<n).map { i in (0..<V).map { Double(dlogits[at: i, $0]) } }
  let heat = Heatmap(title: "dlogits (rows: examples, columns: characters)", values: values, colorScale: .diverging,
                     xLabel: "character", yLabel: "example")
  c.figure(heat, name: "dlogits")
  c.result("exercise 2 maxdiff", row[3])
  c.think("What does the dlogits picture say a gradient-descent step does to the logits of one example?",
          answer: "Each row has one strongly negative cell, the target (p − 1), and small positive cells everywhere else (p). Stepping against the gradient pulls the correct logit up and pushes every other one down in proportion to the probability it stole, and the pull equals the total push (the row sums to \(Double(dlogits[0].sum().item())) ≈ 0). When the net is already right (p_y ≈ 1) the row is ≈ 0: nothing left to learn from that example.")
}

nb.cell("Exercise 3: the BatchNorm backward pass in one expression", """
  The forward pass of BatchNorm, per unit, over a batch x₁ … xₙ:
  μ = (1/n) Σ xᵢ, σ² = 1/(n−1) Σ (xᵢ − μ)², x̂ᵢ = (xᵢ − μ)/√(σ² + ε), yᵢ = γ x̂ᵢ + β.
  Given dL/dyᵢ, every xᵢ reaches the loss by **three paths**: directly through its own x̂ᵢ, through
  μ (which every x̂ⱼ uses), and through σ² (also used by every x̂ⱼ). Work backwards:

  1. dL/dx̂ᵢ = γ dL/dyᵢ.
  2. dL/dσ² = Σⱼ dL/dx̂ⱼ · (xⱼ − μ) · (−½)(σ² + ε)^−3/2.
  3. dL/dμ = Σⱼ dL/dx̂ⱼ · (−1/√(σ² + ε)) + dL/dσ² · (−2/(n−1)) Σⱼ (xⱼ − μ); the last sum is 0.
  4. dL/dxᵢ = dL/dx̂ᵢ /√(σ² + ε) + dL/dσ² · 2(xᵢ − μ)/(n−1) + dL/dμ / n.

  Substitute x̂ for (x − μ)/√(σ² + ε) and collect the common factor γ/(n√(σ² + ε)):

  **dL/dxᵢ = γ·bnvar_inv/n · (n·dL/dyᵢ − Σⱼ dL/dyⱼ − n/(n−1) · x̂ᵢ · Σⱼ dL/dyⱼ x̂ⱼ)**

  One line of code, vectorised over all 64 units at once (the sums are over the batch, dim 0).
  """) { c in
  let n = f.n
  let (hprebn, bngain, bnbias, bnvar_inv, bnraw) = (f.hprebn.detach(), f.p.bngain.detach(), f.p.bnbias.detach(), f.bnvar_inv.detach(), f.bnraw.detach())
  c.mermaid("""
    graph LR
      x[hprebn x] --> mean["bnmeani μ = mean(x)"]
      x --> diff["bndiff x − μ"]
      mean --> diff
      diff --> sq["bndiff2 (x − μ)²"]
      sq --> var["bnvar σ² = Σ/(n−1)"]
      var --> inv["bnvar_inv (σ² + ε)^−½"]
      diff --> raw["bnraw x̂"]
      inv --> raw
      raw --> y["hpreact γ·x̂ + β"]
    """, terminalText: "x → μ → x − μ → (x − μ)² → σ² → (σ² + ε)^−½ → x̂ → γx̂ + β: x reaches x̂ directly, through μ and through σ²")
  let hpreact_fast = bngain * (hprebn - hprebn.mean(dim: 0, keepdim: true)) / (hprebn.variance(dim: 0, unbiased: true, keepdim: true) + 1e-5).sqrt() + bnbias
  c.print("forward in one line: max diff", Double(Tensor.maxAbsDifference(hpreact_fast, f.hpreact.detach())))
  let dhpreact = ex1b.value.dhpreact
  let dhprebn = bngain * bnvar_inv / Float(n) * (Float(n) * dhpreact - dhpreact.sum(dim: 0) - Float(Double(n) / Double(n - 1)) * bnraw * (dhpreact * bnraw).sum(dim: 0))
  let row = cmp("hprebn", dhprebn, f.hprebn)
  c.table(["name", "exact", "approximate", "maxdiff"], [row])
  c.shape("dhprebn", dhprebn.shape)
  c.shape("bngain, bnvar_inv", bngain.shape)
  c.shape("dhpreact.sum(0)", dhpreact.sum(dim: 0).shape, "broadcast as (1, 64)")
  c.result("exercise 3 maxdiff", row[3])
  c.think("The sums in the one-line formula have no keepdim, yet the result is right. Why, and when would it not be?",
          answer: "dhpreact.sum(0) has shape (64) and broadcasting aligns shapes from the right, so (64) acts as the row (1, 64): exactly what keepdim would give. It would go wrong for a sum over dim 1 of an (n, 27) matrix: (n) would be aligned with the 27 columns (an error, or silently wrong when n = 27), which is why a column must keep its dimension.")
}

nb.cell("The trap: dbnmeani without keepdim", """
  The notebook writes `dbnmeani = (-dbndiff).sum(0)` without `keepdim=True` (nn-zero-to-hero
  issue #59): the values are right but the shape is (64) where `bnmeani` is (1, 64). PyTorch's
  `cmp` compares with `==`, which broadcasts, so it reports the gradient as exact, and the
  next line `ones_like(hprebn) * dbnmeani` also broadcasts a (64) as a row. Nothing fails, and
  that is the trap: the day a (64) meets a column (64, 1), broadcasting makes a (64, 64) matrix
  without a word. Our `cmp` insists on the variable's shape.
  """) { c in
  let dbndiff = ex1b.value.list.first { $0.name == "bndiff" }!.grad
  let dbnmeani_bad = (-dbndiff).sum(dim: 0)
  c.table(["name", "exact", "approximate", "maxdiff"], [cmp("bnmeani (no keepdim)", dbnmeani_bad, f.bnmeani)])
  c.print("values equal to autograd's:", dbnmeani_bad.scalars == f.bnmeani.grad!.scalars)
  let column = dbnmeani_bad.view(-1, 1)
  c.print("a (64) minus a (64, 1) broadcasts to", shapeText((dbnmeani_bad - column).shape), "— no error")
}

let exercise4 = nb.cell("Exercise 4: training with the hand-written backward pass only", """
  Everything together: lecture 4's network at full size (n_hidden 200), trained on minibatches
  of 32 with the backward pass written by hand: exercise 2's cross-entropy, the second layer,
  tanh, exercise 3's BatchNorm, the first layer and the embedding. The parameters of this
  network never require a gradient, so **no autograd graph is recorded at all**; the update is
  ours too, `p -= lr · grad`. Beside it, an identical twin (same initial numbers, same minibatches)
  trained the usual way with `loss.backward()`. The fused formulas round differently from
  autograd's chain of small steps (~1e-9), so the twins agree to float32 precision at first and
  can only drift apart slowly: each step's tiny difference feeds the next. The table measures how
  far they get.

  The notebook trains 200,000 steps (lr 0.1, then 0.01 from step 100,000); this run trains
  the number of steps shown below and decays the learning rate half-way; `--full` trains the
  lecture's 200,000.
  """) { c -> (p: Parameters, losses: [Float], twin: Parameters) in
  var g = TorchGenerator(seed: nb.seed)
  var bn = TorchGenerator(seed: globalSeed)
  let p = Parameters(embedding: 10, hidden: hidden4, block: 3, vocabulary: V, g: &g, bn: &bn)
  let twin = p.copy(requiringGrad: true)                                      // the autograd twin
  c.result("parameters (n_hidden \(hidden4))", "\(p.count)")
  let n = batch
  var losses: [Float] = [], twinLosses: [Float] = []
  var graphRecorded = false
  let start = DispatchTime.now().uptimeNanoseconds
  for i in c.steps(steps, "manual backprop") {
    let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [n], generator: &g)
    let Xb = Xtr[ix], Yb = Ytr[ix]
    // forward pass
    let emb = p.C[Xb]
    let embcat = emb.view(emb.shape[0], -1)
    let hprebn = embcat.matmul(p.W1) + p.b1
    let bnmean = hprebn.mean(dim: 0, keepdim: true)
    let bnvar = hprebn.variance(dim: 0, unbiased: true, keepdim: true)
    let bnvar_inv = (bnvar + 1e-5).pow(-0.5)
    let bnraw = (hprebn - bnmean) * bnvar_inv
    let hpreact = p.bngain * bnraw + p.bnbias
    let h = hpreact.tanh()
    let logits = h.matmul(p.W2) + p.b2
    let loss = crossEntropy(logits, Yb)
    graphRecorded = graphRecorded || loss.gradFnName != nil
    // backward pass, by hand
    var dlogits = logits.softmax(dim: 1)                                      // exercise 2
    dlogits[IntTensor.arange(n), Yb] -= 1
    dlogits /= Float(n)
    let dh = dlogits.matmul(p.W2.T)                                           // second layer
    let dW2 = h.T.matmul(dlogits)
    let db2 = dlogits.sum(dim: 0)
    let dhpreact = (1.0 - h.pow(2)) * dh                                      // tanh
    let dbngain = (bnraw * dhpreact).sum(dim: 0, keepdim: true)               // batchnorm
    let dbnbias = dhpreact.sum(dim: 0, keepdim: true)
    let dhprebn = p.bngain * bnvar_inv / Float(n)                             // exercise 3
      * (Float(n) * dhpreact - dhpreact.sum(dim: 0) - Float(Double(n) / Double(n - 1)) * bnraw * (dhpreact * bnraw).sum(dim: 0))
    let dembcat = dhprebn.matmul(p.W1.T)                                      // first layer
    let dW1 = embcat.T.matmul(dhprebn)
    let db1 = dhprebn.sum(dim: 0)
    let demb = dembcat.view(emb.shape).scalars                                // embedding: scatter-add
    var dC = [Float](repeating: 0, count: p.C.count)
    let e = p.C.shape[1]
    for k in 0..<n {
      for j in 0..<3 {
        let row = Xb[at: k, j]
        for d in 0..<e { dC[row * e + d] += demb[(k * 3 + j) * e + d] }
      }
    }
    let grads = [Tensor(dC, shape: p.C.shape), dW1, db1, dW2, db2, dbngain, dbnbias]
    // update
    let lr: Float = i < steps / 2 ? 0.1 : 0.01                                // step decay half-way
    for (param, grad) in zip(p.all, grads) { param.addInPlace(grad, scale: -lr) }
    losses.append(loss.item())

    // The autograd twin: the same batch, the same forward (written compactly), loss.backward().
    let twinLoss = twin.loss(Xb, Yb)
    for t in twin.all { t.grad = nil }
    twinLoss.backward()
    for t in twin.all { t.data.addInPlace(t.grad!, scale: -lr) }
    twinLosses.append(twinLoss.item())
    // page:hide
    try Tensor.checkFinite(loss.item(), step: i, tensors: Array(zip(Parameters.names, p.all)))
    if i % 100 == 0 { c.status("loss \(f4(loss.item()))") }
    if i == 199 {
      let perStep = secondsSince(start) / 200
      c.timing(String(format: "%.2f ms per step (both twins); %d steps ≈ %.0f s", perStep * 1000, steps, perStep * Double(steps)))
    }
    // page:show
  }
  c.print("graph recorded by the manual network:", graphRecorded ? "yes (a bug!)" : "none: no tensor of it has a grad_fn")
  let every = Swift.max(1, steps / 10)
  c.table(["step", "loss (manual)", "loss (autograd)"], stride(from: 0, to: steps, by: every).map { ["\($0)", f4(losses[$0]), f4(twinLosses[$0])] }
          + [["\(steps - 1)", f4(losses[steps - 1]), f4(twinLosses[steps - 1])]])
  let first = (0..<Swift.min(10, steps)).map { Double(Swift.abs(losses[$0] - twinLosses[$0]) / Swift.abs(twinLosses[$0])) }
  c.table(["step", "manual (float32, all digits)", "autograd", "relative difference"], first.indices.map { i in
    ["\(i)", "\(Double(losses[i]))", "\(Double(twinLosses[i]))", String(format: "%.2e", first[i])]
  })
  let worstFirst = first.max()!, finalGap = Swift.abs(losses[steps - 1] - twinLosses[steps - 1])
  c.print(String(format: "first 10 steps: largest relative difference %.2e (%@ 1e-5)", worstFirst, worstFirst <= 1e-5 ? "within" : "NOT within"))
  c.print(String(format: "final step: manual %.4f, autograd %.4f, difference %.4f", losses[steps - 1], twinLosses[steps - 1], finalGap))
  let drift = zip(losses, twinLosses).map { Double(Swift.abs($0 - $1) / Swift.abs($1)) }.max()!
  c.print(String(format: "largest relative difference over all %d steps: %.2e", steps, drift))
  let tail = Swift.max(1, steps / 20)                                        // the last 5% of the steps
  let meanManual = losses.suffix(tail).reduce(0, +) / Float(tail), meanTwin = twinLosses.suffix(tail).reduce(0, +) / Float(tail)
  c.print(String(format: "mean of the last %d losses: manual %.4f, autograd %.4f, difference %.4f (%@ 0.01)", tail, meanManual, meanTwin,
                 Swift.abs(meanManual - meanTwin), Swift.abs(meanManual - meanTwin) <= 0.01 ? "within" : "NOT within"))
  // The notebook's lossi: log10 of the loss, here averaged over windows so the two curves can be read.
  let window = Swift.max(1, steps / 200)
  let xs = stride(from: 0, to: steps - window + 1, by: window).map { Double($0) }
  @MainActor func smoothed(_ l: [Float]) -> [Double] { xs.map { x in Double(l[Int(x)..<(Int(x) + window)].map { Foundation.log10($0) }.reduce(0, +)) / Double(window) } }
  c.figure(LinePlot(title: "log10 loss, mean of every \(window) steps", xLabel: "step", yLabel: "log10 loss",
                    series: [Series("hand-written backward", xs: xs, ys: smoothed(losses)),
                             Series("autograd", xs: xs, ys: smoothed(twinLosses))]), name: "training-loss")
  if isReference {
    c.print("The notebook's step-0 loss is 3.7805, with bngain and bnbias from its unknown global-generator state; ours,")
    c.print("with the fresh-process draw, is \(f4(losses[0])).")
  }
  c.result("exercise 4 first-10-steps relative difference", String(format: "%.2e", worstFirst))
  return (p, losses, twin)
}

let calibrated = nb.cell("Calibrating BatchNorm, and the losses on train and dev", """
  Training normalised each minibatch with its own mean and variance. To use the network on one
  example at a time we need fixed ones: pass the whole training set through the first layer once
  and measure the mean and the (Bessel-corrected) variance of every unit. Then evaluate.
  """) { c -> (mean: Tensor, variance: Tensor) in
  let p = exercise4.value.p
  let (bnmean, bnvar) = Tensor.withNoGrad { () -> (Tensor, Tensor) in
    let hpreact = p.C[Xtr].view(Xtr.shape[0], -1).matmul(p.W1) + p.b1
    return (hpreact.mean(dim: 0, keepdim: true), hpreact.variance(dim: 0, unbiased: true, keepdim: true))
  }
  let train = splitLoss(Xtr, Ytr) { p.logits($0, mean: bnmean, variance: bnvar) }
  let val = splitLoss(data.value.Xdev, data.value.Ydev) { p.logits($0, mean: bnmean, variance: bnvar) }
  c.table(["model (\(steps) steps, hand-written backward)", "train", "val"], [["calibrated BatchNorm", f4(train), f4(val)]])
  if steps < 200_000 {
    c.print("This run trained \(steps) steps; the notebook's 200,000 reach train 2.0705 / val 2.1099 (`--full`).")
  } else if isReference {
    c.compare([Comparison("train", ours: Double(train), reference: 2.070523500442505, decimals: 2),
               Comparison("val", ours: Double(val), reference: 2.109893560409546, decimals: 2)], source: "notebook (another bngain draw)")
  }
  c.result("train loss", f4(train))
  c.result("val loss", f4(val), headline: String(format: "%.2f", val))
  return (bnmean, bnvar)
}

nb.cell("Sampling 20 names from the hand-trained network", """
  The network trained without autograd samples like any other: the calibrated BatchNorm,
  softmax, `multinomial` from a generator seeded with the lecture's seed + 10.
  """) { c in
  let p = exercise4.value.p
  let (mean, variance) = calibrated.value
  var g = TorchGenerator(seed: nb.seed + 10)
  let samples = (0..<20).map { _ in
    NameSampler.contextName(&g, blockSize: 3, itos: names.itos) { context in
      Tensor.withNoGrad { p.logits(IntTensor([context]), mean: mean, variance: variance).softmax(dim: 1).scalars }
    }
  }
  c.print(samples.joined(separator: " "))
  c.result("samples", samples.prefix(5).joined(separator: " "))
}

nb.run()
