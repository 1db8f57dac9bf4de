// Lecture 7: let's build GPT, from scratch, in code, spelled out. Tiny Shakespeare, a bigram
// baseline, self-attention built up in four versions, then the transformer (multi-head attention,
// feed-forward, residual connections, LayerNorm), trained with gpt.py's schedule on two cores.
//
// Read top to bottom like the gpt-dev notebook: every `nb.cell` is one step of the lecture. The
// modules themselves (Sources/NN: Head, MultiHeadAttention, FeedForward, Block, GPTLanguageModel)
// are shown under "The code behind this lecture" on the study page.
import Foundation
import ZeroToHero

let nb = Notebook(.gpt, extraFlags: [
  ExtraFlag("--resume", help: "--full: continue the big model's training from its last checkpoint (see the knob checkpoint)"),
])

/// Numbers printed by the gpt-dev notebook, bigram.py and gpt.py, and PyTorch's for the same
/// cells. "PyTorch" values were computed with PyTorch 2.15 (CPU, one thread) by running the
/// notebook's cells in order on tinyshakespeare.txt (the script is described in
/// Tests/TestSupport/Fixtures/gpt_dev_cells.json); the training fixture is gpt_lecture7.json.
enum Reference {
  static let seed: UInt64 = 1337
  static let length = 1_115_394
  static let vocabulary = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
  static let hiiThere = [46, 47, 47, 1, 58, 46, 43, 56, 43]
  static let split = (train: 1_003_854, val: 111_540)
  static let firstNine = [18, 47, 56, 57, 58, 1, 15, 47, 58]
  static let xb = [[24, 43, 58, 5, 57, 1, 46, 43], [44, 53, 56, 1, 58, 46, 39, 58],
                   [52, 58, 1, 58, 46, 39, 58, 1], [25, 17, 27, 10, 0, 21, 1, 54]]
  /// The bigram model's loss on xb, yb at initialisation (notebook: 4.8786).
  static let bigramInitLoss = 4.878634929656982
  /// generate(zeros(1, 1), 100) right after the bigram model is built (the notebook's noise).
  static let bigramNoise = "\nSKIcLT;AcELMoTbvZv C?nq-QE33:CJqkOKH-q;:la!oiywkHjgChzbQ?u!3bLIgwevmyFJGUGp\nwnYWmnxKWWev-tDqXErVKLgJ"
  /// AdamW lr 1e-3, batch 32: the loss after 100 steps and after a further 10,000.
  static let bigram100 = 4.65630578994751, bigram10100 = 2.451270580291748
  /// The first 60 characters of the 500 sampled after those 10,100 steps.
  static let bigramSampleStart = "\nARICI fere yothar highe LUSeppe y chan d a t, hif nes,\nPl pe"
  /// bigram.py (lr 1e-2, 3,000 iterations, evaluation every 300): step 0 and the last evaluation.
  static let bigramPy = [(0, 4.7305, 4.7241), (300, 2.8110, 2.8249), (600, 2.5434, 2.5682), (900, 2.4932, 2.5088),
                         (1200, 2.4863, 2.5035), (1500, 2.4665, 2.4921), (1800, 2.4683, 2.4936), (2100, 2.4696, 2.4846),
                         (2400, 2.4638, 2.4879), (2700, 2.4738, 2.4911)]
  /// torch.manual_seed(42): b = randint(0, 10, (3, 2)).float() and c = a @ b.
  static let trickB: [Float] = [2, 7, 6, 4, 6, 5]
  static let trickC: [Double] = [2, 7, 4, 5.5, 4.6666669845581055, 5.333333969116211]
  /// max |xbow − xbow2| on PyTorch 2.15 (allclose at atol 1e-8 is False).
  static let xbowMaxDiff = 3.236345946788788e-08
  /// The single head's wei[0] (torch.manual_seed(1337), B, T, C = 4, 8, 32, head 16, no scaling).
  static let headWeiRow3: [Double] = [0.5792409777641296, 0.11871206015348434, 0.18892107903957367, 0.11312589049339294]
  static let headWeiRow7: [Double] = [0.020954834297299385, 0.08428347110748291, 0.05548807978630066, 0.22966749966144562,
                                      0.057287849485874176, 0.07089370489120483, 0.24228233098983765, 0.2391422539949417]
  /// k.var(), q.var(), (q @ kᵀ · 16^−½).var() and the unscaled product's variance (continuing the generator).
  static let variances = (k: 1.044861912727356, q: 1.0700464248657227, scaled: 1.0918108224868774, unscaled: 17.46897315979004)
  static let softmax = [0.1925, 0.1426, 0.2351, 0.1426, 0.2872]
  static let softmax8 = [0.0326, 0.0030, 0.1615, 0.0030, 0.8000]
  /// LayerNorm1d(100) on randn(32, 100) after torch.manual_seed(1337): column 0 and row 0 mean/std.
  static let layerNormColumn = (mean: 0.14685693383216858, std: 0.8803138732910156)
  static let layerNormRow = (mean: -9.53674295089968e-09, std: 0.9999954700469971)
  /// The notebook's final model keeps PyTorch's default init and scales by C: step-0 evaluation.
  static let defaultInitEval = (train: 4.4116, val: 4.4022)
  static let smallParameters = 209_729, bigParameters = 10_788_929
  /// gpt.py's big model on an A100 (the video; not measured here).
  static let bigVal = 1.48
}

// MARK: - Knobs (`--set name=value`; `--help` lists them)

let iterations = nb.knob("steps", standard: 3_000, fast: 20, full: 5_000,
                         "training iterations of the lecture's small GPT (gpt.py's max_iters is 5,000, which --full runs; with their evaluations they take over three minutes on two cores, so the default run stops at 3,000, about two)", in: 1...1_000_000)
let evalInterval = nb.knob("eval_interval", 100, "evaluate train and val every this many iterations", in: 1...1_000_000)
let evalIters = nb.knob("eval_iters", 200, "batches per split in each evaluation", in: 1...10_000)
let initEvalIters = nb.knob("init_eval_iters", standard: 200, fast: 25, full: 200,
                            "batches per split when evaluating the default-init model (the notebook's 4.4116 / 4.4022 are for 200)", in: 1...10_000)
let bigramSteps = nb.knob("bigram_steps", 10_000, "further AdamW steps of the bigram model after the first 100", in: 0...1_000_000)
let bigSteps = nb.knob("big_steps", standard: 0, fast: 0, full: 5_000,
                       "--full: iterations of gpt.py's 10.8M-parameter model (0: count and estimate only)", in: 0...1_000_000)
let bigBatch = nb.knob("big_batch", 64, "batch size of the big model (gpt.py's 64)", in: 1...1024)
let checkpointPath = nb.knob("checkpoint", "lecture07-gpt-big.ckpt",
                             "--full: the big model's checkpoint file (written every 50 iterations; --resume reads it)", in: nil)

// MARK: - Data

/// The two halves of the encoded text.
struct Splits {
  let data: [Int]
  let train: [Int]
  let val: [Int]
}

/// gpt.py's `get_batch`: `batch` random offsets into `data`, each the start of a row of `block`
/// tokens; the targets are the same rows shifted by one. Draws `batch` integers from `g`.
func getBatch(_ data: [Int], batch: Int, block: Int, generator g: inout TorchGenerator) -> (x: IntTensor, y: IntTensor) {
  let ix = g.randint(low: 0, high: data.count - block, count: batch)
  var xs: [Int] = [], ys: [Int] = []
  xs.reserveCapacity(batch * block); ys.reserveCapacity(batch * block)
  for i in ix {
    xs += data[i..<(i + block)]
    ys += data[(i + 1)...(i + block)]
  }
  return (IntTensor(xs, shape: [batch, block]), IntTensor(ys, shape: [batch, block]))
}

let shakespeare = nb.cell("Reading the data: tiny Shakespeare", """
  A language model learns from a sequence: here all of Shakespeare's plays concatenated into one
  file of about a million characters. Our GPT will model it one **character** at a time: given
  the characters so far, predict the next one. Once trained, it can produce endless
  Shakespeare-like text. The vocabulary is simply the sorted set of characters that occur.
  """) { c -> CharacterText in
  let text = try CharacterText(text: nb.readText("tinyshakespeare.txt"))
  try text.requireTrainable(blockSize: 32)            // the small GPT's context, checked before any cell uses it
  c.print("length of dataset in characters:", text.count)
  c.print("the first 200 characters:")
  c.print(String(text.text.prefix(200)))
  let chars = String(text.itos)
  c.print("vocabulary:", chars.replacingOccurrences(of: "\n", with: "\\n"))
  c.print("vocab_size:", text.vocabularySize)
  c.compare("length", ours: "\(text.count)", reference: "\(Reference.length)", source: "notebook", seedDependent: false)
  c.compare("vocabulary size", ours: "\(text.vocabularySize)", reference: "65", source: "notebook", seedDependent: false)
  c.result("characters / vocabulary", "\(text.count) / \(text.vocabularySize)")
  return text
}
/// True when the data file is the lecture's tiny Shakespeare (references about the data apply).
var isLectureText: Bool { shakespeare.value.count == Reference.length && String(shakespeare.value.itos) == Reference.vocabulary }
/// True when the numbers recorded from PyTorch apply to this run: the lecture's text, seed and knobs.
var isReference: Bool { isLectureText && nb.usesLectureSettings }
var V: Int { shakespeare.value.vocabularySize }

let splits = nb.cell("Tokenization and the train/val split", """
  To feed text to a network we turn it into integers: `stoi` maps each character to its index in
  the vocabulary and `itos` back. This is the simplest tokenizer: 65 tokens, long sequences.
  GPT-2 uses a sub-word tokenizer (byte-pair encoding, lecture 9): 50,257 tokens, so the same
  text becomes about 3 times fewer, larger pieces. Then the whole text becomes one long tensor
  of ids, and its first 90% is for training, the last 10% for validation: we will watch the
  validation loss to see whether the model generalises or merely memorises.
  """) { c -> Splits in
  let text = shakespeare.value
  let hii = "hii there"
  if let ids = try? text.encode(hii) {
    c.print("encode(\"hii there\") =", ids)
    c.print("decode(encode(\"hii there\")) =", text.decode(ids).debugDescription)
    if isLectureText { c.compare("encode(\"hii there\")", ours: "\(ids)", reference: "\(Reference.hiiThere)", source: "notebook", seedDependent: false) }
  } else {
    c.print("\"hii there\" uses characters that are not in this text's vocabulary: nothing to encode")
  }
  let data = text.text.map { text.stoi[$0]! }                 // torch.tensor(encode(text), dtype=torch.long)
  c.print("data:", shapeText([data.count]), "int64; the first 20:", Array(data.prefix(20)))
  let n = Int(0.9 * Double(data.count))                         // first 90% train, the rest val
  let (train, val) = (Array(data[..<n]), Array(data[n...]))
  c.print("train:", train.count, "tokens, val:", val.count, "tokens")
  if isLectureText {
    c.compare("train / val tokens", ours: "\(train.count) / \(val.count)", reference: "\(Reference.split.train) / \(Reference.split.val)",
              source: "notebook", seedDependent: false)
  }
  c.result("train / val tokens", "\(train.count) / \(val.count)")
  return Splits(data: data, train: train, val: val)
}
var trainData: [Int] { splits.value.train }
var valData: [Int] { splits.value.val }

nb.cell("A block of 8: eight examples in one chunk", """
  We never feed the whole text at once: we sample random **chunks** of at most `block_size`
  characters. A chunk of 9 characters holds 8 training examples, one per position: after 18
  comes 47, after 18 47 comes 56, and so on. Training on every context length from 1 to
  `block_size` is deliberate: at generation time the model must start from a single character
  and can never be given more than `block_size` characters of context.
  """) { c in
  let blockSize = 8
  let x = Array(trainData[0..<blockSize])
  let y = Array(trainData[1...blockSize])
  for t in 0..<blockSize {
    c.print("when input is \(Array(x[0...t])) the target: \(y[t])")
  }
  if isLectureText {
    c.compare("train_data[:9]", ours: "\(Array(trainData.prefix(9)))", reference: "\(Reference.firstNine)", source: "notebook", seedDependent: false)
  }
  c.think("How many (context, target) examples does one batch of 4 chunks of 8 hold, and why are they not independent?",
          answer: "4 × 8 = 32: every position of every chunk is one example. Within a chunk they share their prefix (the context of position 5 contains the context of position 4), which is why one forward pass over the chunk computes all 8 predictions at once.")
}

let batchCell = nb.cell("Batches: get_batch with torch.manual_seed(1337)", """
  For efficiency, many chunks go through the model together, stacked as the rows of a (B, T)
  tensor; the rows never talk to each other. `get_batch` draws B random offsets with
  `torch.randint(len(data) − block_size, (B,))`, takes the chunk at each as a row of `x` and the
  chunk one character later as `y`. With the notebook's seed the batch is the same as the
  notebook's: our generator is PyTorch's, draw for draw.
  """) { c -> (x: IntTensor, y: IntTensor) in
  var g = TorchGenerator(seed: nb.seed)                          // torch.manual_seed(1337)
  let (batchSize, blockSize) = (4, 8)
  let (xb, yb) = getBatch(trainData, batch: batchSize, block: blockSize, generator: &g)
  c.print("inputs: xb", shapeText(xb.shape))
  for b in 0..<batchSize { c.print(" ", xb[b].scalars) }
  c.print("targets: yb", shapeText(yb.shape))
  for b in 0..<batchSize { c.print(" ", yb[b].scalars) }
  for b in 0..<batchSize {
    for t in 0..<blockSize {
      let context = Array(xb[b].scalars[0...t])
      c.print("when input is \(context) the target: \(yb[b].scalars[t])")
    }
  }
  checkText(c, "xb", "\((0..<batchSize).map { xb[$0].scalars })", "\(Reference.xb)", source: "notebook", applies: referenceApplies())
  return (xb, yb)
}

/// Whether PyTorch's numbers for a cell apply: the lecture's text (when the cell reads it), the
/// lecture's seed, and the settings the cell depends on.
func referenceApplies(text: Bool = true, _ settings: Bool = true) -> Bool {
  MainActor.assumeIsolated { (!text || isLectureText) && nb.seed == Reference.seed && settings }
}

/// `c.compare` when the reference applies to this run; otherwise one line saying what it is for.
@MainActor func check(_ c: Cell, _ what: String, _ ours: Double, _ reference: Double, decimals: Int,
                      source: String = "PyTorch", applies: Bool) {
  if applies {
    c.compare(what, ours: ours, reference: reference, decimals: decimals, source: source, seedDependent: false)
  } else {
    c.print(String(format: "%@: %.\(decimals)f   (%@'s %.\(decimals)f is for seed %d, the lecture's text and settings)",
                   what, ours, source, reference, Reference.seed))
  }
}

/// `check` for printed text (a batch, a sample).
@MainActor func checkText(_ c: Cell, _ what: String, _ ours: String, _ reference: String, source: String = "PyTorch", applies: Bool) {
  if applies {
    c.compare(what, ours: ours, reference: reference, source: source, seedDependent: false)
  } else if isLectureText {
    c.print("\(what): \(ours)   (\(source)'s \(reference) is for seed \(Reference.seed), the lecture's text and settings)")
  }
}

// MARK: - The bigram baseline

let bigram = nb.cell("The simplest baseline: a bigram language model", """
  The simplest model: the current character alone predicts the next. An `Embedding(65, 65)`
  table holds, for each character, one row of 65 **logits** for the next character: the model is
  a lookup, `logits = table[idx]`, shape (B, T, 65). The loss is the cross-entropy of the logits
  against the targets (PyTorch wants (N, C), so the (B, T, C) logits are viewed as (B·T, C)).
  Before training we can say what it should be: if every character were equally likely, the
  loss would be −ln(1/65). To generate, we feed the last character, take softmax of its logits,
  sample one with `multinomial`, append it and repeat.
  """) { c -> (table: Embedding, generator: TorchGenerator) in
  let (xb, yb) = batchCell.value
  var g = TorchGenerator(seed: nb.seed)                          // torch.manual_seed(1337)
  let table = Embedding(V, V, generator: &g)                     // token_embedding_table: N(0, 1)
  let logits = table(xb)                                         // (B, T, C) = (4, 8, 65)
  let (B, T, C) = (logits.shape[0], logits.shape[1], logits.shape[2])
  let loss = crossEntropy(logits.view([B * T, C]), yb.view([B * T]))
  c.print("logits.view(B*T, C):", shapeText([B * T, C]))
  c.print("loss:", f4(loss.item()))
  let uniform = -Foundation.log(1.0 / Double(V))
  c.worked("loss if every character were equally likely", formula: "−ln(1 / vocab_size)",
           substituted: "−ln(1 / \(V))", result: f4(uniform))
  check(c, "loss at initialisation", Double(loss.item()), Reference.bigramInitLoss, decimals: 4, applies: referenceApplies())
  // generate: start from token 0 ('\n'), sample 100 characters one at a time.
  var idx = [0]
  Tensor.withNoGrad {
    for _ in 0..<100 {
      let last = table(IntTensor([idx.last!]))                   // only the last character matters
      let probs = last.softmax(dim: -1)                           // (1, 65)
      idx.append(probs.multinomial(numSamples: 1, generator: &g).scalars[0])
    }
  }
  let noise = shakespeare.value.decode(idx)
  c.print("100 characters from the untrained model:")
  c.print(noise)
  checkText(c, "the 100 characters", noise.debugDescription, Reference.bigramNoise.debugDescription, applies: referenceApplies())
  c.think("The loss at initialisation is above −ln(1/65). What does that say about the random table?",
          answer: "The table's N(0, 1) logits are not all equal, so the predictions are not uniform: some wrong characters get more probability than 1/65 and the right ones often less. This run: \(f4(loss.item())) against \(f4(uniform)) for a perfectly uniform guess.")
  return (table, g)
}

let bigramFinal = nb.cell("Training the bigram model", """
  Now we train it: AdamW with learning rate 1e-3 (small models tolerate larger rates than the
  usual 3e-4), batches of 32 chunks of 8. Each step: a batch, forward, loss, zero the
  gradients, backward, update. The generator continues from the sampling above, as the
  notebook's global RNG does, so every batch is the notebook's. After 100 steps the loss has
  barely moved; after 10,000 more it reaches about 2.45, the best a bigram model can do.
  """) { c -> Float in
  let table = bigram.value.table
  var g = bigram.value.generator
  let optimizer = AdamW(table.parameters(), learningRate: 1e-3)
  let batchSize = 32
  @MainActor func step() -> Float {
    let (xb, yb) = getBatch(trainData, batch: batchSize, block: 8, generator: &g)
    let logits = table(xb)
    let loss = crossEntropy(logits.view([batchSize * 8, V]), yb.view([batchSize * 8]))
    optimizer.zeroGrad()
    loss.backward()
    optimizer.step()
    return loss.item()
  }
  var loss: Float = 0
  for _ in c.steps(100, "bigram, 100 steps") { loss = step() }
  c.print("after 100 steps: loss", f4(loss))
  check(c, "loss after 100 steps", Double(loss), Reference.bigram100, decimals: 4, applies: referenceApplies())
  for i in c.steps(bigramSteps, "bigram, \(bigramSteps) more steps") {
    loss = step()
    if i % 500 == 0 { c.status("loss \(f4(loss))") }
  }
  c.print("after \(bigramSteps) more steps: loss", f4(loss))
  check(c, "loss after \(100 + bigramSteps) steps", Double(loss), Reference.bigram10100, decimals: 4, applies: referenceApplies(bigramSteps == 10_000))
  var idx = [0]
  Tensor.withNoGrad {
    for _ in 0..<500 {
      let probs = table(IntTensor([idx.last!])).softmax(dim: -1)
      idx.append(probs.multinomial(numSamples: 1, generator: &g).scalars[0])
    }
  }
  let sample = shakespeare.value.decode(idx)
  c.print("500 characters after training:")
  c.print(sample)
  checkText(c, "the sample's first 60 characters", String(sample.prefix(60)).debugDescription,
            String(Reference.bigramSampleStart.prefix(60)).debugDescription, applies: referenceApplies(bigramSteps == 10_000))
  c.result("bigram loss after \(100 + bigramSteps) steps", f4(loss), headline: String(format: "%.2f", loss))
  c.think("Why can the bigram model never get much below 2.45, however long it trains?",
          answer: "It sees one character of context: its best possible prediction is the table of next-character frequencies after each character, and the loss of that table on Shakespeare is about 2.45. To do better, the tokens must talk to each other: that is what attention adds.")
  return loss
}

nb.cell("bigram.py: the same model as a script", """
  The notebook's cells become a script, bigram.py: the same model, trained for 3,000
  iterations at a higher learning rate (1e-2) with batches of 32 × 8, and a better loss
  estimate than one batch's: every 300 iterations `estimate_loss` averages 200 batches of
  train and 200 of val (with gradients off). The batch losses jump around; the averages show
  the trend and whether train and val agree. Those evaluation batches come from the same
  generator as the training batches, so they are part of the schedule. (Skipped by `--fast`.)
  """) { c in
  guard nb.mode != .fast else {
    c.print("(--fast: skipped; the default run trains bigram.py's 3,000 iterations)")
    return
  }
  var g = TorchGenerator(seed: nb.seed)                          // torch.manual_seed(1337)
  let table = Embedding(V, V, generator: &g)
  let optimizer = AdamW(table.parameters(), learningRate: 1e-2)
  let (maxIters, evalEvery, batchSize, blockSize) = (3_000, 300, 32, 8)
  @MainActor func loss(_ x: IntTensor, _ y: IntTensor) -> Tensor {
    crossEntropy(table(x).view([batchSize * blockSize, V]), y.view([batchSize * blockSize]))
  }
  var printed: [(Int, Double, Double)] = []
  for iter in c.steps(maxIters, "bigram.py") {
    if iter % evalEvery == 0 || iter == maxIters - 1 {
      let means = Tensor.withNoGrad { [trainData, valData].map { data in
        (0..<200).reduce(0.0) { sum, _ in
          let (x, y) = getBatch(data, batch: batchSize, block: blockSize, generator: &g)
          return sum + Double(loss(x, y).item())
        } / 200
      } }
      printed.append((iter, means[0], means[1]))
      c.print(String(format: "step %d: train loss %.4f, val loss %.4f", iter, means[0], means[1]))
    }
    let (xb, yb) = getBatch(trainData, batch: batchSize, block: blockSize, generator: &g)
    let l = loss(xb, yb)
    optimizer.zeroGrad()
    l.backward()
    optimizer.step()
  }
  if referenceApplies() {
    let rows = zip(printed, Reference.bigramPy).map { ours, ref in
      Comparison("step \(ours.0) train / val", ours: String(format: "%.4f / %.4f", ours.1, ours.2), reference: String(format: "%.4f / %.4f", ref.1, ref.2), seedDependent: false)
    }
    c.compare(rows, source: "PyTorch 2.13 CPU (the reference rerun)")
  }
  c.result("bigram.py final val (step \(printed.last!.0))", f4(printed.last!.2))
}

// MARK: - The mathematical trick in self-attention

/// A matrix as PyTorch prints it, rows on separate lines, `decimals` decimals.
func matrixText(_ t: Tensor, decimals: Int = 4) -> String {
  let (rows, cols) = (t.shape[0], t.shape[1])
  let s = t.contiguous().scalars
  return (0..<rows).map { r in torchList(Array(s[(r * cols)..<((r + 1) * cols)]), decimals: decimals) }.joined(separator: "\n")
}

let toy = nb.cell("The mathematical trick, version 1: averaging the past with loops", """
  Self-attention lets the 8 tokens of a chunk talk to each other, with one rule: a token may
  look at the tokens **before** it, never after (those are what it must predict). The
  simplest way to talk is to average: token t's new vector is the mean of the vectors of tokens
  0 … t, a "bag of words" (`xbow`). It throws away the order, but it is a start. Version 1
  computes it with two loops over batch and time, on `x = torch.randn(4, 8, 2)` after
  `torch.manual_seed(1337)`.
  """) { c -> (x: Tensor, xbow: Tensor) in
  var g = TorchGenerator(seed: nb.seed)                          // torch.manual_seed(1337)
  let (B, T, C) = (4, 8, 2)
  let x = Tensor.randn([B, T, C], generator: &g)
  var rows: [Tensor] = []
  for b in 0..<B {
    for t in 0..<T {
      let xprev = x[b].narrow(dim: 0, start: 0, length: t + 1)   // (t+1, C)
      rows.append(xprev.mean(dim: 0))                           // xbow[b, t] = mean of x[b, :t+1]
    }
  }
  let xbow = Tensor.stack(rows).view([B, T, C])
  c.print("x[0] =")
  c.print(matrixText(x[0]))
  c.print("xbow[0] =")
  c.print(matrixText(xbow[0]))
  let x0 = x[0].scalars
  c.worked("xbow[0, 1]", formula: "(x[0, 0] + x[0, 1]) / 2",
           substituted: String(format: "((%.4f) + (%.4f)) / 2, ((%.4f) + (%.4f)) / 2", x0[0], x0[2], x0[1], x0[3]),
           result: torchList(Array(xbow[0].scalars[2..<4])))
  return (x, xbow)
}

let versions = nb.cell("Versions 2 and 3: a lower-triangular matrix, then softmax over −inf", """
  The loops are slow; a matrix multiplication does the same. Multiplying by a matrix `a` whose
  rows are weights sums the rows of `b` with those weights: with `a = tril(ones)`, row t sums
  rows 0 … t, and with each row of `a` divided by its sum it averages them. The 3 × 3 example
  (`torch.manual_seed(42)`, `b = randint(0, 10, (3, 2))`) shows it. Version 2 is `wei @ x` with
  `wei` the row-normalised lower triangle (batched over B: (T, T) @ (B, T, C) → (B, T, C)).
  Version 3 builds the same `wei` differently: zeros, −inf where the future is, softmax along
  each row. exp(−inf) = 0, and the zeros become equal weights 1/(t+1). This is the form
  attention uses: replace the zeros by **data-dependent affinities** and the average becomes a
  weighted one, the future still masked.
  """) { c in
  var g42 = TorchGenerator(seed: 42)                             // torch.manual_seed(42)
  var a = Tensor.ones([3, 3]).tril()
  a = a / a.sum(dims: [1], keepdim: true)
  let b = IntTensor.randint(low: 0, high: 10, shape: [3, 2], generator: &g42).float()
  let cc = a.matmul(b)
  c.print("a =")
  c.print(matrixText(a))
  c.print("b =")
  c.print(matrixText(b, decimals: 0))
  c.print("c = a @ b =")
  c.print(matrixText(cc))
  let bs = b.scalars, cs = cc.scalars
  c.worked("c[2, 0]", formula: "(b[0, 0] + b[1, 0] + b[2, 0]) / 3",
           substituted: String(format: "(%.0f + %.0f + %.0f) / 3", bs[0], bs[2], bs[4]), result: f4(cs[4]))
  c.compare([Comparison("b", ours: torchList(bs, decimals: 0), reference: torchList(Reference.trickB, decimals: 0), seedDependent: false),
             Comparison("c", ours: torchList(cs), reference: torchList(Reference.trickC.map(Float.init)), seedDependent: false)],
            source: "notebook (torch.manual_seed(42), fixed)")
  let (x, xbow) = toy.value
  let T = 8
  // version 2: the averaging matrix
  var wei = Tensor.ones([T, T]).tril()
  wei = wei / wei.sum(dims: [1], keepdim: true)
  let xbow2 = wei.matmul(x)                                      // (T, T) @ (B, T, C) → (B, T, C)
  // version 3: softmax of a masked matrix of zeros
  let tril = Tensor.ones([T, T]).tril()
  let wei3 = Tensor.zeros([T, T]).maskedFill(tril.eq(0), -Float.infinity).softmax(dim: -1)
  let xbow3 = wei3.matmul(x)
  c.print("wei (version 3) =")
  c.print(matrixText(wei3))
  let d2 = Tensor.maxAbsDifference(xbow, xbow2), d3 = Tensor.maxAbsDifference(xbow, xbow3)
  c.table(["", "max |difference| from xbow", "allclose (atol 1e-8)", "allclose (atol 1e-6)"], [
    ["version 2: wei @ x", String(format: "%.2e", d2), "\(Tensor.allClose(xbow, xbow2))", "\(Tensor.allClose(xbow, xbow2, atol: 1e-6))"],
    ["version 3: softmax", String(format: "%.2e", d3), "\(Tensor.allClose(xbow, xbow3))", "\(Tensor.allClose(xbow, xbow3, atol: 1e-6))"],
  ])
  c.print(String(format: "PyTorch 2.15: max |xbow − xbow2| = %.2e, so torch.allclose(xbow, xbow2) is False there too", Reference.xbowMaxDiff))
  c.note("""
    The three versions compute the same averages in a different **order** of float32 additions
    (a running mean, a dot product with 1/(t+1) weights), so the last bit can differ: a few
    times 1e-8. `allclose` tests |a − b| ≤ atol + rtol·|b| with atol 1e-8 and rtol 1e-5; for an
    element near 0 the rtol part vanishes and 1e-8 is below float32's rounding. The video printed
    True; today's PyTorch prints False (ng-video-lecture issue #43). The right test for float32
    results of different summation orders is a tolerance of a few ulps, as the last column shows.
    """)
  c.think("Why must the mask be applied before the softmax (−inf in the scores) rather than by zeroing the weights after it?",
          answer: "Softmax normalises each row to sum to 1 over the positions it sees. Masking with −inf first makes exp(−inf) = 0, so the remaining weights sum to 1 among the allowed positions. Zeroing after the softmax would leave rows summing to less than 1 and the future would still have shaped the normalisation.")
}

let oneHead = nb.cell("Version 4: self-attention, one head", """
  Now the weights come from the data. Every token emits a **query** ("what am I looking for?")
  and a **key** ("what do I contain?"), both linear maps of its vector, of size `head_size`.
  The affinity of token t for token s is the dot product q_t · k_s: large when what t looks for
  matches what s offers. `wei = q @ kᵀ` gives all of them at once, (B, T, T); the future is
  masked with −inf, softmax turns each row into weights, and the token aggregates not x itself
  but a **value**, a third linear map: `out = wei @ v`. The notebook's cell: B, T, C = 4, 8, 32,
  `head_size = 16`, `torch.manual_seed(1337)`, three `nn.Linear(C, 16, bias=False)` (key, query,
  value, drawn in that order), no scaling yet.
  """) { c -> (x: Tensor, wei: Tensor, generator: TorchGenerator) in
  var g = TorchGenerator(seed: nb.seed)                          // torch.manual_seed(1337)
  let (B, T, C) = (4, 8, 32)
  let x = Tensor.randn([B, T, C], generator: &g)
  let headSize = 16
  let key = Linear(C, headSize, bias: false, generator: &g)
  let query = Linear(C, headSize, bias: false, generator: &g)
  let value = Linear(C, headSize, bias: false, generator: &g)
  let k = key(x)                                                 // (B, T, 16)
  let q = query(x)                                               // (B, T, 16)
  var wei = q.matmul(k.transpose(-2, -1))                        // (B, T, 16) @ (B, 16, T) → (B, T, T)
  let tril = Tensor.ones([T, T]).tril()
  wei = wei.maskedFill(tril.eq(0), -Float.infinity)
  wei = wei.softmax(dim: -1)
  let v = value(x)
  let out = wei.matmul(v)                                        // (B, T, T) @ (B, T, 16) → (B, T, 16)
  c.print("out.shape =", shapeText(out.shape))
  c.print("wei[0] =")
  c.print(matrixText(wei[0]))
  let w0 = wei[0].scalars
  var upper: Float = 0
  var rowSums: [Float] = []
  for i in 0..<T {
    for j in (i + 1)..<(T + 1) where j < T { upper = Swift.max(upper, Swift.abs(w0[i * T + j])) }
    rowSums.append(w0[(i * T)..<(i * T + T)].reduce(0, +))
  }
  c.print(String(format: "above the diagonal: max %.1f; row sums: %@", Double(upper), torchList(rowSums)))
  let headApplies = referenceApplies(text: false)
  c.compare([Comparison("wei[0][3, :4]", ours: torchList(Array(w0[24..<28])), reference: torchList(Reference.headWeiRow3.map(Float.init)), seedDependent: !headApplies),
             Comparison("wei[0][7]", ours: torchList(Array(w0[56..<64])), reference: torchList(Reference.headWeiRow7.map(Float.init)), seedDependent: !headApplies)],
            source: "PyTorch")
  // One query traced: the last token of sequence 0 (t = 7).
  let q7 = q[0][7], k0 = k[0]
  let scores = (0..<T).map { s in (q7 * k0[s]).sum().item() }
  let e = scores.map { Foundation.exp(Double($0 - scores.max()!)) }
  c.table(["key s", "q₇ · k_s", "exp(score − max)", "weight = exp / Σ"], (0..<T).map { s in
    ["\(s)", f4(scores[s]), f4(e[s]), f4(e[s] / e.reduce(0, +))]
  })
  let top = (0..<T).max { w0[56 + $0] < w0[56 + $1] }!
  c.print("token 7 of sequence 0 attends most to token \(top) (weight \(f4(w0[56 + top]))): its value vector dominates out[0, 7]")
  c.think("Why are the weights in row 3 of wei[0] no longer 1/4 each, as in version 3?",
          answer: "Version 3 started from zeros: equal affinities, equal weights. Here the affinities are q·k dot products that differ per pair of tokens, so softmax gives each earlier token a different share; row 3 of this run is \(torchList(Array(w0[24..<28]))).")
  return (x, wei, g)
}

nb.cell("Notes on attention", """
  Six remarks from the lecture, each checked on the head above where it can be.

  1. **Attention is communication.** Think of the T tokens as nodes of a directed graph; token t receives edges from every s ≤ t and aggregates their values with data-dependent weights. Any graph works; for language modelling it is this causal one.
  2. **There is no notion of space.** Attention acts on a *set* of vectors: the dot products do not know where a token sits. That is why the model adds **position embeddings** to the token embeddings: without them, the same characters in another order would give the same result.
  3. **Batch rows never talk.** Each of the B sequences is processed independently; the (B, T, T) weights are B separate (T, T) matrices.
  4. **Encoder vs decoder blocks.** Deleting the mask line lets every token see every other: an *encoder* block, for tasks like sentiment analysis where the whole text is given. A *decoder* block keeps the triangle, because it generates text left to right.
  5. **Self- vs cross-attention.** Here keys, queries and values all come from the same x: self-attention. In cross-attention (the original transformer's decoder reading the encoder's output) the queries come from x but keys and values from another source.
  6. **Scaled attention** divides by √head_size: the next cell.
  """) { c in
  let (x, wei, _) = oneHead.value
  let T = 8
  c.print("edges in the causal graph of \(T) tokens: T(T+1)/2 =", T * (T + 1) / 2, "of", T * T)
  // 2: permute the tokens of sequence 0 → the uniform average is blind to order; attention with
  // the same permutation applied to queries and keys gives permuted weights: no position inside.
  let perm = [0, 1, 2, 3, 4, 5, 7, 6]
  let xp = Tensor.stack(perm.map { x[0][$0] })                  // swap the last two tokens
  let meanLast = x[0].mean(dim: 0).scalars, meanLastP = xp.mean(dim: 0).scalars
  c.print(String(format: "mean of all 8 vectors, original vs last two swapped: max difference %.1e (order is invisible)",
                 zip(meanLast, meanLastP).map { Swift.abs($0 - $1) }.max() ?? 0))
  // 3: rows of wei are per sequence
  let w = wei.scalars
  c.print("wei.shape =", shapeText(wei.shape), "= B separate (T, T) matrices; wei[1][7, :3] =",
          torchList(Array(w[(64 + 56)..<(64 + 59)])), "differs from wei[0][7, :3] =", torchList(Array(w[56..<59])))
  c.think("A decoder block cannot see the future. What exactly is it that position 3 cannot see, and why would seeing it make training useless?",
          answer: "The tokens at positions 4 … T−1, in particular token 4, which is position 3's target. If it could attend to it, it would copy the answer: the training loss would fall to nearly 0 while the model learnt nothing it could use to generate, where the future does not exist yet.")
}

nb.cell("Why divide by √head_size", """
  If q and k have unit-variance entries, q · k sums `head_size` products of unit variance, so its
  variance is about `head_size` (16 here). Fed to softmax, such large scores make it **peaky**:
  the biggest one takes almost all the weight and each token listens to one other token only,
  and its gradients vanish. Multiplying by `head_size^−½` brings the variance back to about 1
  at initialisation, where softmax stays diffuse. (The notebook continues the generator after
  the head above; so do we.) An erratum: the video's `Head` scaled by `C**-0.5`, the embedding
  width, instead of the head size; gpt.py was corrected (ng-video-lecture PR #6), and the
  lecture's final notebook model kept the video's version.
  """) { c in
  var g = oneHead.value.generator                                // the global RNG, continuing
  let (B, T, headSize) = (4, 8, 16)
  let k = Tensor.randn([B, T, headSize], generator: &g)
  let q = Tensor.randn([B, T, headSize], generator: &g)
  let unscaled = q.matmul(k.transpose(-2, -1))
  let wei = unscaled * Float(pow(Double(headSize), -0.5))
  let (kv, qv, wv, uv) = (k.variance().item(), q.variance().item(), wei.variance().item(), unscaled.variance().item())
  c.table(["", "variance", "PyTorch"], [
    ["k", f4(kv), f4(Reference.variances.k)], ["q", f4(qv), f4(Reference.variances.q)],
    ["q @ kᵀ (no scale)", f4(uv), f4(Reference.variances.unscaled)],
    ["q @ kᵀ · 16^−½", f4(wv), f4(Reference.variances.scaled)],
  ])
  c.worked("variance after scaling", formula: "var(q·kᵀ) / head_size", substituted: "\(f4(uv)) / \(headSize)", result: f4(uv / Float(headSize)))
  check(c, "var(q @ kᵀ · 16^−½)", Double(wv), Reference.variances.scaled, decimals: 4, applies: referenceApplies(text: false))
  let s = Tensor([0.1, -0.2, 0.3, -0.2, 0.5])
  let p1 = s.softmax(dim: -1).scalars, p8 = (s * 8).softmax(dim: -1).scalars
  c.print("softmax([0.1, -0.2, 0.3, -0.2, 0.5])     =", torchList(p1))
  c.print("softmax([0.1, -0.2, 0.3, -0.2, 0.5] * 8) =", torchList(p8))
  c.compare([Comparison("softmax", ours: torchList(p1), reference: torchList(Reference.softmax.map(Float.init)), seedDependent: false),
             Comparison("softmax of × 8", ours: torchList(p8), reference: torchList(Reference.softmax8.map(Float.init)), seedDependent: false)],
            source: "notebook")
  c.print(String(format: "× 8 sharpens towards one-hot: the largest weight goes from %.4f to %.4f", p1.max()!, p8.max()!))
  c.think("With head_size 64 and no scaling, by roughly what factor would the scores' standard deviation grow compared with the scaled version?",
          answer: "The variance grows like head_size, so the standard deviation like √head_size = √64 = 8: exactly the × 8 above, which collapses the softmax towards one-hot.")
}

// MARK: - The transformer, piece by piece

nb.cell("Multi-head attention, feed-forward, and the block", """
  One head gives each token one weighted average. **Multi-head attention** runs several smaller
  heads in parallel, each with its own keys, queries and values (different things to look for:
  vowels, the start of a word, the previous speaker), and concatenates their outputs: 4 heads of
  8 give the same width, 32, as one head of 32. A linear **projection** then mixes them back
  into the residual stream. After communicating, each token **thinks** on what it gathered: a
  **feed-forward** network applied to every position separately, Linear(C, 4C) → ReLU →
  Linear(4C, C) (the inner width 4C is the paper's). A **block** is the two in sequence,
  communication then computation; the model stacks several. Below: the engine's modules (their
  code is under "The code behind this lecture") on the (4, 8, 32) input of the head cell.
  """) { c in
  let x = oneHead.value.x                                        // (4, 8, 32)
  var g = TorchGenerator(seed: nb.seed)
  let mha = MultiHeadAttention(embedding: 32, numHeads: 4, headSize: 8, blockSize: 8, generator: &g)
  let perHead = mha.heads.map { $0(x) }                          // 4 × (4, 8, 8)
  let concatenated = Tensor.cat(perHead, dim: -1)                // (4, 8, 32)
  let projected = mha.proj(concatenated)                         // (4, 8, 32)
  let ffwd = FeedForward(embedding: 32, generator: &g)
  let hidden = (ffwd.net.layers[1] as! ReLU)((ffwd.net.layers[0] as! Linear)(projected))
  let thought = ffwd(projected)
  c.table(["step", "shape"], [
    ["x", shapeText(x.shape)],
    ["each of 4 heads (head_size 8)", shapeText(perHead[0].shape)],
    ["torch.cat(heads, dim=-1)", shapeText(concatenated.shape)],
    ["proj", shapeText(projected.shape)],
    ["ffwd: Linear(32, 128) → ReLU", shapeText(hidden.shape)],
    ["ffwd: Linear(128, 32)", shapeText(thought.shape)],
  ])
  let zeroFraction = Double(hidden.scalars.filter { $0 == 0 }.count) / Double(hidden.count)
  c.print(String(format: "ReLU zeroes %.1f%% of the 128 hidden units here (the negative pre-activations)", 100 * zeroFraction))
  // The lecture's Block at n_embd 64, 4 heads: its parameters, counted.
  var g2 = TorchGenerator(seed: nb.seed)
  let block = Block(GPTConfig(vocabSize: V, blockSize: 32, embedding: 64, heads: 4, layers: 1), generator: &g2)
  let (sa, ff, ln) = (block.sa.parameterCount, block.ffwd.parameterCount, block.ln1.parameterCount + block.ln2.parameterCount)
  c.worked("parameters of one block (n_embd 64, 4 heads of 16)",
           formula: "attention 4·3·64·16 + (64·64 + 64) + ffwd (64·256 + 256) + (256·64 + 64) + 2 LayerNorms 2·(64 + 64)",
           substituted: "\(sa) + \(ff) + \(ln)", result: "\(block.parameterCount)")
  c.think("Multi-head attention with 4 heads of 16 has the same number of key/query/value weights as one head of 64. What does it gain then?",
          answer: "Four independent attention patterns: each head computes its own softmax, so one token can attend strongly to several different places at once (one head to the previous character, another to the start of the word), where a single head's one softmax must share its weight among them.")
}

let residualCell = nb.cell("Residual connections: a gradient superhighway", """
  Stacking blocks makes the network deep, and deep networks are hard to optimise. The fix
  (He et al., 2015) is the **residual** path: `x = x + sa(ln1(x))`, `x = x + ffwd(ln2(x))`. Each
  block adds its contribution to a stream that runs from the input to the output untouched.
  Addition passes the gradient on unchanged to both of its inputs, so the gradient of the loss
  reaches the first block directly through the stream, not only through every later block; at
  initialisation the network behaves almost as if it were shallow, and the blocks "come online"
  during training. The projections back into the stream (`proj`, the MLP's second Linear) are
  what make the addition possible. Below: the lecture's GPT at initialisation, 4 and 16 blocks
  deep, the same weights and batch with and without the additions; for each, the gradient norm
  of the **first** block's first MLP weight relative to the **last** block's.
  """) { c -> [(layers: Int, with: Double, without: Double)] in
  var rows: [(layers: Int, with: Double, without: Double)] = []
  var table: [[String]] = []
  for layers in [4, 16] {
    var g = TorchGenerator(seed: nb.seed)
    let model = GPTLanguageModel(GPTConfig(vocabSize: V, blockSize: 32, embedding: 64, heads: 4, layers: layers), gptInit: true, generator: &g)
    let (xb, yb) = getBatch(trainData, batch: 16, block: 32, generator: &g)
    let blocks = model.blocks.layers.map { $0 as! Block }
    @MainActor func firstOverLast(residual: Bool) -> (ratio: Double, first: Double, last: Double) {
      model.zeroGrad()
      var x = model.tokenEmbedding(xb) + model.positionEmbedding(IntTensor.arange(32))
      for block in blocks {
        if residual {
          x = x + block.sa(block.ln1(x))                         // communication, added to the stream
          x = x + block.ffwd(block.ln2(x))                       // computation, added to the stream
        } else {
          x = block.sa(block.ln1(x))                             // the same block, nothing added
          x = block.ffwd(block.ln2(x))
        }
      }
      let logits = model.lmHead(model.lnF(x))
      crossEntropy(logits.view([16 * 32, V]), yb.view([16 * 32])).backward()
      let norm = { (b: Block) -> Double in
        let w = (b.ffwd.net.layers[0] as! Linear).weight.grad!.scalars
        return Foundation.sqrt(w.reduce(0.0) { $0 + Double($1) * Double($1) })
      }
      let (first, last) = (norm(blocks[0]), norm(blocks[blocks.count - 1]))
      return (first / last, first, last)
    }
    let with = firstOverLast(residual: true), without = firstOverLast(residual: false)
    model.zeroGrad()
    rows.append((layers, with.ratio, without.ratio))
    table.append(["\(layers) blocks, with residual", String(format: "%.3e", with.first), String(format: "%.3e", with.last), String(format: "%.2f", with.ratio)])
    table.append(["\(layers) blocks, without", String(format: "%.3e", without.first), String(format: "%.3e", without.last), String(format: "%.2f", without.ratio)])
  }
  c.table(["model", "‖grad‖ first block", "‖grad‖ last block", "first / last"], table)
  let deep = rows[rows.count - 1]
  c.print(String(format: "at %d blocks the first block gets %.2f× the last block's gradient with the stream, %.2f× without",
                 deep.layers, deep.with, deep.without))
  c.note("""
    LayerNorm before each sub-layer rescales what flows through, so without the stream the
    gradient does not simply vanish at these depths (the table). What changes is the **share**
    that reaches the early blocks relative to the late ones; what the stream guarantees is a
    direct path, one addition away from the loss, for every block, at any depth.
    """)
  c.think("Why does an addition pass the gradient through unchanged?",
          answer: "For y = x + f(x), ∂y/∂x = 1 + ∂f/∂x: the 1 carries the upstream gradient straight to x, added to whatever flows through f. Without the residual, the gradient must pass through every later block's Jacobian; in this run, at \(deep.layers) blocks, the first block's gradient is \(String(format: "%.2f", deep.with))× the last block's with the stream and \(String(format: "%.2f", deep.without))× without.")
  return rows
}

nb.cell("LayerNorm: normalising each token's features", """
  The second optimisation aid is **layer normalisation** (Ba et al., 2016). Lecture 4's
  BatchNorm made each *column* (one feature across the batch) zero-mean, unit-variance;
  LayerNorm normalises each *row* (one token's features) instead. The code is BatchNorm's with
  the mean and variance taken over dim 1 instead of dim 0, and nothing else: no running
  buffers, no train/eval difference, no coupling between the examples of a batch. Below the
  notebook's `LayerNorm1d` on `torch.randn(32, 100)` after `torch.manual_seed(1337)`: the rows
  come out normalised, the columns do not. The transformer uses it **pre-norm**: `x + sa(ln1(x))`,
  before each sub-layer, not after as in the 2017 paper (post-norm, `ln(x + sa(x))`); pre-norm
  keeps the residual stream itself un-normalised, which trains more stably in deep stacks.
  A final `ln_f` normalises the stream before the language-model head. Last, **dropout**
  (Srivastava et al., 2014) zeroes a random fraction of activations in training: gpt.py uses
  0.2 on the attention weights and after each projection back into the stream.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)                          // torch.manual_seed(1337)
  let gamma = Tensor.ones([100]), beta = Tensor.zeros([100])
  var x = Tensor.randn([32, 100], generator: &g)
  let xmean = x.mean(dim: 1, keepdim: true)                      // batch mean over the features of each row
  let xvar = x.variance(dim: 1, keepdim: true)                   // unbiased, as torch's var()
  x = gamma * ((x - xmean) / (xvar + 1e-5).sqrt()) + beta
  let column = x.narrow(dim: 1, start: 0, length: 1), row = x[0]
  let (cm, cs, rm, rs) = (column.mean().item(), column.std().item(), row.mean().item(), row.std().item())
  c.table(["statistics of", "mean", "std"], [
    ["x[:, 0] (a column: one feature over the batch)", f4(cm), f4(cs)],
    ["x[0, :] (a row: one example's features)", String(format: "%.4e", cm == cm ? rm : 0), f4(rs)],
  ])
  let applies = referenceApplies(text: false)
  check(c, "column mean", Double(cm), Reference.layerNormColumn.mean, decimals: 4, source: "notebook", applies: applies)
  check(c, "column std", Double(cs), Reference.layerNormColumn.std, decimals: 4, source: "notebook", applies: applies)
  check(c, "row std", Double(rs), Reference.layerNormRow.std, decimals: 4, source: "notebook", applies: applies)
  c.think("Why does LayerNorm need no running mean and variance for evaluation, while BatchNorm does?",
          answer: "Its statistics come from one example's own features, which are there at evaluation too: a single token is normalised the same way in training and in use. BatchNorm's come from the other examples of the batch, which do not exist when one example is fed, hence the running estimates.")
}

nb.cell("The whole model, with shapes", """
  gpt.py's `GPTLanguageModel`: token embeddings (what each character is) plus position
  embeddings (where it is: the attention itself has no notion of space), a stack of blocks,
  the final LayerNorm and a Linear to 65 logits. The diagram shows the lecture's small
  configuration on a batch of 16 chunks of 32; `--verbose` traces every tensor's shape through
  one forward pass.
  """) { c in
  c.mermaid("""
    flowchart TD
      idx["idx (16, 32) token ids"] --> tok["token_embedding_table (65, 64) → (16, 32, 64)"]
      pos["arange(32)"] --> pe["position_embedding_table (32, 64) → (32, 64)"]
      tok --> add(("+"))
      pe --> add
      add --> blocks
      subgraph blocks["4 × Block"]
        ln1["ln1 LayerNorm(64)"] --> sa["MultiHeadAttention: 4 heads × (16, 32, 16) → cat (16, 32, 64) → proj (16, 32, 64)"]
        sa --> r1(("+ residual"))
        r1 --> ln2["ln2 LayerNorm(64)"] --> ff["FeedForward: (16, 32, 256) → ReLU → (16, 32, 64)"]
        ff --> r2(("+ residual"))
      end
      blocks --> lnf["ln_f LayerNorm(64)"] --> head["lm_head Linear(64, 65) → logits (16, 32, 65)"]
      head --> loss["cross_entropy(logits.view(512, 65), targets.view(512))"]
    """, terminalText: """
    idx (16, 32) → tok_emb (16, 32, 64) + pos_emb (32, 64) → 4 × [x + sa(ln1(x)); x + ffwd(ln2(x))]
      → ln_f → lm_head → logits (16, 32, 65) → cross-entropy over 512 predictions
    """)
  var g = TorchGenerator(seed: nb.seed)
  let model = GPTLanguageModel(GPTConfig(vocabSize: V, blockSize: 32, embedding: 64, heads: 4, layers: 4), gptInit: true, generator: &g)
  let (xb, _) = getBatch(trainData, batch: 16, block: 32, generator: &g)
  Tensor.withNoGrad {
    c.shape("idx", xb.shape)
    let tok = model.tokenEmbedding(xb); c.shape("tok_emb", tok.shape)
    let pos = model.positionEmbedding(IntTensor.arange(32)); c.shape("pos_emb", pos.shape, "broadcast over the batch")
    var x = tok + pos; c.shape("x = tok_emb + pos_emb", x.shape)
    for (i, layer) in model.blocks.layers.enumerated() {
      let block = layer as! Block
      let mha = block.sa as! MultiHeadAttention
      let h = block.ln1(x); c.shape("blocks.\(i).ln1", h.shape)
      let heads = mha.heads.map { $0(h) }; c.shape("blocks.\(i).sa.heads.k (× \(heads.count))", heads[0].shape)
      let cat = Tensor.cat(heads, dim: -1); c.shape("blocks.\(i).sa cat", cat.shape)
      x = x + mha.proj(cat); c.shape("blocks.\(i) x + sa(ln1(x))", x.shape)
      let up = (block.ffwd.net.layers[0] as! Linear)(block.ln2(x)); c.shape("blocks.\(i).ffwd.net.0", up.shape)
      x = x + block.ffwd(block.ln2(x)); c.shape("blocks.\(i) x + ffwd(ln2(x))", x.shape)
    }
    let logits = model.lmHead(model.lnF(x)); c.shape("logits", logits.shape)
  }
  let groups: [(String, Int)] = [
    ("token_embedding_table", model.tokenEmbedding.parameterCount), ("position_embedding_table", model.positionEmbedding.parameterCount),
    ("4 blocks", model.blocks.parameterCount), ("ln_f", model.lnF.parameterCount), ("lm_head", model.lmHead.parameterCount),
  ]
  c.table(["module", "parameters"], groups.map { [$0.0, "\($0.1)"] } + [["total", "\(model.parameterCount)"]])
  c.think("Why does the model need position embeddings, when the token embeddings already say which character is where in idx?",
          answer: "The token embedding says which character, not where: attention combines vectors with weights from dot products, and permuting the inputs permutes the outputs identically. Adding a learnt vector per position makes 'e at position 3' a different input from 'e at position 7', so the heads can attend by position (for example to the previous character).")
}

// MARK: - Training the lecture's GPT

/// One evaluation: the mean loss of `iters` batches of each split, train then val, drawn from
/// `g` (gpt.py's `estimate_loss`, run with gradients off).
@MainActor func estimateLoss(_ model: GPTLanguageModel, batch: Int, iters: Int, generator g: inout TorchGenerator) -> (train: Double, val: Double) {
  let block = model.config.blockSize
  model.eval()
  defer { model.train() }
  return Tensor.withNoGrad {
    var means: [Double] = []
    for data in [trainData, valData] {
      var sum = 0.0
      for _ in 0..<iters {
        let (x, y) = getBatch(data, batch: batch, block: block, generator: &g)
        sum += Double(model.loss(x, targets: y).item())
      }
      means.append(sum / Double(iters))
    }
    return (means[0], means[1])
  }
}

/// The record of the small model's training.
struct SmallRun {
  let model: GPTLanguageModel
  let losses: [Float]
  let evals: [(step: Int, train: Double, val: Double)]
  let generator: TorchGenerator
  let secondsPerIteration: Double
}

/// gpt.py's numbers for the small configuration (fixture gpt_lecture7.json: PyTorch 2.15 CPU,
/// gpt.py's init, head-size scaling, evaluation of 200 batches per split before steps 0, 100, 200).
enum Fixture {
  static let evals: [(step: Int, train: Double, val: Double)] = [
    (0, 4.195910930633545, 4.1961989402771), (100, 2.6224396228790283, 2.6157214641571045), (200, 2.4565629959106445, 2.449416399002075)]
  static let firstLosses: [Double] = [4.196838, 3.984299, 3.944305, 3.889948, 3.856962, 3.771453, 3.737287, 3.787078, 3.645911, 3.623562,
                                      3.607255, 3.621979, 3.512061, 3.517810, 3.424869, 3.412194, 3.388177, 3.339471, 3.414851, 3.347665]
}

/// Evaluates after the last iteration too (gpt.py evaluates before its last one), except in
/// `--fast`, where one evaluation of 2 × 200 batches would take longer than the training.
let finalEvaluation = nb.byMode(standard: true, fast: false, full: true)

let smallRun = nb.cell("Training the lecture's GPT", """
  The notebook's final model: batch 16, block 32, n_embd 64, 4 heads of 16, 4 layers, no
  dropout, AdamW at 1e-3, built after `torch.manual_seed(1337)` as gpt.py builds it: every module
  with PyTorch's default init, then every Linear and Embedding weight re-drawn from N(0, 0.02)
  (biases zero). The schedule is gpt.py's: before step 0 and every `eval_interval` (100) steps,
  `estimate_loss` averages 200 batches of train, then 200 of val, drawing them from the **same
  generator** as the training batches: change the schedule and every later batch changes.
  Because the generator is PyTorch's, the batches, the first losses and the evaluations follow
  PyTorch's run (the fixture of the tests), until float32 rounding differences accumulate.
  (We store each Linear's weight as (in, out), which gives the same numbers with one transpose
  less per step.)
  """) { c -> SmallRun in
  var g = TorchGenerator(seed: nb.seed)                          // torch.manual_seed(1337)
  let config = GPTConfig(vocabSize: V, blockSize: 32, embedding: 64, heads: 4, layers: 4, linearLayout: .inByOut)
  let model = GPTLanguageModel(config, gptInit: true, generator: &g)
  c.print(String(format: "%.6f M parameters", Double(model.parameterCount) / 1e6))
  c.compare("parameters", ours: "\(model.parameterCount)", reference: "\(Reference.smallParameters)", source: "gpt.py", seedDependent: false)
  let optimizer = AdamW(model.parameters(), learningRate: 1e-3)
  let batchSize = 16
  // page:hide
  if nb.mode == .full {                                          // --full: the whole run's estimate before the long trainings
    var scratch = TorchGenerator(seed: 0)
    let small = GPTLanguageModel(config, gptInit: false, generator: &scratch)
    let tSmall = c.timed("one iteration of the small model", runs: 5) {
      let (x, y) = getBatch(trainData, batch: batchSize, block: 32, generator: &scratch)
      small.loss(x, targets: y).backward()
    }
    let big = GPTLanguageModel(GPTConfig(vocabSize: V, blockSize: 256, embedding: 384, heads: 6, layers: 6, dropout: 0.2, linearLayout: .inByOut),
                               gptInit: false, dropoutGenerator: SharedGenerator(seed: 0), generator: &scratch)
    let tBig = c.timed("one iteration of the big model at batch 2") {
      let (x, y) = getBatch(trainData, batch: 2, block: 256, generator: &scratch)
      big.loss(x, targets: y).backward()
    }
    let smallMinutes = tSmall.seconds * (Double(iterations) + Double(iterations / evalInterval + 1) * 2 * Double(evalIters) / 3) / 60
    let bigHours = tBig.seconds * Double(bigBatch) / 2 * (Double(bigSteps) + Double(bigSteps / 500 + 1) * 2 * Double(evalIters) / 3) / 3600
    c.timing(String(format: "--full: the small model's %d iterations take about %.0f minutes here, then the big model's %d about %.0f hours "
                    + "(Ctrl-C stops it; --full --resume continues from its last checkpoint)", iterations, smallMinutes, bigSteps, bigHours))
  }
  // page:show
  var losses: [Float] = []
  var evals: [(step: Int, train: Double, val: Double)] = []
  var trainSeconds = 0.0
  for iter in c.steps(iterations, "small GPT") {
    if iter % evalInterval == 0 {                                // every once in a while: train and val loss
      let e = estimateLoss(model, batch: batchSize, iters: evalIters, generator: &g)
      evals.append((iter, e.train, e.val))
      c.print(String(format: "step %d: train loss %.4f, val loss %.4f", iter, e.train, e.val))
    }
    let start = DispatchTime.now().uptimeNanoseconds
    let (xb, yb) = getBatch(trainData, batch: batchSize, block: 32, generator: &g)   // sample a batch
    let loss = model.loss(xb, targets: yb)                                           // forward
    optimizer.zeroGrad()
    loss.backward()                                                                  // backward
    optimizer.step()                                                                 // update
    trainSeconds += secondsSince(start)
    let l = loss.item()
    try Tensor.checkFinite(l, step: iter, tensors: model.namedParameters().map { ($0.name, $0.tensor) })
    losses.append(l)
    c.status("loss \(f4(l))")
  }
  if finalEvaluation {
    let e = estimateLoss(model, batch: batchSize, iters: evalIters, generator: &g)
    evals.append((iterations, e.train, e.val))
    c.print(String(format: "after %d steps: train loss %.4f, val loss %.4f", iterations, e.train, e.val))
  } else {
    c.print("(--fast: \(iterations) steps and no final evaluation)")
  }
  // The fixture: PyTorch's run of the same program.
  let applies = referenceApplies(evalIters == 200 && evalInterval == 100)
  var rows: [[String]] = []
  var held = 0, checked = 0
  func row(_ what: String, _ ours: Double, _ reference: Double, tolerance: Double) {
    let ok = Swift.abs(ours - reference) <= tolerance
    checked += 1; held += ok ? 1 : 0
    rows.append([what, String(format: "%.4f", ours), String(format: "%.4f", reference), String(format: "±%g", tolerance), ok ? "✓" : "✗"])
  }
  if applies {
    for (step, train, val) in Fixture.evals {
      guard let e = evals.first(where: { $0.step == step }) else { continue }
      row("eval step \(step) train", e.train, train, tolerance: step == 0 ? 1e-4 : 0.02)
      row("eval step \(step) val", e.val, val, tolerance: step == 0 ? 1e-4 : 0.02)
    }
    for (i, l) in zip(losses, Fixture.firstLosses).enumerated() { row("loss at step \(i)", Double(l.0), l.1, tolerance: 1e-3) }
    c.table(["", "this run", "PyTorch (gpt.py)", "tolerance", ""], rows)
    c.print("\(held) of \(checked) within tolerance (float32 sums in another order drift apart slowly: 1e-4 at step 0, 1e-3 for 20 steps, 0.02 by step 200)")
  } else {
    c.print("PyTorch's run (fixture) is for seed 1337 on tiny Shakespeare with eval_iters 200 and eval_interval 100: not compared")
  }
  if evals.count > 1 {
    c.figure(LinePlot(title: "train and val loss (mean of \(evalIters) batches each)", xLabel: "step", yLabel: "loss",
                      series: [Series("train", xs: evals.map { Double($0.step) }, ys: evals.map(\.train), markers: true),
                               Series("val", xs: evals.map { Double($0.step) }, ys: evals.map(\.val), markers: true)]),
             name: "gpt-loss")
  }
  let perIteration = trainSeconds / Double(Swift.max(1, losses.count))
  c.timing(String(format: "training: %.0f tokens/s (%.1f ms per iteration of 16 × 32 tokens, evaluations excluded)",
                  Double(batchSize * 32) / perIteration, 1000 * perIteration))
  c.result("parameters", "\(model.parameterCount)", headline: "\(model.parameterCount)")
  c.result("step-0 evaluation (train / val)", String(format: "%.4f / %.4f", evals[0].train, evals[0].val), headline: String(format: "%.4f", evals[0].train))
  if finalEvaluation, let last = evals.last {
    c.result("small GPT after \(last.step) steps: train / val", String(format: "%.4f / %.4f", last.train, last.val))
    c.result("small GPT val loss after \(last.step) steps", f4(last.val), headline: String(format: "%.2f", last.val))
  }
  if iterations != 5_000 && nb.mode != .fast {
    c.print("(\(iterations) iterations, gpt.py's max_iters is 5,000: same schedule, shorter)")
  }
  return SmallRun(model: model, losses: losses, evals: evals, generator: g, secondsPerIteration: perIteration)
}

nb.cell("Generating 500 characters", """
  gpt.py's `generate`: start from a single newline (token 0), crop the context to the last
  `block_size` (32) tokens (the position table has only 32 rows), forward, take the logits of the
  last position, softmax, draw one token with `multinomial` from the generator that drew the
  batches, append, repeat. How Shakespeare-like the result is depends on how long the model
  trained: after thousands of steps it has his shape (names in capitals followed by a colon,
  line breaks, words of the right length) without his sense. The share of real words is
  counted below for this run.
  """) { c in
  let run = smallRun.value
  var g = run.generator                                          // the global RNG, continuing
  let model = run.model
  var idx = [0]
  model.eval()
  Tensor.withNoGrad {
    for _ in 0..<500 {
      let context = Array(idx.suffix(model.config.blockSize))   // crop to the last block_size tokens
      let logits = model(IntTensor(context, shape: [1, context.count]))
      let last = logits[0][context.count - 1]                    // (65,): the last position
      let probs = last.softmax(dim: -1)
      idx.append(probs.multinomial(numSamples: 1, generator: &g).scalars[0])
    }
  }
  model.train()
  let text = shakespeare.value.decode(idx)
  c.print(text)
  let words = text.split { !$0.isLetter }.map { $0.lowercased() }
  let known = Set(shakespeare.value.text.split { !$0.isLetter }.map { $0.lowercased() })
  let real = words.filter { known.contains($0) }.count
  c.print(String(format: "%d of the %d words in the sample occur in tiny Shakespeare (%.0f%%)", real, words.count,
                 100 * Double(real) / Double(Swift.max(1, words.count))))
  c.think("Why must the context be cropped to the last 32 tokens, while the bigram model could take any length?",
          answer: "The position embedding table has block_size = 32 rows: position 32 has no embedding, so the model cannot be run on longer inputs. The bigram model ignored positions (and every token but the last), so any length worked.")
}

nb.cell("PyTorch's default init vs gpt.py's N(0, 0.02)", """
  The notebook's own final model was built *without* gpt.py's `_init_weights` (added to the repo
  later, "better init, not covered in the original GPT video") and scaled attention by C instead
  of the head size. Its step-0 losses were 4.4116 / 4.4022, well above −ln(1/65) = 4.1744, while
  gpt.py's model starts at 4.1959: with N(0, 0.02) weights the logits start near zero, the
  prediction near uniform, as lecture 4 asked of every network. PyTorch's default init of the
  last Linear (uniform in ±1/√64 = ±0.125) makes the initial logits larger, so the model starts
  confidently wrong and spends its first steps undoing it. Below: that model, built from the
  same seed, evaluated the same way.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let config = GPTConfig(vocabSize: V, blockSize: 32, embedding: 64, heads: 4, layers: 4, scale: .embedding, linearLayout: .inByOut)
  let model = GPTLanguageModel(config, gptInit: false, generator: &g)   // the notebook's model: default init, C**-0.5
  let e = estimateLoss(model, batch: 16, iters: initEvalIters, generator: &g)
  let gptInit = smallRun.value.evals.first!
  var g2 = TorchGenerator(seed: nb.seed + 1)
  let (xb, _) = getBatch(trainData, batch: 16, block: 32, generator: &g2)
  let logitStd = { (m: GPTLanguageModel) -> Float in Tensor.withNoGrad { m(xb).std().item() } }
  var g3 = TorchGenerator(seed: nb.seed)
  let fresh = GPTLanguageModel(GPTConfig(vocabSize: V, blockSize: 32, embedding: 64, heads: 4, layers: 4), gptInit: true, generator: &g3)
  c.table(["init", "step-0 train", "step-0 val", "std of the initial logits"], [
    ["PyTorch default, scale C^−½ (the notebook)", f4(e.train), f4(e.val), f4(logitStd(model))],
    ["gpt.py: N(0, 0.02), scale head_size^−½", f4(gptInit.train), f4(gptInit.val), f4(logitStd(fresh))],
  ])
  if initEvalIters != 200 { c.print("(\(initEvalIters) batches per split in this run; the notebook's numbers are for 200: --set init_eval_iters=200)") }
  let applies = referenceApplies(initEvalIters == 200)
  check(c, "default init, step-0 train", e.train, Reference.defaultInitEval.train, decimals: 4, source: "notebook", applies: applies)
  check(c, "default init, step-0 val", e.val, Reference.defaultInitEval.val, decimals: 4, source: "notebook", applies: applies)
  c.print(String(format: "−ln(1/65) = %.4f: the default init starts %.4f above it", -Foundation.log(1.0 / Double(V)), e.val + Foundation.log(1.0 / Double(V))))
  c.think("Why is starting near the uniform prediction worth a re-initialisation?",
          answer: "A loss above −ln(1/vocab) at step 0 means the network is confidently wrong; the first steps are spent only shrinking the logits (lecture 4's hockey stick) instead of learning structure. Small initial weights put the model at the uniform guess, where every gradient goes into learning.")
}
nb.cell("What one head looks at", """
  Each head of the trained model is a learnt attention pattern. Below: the first head of the
  last block on the first 16 characters of the validation text, the (16 × 16) weights
  `softmax(mask(q·kᵀ / √16))` as a heatmap, row t being where position t's query looks (rows
  sum to 1, nothing above the diagonal). After training, heads specialise: some look at the
  previous character or two, some at the start of the current word or line, some spread
  out evenly. The table lists, for the last positions, the earlier character each attends to
  most (with `--fast` the model has trained only a few steps and the head has had little time to
  specialise).
  """) { c in
  let model = smallRun.value.model
  let blockIndex = model.config.layers - 1
  let ids = Array(valData.prefix(16))
  let chars = ids.map { shakespeare.value.itos[$0] }
  let label = { (ch: Character) -> String in ch == "\n" ? "\\n" : ch == " " ? "␣" : String(ch) }
  let wei: Tensor = Tensor.withNoGrad {
    var x = model.tokenEmbedding(IntTensor(ids, shape: [1, ids.count])) + model.positionEmbedding(IntTensor.arange(ids.count))
    let blocks = model.blocks.layers.map { $0 as! Block }
    for block in blocks.prefix(blockIndex) { x = block(x) }
    let head = (blocks[blockIndex].sa as! MultiHeadAttention).heads[0]
    let h = blocks[blockIndex].ln1(x)
    let (k, q) = (head.key(h), head.query(h))
    let t = ids.count
    let scores = q.matmul(k.transpose(-2, -1)) * Float(pow(Double(k.shape[2]), -0.5))
    let masked = scores.maskedFill(Tensor.ones([t, t]).tril().eq(0), -Float.infinity)
    return masked.softmax(dim: -1)[0]                            // (T, T)
  }
  let t = ids.count
  let w = wei.scalars
  let values = (0..<t).map { i in (0..<t).map { j in Double(w[i * t + j]) } }
  c.figure(Heatmap(title: "blocks.\(blockIndex).sa.heads.0 on the first \(t) characters of val (row: query, column: key)",
                   values: values, rowLabels: chars.map(label), columnLabels: chars.map(label), range: 0...1,
                   xLabel: "key position (earlier characters)", yLabel: "query position"), name: "attention-heatmap")
  var rows: [[String]] = []
  var previous = 0
  for i in 0..<t {
    let j = (0...i).max { w[i * t + $0] < w[i * t + $1] }!
    if i > 0 && j == i - 1 { previous += 1 }
    if i >= t - 6 { rows.append(["\(i) '\(label(chars[i]))'", "\(j) '\(label(chars[j]))'", f4(w[i * t + j]), "\(i - j)"]) }
  }
  c.table(["query position", "attends most to", "weight", "characters back"], rows)
  c.print("positions whose strongest weight is on the character just before: \(previous) of \(t - 1)")
  c.think("Row 0 of every attention matrix is [1, 0, 0, …]. Why, whatever the weights?",
          answer: "Position 0 may look only at itself: the mask leaves one allowed entry, and the softmax of a single number is 1. The first character's output is therefore always its own value vector.")
}

// MARK: - gpt.py's big configuration

nb.cell("Scaling up: gpt.py's 10.8M-parameter model", """
  The lecture ends by scaling up: n_embd 384, 6 heads of 64, 6 layers, block 256, batch 64,
  dropout 0.2, lr 3e-4, 5,000 iterations with an evaluation every 500. On an A100 this takes
  about 15 minutes and reaches a validation loss of about 1.48 (the video's number, **not
  measured here**). On two CPU cores one iteration is about a trillion floating-point
  operations: the estimate below comes from timing one iteration on this machine. `--full`
  trains it, writing a checkpoint (weights, AdamW's moments, the step and the generator
  mid-stream) every 50 iterations, so that the run can be stopped and continued with
  `--full --resume`: the resumed run takes exactly the losses the uninterrupted one would.
  """) { c in
  let shared = SharedGenerator(seed: nb.seed)                    // one stream for batches and dropout, as torch's global RNG
  let batchSize = bigBatch, block = 256
  let config = GPTConfig(vocabSize: V, blockSize: block, embedding: 384, heads: 6, layers: 6, dropout: 0.2, linearLayout: .inByOut)
  let model = GPTLanguageModel(config, gptInit: true, dropoutGenerator: shared, generator: &shared.generator)
  c.print(String(format: "%.6f M parameters", Double(model.parameterCount) / 1e6))
  c.compare("parameters", ours: "\(model.parameterCount)", reference: "\(Reference.bigParameters)", source: "gpt.py", seedDependent: false)
  let e = 384, l = 6
  c.worked("parameters", formula: "tok 65·384 + pos 256·384 + 6 × block + ln_f 2·384 + lm_head 384·65 + 65",
           substituted: "\(V * e) + \(block * e) + \(l) × \((model.blocks.layers[0] as! Block).parameterCount) + \(2 * e) + \(e * V + V)",
           result: "\(model.parameterCount)")
  c.print("A100 (the video): val loss ≈ \(Reference.bigVal) after 5,000 iterations in about 15 minutes; not measured here")
  guard nb.mode != .fast else {
    c.print("(--fast: the model is built and counted; the default run times one iteration, --full trains it)")
    return
  }
  try CharacterText(text: shakespeare.value.text).requireTrainable(blockSize: block)
  let optimizer = AdamW(model.parameters(), learningRate: 3e-4)
  @MainActor func trainStep() -> Float {
    let (xb, yb) = getBatch(trainData, batch: batchSize, block: block, generator: &shared.generator)
    let loss = model.loss(xb, targets: yb)
    optimizer.zeroGrad()
    loss.backward()
    optimizer.step()
    return loss.item()
  }
  // The estimate first: one iteration timed on a copy of the stream, so the run below is
  // unchanged. Outside --full, at batch 2 (the work grows linearly with the batch).
  let saved = shared.generator
  let probe = GPTLanguageModel(config, gptInit: false, dropoutGenerator: shared, generator: &shared.generator)
  let probeBatch = nb.mode == .full ? batchSize : Swift.min(batchSize, 2)
  let t = c.timed("one iteration of the big model (batch \(probeBatch) × \(block))") {
    let (xb, yb) = getBatch(trainData, batch: probeBatch, block: block, generator: &shared.generator)
    probe.loss(xb, targets: yb).backward()
  }
  shared.generator = saved
  let iteration = t.seconds * Double(batchSize) / Double(probeBatch)
  let hours = iteration * (5_000 + 11 * 2 * 200 / 3) / 3600     // an evaluation batch ≈ a third of an iteration
  c.timing(String(format: "so gpt.py's schedule (5,000 iterations of batch %d, 11 evaluations of 2 × 200 batches) would take about %.0f hours here",
                  batchSize, hours))
  guard bigSteps > 0 else {
    c.print("(big_steps is 0 in this mode: `--full` trains it, or --set big_steps=N)")
    return
  }
  let url = URL(fileURLWithPath: checkpointPath)
  var start = 0
  if nb.flag("--resume") {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw DataFileError("--resume: no checkpoint at \(url.path); run --full without --resume first (it writes one every 50 iterations)")
    }
    let state = try Checkpoint.load(model, optimizer: optimizer, from: url)
    guard let state, let g = state.generator else { throw DataFileError("--resume: \(url.path) holds weights but no training state") }
    start = state.step
    shared.generator = g
    c.print("resumed from \(url.path) at iteration \(start)")
  }
  for iter in c.steps(bigSteps, "big GPT") where iter >= start {
    if iter % 500 == 0 {
      let ev = Tensor.withNoGrad { () -> (Double, Double) in
        model.eval()
        defer { model.train() }
        var means: [Double] = []
        for data in [trainData, valData] {
          var sum = 0.0
          for _ in 0..<evalIters {
            let (x, y) = getBatch(data, batch: batchSize, block: block, generator: &shared.generator)
            sum += Double(model.loss(x, targets: y).item())
          }
          means.append(sum / Double(evalIters))
        }
        return (means[0], means[1])
      }
      c.print(String(format: "step %d: train loss %.4f, val loss %.4f", iter, ev.0, ev.1))
    }
    let loss = trainStep()
    try Tensor.checkFinite(loss, step: iter, tensors: model.namedParameters().map { ($0.name, $0.tensor) })
    if bigSteps <= 20 || (iter + 1) % 50 == 0 { c.print(String(format: "iteration %d: loss %.4f", iter, loss)) }
    c.status("loss \(f4(loss))")
    if (iter + 1) % 50 == 0 || iter + 1 == bigSteps {
      try Checkpoint.save(model, optimizer: optimizer, training: TrainingState(step: iter + 1, generator: shared.generator), to: url)
    }
  }
  c.print("checkpoint: \(url.path) (\(bigSteps) iterations done)")
}

nb.cell("From this model to ChatGPT", """
  What we trained is a **decoder-only** transformer, **pretrained** on a small text: a
  document completer. It babbles Shakespeare-like text because that is all it has seen. ChatGPT
  starts the same way at a vastly larger scale: GPT-3's biggest model has 175 billion
  parameters (ours: about 200 thousand) and was trained on 300 billion tokens of internet text
  (ours: about 1 million characters, with a vocabulary of 65 instead of about 50,000 sub-word
  tokens). Pretraining alone gives a model that continues documents: asked a question, it may
  answer with more questions, as a document of questions would. Making it an **assistant** is a
  second, **fine-tuning** stage, which OpenAI described in three steps: (1) supervised
  fine-tuning on thousands of documents written as question → answer exchanges, (2) a
  **reward model** trained on people's rankings of several sampled answers, (3) reinforcement
  learning (PPO) that tunes the model to produce answers the reward model scores highly. The
  original transformer paper had an encoder (reading the French sentence, no mask) and a decoder
  with cross-attention to it; GPT keeps only the decoder, since it conditions on nothing but its
  own past. Lecture 8 goes through these stages.
  """) { c in
  let run = smallRun.value
  let last = run.evals.last!
  c.table(["", "this lecture's model", "GPT-3 (175B)"], [
    ["parameters", "\(run.model.parameterCount)", "175,000,000,000"],
    ["vocabulary", "\(V) characters", "50,257 BPE tokens"],
    ["context", "\(run.model.config.blockSize) tokens", "2,048 tokens"],
    ["training tokens", "\(run.losses.count * 16 * 32) (\(run.losses.count) iterations × 16 × 32)", "300 billion"],
  ])
  c.print(String(format: "our model's last evaluation (step %d): val loss %.4f; the bigram baseline: %.4f (batch loss after %d steps)",
                 last.step, last.val, Double(bigramFinal.value), 100 + bigramSteps))
  c.think("Why can't a pretrained document completer simply be asked a question?",
          answer: "It continues text the way documents on its training data continue: a question might be followed by more questions, a forum reply, or nothing useful. Fine-tuning on question → answer documents (and RLHF) changes what kind of document it believes it is completing.")
}

declareExercises(nb, shakespeare: shakespeare)

nb.run()
