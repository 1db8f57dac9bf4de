// Lecture 4: makemore part 3, activations, gradients and BatchNorm.
//
// Read top to bottom like the notebook: the starter MLP of lecture 3, then one fix per cell
// (the initial loss, the saturated tanh, Kaiming init, BatchNorm), each measured at step 0 and
// trained; then the same ideas in a deep "PyTorch-ified" network and the four diagnostics that
// tell a healthy network from a sick one.
import Foundation
import ZeroToHero

let nb = Notebook(.batchNorm)

// MARK: - Knobs (`--set name=value`; `--help` lists them)

let steps = nb.knob("steps", standard: 10_000, fast: 200, full: 200_000,
                    "training steps of each single-hidden-layer run (the loss log)", in: 2...1_000_000)
let deepSteps = nb.knob("deep_steps", standard: 1000, fast: 60, full: 1000,
                        "training steps of the deep network (the lecture stops after 1,000)", in: 1...200_000)
let gainKnob = Float(nb.knob("gain", 1.0, "gain of the deep BatchNorm network's Linear layers (the notebook's stored cell: 1.0)", in: 0.01...10))

/// Training steps of exercise E01 (all-zero init).
let e01Steps = nb.byMode(standard: 2000, fast: 100, full: 20_000)

let nEmbd = 10, nHidden = 200, blockSize = 3, batchSize = 32

/// PyTorch 2.13 reruns of the notebook with the default seed (the spec's "L4" section).
enum Reference {
  static let original = (train: 2.1220, val: 2.1655)
  static let fixSoftmax = (train: 2.0696, val: 2.1311)
  static let fixTanh = (train: 2.0356, val: 2.1027)
  static let kaiming = (train: 2.0377, val: 2.1070)
  static let batchNorm = (train: 2.0674, val: 2.1057)
}

// MARK: - The single-hidden-layer MLP of the notebook's first half

/// How the notebook initialises its MLP at each stage: every parameter drawn from a standard
/// normal in the order C, W1, b1, W2, b2 from one generator, then multiplied by these factors
/// (nil: not multiplied, as in the starter code). With `batchNorm`, b1 is not drawn at all and
/// a gain (ones) and bias (zeros) of 200 follow the pre-activation.
struct Recipe {
  let name: String
  var w1: Float? = nil, b1: Float? = nil, w2: Float? = nil, b2: Float? = nil
  var batchNorm = false
}

let original = Recipe(name: "original")
let fixSoftmax = Recipe(name: "fix softmax confidently wrong", w2: 0.01, b2: 0)
let fixTanh = Recipe(name: "fix tanh too saturated", w1: 0.2, b1: 0.01, w2: 0.01, b2: 0)
let kaimingScale = Float((5.0 / 3.0) / Double(nEmbd * blockSize).squareRoot())   // Python: (5/3)/((30)**0.5)
let kaiming = Recipe(name: "Kaiming init", w1: kaimingScale, b1: 0.01, w2: 0.01, b2: 0)
let batchNormed = Recipe(name: "BatchNorm", w1: kaimingScale, w2: 0.01, b2: 0, batchNorm: true)

/// The notebook's single-hidden-layer MLP with its BatchNorm option (running mean and std with
/// momentum 0.001, normalising by the batch's unbiased std without ε, as the notebook does).
final class SingleLayerMLP {
  let C, W1, W2, b2: Tensor
  let b1: Tensor?
  let bngain, bnbias: Tensor?
  var bnmeanRunning = Tensor.zeros([1, nHidden]), bnstdRunning = Tensor.ones([1, nHidden])

  init(_ r: Recipe, vocabulary V: Int, generator g: inout TorchGenerator) {
    func scaled(_ t: Tensor, _ s: Float?) -> Tensor { (s.map { t * $0 } ?? t).requiringGrad() }
    C = Tensor.randn([V, nEmbd], generator: &g).requiringGrad()
    W1 = scaled(Tensor.randn([nEmbd * blockSize, nHidden], generator: &g), r.w1)
    b1 = r.batchNorm ? nil : scaled(Tensor.randn([nHidden], generator: &g), r.b1)
    W2 = scaled(Tensor.randn([nHidden, V], generator: &g), r.w2)
    b2 = scaled(Tensor.randn([V], generator: &g), r.b2)
    bngain = r.batchNorm ? Tensor.ones([1, nHidden]).requiringGrad() : nil
    bnbias = r.batchNorm ? Tensor.zeros([1, nHidden]).requiringGrad() : nil
  }

  var parameters: [Tensor] { [C, W1] + (b1.map { [$0] } ?? []) + [W2, b2] + [bngain, bnbias].compactMap { $0 } }
  var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// The hidden layer's pre-activation and activation; in training, BatchNorm uses the batch's
  /// statistics and updates the running ones, in evaluation it uses the running ones.
  func hidden(_ X: IntTensor, training: Bool) -> (hpreact: Tensor, h: Tensor) {
    let embcat = C[X].view(-1, nEmbd * blockSize)                  // (n, 30)
    var hpreact = embcat.matmul(W1)                                // (n, 200)
    if let b1 { hpreact = hpreact + b1 }
    if let bngain, let bnbias {
      if training {
        let bnmeani = hpreact.mean(dim: 0, keepdim: true)
        let bnstdi = hpreact.std(dim: 0, keepdim: true)
        hpreact = bngain * (hpreact - bnmeani) / bnstdi + bnbias
        Tensor.withNoGrad {
          bnmeanRunning = bnmeanRunning * 0.999 + bnmeani.detach() * 0.001
          bnstdRunning = bnstdRunning * 0.999 + bnstdi.detach() * 0.001
        }
      } else {
        hpreact = bngain * (hpreact - bnmeanRunning) / bnstdRunning + bnbias
      }
    }
    return (hpreact, hpreact.tanh())
  }

  func logits(_ X: IntTensor, training: Bool = false) -> Tensor {
    hidden(X, training: training).h.matmul(W2) + b2
  }
}

/// Step 0 of a recipe: the parameters drawn, then the first minibatch drawn from the same
/// generator, as the notebook's loop does before its first update.
struct StepZero {
  let model: SingleLayerMLP
  let loss: Float
  let hpreact, h: Tensor
  var saturated: Double { Diagnostics.saturation(h, threshold: 0.99) }
}

/// A single-hidden-layer training run: its per-step losses and the final split losses.
struct Run {
  let recipe: Recipe
  let model: SingleLayerMLP
  let losses: [Float]
  let train, val: Float
}

// MARK: - The deep network of the notebook's second half

/// The "PyTorch-ified" network: the embedding table C, then Linear → (BatchNorm) → Tanh five
/// times and Linear → (BatchNorm) to 27 logits; `layers` is the notebook's `layers` list.
struct DeepNet {
  let C: Tensor
  let layers: Sequential
  var parameters: [Tensor] { [C] + layers.parameters() }
  var namedParameters: [(name: String, tensor: Tensor)] { [("C", C)] + layers.namedParameters() }
  func logits(_ X: IntTensor) -> Tensor { layers(C[X].view(-1, nEmbd * blockSize)) }
  /// Logits with every layer in evaluation mode (BatchNorm uses its running statistics),
  /// leaving the outputs recorded by the last training step for the diagnostics.
  func evaluate(_ X: IntTensor) -> Tensor {
    layers.eval()
    layers.recordsOutputs = false
    defer { layers.train(); layers.recordsOutputs = true }
    return Tensor.withNoGrad { logits(X) }
  }
}

/// How a deep run's weights start: the lecture's randn/√fan_in times `gain` (the last layer
/// scaled by 0.1), or plain randn with no scaling at all (the course's experiment 1).
enum DeepInit { case lecture(gain: Float), standardNormal }

/// A deep training run: per-step losses, update:data ratios and saturation.
struct DeepRun {
  let net: DeepNet
  let losses: [Float]
  let updateRatios: [[Double?]]
  let saturation: [Double]          // mean over the Tanh layers of |t| > 0.97, per step
}

// MARK: - Cells

struct Data {
  let names: Names
  let Xtr, Ytr, Xdev, Ydev: IntTensor
}

nb.cell("Prerequisites, briefly: mean, variance and sums of random numbers", """
  This lecture looks at *statistics* of the numbers flowing through a network, so three facts
  first. The **mean** of a sample is its average; the **variance** is the average squared
  distance from the mean (divided by n − 1 for a sample, as `torch.std` does); the **standard
  deviation** (std) is its square root, in the units of the numbers. A **standard normal** has
  mean 0 and std 1. And the fact everything below rests on: the variance of a **sum of n
  independent terms** is the sum of their variances, so n unit-variance terms sum to variance n,
  std √n. A neuron's pre-activation x·w is exactly such a sum, over its fan-in.
  """) { c in
  let sample: [Float] = [2, 4, 4, 4, 5, 5, 7, 9]
  let mean = sample.reduce(0, +) / Float(sample.count)
  let squares = sample.map { ($0 - mean) * ($0 - mean) }
  c.worked("mean", formula: "Σx / n", substituted: "\(sample.map { String(Int($0)) }.joined(separator: " + ")) / \(sample.count)", result: f4(mean))
  c.worked("variance (unbiased)", formula: "Σ(x − mean)² / (n − 1)",
           substituted: "(\(squares.map { String(Int($0)) }.joined(separator: " + "))) / \(sample.count - 1)", result: f4(squares.reduce(0, +) / Float(sample.count - 1)))
  c.print("std =", f4(Tensor(sample).std().item()), "  (torch.std of the same numbers)")
  var g = TorchGenerator(seed: nb.seed)
  var rows: [[String]] = []
  var sums30: [Double] = []
  for n in [1, 3, 10, 30, 100] {
    let s = Tensor.randn([4000, n], generator: &g).sum(dim: 1)       // 4,000 sums of n standard normals
    rows.append(["\(n)", f4(s.variance().item()), f4(s.std().item()), f4(Float(n).squareRoot())])
    if n == 30 { sums30 = s.scalars.map(Double.init) }
  }
  c.table(["terms n", "variance of the sum", "std of the sum", "√n"], rows)
  c.figure(Histogram(title: "4,000 sums of 30 standard normals (std ≈ √30 ≈ 5.48)", xLabel: "sum",
                     series: [HistogramSeries("sum of 30", values: sums30)], bins: 40), name: "sum-of-30")
  c.think("A neuron sums 30 inputs times 30 weights, all standard normal. How large is its pre-activation typically?",
          answer: "Each product of two independent standard normals has variance 1, so the sum has variance 30 and std √30 ≈ 5.48: the table's last rows show it. tanh of numbers that size is almost always ±1, which is the saturation this lecture fixes.")
}
/// Draws a recipe's parameters and the first minibatch from one generator seeded `nb.seed`.
@MainActor func stepZero(_ r: Recipe) -> StepZero {
  var g = TorchGenerator(seed: nb.seed)
  let model = SingleLayerMLP(r, vocabulary: V, generator: &g)
  let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [batchSize], generator: &g)
  return Tensor.withNoGrad {
    let (hpreact, h) = model.hidden(Xtr[ix], training: true)
    let loss = crossEntropy(h.matmul(model.W2) + model.b2, Ytr[ix]).item()
    return StepZero(model: model, loss: loss, hpreact: hpreact, h: h)
  }
}

/// The notebook's training loop: minibatches of 32 from the generator that drew the
/// parameters, lr 0.1 then 0.01 from half-way (step 100,000 of 200,000), then the loss on the
/// whole train and validation splits (BatchNorm with its running statistics).
@MainActor func train(_ c: Cell, _ r: Recipe, steps n: Int) throws -> Run {
  var g = TorchGenerator(seed: nb.seed)
  let model = SingleLayerMLP(r, vocabulary: V, generator: &g)
  let parameters = model.parameters
  var losses: [Float] = []
  losses.reserveCapacity(n)
  for i in c.steps(n, r.name) {
    let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [batchSize], generator: &g)
    let logits = model.logits(Xtr[ix], training: true)                     // forward
    let loss = crossEntropy(logits, Ytr[ix])
    try Tensor.checkFinite(loss.item(), step: i, tensors: parameters.map { ("parameter", $0) })
    for p in parameters { p.grad = nil }                                   // backward
    loss.backward()
    let lr: Float = i < n / 2 ? 0.1 : 0.01                                 // update
    for p in parameters { p.data.addInPlace(p.grad!, scale: -lr) }
    losses.append(loss.item())
    if i % 500 == 0 { c.status("loss \(f4(loss.item()))") }
  }
  let tr = splitLoss(Xtr, Ytr) { model.logits($0) }, va = splitLoss(Xdev, Ydev) { model.logits($0) }
  return Run(recipe: r, model: model, losses: losses, train: tr, val: va)
}

let data: Shared<Data> = nb.cell("The starter code, line by line", """
  Lecture 3's MLP, rewritten as the lecture starts it. **Data**: names shuffled with
  `random.seed(42)`, 80/10/10% into train, validation and test, each turned into (context of 3
  characters → next character) examples. **Parameters**, drawn from one generator seeded
  2147483647 in this order: `C` (27, 10), one 10-D vector per character; `W1` (30, 200) and `b1`
  (200): 200 hidden tanh neurons, each seeing the three concatenated embeddings; `W2` (200, 27)
  and `b2` (27): one logit per character. **The loop**: draw 32 random rows (`randint` from the
  same generator), embed and flatten them to (32, 30), `hpreact = embcat @ W1 + b1`, `h =
  tanh(hpreact)`, `logits = h @ W2 + b2`, cross-entropy, zero the gradients, backward, and
  `p -= lr · grad` with lr 0.1, then 0.01 for the second half.

  Every line is a measurable transformation: each intermediate tensor has a mean, a std, a
  range. When those statistics are healthy, the network learns; when logits explode or tanh
  units saturate, it learns slowly or not at all. The first loss printed is the first clue.
  """) { c in
  let names = try Names(text: nb.readText("names.txt"))                 // words = open('names.txt').read().splitlines()
  let (train, dev, _) = try names.requireSplits(for: "lecture 4 (train and validation losses)")   // random.seed(42), shuffle, 80/10/10
  let (Xtr, Ytr) = names.contextTensors(train, blockSize: blockSize)      // build_dataset(words[:n1])
  let (Xdev, Ydev) = names.contextTensors(dev, blockSize: blockSize)      // build_dataset(words[n1:n2])
  let V = names.vocabularySize
  c.print("train examples:", Xtr.shape[0], "  validation examples:", Xdev.shape[0], "  vocabulary:", V)
  var g = TorchGenerator(seed: nb.seed)                        // g = torch.Generator().manual_seed(2147483647)
  let C = Tensor.randn([V, nEmbd], generator: &g)              // (27, 10) embedding table
  let W1 = Tensor.randn([nEmbd * blockSize, nHidden], generator: &g)   // (30, 200)
  let b1 = Tensor.randn([nHidden], generator: &g)              // (200,)
  let W2 = Tensor.randn([nHidden, V], generator: &g)           // (200, 27)
  let b2 = Tensor.randn([V], generator: &g)                    // (27,)
  let parameters = [C, W1, b1, W2, b2]
  c.print("parameters:", parameters.map(\.count).reduce(0, +), "=", parameters.map { "\($0.count)" }.joined(separator: " + "))
  let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [batchSize], generator: &g)   // minibatch
  let emb = C[Xtr[ix]]                                         // (32, 3, 10)
  let embcat = emb.view(emb.shape[0], -1)                      // (32, 30)
  let hpreact = embcat.matmul(W1) + b1                         // (32, 200)
  let h = hpreact.tanh()
  let logits = h.matmul(W2) + b2                               // (32, 27)
  let loss = crossEntropy(logits, Ytr[ix]).item()
  c.table(["tensor", "shape", "mean", "std", "min", "max"], [("emb", emb), ("embcat", embcat), ("hpreact", hpreact), ("h", h), ("logits", logits)].map { name, t in
    let s = TensorStats(t)
    return [name, shapeText(t.shape), String(format: "%+.3f", s.mean), String(format: "%.3f", s.std), String(format: "%.3f", s.min), String(format: "%.3f", s.max)]
  })
  c.compare("loss at step 0", ours: Double(loss), reference: 27.8817, decimals: 4, source: "PyTorch")
  c.note("The table is the lecture in one glance: `hpreact` has std ≈ 5 (a sum of 30 products, as the first cell predicted), so `h` sits at ±1, and the logits have a std near 10. The next cells fix them one at a time.")
  c.think("Which row of the table explains the loss of 27.9, and which one will cause trouble in the backward pass?",
          answer: "The logits: with a std near \(String(format: "%.0f", TensorStats(logits).std)) the softmax puts nearly all probability on one arbitrary character, and −log p of the right one is huge. `h` causes the backward trouble: its values crowd at ±1 where tanh is flat, so little gradient flows back to W1 and C.")
  c.result("step-0 loss, randn init", f4(loss), headline: f4(loss))
  return Data(names: names, Xtr: Xtr, Ytr: Ytr, Xdev: Xdev, Ydev: Ydev)
}
var names: Names { data.value.names }
var V: Int { names.vocabularySize }
var Xtr: IntTensor { data.value.Xtr }
var Ytr: IntTensor { data.value.Ytr }
var Xdev: IntTensor { data.value.Xdev }
var Ydev: IntTensor { data.value.Ydev }
/// PyTorch's numbers apply: the lecture's seed and settings, and the lecture's names.txt.
var isReference: Bool { nb.usesLectureSettings && names.isLectureFile }


let softmaxFix: Shared<(original: Run, fixed: Run)> = nb.cell("Fixing the initial loss", """
  At initialisation the network knows nothing, so it should say so: every character equally
  likely, p = 1/27, and a loss of −ln(1/27) = 3.2958. We see 27.88. Four logits show why: equal
  logits give the uniform loss ln 4; one *confident* logit on the right class gives a loss near
  0, on a wrong class a loss near its own size. Random logits of std 10 are confidently wrong
  most of the time. The fix is to make the logits small at init: `W2 * 0.01` and `b2 * 0` (b2
  is still drawn, so the generator sequence, and every batch after it, stays the same). The
  weights are not set to exactly 0: a little randomness keeps the units different (exercise E01).

  Training then stops wasting its first thousand steps squashing the logits: the loss curve
  loses its **hockey stick**, and the steps saved go into real learning.
  """) { c in
  // page:hide
  do {  // how long this run's training will take here (terminal only)
    var gt = TorchGenerator(seed: nb.seed)
    let single = SingleLayerMLP(kaiming, vocabulary: V, generator: &gt), deepProbe = deepNet(batchNorm: true, weights: .lecture(gain: 5.0 / 3.0), generator: &gt)
    let one = c.timed("one single-layer training step", runs: 20) {
      let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [batchSize], generator: &gt)
      crossEntropy(single.logits(Xtr[ix], training: true), Ytr[ix]).backward()
    }
    let two = c.timed("one deep training step", runs: 10) {
      let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [batchSize], generator: &gt)
      crossEntropy(deepProbe.logits(Xtr[ix]), Ytr[ix]).backward()
    }
    let singleSteps = 5 * steps + e01Steps
    let deepTotal = 7 * (deepSteps + 1) + Swift.min(300, deepSteps) + 1
    c.timing(String(format: "estimated training time of this run: about %.0f s (%d single-layer steps, %d deep steps)",
                    Double(singleSteps) * one.seconds * 1.3 + Double(deepTotal) * two.seconds * 1.3, singleSteps, deepTotal))
  }
  // page:show
  c.worked("expected initial loss", formula: "−ln(1/V)", substituted: "−ln(1/\(V))", result: f4(-Foundation.log(1 / Float(V))))
  var rows: [[String]] = []
  for (logits, label) in [([0, 0, 0, 0], "equal"), ([5, 0, 0, 0], "confident, right"), ([0, 0, 5, 0], "confident, wrong"), ([0, 0, 0, -5], "confident against a wrong one")] as [([Float], String)] {
    let l = Tensor(logits).view(1, 4)
    rows.append([torchList(logits, decimals: 0), label, torchList(l.softmax(dim: 1).scalars), f4(crossEntropy(l, IntTensor([0])).item())])
  }
  c.table(["logits", "", "softmax", "loss (target 0)"], rows)
  let fixed = stepZero(fixSoftmax)
  c.compare("loss at step 0 with W2 × 0.01, b2 × 0", ours: Double(fixed.loss), reference: 3.3221, decimals: 4, source: "PyTorch")
  let before = try train(c, original, steps: steps)
  let after = try train(c, fixSoftmax, steps: steps)
  let stride = Swift.max(1, steps / 1000)
  let xs = Swift.stride(from: 0, to: steps, by: stride).map(Double.init)
  func series(_ r: Run, log: Bool) -> Series {
    Series(r.recipe.name, xs: xs, ys: xs.map { log ? Double(Foundation.log10(r.losses[Int($0)])) : Double(r.losses[Int($0)]) })
  }
  c.figure(LinePlot(title: "minibatch loss: the hockey stick and without it", xLabel: "step", yLabel: "loss",
                    series: [series(before, log: false), series(after, log: false)]), name: "hockey-stick")
  c.figure(LinePlot(title: "the same runs, log10 of the loss", xLabel: "step", yLabel: "log10 loss",
                    series: [series(before, log: true), series(after, log: true)]), name: "hockey-stick-log10")
  let early = Swift.min(1000, steps)
  let mean = { (r: Run) in r.losses.prefix(early).reduce(0, +) / Float(early) }
  c.print("mean loss over the first \(early) steps: original \(f4(mean(before))), fixed \(f4(mean(after)))")
  c.think("Why does the fixed run end lower, not just start lower?",
          answer: "The original run spends its first steps only shrinking W2 and b2 (the easy gains of the hockey stick), and those large early updates also shove W1 and C around. The fixed run starts where the other arrives after ~1,000 steps and spends every step on the actual problem. Here: train \(f4(before.train)) → \(f4(after.train)), validation \(f4(before.val)) → \(f4(after.val)) after \(steps) steps each.")
  c.result("step-0 loss, W2 × 0.01", f4(fixed.loss), headline: f4(fixed.loss))
  return (before, after)
}

let tanhFix: Shared<Run> = nb.cell("Fixing the saturated tanh", """
  The logits are fixed; the hidden layer is not. `hpreact` has a std near 5, so most of `h`
  sits at ±1. That matters in the backward pass: tanh's local gradient is `1 − t²`, so a unit
  at |t| ≈ 1 passes almost no gradient to its weights and inputs. The image below is the
  lecture's: one row per example (32), one column per neuron (200), **white where |h| > 0.99**.
  A column white for every example is a **dead neuron**: saturated on every input, its
  weights never get a gradient, and it never learns. (Dead units also happen with ReLU, whose
  gradient is exactly 0 for negative inputs, and with too-high learning rates that knock units
  out of the active region.) The fix: shrink the pre-activations, `W1 * 0.2`, `b1 * 0.01`.
  """) { c in
  let sick = stepZero(fixSoftmax)
  c.figure(Histogram(title: "h = tanh(hpreact) at step 0: piled up at ±1", xLabel: "h",
                     series: [HistogramSeries("h", values: sick.h.scalars.map(Double.init))], bins: 50), name: "h-histogram")
  c.figure(Histogram(title: "hpreact at step 0: far wider than tanh's active range (−2, 2)", xLabel: "hpreact",
                     series: [HistogramSeries("hpreact", values: sick.hpreact.scalars.map(Double.init))], bins: 50), name: "hpreact-histogram")
  let white = (0..<batchSize).map { i in (0..<nHidden).map { j in Swift.abs(sick.h[at: i, j]) > 0.99 } }
  c.figure(BoolImage(title: "|h| > 0.99 at step 0 (white = saturated), 32 examples × 200 neurons", grid: white,
                     xLabel: "neuron", yLabel: "example"), name: "saturation-image")
  let dead = (0..<nHidden).filter { j in white.allSatisfy { $0[j] } }
  c.print("dead neurons (white in all \(batchSize) examples):", dead.count, dead.isEmpty ? "" : "→ columns " + dead.prefix(10).map(String.init).joined(separator: ", "))
  c.worked("tanh′ at t = 0.99", formula: "1 − t²", substituted: "1 − 0.99² = 1 − 0.9801", result: String(format: "%.4f", 1 - 0.99 * 0.99))
  let healthy = stepZero(fixTanh)
  c.compare([
    Comparison("saturated (|h| > 0.99) before", ours: String(format: "%.2f%%", sick.saturated * 100), reference: "60.95%"),
    Comparison("saturated after W1 × 0.2, b1 × 0.01", ours: String(format: "%.2f%%", healthy.saturated * 100), reference: "0.98%"),
    Comparison("loss at step 0 after", ours: f4(healthy.loss), reference: "3.3135"),
  ], source: "PyTorch")
  c.figure(Histogram(title: "h at step 0 after the fix: spread over (−1, 1)", xLabel: "h",
                     series: [HistogramSeries("h", values: healthy.h.scalars.map(Double.init))], bins: 50), name: "h-histogram-fixed")
  let run = try train(c, fixTanh, steps: steps)
  let previous = softmaxFix.value.fixed
  c.print("after \(steps) steps: train \(f4(previous.train)) → \(f4(run.train)), validation \(f4(previous.val)) → \(f4(run.val))")
  c.think("The network trained fine even with 61% of h saturated. Why does the lecture still insist on fixing it?",
          answer: "One hidden layer is forgiving: the unsaturated 39% still carry gradient and the net slowly pulls the rest back. In a deep stack every saturated layer multiplies the gradient by factors near 0 (tanh′ = \(String(format: "%.4f", 1 - 0.99 * 0.99)) at 0.99), so the lower layers stop learning. Here fixing it still buys \(f4(previous.val - run.val)) of validation loss after \(steps) steps.")
  c.result("tanh saturated at step 0", String(format: "%.2f%% → %.2f%%", sick.saturated * 100, healthy.saturated * 100), headline: String(format: "%.2f%% → %.2f%%", sick.saturated * 100, healthy.saturated * 100))
  return run
}

let kaimingRun: Shared<Run> = nb.cell("Kaiming init: computing the scale instead of guessing it", """
  0.2 was found by looking at histograms. It can be computed. x·w over a fan-in of n
  unit-variance terms has std √n, so dividing the weights by √fan_in keeps the output at std 1
  (first table). A nonlinearity changes that: tanh squashes, shrinking the std a little at every
  layer, so Kaiming He et al. multiply by a **gain**: 5/3 for tanh, √2 for ReLU, 1 for linear
  layers (`torch.nn.init.kaiming_normal_`). ReLU's √2 is the cleanest argument: ReLU zeroes half
  of its inputs, halving E[x²]; with √(1/fan_in) the signal halves at every layer and vanishes,
  with √(2/fan_in) it stays put (second table). For our W1: (5/3)/√30.

  Modern training is less fragile than this suggests (residual connections, normalisation
  layers, Adam), but the habit of asking "what std does this layer produce?" stays.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  var rows: [[String]] = []
  for fanIn in [10, 30, 100, 1000] {
    let x = Tensor.randn([1000, fanIn], generator: &g)
    let w = Tensor.randn([fanIn, 200], generator: &g)
    let y = x.matmul(w), yScaled = x.matmul(w / Float(fanIn).squareRoot())
    rows.append(["\(fanIn)", f4(x.std().item()), f4(y.std().item()), f4(Float(fanIn).squareRoot()), f4(yScaled.std().item())])
  }
  c.table(["fan_in", "std x", "std x @ w", "√fan_in", "std x @ (w / √fan_in)"], rows)
  var deep: [[String]] = []
  for (label, scale) in [("√(1/fan_in)", Float(1)), ("√(2/fan_in) (Kaiming, ReLU)", 2)] {
    var x = Tensor.randn([1000, 100], generator: &g)
    var stds: [String] = []
    for layer in 1...10 {
      let w = Tensor.randn([100, 100], generator: &g) * (scale / 100).squareRoot()
      x = x.matmul(w).relu()
      if [1, 2, 5, 10].contains(layer) { stds.append(f4(x.pow(2).mean().item().squareRoot())) }
    }
    deep.append([label] + stds)
  }
  c.table(["10 ReLU layers of width 100, weights ×", "rms after 1", "after 2", "after 5", "after 10"], deep)
  c.worked("Kaiming scale of W1", formula: "(5/3) / √fan_in", substituted: String(format: "1.6667 / √30 = 1.6667 / %.4f", Double(30).squareRoot()),
           result: String(format: "%.4f", kaimingScale))
  let step0 = stepZero(kaiming)
  c.compare([
    Comparison("loss at step 0 with W1 × (5/3)/√30", ours: f4(step0.loss), reference: "3.3179"),
    Comparison("saturated (|h| > 0.99) at step 0", ours: String(format: "%.2f%%", step0.saturated * 100), reference: "8.14%"),
  ], source: "PyTorch")
  let run = try train(c, kaiming, steps: steps)
  let previous = tanhFix.value
  c.print("after \(steps) steps: train \(f4(run.train)), validation \(f4(run.val)) (W1 × 0.2: \(f4(previous.train)) / \(f4(previous.val)))")
  c.think("Kaiming gives W1 a std of 0.3043 instead of 0.2, and 8.14% of units saturate instead of 0.98%. Is that worse?",
          answer: "Not really: the final losses of the two runs are within noise of each other (here \(f4(previous.val)) vs \(f4(run.val)) on validation). The gain 5/3 deliberately lets the pre-activations reach tanh's bend so the layer is not purely linear; the point of Kaiming is a principled starting scale that stays right when the fan-in changes, not a better number for this one layer.")
  return run
}

let bnRun: Shared<Run> = nb.cell("BatchNorm: make the pre-activations unit Gaussian, by force", """
  If we want hpreact to be roughly unit Gaussian, Ioffe and Szegedy (2015) asked, why not just
  **normalise** it? Per neuron, subtract the batch's mean and divide by its std: a
  differentiable operation, so backprop goes straight through it. Forcing unit Gaussian for
  ever would stop the network from learning which units should be sharper or more saturated,
  so a learnable **gain** (ones) and **bias** (zeros) scale and shift the result.

  Three consequences. (1) At inference there is no batch: keep a **running mean and std**
  during training (an exponential average, momentum 0.001 here) and use those; or
  **calibrate** after training by computing them over the whole training set. (2) The bias
  **b1 before BatchNorm is useless**: the batch mean contains it and it is subtracted away; its
  gradient is exactly 0, and the BatchNorm bias takes its job. (3) Examples in a batch are now
  **coupled**: one name's hidden activations depend on which other names share its batch. That
  jitter acts as a regulariser, and is also why many people would rather avoid BatchNorm
  (LayerNorm, GroupNorm, lecture 7).
  """) { c in
  var g5 = TorchGenerator(seed: nb.seed + 1)
  let five = Tensor.randn([5], generator: &g5)
  let m = five.mean().item(), s = five.std().item()
  c.worked("batch mean of five pre-activations", formula: "Σx / 5", substituted: torchList(five.scalars), result: f4(m))
  c.worked("batch std (unbiased)", formula: "√(Σ(x − mean)² / 4)", substituted: torchList(five.scalars.map { ($0 - m) * ($0 - m) }) + " → sum \(f4(five.scalars.map { ($0 - m) * ($0 - m) }.reduce(0, +)))", result: f4(s))
  let normed = (five - m) / s
  c.worked("normalised, gain 1, bias 0", formula: "gain · (x − mean) / std + bias", substituted: five.scalars.map { "(\(f4($0)) − \(f4(m))) / \(f4(s))" }.joined(separator: ", "),
           result: torchList(normed.scalars) + String(format: "  (mean %.4f, std %.4f)", normed.mean().item(), normed.std().item()))
  // (2) the useless bias: b1's gradient through BatchNorm
  var g = TorchGenerator(seed: nb.seed)
  let probe = SingleLayerMLP(kaiming, vocabulary: V, generator: &g)
  let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [batchSize], generator: &g)
  let hpre = probe.C[Xtr[ix]].view(-1, nEmbd * blockSize).matmul(probe.W1) + probe.b1!
  let normedPre = (hpre - hpre.mean(dim: 0, keepdim: true)) / hpre.std(dim: 0, keepdim: true)
  crossEntropy(normedPre.tanh().matmul(probe.W2) + probe.b2, Ytr[ix]).backward()
  c.print(String(format: "b1 before a BatchNorm: max |b1.grad| = %.2e; W1: max |W1.grad| = %.2e", probe.b1!.grad!.abs().max().item(), probe.W1.grad!.abs().max().item()))
  let run = try train(c, batchNormed, steps: steps)
  let model = run.model
  let counts = model.parameters.map(\.count)
  c.worked("parameters with BatchNorm (no b1)", formula: "C + W1 + W2 + b2 + bngain + bnbias",
           substituted: counts.map(String.init).joined(separator: " + "), result: "\(model.parameterCount)")
  c.compare("parameters", ours: "\(model.parameterCount)", reference: "12097", source: "notebook", seedDependent: false)
  // (1) running statistics vs calibrating over the training set
  let calibrated = Tensor.withNoGrad { () -> (mean: Tensor, std: Tensor) in
    let hpreact = model.C[Xtr].view(-1, nEmbd * blockSize).matmul(model.W1)
    return (hpreact.mean(dim: 0, keepdim: true), hpreact.std(dim: 0, keepdim: true))
  }
  let dMean = Tensor.maxAbsDifference(calibrated.mean, model.bnmeanRunning), dStd = Tensor.maxAbsDifference(calibrated.std, model.bnstdRunning)
  let running = (model.bnmeanRunning, model.bnstdRunning)
  (model.bnmeanRunning, model.bnstdRunning) = calibrated
  let calTrain = splitLoss(Xtr, Ytr) { model.logits($0) }, calVal = splitLoss(Xdev, Ydev) { model.logits($0) }
  (model.bnmeanRunning, model.bnstdRunning) = running
  c.table(["inference statistics", "train", "validation"], [
    ["running mean/std (momentum 0.001)", f4(run.train), f4(run.val)],
    ["calibrated over the training set", f4(calTrain), f4(calVal)],
  ])
  c.print(String(format: "largest difference running vs calibrated: mean %.4f, std %.4f (std of the running means: %.2f)", dMean, dStd, TensorStats(running.0).std))
  // (3) coupling: the same example in two different batches
  let ixB = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [batchSize - 1], generator: &g)
  let one = IntTensor([ix[at: 0]])
  let (a, b) = Tensor.withNoGrad { (model.hidden(Xtr[IntTensor.cat([one, IntTensor(Array(ix.scalars.dropFirst()))])], training: false).h,
                                     model.hidden(Xtr[IntTensor.cat([one, ixB])], training: false).h) }
  let batchA = Tensor.withNoGrad { model.hidden(Xtr[IntTensor.cat([one, IntTensor(Array(ix.scalars.dropFirst()))])], training: true).h }
  let batchB = Tensor.withNoGrad { model.hidden(Xtr[IntTensor.cat([one, ixB])], training: true).h }
  (model.bnmeanRunning, model.bnstdRunning) = running       // the two probes above must not move the running stats
  c.print(String(format: "example %d's h in two different batches: max difference %.4f in training mode, %.4f in evaluation mode",
                 ix[at: 0], Tensor.maxAbsDifference(batchA[0], batchB[0]), Tensor.maxAbsDifference(a[0], b[0])))
  c.think("What exactly does BatchNorm do during training, and what during evaluation?",
          answer: "Training: normalise each unit with the current batch's mean and std, scale by the gain, shift by the bias, and update the running mean/std with no gradient. Evaluation: the same affine map with the running (or calibrated) statistics, so the output depends on one example alone and is deterministic: the difference above is \(String(format: "%.4f", Tensor.maxAbsDifference(a[0], b[0]))) in evaluation mode.")
  c.result("parameters with BatchNorm", "\(model.parameterCount)")
  return run
}

nb.cell("The loss log", """
  The notebook keeps a log of where each fix left the losses after the full schedule (200,000
  steps, lr 0.1 then 0.01). Each fix helped, and together they took validation from 2.17 to
  2.10. BatchNorm only draws level with Kaiming here (PyTorch: validation 2.1057 vs 2.1070,
  train higher): for one hidden layer a good init is already enough, and BatchNorm's value
  shows in deep networks, which are hard to initialise by hand.
  `--full` trains all five runs for 200,000 steps; other modes train fewer and say so.
  """) { c in
  let (o, s) = softmaxFix.value
  let runs = [o, s, tanhFix.value, kaimingRun.value, bnRun.value]
  let refs = [Reference.original, Reference.fixSoftmax, Reference.fixTanh, Reference.kaiming, Reference.batchNorm]
  var rows: [[String]] = []
  for (r, ref) in zip(runs, refs) {
    rows.append([r.recipe.name, "\(r.losses.count)", f4(r.train), f4(r.val)]
                + (isReference ? [f4(Float(ref.train)), f4(Float(ref.val))] : []))
  }
  c.table(["step of the lecture", "steps (this run)", "train", "validation"] + (isReference ? ["PyTorch train (200,000)", "validation"] : []), rows)
  if steps < 200_000 {
    c.print("This run trained each model for \(steps) steps, not 200,000: its losses are higher than the reference column, and the ordering of close rows can change.")
  } else if isReference {
    let differences = zip(runs, refs).map { Swift.max(Swift.abs(Double($0.train) - $1.train), Swift.abs(Double($0.val) - $1.val)) }
    let same = zip(runs, refs).filter { f4($0.train) == f4(Float($1.train)) && f4($0.val) == f4(Float($1.val)) }.count
    c.print(String(format: "%d of 5 runs equal PyTorch's 200,000-step reruns to the printed 4 decimals; the largest difference is %.4f.", same, differences.max() ?? 0))
    c.print("Where they differ, float32 sums in a different order (our GEMM's vs MKL's) were amplified by large early updates, as in lecture 3's randn run.")
  }
  c.result("validation loss, original → BatchNorm (\(steps) steps)", "\(f4(o.val)) → \(f4(bnRun.value.val))")
}

/// The deep network with BatchNorm (or without, with biases as the notebook's variant), drawn
/// from `g` in the notebook's order: C, then every Linear's weight.
@MainActor func deepNet(batchNorm: Bool, weights: DeepInit, generator g: inout TorchGenerator) -> DeepNet {
  let C = Tensor.randn([V, nEmbd], generator: &g).requiringGrad()
  let sizes = [nEmbd * blockSize, 100, 100, 100, 100, 100, V]
  var layers: [any Module] = []
  for k in 0..<6 {
    let (fanIn, fanOut) = (sizes[k], sizes[k + 1])
    let linear: Linear
    switch weights {
    case .lecture:
      linear = Linear.lecture(fanIn, fanOut, bias: !batchNorm, generator: &g)    // randn(fan_in, fan_out) / √fan_in
    case .standardNormal:
      linear = Linear(weight: g.normal(fanIn * fanOut), bias: batchNorm ? nil : [Float](repeating: 0, count: fanOut),
                      inFeatures: fanIn, outFeatures: fanOut, layout: .inByOut)
    }
    layers.append(linear)
    if batchNorm { layers.append(BatchNorm1d(fanOut)) }
    if k < 5 { layers.append(Tanh()) }
  }
  let net = Sequential(layers)
  if case .lecture(let gain) = weights {
    // with torch.no_grad(): last layer less confident; the other Linear weights × gain
    if batchNorm {
      (layers.last as! BatchNorm1d).weight.withUnsafeMutableBufferPointer { w in for i in w.indices { w[i] *= 0.1 } }
    } else {
      (layers.last as! Linear).scaleWeight(by: 0.1)
    }
    for case let l as Linear in layers.dropLast(batchNorm ? 2 : 1) { l.scaleWeight(by: gain) }
  }
  net.recordsOutputs = true                      // layer.out.retain_grad(): the diagnostics read them
  return DeepNet(C: C, layers: net)
}

/// The notebook's deep training loop (`if i >= 1000: break` after the update: steps 0…n, n + 1
/// updates), recording the loss, the update:data ratios and the tanh saturation of every step.
@MainActor func trainDeep(_ c: Cell, _ net: DeepNet, steps n: Int, lr: Float = 0.1, label: String,
                          generator g: inout TorchGenerator, stopOnNaN: Bool = true) throws -> DeepRun {
  let parameters = net.parameters
  var losses: [Float] = [], ud: [[Double?]] = [], saturation: [Double] = []
  for i in c.steps(n + 1, label) {
    let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [batchSize], generator: &g)
    let loss = crossEntropy(net.logits(Xtr[ix]), Ytr[ix])            // forward
    if stopOnNaN { try Tensor.checkFinite(loss.item(), step: i, tensors: net.namedParameters.map { ($0.name, $0.tensor) }) }
    for p in parameters { p.grad = nil }                              // backward
    loss.backward()
    let rate = i < 150_000 ? lr : lr / 10                             // update
    for p in parameters { p.data.addInPlace(p.grad!, scale: -rate) }
    losses.append(loss.item())
    ud.append(Diagnostics.updateToDataRatios(parameters, learningRate: Double(rate)))
    let tanhs = Diagnostics.activations(net.layers)
    saturation.append(tanhs.map(\.saturation).reduce(0, +) / Double(Swift.max(tanhs.count, 1)))
    if i % 100 == 0 { c.status("loss \(f4(loss.item()))") }
  }
  return DeepRun(net: net, losses: losses, updateRatios: ud, saturation: saturation)
}

let deep: Shared<DeepRun> = nb.cell("PyTorch-ifying the code: a deep network of modules", """
  The second half of the lecture writes the pieces as modules, like `torch.nn`: `Linear`
  (weights `randn(fan_in, fan_out) / √fan_in`, optional bias), `BatchNorm1d` (gain γ, bias β,
  running mean and **variance**, momentum 0.1, ε = 1e-5, a `training` flag) and `Tanh`, then
  stacks five hidden layers of 100. At init the last BatchNorm's γ is multiplied by 0.1 (the
  output starts unconfident, as W2 × 0.01 did), and every other Linear's weights by a gain:
  5/3 for tanh without BatchNorm; with BatchNorm the notebook's stored cell uses 1.0, because
  normalisation makes the forward pass nearly independent of it (a cell below shows how
  much). Without BatchNorm the Linear layers keep their bias and the last Linear's weights
  take the × 0.1. The lecture trains it for 1,000 steps only, to look inside.
  """) { c in
  var g0 = TorchGenerator(seed: nb.seed)
  let plain = deepNet(batchNorm: false, weights: .lecture(gain: gainKnob), generator: &g0)
  var g = TorchGenerator(seed: nb.seed)
  let net = deepNet(batchNorm: true, weights: .lecture(gain: gainKnob), generator: &g)
  c.mermaid("""
    flowchart LR
      X["Xb (32, 3)"] -->|"C[Xb], C: 27×10"| E["(32, 3, 10)"] -->|"view"| F["(32, 30)"]
      F -->|"Linear 30→100"| L1["(32, 100)"] -->|"BatchNorm1d + Tanh"| H1["(32, 100)"]
      H1 -->|"4 × (Linear 100→100, BatchNorm1d, Tanh)"| H5["(32, 100)"]
      H5 -->|"Linear 100→27"| L6["(32, 27)"] -->|"BatchNorm1d(27), γ × 0.1"| O["logits (32, 27)"]
      O -->|"cross_entropy"| J["loss"]
    """, terminalText: "Xb (32,3) → C[Xb] (32,3,10) → (32,30) → [Linear → BatchNorm1d → Tanh] × 5 (32,100) → Linear (32,27) → BatchNorm1d → logits (32,27) → loss")
  c.table(["layer", "type", "parameters"], net.layers.layers.enumerated().map { i, l in
    ["\(i)", "\(type(of: l))", "\(l.namedParameters().map { $0.tensor.count }.reduce(0, +))"]
  })
  c.compare([
    Comparison("parameters with BatchNorm (C + layers)", ours: "\(net.parameters.map(\.count).reduce(0, +))", reference: "47024", seedDependent: false),
    Comparison("parameters without BatchNorm (biases instead)", ours: "\(plain.parameters.map(\.count).reduce(0, +))", reference: "46497", seedDependent: false),
  ], source: "notebook")
  let run = try trainDeep(c, net, steps: deepSteps, label: "deep BatchNorm net", generator: &g)
  c.compare("loss at step 0", ours: Double(run.losses[0]), reference: 3.2870, decimals: 4, source: "notebook")
  c.print("loss after \(run.losses.count) steps (minibatch):", f4(run.losses.last!))
  c.think("γ of the last BatchNorm starts at 0.1 instead of 1. What does that do to the step-0 loss?",
          answer: "The logits leave the last BatchNorm with std ≈ 0.1 instead of 1, so the softmax is nearly uniform and the first loss is close to ln 27 = 3.2958: here \(f4(run.losses[0])). Without the × 0.1, unit-std logits would start the loss visibly higher, a small hockey stick.")
  return run
}

/// Histogram series of the given tensors, one per name.
func histograms(_ named: [(String, Tensor)]) -> [HistogramSeries] {
  named.map { HistogramSeries($0.0, values: $0.1.scalars.map(Double.init)) }
}

nb.cell("Diagnostic 1: forward activations", """
  After the last training step, look at what every Tanh layer outputs: mean, std, and the
  percentage **saturated** (|t| > 0.97, the lecture's threshold for these plots). Healthy:
  roughly the same distribution in every layer, std around 0.6–0.7, a few percent saturated.
  Shrinking layer by layer means the gain is too small; saturating means it is too large.
  """) { c in
  let net = deep.value.net
  let acts = Diagnostics.activations(net.layers, threshold: 0.97)
  c.table(["layer", "mean", "std", "saturated"], acts.map {
    ["layer \($0.index) (\($0.layer))", String(format: "%+.2f", $0.stats.mean), String(format: "%.2f", $0.stats.std), String(format: "%.2f%%", $0.saturation * 100)]
  })
  c.figure(Histogram(title: "activation distribution per Tanh layer", xLabel: "t",
                     series: histograms(acts.map { ("layer \($0.index)", net.layers.outputs[$0.index]) }), bins: 50, density: true), name: "diag-activations")
  if isReference && deepSteps == 1000 {
    c.compare([Comparison("layer 2 (first Tanh): std, saturated", ours: String(format: "%.2f, %.2f%%", acts[0].stats.std, acts[0].saturation * 100), reference: "0.63, 2.78%")], source: "notebook")
  }
}

nb.cell("Diagnostic 2: backward gradients", """
  The same layers in the backward pass: the gradient of the loss with respect to each Tanh
  output (`layer.out.grad`). Healthy: similar spreads in every layer. If the deeper layers'
  gradients were much larger or smaller than the shallow ones', the layers would learn at
  different speeds, the signature of a badly scaled stack.
  """) { c in
  let net = deep.value.net
  let grads = Diagnostics.activationGradients(net.layers)
  c.table(["layer", "mean", "std"], grads.map {
    ["layer \($0.index) (\($0.layer))", String(format: "%+.6f", $0.stats.mean), String(format: "%.6e", $0.stats.std)]
  })
  c.figure(Histogram(title: "gradient distribution per Tanh layer", xLabel: "dloss/dt",
                     series: histograms(grads.map { ("layer \($0.index)", net.layers.outputs[$0.index].grad!) }), bins: 50, density: true), name: "diag-gradients")
  if isReference && deepSteps == 1000 {
    c.compare([Comparison("layer 2 gradient std", ours: String(format: "%.2e", grads[0].stats.std), reference: "2.64e-03")], source: "notebook")
  }
}

nb.cell("Diagnostic 3: weight gradients and the grad:data ratio", """
  For the 2-D weights: the gradient's mean and std, and **grad:data**, the gradient's std over
  the values' std. It says how large a step is relative to the numbers it changes. The
  embedding C and the last layer stand out: the last layer's values were scaled down at init,
  so its ratio is about ten times the others' and, with one learning rate for all, it trains
  faster. Adam-style optimisers even this out; plain SGD does not.
  """) { c in
  let net = deep.value.net
  let table = DiagnosticTable(model: net.layers, parameters: net.namedParameters.filter { $0.tensor.rank == 2 }, threshold: 0.97)
  c.table(table.headers, table.rows)
  c.figure(Histogram(title: "weight-gradient distribution per 2-D parameter", xLabel: "gradient",
                     series: histograms(table.parameters.map { p in (p.name, net.namedParameters.first { $0.name == p.name }!.tensor.grad!) }),
                     bins: 50, density: true), name: "diag-weight-gradients")
  let last = table.parameters.last!.gradToData, middle = table.parameters[2].gradToData
  c.print(String(format: "last layer's grad:data %.3e is %.1f× layer %@'s %.3e", last, last / middle, table.parameters[2].name, middle))
}

nb.cell("Diagnostic 4: the update:data ratio over training", """
  The number that matters most: `log10(std(lr · grad) / std(data))` per parameter and step, how
  much one update changes a parameter relative to its size. Karpathy's rule of thumb is about
  **−3** (an update changes the values by about 1/1000). Far below: the learning rate is too
  low and training crawls; far above: too high. At the start the ratios settle within a few
  hundred steps; the last layer's sits higher, as diagnostic 3 predicted.
  """) { c in
  let run = deep.value
  let named = run.net.namedParameters
  let twoD = named.indices.filter { named[$0].tensor.rank == 2 }
  c.figure(LinePlot(title: "update:data ratio, log10, per 2-D parameter", xLabel: "step", yLabel: "log10 ratio",
                    series: twoD.map { k in Series(named[k].name, ys: run.updateRatios.map { $0[k] ?? .nan }) }, guides: [-3]),
           name: "diag-update-ratio")
  let tail = Swift.min(100, run.updateRatios.count)
  c.table(["parameter", "mean log10 ratio, last \(tail) steps"], twoD.map { k in
    let v = run.updateRatios.suffix(tail).compactMap { $0[k] }
    return [named[k].name, String(format: "%.2f", v.reduce(0, +) / Double(Swift.max(v.count, 1)))]
  })
}

nb.cell("Evaluation with BatchNorm in eval mode", """
  To evaluate, switch every layer to evaluation (`layer.training = False`): the BatchNorm layers
  use their running statistics, so the loss over the whole split does not depend on batching.
  After only 1,000 steps the losses are high, but train ≈ validation: no overfitting yet.
  """) { c in
  let net = deep.value.net
  let tr = splitLoss(Xtr, Ytr, logits: net.evaluate), va = splitLoss(Xdev, Ydev, logits: net.evaluate)   // layer.training = False
  if isReference && deepSteps == 1000 {
    c.compare([Comparison("train", ours: f4(tr), reference: "2.4003"), Comparison("val", ours: f4(va), reference: "2.3982")], source: "notebook")
  } else {
    c.table(["split", "loss (\(deep.value.losses.count) steps)"], [["train", f4(tr)], ["val", f4(va)]])
  }
  c.result("deep BatchNorm net (\(deep.value.losses.count) steps), train / val", "\(f4(tr)) / \(f4(va))", headline: "\(f4(tr)) / \(f4(va))")
}

/// One deep run's summary for the comparison tables.
struct DeepSummary {
  let label: String
  let run: DeepRun
  let activationStd: [Double], saturation: [Double], gradientStd: [Double]
  let weightRatio: Double       // mean log10 update:data of the 100×100 weights over the last steps
  let lastRatio: Double         // the same for the output layer's weight
  var finalLoss: Float { let t = run.losses.suffix(100); return t.reduce(0, +) / Float(t.count) }
}

@MainActor func summarise(_ label: String, _ run: DeepRun) -> DeepSummary {
  let acts = Diagnostics.activations(run.net.layers, threshold: 0.97)
  let grads = Diagnostics.activationGradients(run.net.layers)
  let named = run.net.namedParameters
  let tail = run.updateRatios.suffix(100)
  func meanRatio(_ ks: [Int]) -> Double {
    let v = tail.flatMap { row in ks.compactMap { row[$0] } }.filter(\.isFinite)
    return v.reduce(0, +) / Double(Swift.max(v.count, 1))
  }
  let square = named.indices.filter { named[$0].tensor.shape == [100, 100] }
  let out = named.indices.last { named[$0].tensor.rank == 2 }!
  return DeepSummary(label: label, run: run, activationStd: acts.map(\.stats.std), saturation: acts.map(\.saturation),
                     gradientStd: grads.map(\.stats.std), weightRatio: meanRatio(square), lastRatio: meanRatio([out]))
}

let variants: Shared<[String: DeepSummary]> = nb.cell("With and without BatchNorm, gain too small and too large", """
  Why does the gain need to be 5/3, and what does BatchNorm buy? The lecture takes BatchNorm
  out (the Linear layers get their biases back) and varies the gain. Without BatchNorm, a gain
  that is **too small** lets the activations shrink from layer to layer (tanh of a small number
  is about the number, and each layer scales it down); **too large** saturates them. Only near
  5/3 do the statistics stay put through the stack, and this is a 5-layer net: the deeper, the
  more exact the gain must be. **With** BatchNorm every layer's pre-activation is normalised,
  so the forward statistics no longer depend on the gain at all; what changes is the update:data
  ratio (BatchNorm is invariant to the weight scale, so larger weights get relatively smaller
  updates), which the learning rate then has to match.
  """) { c in
  let main = "BatchNorm, gain \(gainKnob == 1 ? "1" : String(format: "%.2f", gainKnob))"
  var result: [String: DeepSummary] = [main: summarise(main, deep.value)]
  let settings: [(String, Bool, Float)] = [("no BatchNorm, gain 5/3", false, 5.0 / 3.0), ("no BatchNorm, gain 0.5", false, 0.5),
                                           ("no BatchNorm, gain 3", false, 3), ("BatchNorm, gain 0.2", true, 0.2), ("BatchNorm, gain 5", true, 5)]
  for (label, batchNorm, gain) in settings {
    var g = TorchGenerator(seed: nb.seed)
    let net = deepNet(batchNorm: batchNorm, weights: .lecture(gain: gain), generator: &g)
    result[label] = summarise(label, try trainDeep(c, net, steps: deepSteps, label: label, generator: &g))
  }
  let order = [main] + settings.map(\.0)
  func span(_ v: [Double], _ f: String) -> String { "\(String(format: f, v.first ?? .nan)) → \(String(format: f, v.last ?? .nan))" }
  c.table(["network (\(deepSteps + 1) steps)", "tanh std, layer 2 → 14", "saturated, 2 → 14", "gradient std, 2 → 14", "log10 update:data (100×100 / last)", "loss, last 100 steps"],
          order.map { k in
    let s = result[k]!
    return [k, span(s.activationStd, "%.2f"), span(s.saturation.map { $0 * 100 }, "%.1f%%"), span(s.gradientStd, "%.1e"),
            String(format: "%.2f / %.2f", s.weightRatio, s.lastRatio), f4(s.finalLoss)]
  })
  c.figure(LinePlot(title: "std of each Tanh layer's output after training", xLabel: "Tanh layer (1 = first)", yLabel: "std",
                    series: order.map { k in Series(k, xs: result[k]!.activationStd.indices.map { Double($0 + 1) }, ys: result[k]!.activationStd, markers: true) }),
           name: "variants-activation-std")
  c.figure(LinePlot(title: "gradient std at each Tanh layer", xLabel: "Tanh layer (1 = first)", yLabel: "std of dloss/dt",
                    series: order.map { k in Series(k, xs: result[k]!.gradientStd.indices.map { Double($0 + 1) }, ys: result[k]!.gradientStd, markers: true) }),
           name: "variants-gradient-std")
  let small = result["no BatchNorm, gain 0.5"]!, large = result["no BatchNorm, gain 3"]!
  c.think("Read the table: what happens to the activations without BatchNorm when the gain is 0.5, and when it is 3? And with BatchNorm?",
          answer: "Gain 0.5: the tanh std falls from \(String(format: "%.2f", small.activationStd.first!)) in the first layer to \(String(format: "%.2f", small.activationStd.last!)) in the last, the signal fading through the stack. Gain 3: \(String(format: "%.1f%%", large.saturation.max()! * 100)) of a layer's units saturated at most, and the gradients no longer match across layers. With BatchNorm the activation columns barely move with the gain, because every layer is renormalised; the gain now shows up only in the update:data ratio, which BatchNorm does not fix.")
  return result
}

/// Runs one of the course's experiments and prints its diagnostic table.
@MainActor func experiment(_ c: Cell, _ label: String, _ run: DeepRun) {
  let stride = Swift.max(1, run.losses.count / 500)
  let xs = Swift.stride(from: 0, to: run.losses.count, by: stride).map(Double.init)
  c.figure(LinePlot(title: "\(label): log10 loss and fraction of saturated tanh units", xLabel: "step", series: [
    Series("log10 minibatch loss", xs: xs, ys: xs.map { Double(Foundation.log10(run.losses[Int($0)])) }),
    Series("saturated (|t| > 0.97), mean over layers", xs: xs, ys: xs.map { run.saturation[Int($0)] }),
  ]), name: "experiment-" + label.lowercased().split(separator: " ").prefix(2).joined(separator: "-").filter { $0.isLetter || $0.isNumber || $0 == "-" })
  let table = DiagnosticTable(model: run.net.layers, parameters: run.net.namedParameters.filter { $0.tensor.rank == 2 })
  c.table(table.headers, table.rows)
}

let experiment1: Shared<DeepSummary> = nb.cell("Experiment 1 (course): every weight N(0, 1)", """
  The course's week plan asks for three experiments on the deep network, each with the
  diagnostic helper (`DiagnosticTable`, one aligned table per call: every Tanh layer's mean,
  std and saturation at |a| > 0.99, every weight's gradient mean, std and grad:data). The
  first is the naive init: every weight a standard normal, no 1/√fan_in, no gain, no BatchNorm.
  Each pre-activation is then a sum of 30 or 100 unit terms (std 5.5 or 10), every layer
  saturates, and little gradient gets through.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let net = deepNet(batchNorm: false, weights: .standardNormal, generator: &g)
  let run = try trainDeep(c, net, steps: deepSteps, label: "experiment 1", generator: &g)
  experiment(c, "Experiment 1 N(0,1)", run)
  c.print(String(format: "loss at step 0: %.4f (uniform: %.4f); saturated at step 0: %.1f%%, at the end: %.1f%%",
                 run.losses[0], Foundation.log(Double(V)), run.saturation[0] * 100, run.saturation.last! * 100))
  return summarise("N(0, 1) weights, no BatchNorm", run)
}

nb.cell("Experiment 2 (course): Kaiming init", """
  The same network with the lecture's init: weights randn/√fan_in times the tanh gain 5/3,
  the last layer × 0.1, no BatchNorm (the run of the gain cell above, reused). The loss
  starts near ln 27 and decreases smoothly, and the activation statistics are healthy.
  """) { c in
  let s = variants.value["no BatchNorm, gain 5/3"]!
  experiment(c, "Experiment 2 Kaiming", s.run)
  c.print(String(format: "loss at step 0: %.4f; saturated at step 0: %.1f%%, at the end: %.1f%%", s.run.losses[0], s.run.saturation[0] * 100, s.run.saturation.last! * 100))
}

nb.cell("Experiment 3 (course): BatchNorm, and the three side by side", """
  Add BatchNorm after every Linear (the network of the diagnostics cells) and compare how fast
  the three reach the same loss. The table measures convergence as the first step whose
  50-step average minibatch loss is below a target, and the final level as the mean of the
  last 100 steps.
  """) { c in
  let runs = [experiment1.value, variants.value["no BatchNorm, gain 5/3"]!, summarise("BatchNorm", deep.value)]
  let names3 = ["1: N(0, 1), no BatchNorm", "2: Kaiming, no BatchNorm", "3: BatchNorm (the diagnostics' network)"]
  experiment(c, "Experiment 3 BatchNorm", runs[2].run)
  let window = Swift.min(50, runs[0].run.losses.count)
  func smoothed(_ l: [Float]) -> [Double] {
    (0...(l.count - window)).map { i in Double(l[i..<(i + window)].reduce(0, +)) / Double(window) }
  }
  c.figure(LinePlot(title: "the three experiments: \(window)-step average of the minibatch loss", xLabel: "step", yLabel: "loss",
                    series: zip(names3, runs).map { Series($0, ys: smoothed($1.run.losses)) }), name: "experiments-loss")
  let target: Double = 2.8
  c.table(["experiment", "loss at step 0", "first step with \(window)-step mean < \(target)", "loss, last 100 steps", "saturated at the end"],
          zip(names3, runs).map { name, s in
    let first = smoothed(s.run.losses).firstIndex { $0 < target }
    return [name, f4(s.run.losses[0]), first.map { "\($0 + window - 1)" } ?? "not within \(s.run.losses.count)", f4(s.finalLoss),
            String(format: "%.1f%%", s.run.saturation.last! * 100)]
  })
  let reach = runs.map { s in smoothed(s.run.losses).firstIndex { $0 < target } }
  let faster = (reach[2] ?? Int.max) < (reach[1] ?? Int.max)
  let bnLosses = variants.value.filter { $0.key.hasPrefix("BatchNorm") }.map(\.value.finalLoss)
  let plainLosses = variants.value.filter { $0.key.hasPrefix("no BatchNorm") }.map(\.value.finalLoss)
  let range = { (v: [Float]) in (v.max() ?? 0) - (v.min() ?? 0) }
  c.print(String(format: "final-loss spread over the gains of the previous cell: with BatchNorm %.4f (%d gains), without %.4f (%d gains)",
                 range(bnLosses), bnLosses.count, range(plainLosses), plainLosses.count))
  c.think("Is BatchNorm faster here? Which of the three would you pick for a 50-layer network, and why?", answer: """
    In this run BatchNorm is \(faster ? "faster" : "not faster") than a good Kaiming init: it reaches \(target) \(reach[2].map { "at step \($0 + window - 1)" } ?? "not at all") against \(reach[1].map { "step \($0 + window - 1)" } ?? "never"), and ends at \(f4(runs[2].finalLoss)) against \(f4(runs[1].finalLoss)). The week plan expects faster convergence; in a five-layer net that Kaiming already initialises well, the measurement says the gain is robustness rather than speed: the final losses of the BatchNorm runs spread by \(f4(range(bnLosses))) over gains from 0.2 to 5, those without by \(f4(range(plainLosses))) over gains from 0.5 to 3, and experiment 1 shows what an init that is far off costs. For 50 layers, pick normalisation (BatchNorm, or LayerNorm as transformers do): a hand-tuned init is exact only at step 0 and for one depth, while normalisation keeps every layer at unit scale throughout training.
    """)
}

nb.cell("What to check first when training feels off", """
  The course's reflection question, as a checklist computed on a **deliberately broken run**
  (N(0, 1) weights, no BatchNorm, learning rate 1.0) beside the healthy BatchNorm run. Each
  check prints what it measured and whether it fires:
  1. **activation magnitudes per layer**: saturated or vanishing Tanh outputs;
  2. **gradient magnitudes per parameter group**: layers whose gradients differ by large factors;
  3. **the initialisation scale**: the first loss against −ln(1/27), and each weight's std·√fan_in against the gain;
  4. **the smoothness of the loss curve**: the typical step-to-step jump of log10 loss, against
     what the noise of a 32-example minibatch explains (fires above 1.5×);
  5. **the learning rate's magnitude**: the update:data ratio against 10⁻³.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let brokenNet = deepNet(batchNorm: false, weights: .standardNormal, generator: &g)
  let initStd = brokenNet.layers.namedParameters().filter { $0.tensor.rank == 2 }.map { TensorStats($0.tensor).std * Double($0.tensor.shape[0]).squareRoot() }
  let broken = try trainDeep(c, brokenNet, steps: Swift.min(300, deepSteps), lr: 1.0, label: "broken run", generator: &g, stopOnNaN: false)
  var gh = TorchGenerator(seed: nb.seed)
  let healthyInit = deepNet(batchNorm: true, weights: .lecture(gain: gainKnob), generator: &gh).layers.namedParameters()
    .filter { $0.tensor.rank == 2 }.map { TensorStats($0.tensor).std * Double($0.tensor.shape[0]).squareRoot() }
  @MainActor func checks(_ run: DeepRun, initScale: [Double]) -> [(String, Bool)] {
    let acts = Diagnostics.activations(run.net.layers, threshold: 0.97)
    let worstSat = acts.map(\.saturation).max() ?? 0, smallest = acts.map(\.stats.std).min() ?? 0
    let grads = Diagnostics.activationGradients(run.net.layers).map(\.stats.std)
    let spread = (grads.max() ?? 0) / Swift.max(grads.min() ?? 0, .leastNormalMagnitude)
    let uniform = Foundation.log(Double(V))
    let scale = initScale.dropLast().map { $0 / (5.0 / 3.0) }
    let half = run.losses.suffix(run.losses.count / 2).map { Double(Foundation.log10($0)) }
    let jumps = zip(half.dropFirst(), half).map { Swift.abs($0 - $1) }
    let jump = jumps.reduce(0, +) / Double(Swift.max(jumps.count, 1))
    // What minibatch noise alone explains: per-example losses on 1,000 training rows give their
    // coefficient of variation cv; a batch of 32 has relative noise cv/√32, and the mean |difference|
    // of two such batches in log10 is log10(e) · √2 · √(2/π) · cv/√32.
    let rows = Swift.min(1000, Xtr.shape[0])              // fewer on a small data set of your own
    let sample = IntTensor.arange(rows)
    let logp = run.net.evaluate(Xtr[sample]).logSoftmax(dim: 1).scalars
    let perExample = (0..<rows).map { -Double(logp[$0 * V + Ytr[at: $0]]) }
    let m = perExample.reduce(0, +) / Double(rows)
    let cv = (perExample.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(Swift.max(rows - 1, 1))).squareRoot() / m
    let expected = Foundation.log10(M_E) * 2.0.squareRoot() * (2 / Double.pi).squareRoot() * cv / Double(batchSize).squareRoot()
    let named = run.net.namedParameters
    let ratios = named.indices.filter { named[$0].tensor.rank == 2 }.map { k -> Double in
      let v = run.updateRatios.suffix(50).compactMap { $0[k] }.filter(\.isFinite).sorted()
      return v.isEmpty ? .nan : v[v.count / 2]
    }
    let highest = ratios.max() ?? .nan
    return [
      (String(format: "most saturated layer %.1f%%, smallest std %.2f", worstSat * 100, smallest), worstSat > 0.10 || smallest < 0.2),
      (String(format: "gradient std across Tanh layers differs %.1f×", spread), !(spread < 4)),
      (String(format: "step-0 loss %.2f vs ln %d = %.2f; std·√fan_in / gain %.2f…%.2f", run.losses[0], V, uniform, scale.min() ?? 0, scale.max() ?? 0),
       Double(run.losses[0]) > 1.5 * uniform || scale.contains { $0 > 2 || $0 < 0.5 }),
      (String(format: "mean |Δ log10 loss| per step %.3f (minibatch noise explains %.3f)", jump, expected), !(jump < 1.5 * expected)),
      (String(format: "largest median log10 update:data %.2f", highest), !(highest < -1.5)),
    ]
  }
  let bad = checks(broken, initScale: initStd), good = checks(deep.value, initScale: healthyInit)
  let titles = ["activation magnitudes", "gradient magnitudes", "initialisation scale", "loss-curve smoothness", "learning rate"]
  c.table(["check", "broken run (N(0, 1), lr 1.0)", "", "healthy run (BatchNorm, lr 0.1)", ""], titles.indices.map { i in
    [titles[i], bad[i].0, bad[i].1 ? "FIRES" : "ok", good[i].0, good[i].1 ? "FIRES" : "ok"]
  })
  c.print("broken run: \(bad.filter(\.1).count) of 5 checks fire; healthy run: \(good.filter(\.1).count) of 5.")
  c.think("The broken run's loss does go down. Why is that not enough reassurance?",
          answer: "A loss that decreases says something is learning, not that everything is: with \(bad.filter(\.1).count) checks firing, most hidden units are saturated, the lower layers barely receive gradient, and the steps are far larger than 1/1000 of the weights. The net is fitting mostly through the last layer, and it will stall well above what the same architecture reaches when initialised properly. The checks find that in a few hundred steps instead of after a day of training.")
}

// MARK: - Exercises

nb.exercise("E01: initialise every weight and bias to zero", """
  *E01.* Set all of C, W1, b1, W2 and b2 to zero and train the single-hidden-layer net. The
  network trains only partially. Which parameters learn, which do not, and why?
  """) { c in
  let n = e01Steps
  let zero = [Tensor.zeros([V, nEmbd]), Tensor.zeros([nEmbd * blockSize, nHidden]), Tensor.zeros([nHidden]),
              Tensor.zeros([nHidden, V]), Tensor.zeros([V])].map { $0.requiringGrad() }
  let (C, W1, b1, W2, b2) = (zero[0], zero[1], zero[2], zero[3], zero[4])
  let labels = ["C", "W1", "b1", "W2", "b2"]
  var g = TorchGenerator(seed: nb.seed)
  var firstGrads: [Float] = []
  var losses: [Float] = []
  for i in c.steps(n, "E01 zero init") {
    let ix = IntTensor.randint(low: 0, high: Xtr.shape[0], shape: [batchSize], generator: &g)
    let h = (C[Xtr[ix]].view(-1, nEmbd * blockSize).matmul(W1) + b1).tanh()
    let loss = crossEntropy(h.matmul(W2) + b2, Ytr[ix])
    for p in zero { p.grad = nil }
    loss.backward()
    if i == 0 { firstGrads = zero.map { $0.grad!.abs().max().item() } }
    for p in zero { p.data.addInPlace(p.grad!, scale: i < n / 2 ? -0.1 : -0.01) }
    losses.append(loss.item())
  }
  c.table(["parameter", "max |grad| at step 0", "max |value| after \(n) steps"], labels.indices.map { k in
    [labels[k], String(format: "%.2e", firstGrads[k]), String(format: "%.4f", zero[k].abs().max().item())]
  })
  let counts = (0..<V).map { k in Double(Ytr.scalars.filter { $0 == k }.count) }
  let total = counts.reduce(0, +)
  let entropy = -counts.filter { $0 > 0 }.map { ($0 / total) * Foundation.log($0 / total) }.reduce(0, +)
  let train = splitLoss(Xtr, Ytr) { X in (C[X].view(-1, nEmbd * blockSize).matmul(W1) + b1).tanh().matmul(W2) + b2 }
  c.worked("best loss of a model that ignores its input", formula: "−Σ p(c) ln p(c) over the 27 next-character frequencies",
           substituted: "entropy of the training split's targets", result: String(format: "%.4f", entropy))
  c.print("train loss after \(n) steps: \(f4(train))  (−ln(1/27) = \(f4(Foundation.log(Float(V)))))")
  c.think("Why does only b2 learn?", answer: """
    With every weight zero, h = tanh(0) = 0 for every input. The gradient of W2 is hᵀ·dlogits = 0,
    and the gradient reaching h is dlogits·W2ᵀ = 0, so W1, b1 and C get exactly 0 too (the table's
    zeros). Only b2, added straight to the logits, gets a gradient, and it learns the frequency of
    each next character: the loss falls to \(f4(train)), the entropy of the next-character
    frequencies (\(String(format: "%.4f", entropy))) that a model ignoring its input can reach, and stays there.
    Nothing ever breaks the tie: every hidden unit is identical and stays so (the symmetry argument),
    which is why weights are initialised randomly, and small rather than zero.
    """)
}

nb.exercise("E02: fold BatchNorm into the preceding Linear", """
  *E02.* After training, BatchNorm in evaluation mode is a fixed per-feature affine map.
  Fold each BatchNorm's γ, β and running statistics into the Linear before it
  (`foldBatchNorm` in `Sources/NN/BatchNormFolding.swift`), and verify that inference gives the
  same logits. Here on the trained deep network: six Linear+BatchNorm pairs become six Linears.
  """) { c in
  let net = deep.value.net
  var folded: [any Module] = []
  let layers = net.layers.layers
  var i = 0
  while i < layers.count {
    if let linear = layers[i] as? Linear, i + 1 < layers.count, let bn = layers[i + 1] as? BatchNorm1d {
      folded.append(foldBatchNorm(linear, bn))
      i += 2
    } else {
      folded.append(layers[i])
      i += 1
    }
  }
  let foldedNet = Sequential(folded)
  let a = net.evaluate(Xdev)                                                     // BatchNorm in eval mode
  let b = Tensor.withNoGrad { foldedNet(net.C[Xdev].view(-1, nEmbd * blockSize)) } // folded
  c.print("layers: \(layers.count) → \(folded.count); trained numbers besides C: \(net.layers.parameterCount) parameters + \(net.layers.namedBuffers().map { $0.tensor.count }.reduce(0, +)) running statistics → \(foldedNet.parameterCount) parameters")
  c.table(["", "BatchNorm in eval mode", "folded"], [
    ["validation loss", f4(crossEntropy(a, Ydev).item()), f4(crossEntropy(b, Ydev).item())],
  ])
  c.print(String(format: "max |logit difference| over the %d × %d validation logits: %.2e", a.shape[0], a.shape[1], Tensor.maxAbsDifference(a, b)))
  c.think("The logits differ in the last digits. Why not exactly zero?", answer: "Folding changes the order of float32 operations: (x·W − μ)·s versus x·(W·s) − μ·s round differently, about one unit in the last place per operation, and six layers add those up. The functions are identical; the difference is the size of float32 rounding, far below anything that changes a prediction.")
}

nb.run()
