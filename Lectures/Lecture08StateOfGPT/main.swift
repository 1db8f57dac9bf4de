// Lecture 8: "State of GPT" (Microsoft Build 2023). The talk has no code; this lecture makes every
// stage of the GPT-assistant pipeline happen at toy scale on the project's own models:
// pretraining a small lecture-7 GPT on Shakespeare, prompting the base model with a fake
// document, supervised fine-tuning with a masked prompt, a reward model trained on preferences,
// reinforcement learning against it (with and without a KL penalty), and prompting as a program
// (tokens to think, self-consistency, retrieval, constrained decoding, temperature).
//
// Read top to bottom like the talk. Figures from the talk (dataset sizes, GPT-3/LLaMA
// hyperparameters, the LLaMA data mixture) are labelled "quoted"; every other number is measured
// by this run, and every sentence about an outcome is computed from it.
import Foundation
import ZeroToHero

let nb = Notebook(.stateOfGPT)

// MARK: - Knobs (`--set name=value`; `--help` lists them)

let pretrainSteps = nb.knob("steps", standard: 1_500, fast: 30, full: 6_000, "pretraining steps of the base model", in: 1...1_000_000)
let sftSteps = nb.knob("sft_steps", standard: 500, fast: 40, full: 2_000, "supervised fine-tuning steps", in: 1...1_000_000)
let rmSteps = nb.knob("rm_steps", standard: 300, fast: 40, full: 1_000, "reward-model training steps", in: 1...1_000_000)
let rlSteps = nb.knob("rl_steps", standard: 60, fast: 8, full: 200, "REINFORCE updates (each run)", in: 1...100_000)
let klBeta = nb.knob("kl_beta", 0.5, "weight of the KL penalty against the base model", in: 0...100)
let cotSteps = nb.knob("cot_steps", standard: 1_500, fast: 40, full: 5_000, "training steps of each arithmetic model", in: 1...1_000_000)
let samples = nb.knob("samples", standard: 200, fast: 32, full: 500, "completions sampled per measurement", in: 4...100_000)

// MARK: - Vocabulary: lecture 7's characters plus five special tokens

/// Lecture 7's character vocabulary plus the special tokens this lecture adds after it.
struct Vocabulary {
  let text: CharacterText
  var chars: Int { text.vocabularySize }
  var endOfText: Int { chars }          // <|endoftext|>: between pretraining documents
  var user: Int { chars + 1 }           // <|user|>: a prompt starts
  var assistant: Int { chars + 2 }      // <|assistant|>: the response starts
  var end: Int { chars + 3 }            // <|end|>: the response ends
  var reward: Int { chars + 4 }         // <|reward|>: the reward model reads its score here
  var size: Int { chars + 5 }
  func encode(_ s: String) throws -> [Int] { try text.encode(s) }
  func show(_ ids: [Int]) -> String {
    ids.map { i -> String in
      switch i {
      case endOfText: return "<|endoftext|>"
      case user: return "<|user|>"
      case assistant: return "<|assistant|>"
      case end: return "<|end|>"
      case reward: return "<|reward|>"
      case 0..<chars: return String(text.itos[i])
      default: return "?"
      }
    }.joined()
  }
  /// Characters only (special tokens dropped).
  func plain(_ ids: [Int]) -> String { String(ids.filter { $0 < chars }.map { text.itos[$0] }) }
}

/// One line of text shown on a single line.
func oneLine(_ s: String) -> String { s.replacingOccurrences(of: "\n", with: "⏎") }

/// A copy of a model (same configuration, weights copied): fine-tuning starts from the base model.
@MainActor func copyOf(_ model: GPTLanguageModel) -> GPTLanguageModel {
  var g = TorchGenerator(seed: 0)
  let m = GPTLanguageModel(model.config, generator: &g)
  for (dst, src) in zip(m.parameters(), model.parameters()) { dst.data.assign(src) }
  return m
}

/// Mean next-token loss of `model` on `batches` random windows of `stream` (no graph).
@MainActor func meanLoss(_ model: GPTLanguageModel, _ stream: [Int], block: Int, batches: Int, generator g: inout TorchGenerator) -> Float {
  var total: Float = 0
  Tensor.withNoGrad {
    for _ in 0..<batches {
      let ix = g.randint(low: 0, high: stream.count - block - 1, count: 16)
      let x = IntTensor(ix.flatMap { Array(stream[$0..<($0 + block)]) }, shape: [16, block])
      let y = IntTensor(ix.flatMap { Array(stream[($0 + 1)..<($0 + block + 1)]) }, shape: [16, block])
      total += model.loss(x, targets: y).item()
    }
  }
  return total / Float(batches)
}

/// Percent with one decimal.
func pct(_ k: Int, _ n: Int) -> String { String(format: "%.1f%%", n == 0 ? 0 : 100 * Double(k) / Double(n)) }

// MARK: - The pipeline

let vocab = nb.cell("The GPT-assistant pipeline", """
  The talk's first slide is a recipe in four stages, each with its data set, its objective and
  the model it produces. Pretraining is where almost all the compute goes (about 99% in the talk);
  the three stages after it are fine-tuning on far smaller, far more carefully made data. The
  sizes below are **quoted from the talk's slide** (not measured); the last column is what this
  lecture builds at toy scale, on the same Tiny Shakespeare as lecture 7 with its character
  tokens, plus five special tokens appended after the 65 characters.
  """) { c -> Vocabulary in
  let text = try CharacterText(text: nb.readText("tinyshakespeare.txt"))
  try text.requireTrainable(blockSize: 66)          // a window of 64 and its targets fit in each part
  // The characters of every text the toys type (prompts, the template's literals, the '!' preference).
  let needed = Set("name: ; mood." + "Who art thou?\n" + "The capital of France is" + " computer brother" + "!")
  let missing = needed.subtracting(text.itos).sorted()
  guard missing.isEmpty else {
    throw DataFileError("this lecture's toys type prompts, a template and a '!' preference that need the characters "
                        + "\(String(needed.sorted()).debugDescription); the text lacks \(missing.map { $0.debugDescription }.joined(separator: " "))")
  }
  let v = Vocabulary(text: text)
  c.table(["stage", "data (quoted)", "objective", "result", "this lecture's toy"], [
    ["Pretraining", "raw internet text, trillions of words", "predict the next token", "base model (GPT, LLaMA)", "a 3-layer GPT on \(text.count) characters"],
    ["Supervised fine-tuning", "10–100K prompt/response pairs by contractors", "the same, on ideal responses", "SFT model (Vicuna-13B)", "reversing words, loss masked on the prompt"],
    ["Reward modelling", "100K–1M comparisons", "a preference between completions", "reward model", "a GPT scoring lines by a labeller's taste"],
    ["Reinforcement learning", "10K–100K prompts", "maximise the reward", "RL model (ChatGPT, Claude)", "REINFORCE against the reward model"],
  ])
  c.print("vocabulary: \(v.chars) characters + <|endoftext|> <|user|> <|assistant|> <|end|> <|reward|> = \(v.size) tokens")
  c.mermaid("""
    flowchart LR
      D1["internet text<br/>(B, T) windows of tokens"] --> P["Pretraining<br/>next-token loss"] --> BM["base model<br/>logits (B, T, \(v.size))"]
      BM --> S["SFT<br/>loss masked on the prompt"] --> SFT["SFT model"]
      SFT --> C["sampled completions<br/>ranked by people"] --> RM["reward model<br/>one score (B,) at the reward token"]
      SFT --> RL["RL<br/>log-probs weighted by reward − β·KL"]
      RM --> RL --> A["assistant model"]
    """, terminalText: "text → pretraining → base model → SFT → SFT model → (comparisons → reward model) → RL → assistant")
  c.think("Why is pretraining about 99% of the compute when SFT uses the same objective?",
          answer: "Same loss, very different data sizes: pretraining reads trillions of tokens once or more, SFT tens of thousands of short conversations. The later stages only adjust a model that already knows language; they cost hours or days on a few GPUs, pretraining months on thousands.")
  return v
}

// MARK: - Pretraining

nb.cell("Pretraining data: a mixture sampled with fixed weights", """
  A pretraining set is a mixture of sources, each sampled with a fixed weight chosen by the
  trainers. The proportions below are the LLaMA paper's, as **quoted** on the talk's slide. We draw
  10,000 documents with those weights (`multinomial` with replacement, as
  `torch.multinomial(weights, 10000, replacement=True)`) and count where they came from: the
  counts scatter around the weights by about √(n·p(1−p)).
  """) { c in
  let sources = ["CommonCrawl", "C4", "GitHub", "Wikipedia", "Books", "ArXiv", "StackExchange"]
  let weights: [Float] = [67.0, 15.0, 4.5, 4.5, 4.5, 2.5, 2.0]
  var g = TorchGenerator(seed: nb.seed)
  let n = 10_000
  let draws = g.multinomial(weights, numSamples: n, replacement: true)
  var counts = [Int](repeating: 0, count: sources.count)
  for d in draws { counts[d] += 1 }
  c.table(["source", "weight (quoted)", "drawn", "share drawn"], sources.indices.map {
    [sources[$0], String(format: "%.1f%%", weights[$0]), "\(counts[$0])", pct(counts[$0], n)]
  })
  let worst = sources.indices.map { i -> Double in
    let p = Double(weights[i]) / 100
    return Swift.abs(Double(counts[i]) - Double(n) * p) / (Double(n) * p * (1 - p)).squareRoot()
  }.max() ?? 0
  c.print(String(format: "largest deviation from n·p: %.2f standard deviations", worst))
  c.note("Quoted from the talk's slides (not measured here): GPT-3 175B has a vocabulary of 50,257 tokens, a context of 2,048 and was trained on 300B tokens; LLaMA 65B has a vocabulary of 32,000, a context of 2,048 and 1.0–1.4T tokens (about 2,048 A100 GPUs, 21 days, a few $M). LLaMA, a third the size, is the stronger model: the number of tokens seen matters as much as parameters.")
}

let stream = nb.cell("Packing documents into a (B, T) batch", """
  Documents have every length; a batch is a rectangle. Pretraining concatenates the documents
  into one stream with an `<|endoftext|>` token after each, cuts the stream into rows of T
  tokens, and the targets are the same stream shifted by one. A row may start mid-document and
  hold several: the separator tells the model "a new document starts here". Below, three
  speeches of the play with GPT-2's tokenizer (lecture 9's, `<|endoftext|>` = 50256), packed at
  B = 4, T = 10; then the same packing with our character tokens, which is what our model trains on.
  """) { c -> (train: [Int], val: [Int]) in
  let v = vocab.value
  let speeches = v.text.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
  let gpt2 = try BytePairTokenizer.gpt2(dataDirectory: try nb.dataFile("gpt2.tiktoken").deletingLastPathComponent().path)
  let eot = 50256
  let docs = speeches.prefix(3).map { gpt2.encodeOrdinary(String($0.prefix(40))) }
  for (i, d) in docs.enumerated() { c.print("document \(i): \(d.count) tokens  \(oneLine(String(speeches[i].prefix(40)))).") }
  guard let grid = packDocuments(docs, separator: eot, rows: 4, columns: 10) else { throw DataFileError("no documents to pack") }
  c.print("inputs (B=4, T=10):")
  c.table(["row"] + (0..<10).map { "t\($0)" }, grid.inputs.enumerated().map { ["\($0.offset)"] + $0.element.map { "\($0)" } })
  c.print("targets (the stream shifted by one):")
  c.table(["row"] + (0..<10).map { "t\($0)" }, grid.targets.enumerated().map { ["\($0.offset)"] + $0.element.map { "\($0)" } })
  let separators = grid.inputs.joined().filter { $0 == eot }.count
  c.print("separators in the inputs: \(separators); row 1 reads: \(oneLine((try? gpt2.decode(grid.inputs[1].map { $0 })) ?? ""))")
  // Our model's stream: every speech as a document, <|endoftext|> after each; 90% / 10% split.
  var stream: [Int] = []
  for s in speeches { stream += try v.encode(s); stream.append(v.endOfText) }
  let n = Int(Double(stream.count) * 0.9)
  let small = packDocuments(try speeches.prefix(3).map { try v.encode(String($0.prefix(12))) }, separator: v.endOfText, rows: 2, columns: 16)!
  c.print("the same with characters (B=2, T=16), separators shown as ¶:")
  for r in 0..<2 {
    c.print("  x[\(r)] " + small.inputs[r].map { $0 == v.endOfText ? "¶" : oneLine(String(v.text.itos[$0])) }.joined())
    c.print("  y[\(r)] " + small.targets[r].map { $0 == v.endOfText ? "¶" : oneLine(String(v.text.itos[$0])) }.joined())
  }
  c.print("pretraining stream: \(speeches.count) documents, \(stream.count) tokens (\(n) train / \(stream.count - n) val)")
  c.result("documents in the pretraining stream", "\(speeches.count)")
  c.think("Targets at the last column of row 0 equal the input at the first column of row 1. Why?",
          answer: "Both grids are cut from one stream: row r holds tokens r·T … r·T+T−1 and its targets r·T+1 … r·T+T, so the last target of a row is the first input of the next. Here: \(grid.targets[0][9]) and \(grid.inputs[1][0]).")
  return (Array(stream[..<n]), Array(stream[n...]))
}

let base = nb.cell("Pretraining a small GPT on Shakespeare", """
  Lecture 7's model, unchanged (`GPTLanguageModel`: token and position embeddings, pre-norm
  blocks of multi-head attention and MLP, final LayerNorm, the language-model head), at 3 layers
  of width 64, context 64, trained with AdamW on random (16 × 64) windows of the packed stream.
  Every position of every row predicts its next token: 1,024 predictions per step. The loss starts
  near ln(vocabulary) (every token equally likely) and falls as the model learns spelling, then
  words, then the play's layout.
  """) { c -> GPTLanguageModel in
  let v = vocab.value
  let (train, val) = stream.value
  var g = TorchGenerator(seed: nb.seed)
  let config = GPTConfig(vocabSize: v.size, blockSize: 64, embedding: 64, heads: 4, layers: 3, attention: .batched)
  let model = GPTLanguageModel(config, generator: &g)
  c.print("parameters: \(model.parameterCount)  (vocab \(v.size), context 64, width 64, 3 layers, 4 heads)")
  let optimizer = AdamW(model.parameters(), learningRate: 3e-3, weightDecay: 0.01)
  var lossi: [Double] = []
  let (B, T) = (16, 64)
  // page:hide
  if nb.mode == .full {
    let t = c.timed("one pretraining step", runs: 5) {
      let ix = g.randint(low: 0, high: train.count - T - 1, count: B)
      _ = model.loss(IntTensor(ix.flatMap { Array(train[$0..<($0 + T)]) }, shape: [B, T]),
                     targets: IntTensor(ix.flatMap { Array(train[($0 + 1)..<($0 + T + 1)]) }, shape: [B, T])).item()
    }
    let minutes = t.seconds * 3 * Double(pretrainSteps) / 60           // a training step ≈ 3 forwards
    c.timing(String(format: "--full: pretraining alone ≈ %.0f min here; the whole run ≈ %.0f min (pretraining was about a third of the default run)", minutes, 3 * minutes))
    g = TorchGenerator(seed: nb.seed + 100)
  }
  // page:show
  for i in c.steps(pretrainSteps, "pretraining") {
    let ix = g.randint(low: 0, high: train.count - T - 1, count: B)
    let x = IntTensor(ix.flatMap { Array(train[$0..<($0 + T)]) }, shape: [B, T])
    let y = IntTensor(ix.flatMap { Array(train[($0 + 1)..<($0 + T + 1)]) }, shape: [B, T])
    let loss = model.loss(x, targets: y)                     // forward: (B, T, vocab) logits → cross-entropy
    optimizer.zeroGrad()
    loss.backward()
    optimizer.learningRate = 3e-3 * (i < pretrainSteps * 3 / 4 ? 1 : 0.3)
    optimizer.step()
    let l = loss.item()
    try Tensor.checkFinite(l, step: i, tensors: [])
    lossi.append(Double(l))
    if i % 50 == 0 { c.status("loss \(f4(l))") }
  }
  var ge = TorchGenerator(seed: nb.seed + 1)
  let trainLoss = meanLoss(model, train, block: T, batches: 10, generator: &ge)
  let valLoss = meanLoss(model, val, block: T, batches: 10, generator: &ge)
  let window = Swift.max(1, lossi.count / 50)
  let smooth = stride(from: 0, to: lossi.count - window + 1, by: window).map { lossi[$0..<($0 + window)].reduce(0, +) / Double(window) }
  c.figure(LinePlot(title: "Pretraining loss (mean of \(window) steps)", xLabel: "step", yLabel: "loss",
                    xs: smooth.indices.map { Double($0 * window + window / 2) }, ys: smooth), name: "pretraining-loss")
  c.worked("loss at step 0 vs uniform guessing", formula: "−ln(1/vocab)", substituted: "−ln(1/\(v.size))",
           result: String(format: "%.4f (measured %.4f)", Foundation.log(Double(v.size)), lossi.first ?? .nan))
  c.print("after \(pretrainSteps) steps: train \(f4(trainLoss)), val \(f4(valLoss)) (10 batches of 16 × 64 each)")
  var gs = TorchGenerator(seed: nb.seed + 2)
  let sample = model.sampleBatch(prompts: [[v.endOfText]], maxNewTokens: 160, generator: &gs)[0]
  c.print("a sample of the base model:\n" + v.show(sample))
  c.result("base model val loss", f4(valLoss))
  c.think("The first loss is close to ln(\(v.size)) = \(String(format: "%.2f", Foundation.log(Double(v.size)))). What would a much larger first loss mean?",
          answer: "That the initial model is confidently wrong: some logits already large, so the correct token gets far less than 1/\(v.size). Lecture 4's lesson; the N(0, 0.02) init keeps the logits near zero, so the first loss measured here is \(String(format: "%.4f", lossi.first ?? .nan)).")
  return model
}

// MARK: - Base models complete documents

/// Whether a line looks like the play's speaker tag: a capital, letters and spaces, a colon.
func isSpeakerTag(_ line: Substring) -> Bool {
  guard let first = line.first, first.isUppercase, line.last == ":" else { return false }
  return line.dropLast().allSatisfy { $0.isLetter || $0 == " " }
}

nb.cell("Base models complete documents, they do not answer", """
  A base model is a document completer. Ask it a question and it continues the text in whatever
  way such text continued in its training data; it does not "answer". What it does do is imitate:
  make the prompt look like the beginning of a document in which the answer comes next (a
  few-shot prompt, a "fake document") and the pattern is continued. Our base model has read a
  play, so the document we fake is a play: three short speeches, each `SPEAKER:` then a line, then
  `<|endoftext|>`. We sample \(samples) completions of each prompt and count those whose first line
  is a new speaker's tag.
  """) { c in
  let v = vocab.value, model = base.value
  let speeches = v.text.text.components(separatedBy: "\n\n").filter { s in
    let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
    return lines.count == 2 && isSpeakerTag(lines[0]) && s.count <= 18
  }
  let shots = Array(speeches.prefix(3))
  guard shots.count == 3 else { throw DataFileError("the text has fewer than three short speeches (a speaker tag and one short line)") }
  var fewShot: [Int] = []
  for s in shots { fewShot += try v.encode(s); fewShot.append(v.endOfText) }
  let bare = try v.encode("Who art thou?\n")
  var g = TorchGenerator(seed: nb.seed + 3)
  var rows: [[String]] = []
  var follows: [Int] = []
  var shown: [[String]] = []
  for prompt in [fewShot, bare] {
    let outs = model.sampleBatch(prompts: Array(repeating: prompt, count: samples), maxNewTokens: 24, generator: &g)
    let firstLines = outs.map { v.plain(Array($0.prefix { $0 != v.endOfText })).split(separator: "\n", omittingEmptySubsequences: false).first ?? "" }
    let k = firstLines.filter(isSpeakerTag).count
    follows.append(k)
    rows.append([oneLine(v.show(prompt)), "\(k)/\(samples)", pct(k, samples)])
    shown.append(outs.prefix(3).map { oneLine(v.show($0)) })
  }
  c.table(["prompt", "first line is a speaker tag", "fraction"], rows)
  c.table(["few-shot completion", "bare-question completion"], (0..<3).map { [shown[0][$0], shown[1][$0]] })
  let better = follows[0] > follows[1]
  c.print(better
          ? "The fake document makes the pattern \(String(format: "%.1f", Double(follows[0]) / Double(Swift.max(1, follows[1]))))× as frequent as the bare question does (\(follows[0]) vs \(follows[1]) of \(samples))."
          : "In this run the few-shot prompt does not raise the pattern's frequency (\(follows[0]) vs \(follows[1]) of \(samples)): the base model is too small or too briefly trained to pick up the document's shape.")
  c.result("completions following the fake document's pattern", "\(pct(follows[0], samples)) (bare question: \(pct(follows[1], samples)))")
  c.think("Why does a base model asked \"Write a poem about bread and cheese\" often reply with more questions?",
          answer: "Because on the internet a list of requests is usually followed by more requests (a forum post, a homework sheet), not by an answer. The model continues the most likely document; only fine-tuning (or a prompt that makes the answer the likely continuation) turns it into an assistant.")
}

// MARK: - Supervised fine-tuning

/// The SFT task: reverse a word. Words of 3–5 letters from the text, shuffled and split 80/20.
let sftData = nb.cell("Supervised fine-tuning: the data and the loss mask", """
  SFT keeps the objective (next-token prediction) and swaps the data: a few tens of thousands of
  prompt/response pairs written by people following labelling instructions. Our instruction set is
  synthetic and built from the play: "reverse this word". A conversation is laid out with special
  tokens, `<|user|>` word `<|assistant|>` reversed `<|end|>`. The loss is **masked on the prompt**:
  the targets that are still the user's text get `ignore_index` (−1), so the model is trained only
  on writing the response and the `<|end|>` that stops it (PyTorch's
  `F.cross_entropy(..., ignore_index=-1)`, our `crossEntropy(ignoreIndex:)`).
  """) { c -> (train: [String], heldOut: [String]) in
  let v = vocab.value
  let n = Int(Double(v.text.count) * 0.9)
  var seen = Set<String>(), words: [String] = []
  for w in v.text.text.prefix(n).split(whereSeparator: { !$0.isLetter }) where (3...5).contains(w.count) {
    let s = String(w).lowercased()
    if s.allSatisfy({ v.text.stoi[$0] != nil }) && seen.insert(s).inserted { words.append(s) }
  }
  guard words.count >= 50 else { throw DataFileError("the text has \(words.count) distinct words of 3–5 letters; the fine-tuning toy needs at least 50") }
  var g = TorchGenerator(seed: nb.seed + 4)
  let order = g.randperm(words.count)
  let shuffled = order.map { words[$0] }
  let split = words.count * 4 / 5
  let example = MaskedExample(prompt: [v.user] + (try v.encode(shuffled[0])) + [v.assistant],
                              response: (try v.encode(String(shuffled[0].reversed()))) + [v.end])
  let short = { (i: Int) -> String in i == MaskedExample.ignoreIndex ? "−1" : i == v.user ? "<U>" : i == v.assistant ? "<A>" : i == v.end ? "<E>" : String(v.text.itos[i]) }
  c.print("distinct words of 3–5 letters: \(words.count) → \(split) for fine-tuning, \(words.count - split) held out (\(Swift.min(samples, words.count - split)) of them evaluated)")
  c.print("one conversation: " + v.show([v.user] + (try v.encode(shuffled[0])) + [v.assistant] + (try v.encode(String(shuffled[0].reversed()))) + [v.end]))
  c.table(["", ] + example.inputs.indices.map { "t\($0)" }, [
    ["input"] + example.inputs.map(short),
    ["target"] + example.targets.map(short),
    ["mask"] + example.mask.map { "\($0)" },
  ])
  c.print("trained positions: \(example.mask.reduce(0, +)) of \(example.mask.count) (the reversed word and <|end|>)")
  c.think("Why mask the prompt instead of training on the whole conversation?",
          answer: "The model should learn to produce answers, not to predict what users type: the prompt's tokens are given at use time. Training on them spends capacity on imitating questions and lets easy prompt tokens dilute the loss of the response.")
  return (Array(shuffled[..<split]), Array(shuffled[split...].prefix(samples)))
}

/// Replies of `model` to "reverse this word" for each of `words`, sampled at temperature 0.01
/// (practically greedy): (well-formed replies, correct replies, three examples).
@MainActor func evaluateSFT(_ model: GPTLanguageModel, _ words: [String], generator g: inout TorchGenerator) throws -> (formed: Int, correct: Int, examples: [String]) {
  let v = vocab.value
  var formed = 0, correct = 0, examples: [String] = []
  for length in 3...5 {
    let group = words.filter { $0.count == length }
    guard !group.isEmpty else { continue }
    let prompts = try group.map { [v.user] + (try v.encode($0)) + [v.assistant] }
    let outs = model.sampleBatch(prompts: prompts, maxNewTokens: 7, temperature: 0.01, generator: &g)
    for (w, out) in zip(group, outs) {
      let reply = Array(out.prefix { $0 != v.end })
      let ok = reply.count < out.count && reply.allSatisfy { $0 < v.chars && v.text.itos[$0].isLetter }
      if ok { formed += 1 }
      if ok && v.plain(reply) == String(w.reversed()) { correct += 1 }
      if examples.count < 3 && length == 4 { examples.append("\(w) → \(oneLine(v.show(out)))") }
    }
  }
  return (formed, correct, examples)
}

let sft = nb.cell("Fine-tuning the base model into a word reverser", """
  The SFT model starts as a copy of the base model and trains on batches of 32 conversations
  (padded with `<|end|>`, padding targets −1) with the masked loss. Before and after, we ask it to
  reverse the held-out words (never seen in fine-tuning) at temperature 0.01 and count replies
  that are **well formed** (letters, then `<|end|>`) and **correct**.
  """) { c -> GPTLanguageModel in
  let v = vocab.value
  let (trainWords, heldOut) = sftData.value
  let model = copyOf(base.value)
  var ge = TorchGenerator(seed: nb.seed + 5)
  let before = try evaluateSFT(model, heldOut, generator: &ge)
  let optimizer = AdamW(model.parameters(), learningRate: 1e-3, weightDecay: 0)
  var g = TorchGenerator(seed: nb.seed + 6)
  let (B, T) = (32, 12)
  var losses: [Float] = []
  for i in c.steps(sftSteps, "fine-tuning") {
    var xs: [Int] = [], ys: [Int] = []
    for j in g.randint(low: 0, high: trainWords.count, count: B) {
      let w = trainWords[j]
      let ex = MaskedExample(prompt: [v.user] + (try v.encode(w)) + [v.assistant], response: (try v.encode(String(w.reversed()))) + [v.end])
      xs += ex.inputs + Array(repeating: v.end, count: T - ex.inputs.count)            // pad the inputs
      ys += ex.targets + Array(repeating: MaskedExample.ignoreIndex, count: T - ex.targets.count)   // padding is not trained
    }
    let logits = model(IntTensor(xs, shape: [B, T]))                                  // (B, T, vocab)
    let loss = crossEntropy(logits.view([B * T, v.size]), IntTensor(ys, shape: [B * T]), ignoreIndex: MaskedExample.ignoreIndex)
    optimizer.zeroGrad()
    loss.backward()
    optimizer.step()
    let l = loss.item()
    try Tensor.checkFinite(l, step: i, tensors: [])
    losses.append(l)
    if i % 20 == 0 { c.status("loss \(f4(l))") }
  }
  let after = try evaluateSFT(model, heldOut, generator: &ge)
  let onTrain = try evaluateSFT(model, Array(trainWords.prefix(heldOut.count)), generator: &ge)
  let n = heldOut.count
  c.table(["model", "well formed (held out)", "correct (held out)", "correct (fine-tuning words)"], [
    ["base model", "\(before.formed)/\(n) = \(pct(before.formed, n))", "\(before.correct)/\(n) = \(pct(before.correct, n))", "–"],
    ["SFT model, \(sftSteps) steps", "\(after.formed)/\(n) = \(pct(after.formed, n))", "\(after.correct)/\(n) = \(pct(after.correct, n))", "\(onTrain.correct)/\(Swift.min(n, trainWords.count)) = \(pct(onTrain.correct, Swift.min(n, trainWords.count)))"],
  ])
  c.print("masked loss: first \(f4(losses.first ?? .nan)), last \(f4(losses.last ?? .nan))")
  c.print("SFT replies to held-out words:\n  " + after.examples.joined(separator: "\n  "))
  c.print(after.formed > before.formed
          ? "Fine-tuning raised the well-formed replies from \(pct(before.formed, n)) to \(pct(after.formed, n)); correct replies went from \(pct(before.correct, n)) to \(pct(after.correct, n))."
          : "In this run fine-tuning did not raise the well-formed replies (\(pct(before.formed, n)) → \(pct(after.formed, n))); more steps (--set sft_steps=…) are needed.")
  c.result("SFT held-out replies well formed / correct", "\(pct(after.formed, n)) / \(pct(after.correct, n)) (base model: \(pct(before.formed, n)) / \(pct(before.correct, n)))",
           headline: "SFT correct \(pct(after.correct, n)) (base \(pct(before.correct, n)))")
  c.think("The base model has never seen <|user|> or <|assistant|>. What are their embeddings before fine-tuning?",
          answer: "Whatever the initialisation drew (N(0, 0.02)) shrunk a little by weight decay: they never occurred in pretraining, so no gradient ever reached them. Fine-tuning is the first time they are trained, which is why the base model's replies are not well formed (\(pct(before.formed, n)) here).")
  return model
}

// MARK: - Reward modelling

/// The labeller's taste, which the reward model must learn from comparisons alone: more '!' is better.
func labellerScore(_ v: Vocabulary, _ ids: [Int]) -> Int {
  let bang = v.text.stoi["!"]!
  return ids.filter { $0 == bang }.count
}

/// Completion length scored by the reward model (and sampled in RL).
let completionLength = 24

/// Reward of each row of `segments` (each `completionLength` tokens): the reward model reads the
/// logit 0 of its output at the appended <|reward|> token. (B,) with the graph recorded.
@MainActor func rewards(_ rm: GPTLanguageModel, _ segments: [[Int]]) -> Tensor {
  let v = vocab.value
  let x = IntTensor(segments.flatMap { $0 + [v.reward] }, shape: [segments.count, completionLength + 1])
  return rm(x).select(dim: 1, index: completionLength).select(dim: 1, index: 0)         // (B, T+1, vocab) → (B,)
}

/// `count` comparison pairs (chosen, rejected) from `stream`: segments of `completionLength`
/// tokens, the chosen one with more '!' than the rejected one (equal counts are redrawn).
@MainActor func preferencePairs(_ stream: [Int], count: Int, generator g: inout TorchGenerator) throws -> [(chosen: [Int], rejected: [Int])] {
  let v = vocab.value
  let bang = v.text.stoi["!"]!
  let marks = stream.indices.filter { stream[$0] == bang && $0 >= completionLength && $0 + completionLength < stream.count }
  guard !marks.isEmpty else { throw DataFileError("the text has no '!' far enough from its ends to build preference pairs") }
  var pairs: [(chosen: [Int], rejected: [Int])] = []
  var tries = 0
  while pairs.count < count && tries < 100 * count {
    tries += 1
    let p = marks[g.randint(low: 0, high: marks.count, count: 1)[0]]
    let a = p - g.randint(low: 0, high: completionLength, count: 1)[0]
    let b = g.randint(low: 0, high: stream.count - completionLength, count: 1)[0]
    let (sa, sb) = (Array(stream[a..<(a + completionLength)]), Array(stream[b..<(b + completionLength)]))
    let (na, nb) = (labellerScore(v, sa), labellerScore(v, sb))
    if na == nb { continue }
    pairs.append(na > nb ? (sa, sb) : (sb, sa))
  }
  guard pairs.count == count else { throw DataFileError("could not build \(count) preference pairs from the text") }
  return pairs
}

let rewardModel = nb.cell("Reward modelling: a model of the labeller's preferences", """
  People find it much easier to **compare** two answers than to write an ideal one. So the next
  stage collects comparisons: the SFT model writes several completions, a labeller ranks them. A
  reward model (the same transformer, its input the completion followed by a special
  `<|reward|>` token) is trained to read one number, the reward r, at that token. For a pair where
  the labeller preferred completion c over completion d, the Bradley–Terry model says
  P(c ≻ d) = σ(r_c − r_d), and the loss is its negative log, −log σ(r_c − r_d). Only differences
  of rewards are ever supervised.

  Our labeller has a simple, hidden taste: **they prefer lines with more exclamation marks.** The
  reward model never sees that rule, only pairs of 24-character segments of the play labelled by
  it; we measure whether it recovers the preference on held-out pairs from the validation text.
  """) { c -> GPTLanguageModel in
  let v = vocab.value
  let (train, val) = stream.value
  c.worked("Bradley–Terry loss of one pair", formula: "−log σ(r_c − r_d) = log(1 + e^{−(r_c − r_d)})",
           substituted: "r_c − r_d = 0.9: log(1 + e^{−0.9}) = log(1 + \(String(format: "%.4f", Foundation.exp(-0.9))))",
           result: String(format: "%.3f", BradleyTerry.loss(margin: 0.9)))
  c.compare("−log σ(0.9)", ours: BradleyTerry.loss(margin: 0.9), reference: 0.341, decimals: 3, source: "the lecture's worked number", seedDependent: false)
  let rc = Tensor([1.4]).requiringGrad(), rd = Tensor([0.5]).requiringGrad()
  let worked = bradleyTerryLoss(chosen: rc, rejected: rd)
  worked.backward()
  c.worked("its gradient", formula: "∂L/∂r_c = −(1 − σ(r_c − r_d)),  ∂L/∂r_d = +(1 − σ(r_c − r_d))",
           substituted: String(format: "σ(0.9) = %.4f: −(1 − %.4f)", BradleyTerry.probability(margin: 0.9), BradleyTerry.probability(margin: 0.9)),
           result: String(format: "∂L/∂r_c = %.4f, ∂L/∂r_d = %+.4f (autograd of bradleyTerryLoss, r_c = 1.4, r_d = 0.5: loss %.4f)",
                          rc.grad!.item(), rd.grad!.item(), worked.item()))
  var g = TorchGenerator(seed: nb.seed + 7)
  let trainPairs = try preferencePairs(train, count: 32 * rmSteps, generator: &g)
  let heldOut = try preferencePairs(val, count: samples, generator: &g)
  c.print("a comparison: chosen  “\(oneLine(v.show(trainPairs[0].chosen)))” (\(labellerScore(v, trainPairs[0].chosen)) '!')")
  c.print("              rejected “\(oneLine(v.show(trainPairs[0].rejected)))” (\(labellerScore(v, trainPairs[0].rejected)) '!')")
  let config = GPTConfig(vocabSize: v.size, blockSize: completionLength + 1, embedding: 32, heads: 4, layers: 2, attention: .batched)
  let rm = GPTLanguageModel(config, generator: &g)
  let accuracy = { () -> Int in
    Tensor.withNoGrad {
      let a = rewards(rm, heldOut.map(\.chosen)).scalars, b = rewards(rm, heldOut.map(\.rejected)).scalars
      return zip(a, b).filter { $0 > $1 }.count
    }
  }
  let before = accuracy()
  let optimizer = AdamW(rm.parameters(), learningRate: 2e-3, weightDecay: 0)
  var losses: [Float] = []
  for i in c.steps(rmSteps, "reward model") {
    let batch = trainPairs[(32 * i)..<(32 * i + 32)]
    let loss = bradleyTerryLoss(chosen: rewards(rm, batch.map(\.chosen)), rejected: rewards(rm, batch.map(\.rejected)))
    optimizer.zeroGrad()
    loss.backward()
    optimizer.step()
    let l = loss.item()
    try Tensor.checkFinite(l, step: i, tensors: [])
    losses.append(l)
    if i % 20 == 0 { c.status("loss \(f4(l))") }
  }
  let after = accuracy()
  c.print("Bradley–Terry loss: first \(f4(losses.first ?? .nan)) (ln 2 = 0.6931 is a model that cannot tell), last \(f4(losses.last ?? .nan))")
  c.table(["reward model", "held-out pairs ranked as the labeller did"], [
    ["untrained", "\(before)/\(samples) = \(pct(before, samples))"],
    ["after \(rmSteps) steps (\(32 * rmSteps) comparisons)", "\(after)/\(samples) = \(pct(after, samples))"],
  ])
  c.print(after > before ? "Trained on comparisons alone, the reward model ranks \(pct(after, samples)) of unseen pairs as the labeller did (chance is 50%)."
          : "In this run the reward model does not improve on held-out pairs (\(pct(before, samples)) → \(pct(after, samples))); train it longer (--set rm_steps=…).")
  c.result("reward-model held-out pair accuracy", pct(after, samples), headline: "reward model \(pct(after, samples)) on held-out pairs")
  c.think("Why does a reward model learn from comparisons rather than from scores people assign?",
          answer: "People are inconsistent at absolute scores (is this answer a 6 or a 7?) but fairly consistent at \"A is better than B\". Bradley–Terry turns comparisons into a training signal on reward differences; the absolute level of r is never fixed, and does not need to be for RL.")
  return rm
}

// MARK: - Reinforcement learning

/// One REINFORCE run's record, one entry per update.
struct RLRun {
  var reward: [Double] = [], labeller: [Double] = [], entropy: [Double] = [], kl: [Double] = []
  var samples: [String] = []
}

/// REINFORCE against the reward model, starting from a copy of the base model: sample B
/// completions after <|endoftext|>, score them, and raise the log-probability of those that
/// scored above the batch mean (lower it for those below), each shaped reward being
/// r − β·(log π(x) − log π_base(x)).
@MainActor func reinforce(_ c: Cell, beta: Double, label: String) throws -> RLRun {
  let v = vocab.value, rm = rewardModel.value, reference = base.value
  let policy = copyOf(reference)
  let optimizer = AdamW(policy.parameters(), learningRate: 1e-3, weightDecay: 0)
  var g = TorchGenerator(seed: nb.seed + 8)
  let B = nb.byMode(standard: 32, fast: 8, full: 64), T = completionLength
  var run = RLRun()
  let rows = IntTensor.arange(B * T)
  let textOnly = (0..<v.size).map { $0 < v.chars }
  for i in c.steps(rlSteps, label) {
    let completions = policy.sampleBatch(prompts: Array(repeating: [v.endOfText], count: B), maxNewTokens: T, generator: &g,
                                         allowed: { _, _ in textOnly })                          // (B, T), characters only
    let x = IntTensor(completions.flatMap { [v.endOfText] + $0.dropLast() }, shape: [B, T])
    let y = IntTensor(completions.flatMap { $0 }, shape: [B * T])
    let logp = policy(x).view([B * T, v.size]).logSoftmax(dim: -1)                        // (B·T, vocab)
    let tokenLogp = logp[rows, y].view([B, T])                                              // log π(x_t | x_<t)
    let seqLogp = tokenLogp.sum(dim: 1)                                                     // (B,)
    let (r, kl) = Tensor.withNoGrad { () -> ([Float], [Float]) in
      let baseLogp = reference(x).view([B * T, v.size]).logSoftmax(dim: -1)[rows, y].view([B, T]).sum(dim: 1)
      return (rewards(rm, completions).scalars, (seqLogp - baseLogp).scalars)             // KL estimate per sequence
    }
    let shaped = zip(r, kl).map { Double($0) - beta * Double($1) }
    let mean = shaped.reduce(0, +) / Double(B)
    let std = (shaped.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(B)).squareRoot()
    let advantage = Tensor(shaped.map { Float(($0 - mean) / (std + 1e-6)) })              // (B,)
    let loss = -(advantage * seqLogp).mean()                                                // REINFORCE
    if i == 0 && beta == 0 {
      c.shape("x (prompt + completion, shifted)", x.shape); c.shape("log π, all tokens", logp.shape)
      c.shape("log π of the sampled tokens", tokenLogp.shape); c.shape("log π(completion)", seqLogp.shape, "summed over T")
      c.shape("advantage", advantage.shape, "(reward − β·KL − mean) / std, no gradient"); c.shape("loss", loss.shape)
    }
    optimizer.zeroGrad()
    loss.backward()
    optimizer.step()
    let h = Tensor.withNoGrad { -(logp.exp() * logp).sum(dim: 1).mean().item() }            // mean entropy per token (nats)
    try Tensor.checkFinite(loss.item(), step: i, tensors: [])
    run.reward.append(Double(r.reduce(0, +)) / Double(B))
    run.labeller.append(Double(completions.map { labellerScore(v, $0) }.reduce(0, +)) / Double(B))
    run.entropy.append(Double(h))
    run.kl.append(Double(kl.reduce(0, +)) / Double(B))
    c.status(String(format: "reward %.3f entropy %.3f", run.reward.last!, h))
    if i == rlSteps - 1 { run.samples = completions.prefix(3).map { oneLine(v.show($0)) } }
  }
  return run
}

let rl = nb.cell("Reinforcement learning against the reward model", """
  Now the reward model grades the policy's own samples. REINFORCE: sample a batch of
  completions, score each, and take a gradient step on −Σ advantage · log π(completion), where the
  advantage is the reward minus the batch mean (divided by the batch's standard deviation): the
  language-model loss of each sampled completion, weighted by how much better than average it
  scored. Tokens of good completions become more likely, those of bad ones less.

  Left alone, this finds whatever the reward model likes and piles onto it: the policy's entropy
  collapses. RLHF therefore subtracts a penalty β · KL(policy ‖ base model) from the reward (per
  sequence, estimated as log π(x) − log π_base(x) of the sampled x): drifting far from the base
  model costs reward. Two runs from the same base model and seed: β = 0 and β = \(klBeta).
  """) { c -> (free: RLRun, penalised: RLRun) in
  let free = try reinforce(c, beta: 0, label: "RL, β = 0")
  let penalised = try reinforce(c, beta: klBeta, label: "RL, β = \(klBeta)")
  let xs = (0..<rlSteps).map(Double.init)
  c.figure(LinePlot(title: "Mean reward-model score of the sampled completions", xLabel: "update", yLabel: "reward",
                    series: [.init("β = 0", xs: xs, ys: free.reward), .init("β = \(klBeta)", xs: xs, ys: penalised.reward)]), name: "rl-reward")
  c.figure(LinePlot(title: "Mean entropy of the policy per token (nats)", xLabel: "update", yLabel: "entropy",
                    series: [.init("β = 0", xs: xs, ys: free.entropy), .init("β = \(klBeta)", xs: xs, ys: penalised.entropy)]), name: "rl-entropy")
  let f3 = { (x: Double) in String(format: "%.3f", x) }
  c.table(["run", "reward first → last", "'!' per completion first → last", "entropy first → last", "KL to base, last"], [free, penalised].enumerated().map { i, r in
    [i == 0 ? "β = 0" : "β = \(klBeta)", "\(f3(r.reward.first!)) → \(f3(r.reward.last!))", "\(f3(r.labeller.first!)) → \(f3(r.labeller.last!))",
     "\(f3(r.entropy.first!)) → \(f3(r.entropy.last!))", f3(r.kl.last!)]
  })
  c.print("last samples, β = 0:\n  " + free.samples.joined(separator: "\n  "))
  c.print("last samples, β = \(klBeta):\n  " + penalised.samples.joined(separator: "\n  "))
  let r3 = { (x: Double) in (x * 1000).rounded() / 1000 }               // compare what is printed
  let up = r3(free.reward.last!) > r3(free.reward.first!), down = r3(free.entropy.last!) < r3(free.entropy.first!)
  c.print("Without the penalty, the mean reward \(up ? "went up" : "did not go up") (\(f3(free.reward.first!)) → \(f3(free.reward.last!))) and the entropy \(down ? "went down" : "did not go down") (\(f3(free.entropy.first!)) → \(f3(free.entropy.last!)))."
          + (r3(penalised.entropy.last!) > r3(free.entropy.last!) ? " With β = \(klBeta) the policy keeps more entropy (\(f3(penalised.entropy.last!)) vs \(f3(free.entropy.last!))) and stays closer to the base model (KL \(f3(penalised.kl.last!)) vs \(f3(free.kl.last!)))."
             : " In this run the penalised policy did not keep more entropy than the free one (\(f3(penalised.entropy.last!)) vs \(f3(free.entropy.last!))); more updates show the difference (--set rl_steps=…)."))
  let hacked = free.labeller.last! > 2 * Swift.max(free.labeller.first!, penalised.labeller.last!)
  c.print(hacked
          ? "The labeller's own score went \(f3(free.labeller.first!)) → \(f3(free.labeller.last!)) '!' per completion without the penalty: the policy found what the reward model pays for and piled onto it, at the cost of the text (reward hacking). With β = \(klBeta): \(f3(penalised.labeller.last!))."
          : "The labeller's own score went \(f3(free.labeller.first!)) → \(f3(free.labeller.last!)) '!' per completion without the penalty and to \(f3(penalised.labeller.last!)) with β = \(klBeta).")
  c.result("RL (β = 0) mean reward / entropy", "\(f3(free.reward.first!)) → \(f3(free.reward.last!)) / \(f3(free.entropy.first!)) → \(f3(free.entropy.last!)) nats",
           headline: "RL reward \(String(format: "%.2f", free.reward.first!))→\(String(format: "%.2f", free.reward.last!)), entropy \(String(format: "%.2f", free.entropy.first!))→\(String(format: "%.2f", free.entropy.last!))")
  c.think("The talk says RLHF models lose entropy and can be worse than base models at some tasks. Which tasks?",
          answer: "Tasks that want diversity: many different names, ideas, variations. The RL policy concentrates its probability on what scored well (here entropy \(f3(free.entropy.first!)) → \(f3(free.entropy.last!)) nats per token without a penalty), so its samples are more alike; a base model's samples are more varied.")
  return (free, penalised)
}

// MARK: - Prompting as a program

/// The arithmetic toy's tokens: digits 0–9, '+', '=', ',', <|end|>.
let arithmetic = Array("0123456789+=,")
let arithmeticEnd = arithmetic.count

/// A problem a+b+c+d= and its answer written directly ("20") or with the running sums ("8,16,20").
func arithmeticExample(_ d: [Int], steps: Bool) -> (prompt: [Int], response: [Int]) {
  let prompt = Array(d.map { String($0) }.joined(separator: "+") + "=").map { arithmetic.firstIndex(of: $0)! }
  var sums: [Int] = []
  var s = d[0]
  for x in d.dropFirst() { s += x; sums.append(s) }
  let text = steps ? sums.map(String.init).joined(separator: ",") : String(s)
  return (prompt, Array(text).map { arithmetic.firstIndex(of: $0)! } + [arithmeticEnd])
}

/// The final answer of a reply (the number after the last ',' before <|end|>), nil if malformed.
func arithmeticAnswer(_ reply: [Int]) -> Int? {
  guard let stop = reply.firstIndex(of: arithmeticEnd) else { return nil }
  let text = String(reply[..<stop].map { arithmetic[$0] })
  return text.split(separator: ",").last.flatMap { Int($0) }
}

/// Trains a small GPT on the arithmetic task (with or without written steps); returns it.
@MainActor func trainArithmetic(_ c: Cell, steps withSteps: Bool, generator g: inout TorchGenerator) throws -> GPTLanguageModel {
  let config = GPTConfig(vocabSize: arithmetic.count + 1, blockSize: 20, embedding: 48, heads: 4, layers: 2, attention: .batched)
  let model = GPTLanguageModel(config, generator: &g)
  let optimizer = AdamW(model.parameters(), learningRate: 3e-3, weightDecay: 0)
  let (B, T) = (64, withSteps ? 16 : 10)
  for i in c.steps(cotSteps, withSteps ? "with steps" : "answer only") {
    let digits = g.randint(low: 0, high: 10, count: 4 * B)
    var xs: [Int] = [], ys: [Int] = []
    for b in 0..<B {
      let (p, r) = arithmeticExample(Array(digits[(4 * b)..<(4 * b + 4)]), steps: withSteps)
      let ex = MaskedExample(prompt: p, response: r)
      xs += ex.inputs + Array(repeating: arithmeticEnd, count: T - ex.inputs.count)
      ys += ex.targets + Array(repeating: MaskedExample.ignoreIndex, count: T - ex.targets.count)
    }
    let logits = model(IntTensor(xs, shape: [B, T]))
    let loss = crossEntropy(logits.view([B * T, config.vocabSize]), IntTensor(ys, shape: [B * T]), ignoreIndex: MaskedExample.ignoreIndex)
    optimizer.zeroGrad()
    loss.backward()
    optimizer.step()
    try Tensor.checkFinite(loss.item(), step: i, tensors: [])
    if i % 50 == 0 { c.status("loss \(f4(loss.item()))") }
  }
  return model
}

/// Fresh test problems (the same for every model).
@MainActor func arithmeticTest() -> [[Int]] {
  var g = TorchGenerator(seed: nb.seed + 20)
  let d = g.randint(low: 0, high: 10, count: 4 * samples)
  return (0..<samples).map { Array(d[(4 * $0)..<(4 * $0 + 4)]) }
}

let cot = nb.cell("Tokens to think: chain of thought on a toy arithmetic task", """
  A transformer spends the same, fixed amount of computation on every token. An answer that
  needs more thought than one token's worth has to be spread over more tokens: "let's think step
  by step", show the work. The toy: add four digits. One model is trained to write the answer
  at once (`3+5+8+4=20`), another to write the running sums first (`3+5+8+4=8,16,20`): each of its
  tokens needs only one addition. Same architecture (2 layers, width 48), same number of steps,
  loss masked on the problem; both are then tested on \(samples) fresh problems at temperature 0.01.
  """) { c -> (direct: GPTLanguageModel, stepwise: GPTLanguageModel) in
  var g = TorchGenerator(seed: nb.seed + 9)
  let direct = try trainArithmetic(c, steps: false, generator: &g)
  let stepwise = try trainArithmetic(c, steps: true, generator: &g)
  let tests = arithmeticTest()
  var accuracy: [Int] = []
  var shown: [String] = []
  for (model, withSteps) in [(direct, false), (stepwise, true)] {
    let prompts = tests.map { arithmeticExample($0, steps: withSteps).prompt }
    let outs = model.sampleBatch(prompts: prompts, maxNewTokens: withSteps ? 9 : 3, temperature: 0.01, generator: &g, padding: arithmeticEnd)
    accuracy.append(zip(tests, outs).filter { arithmeticAnswer($1) == $0.reduce(0, +) }.count)
    shown.append(String((prompts[0] + outs[0].prefix { $0 != arithmeticEnd }).map { arithmetic[$0] }))
  }
  c.table(["model", "a reply", "correct on \(samples) fresh problems"], [
    ["answer at once", shown[0], "\(accuracy[0]) = \(pct(accuracy[0], samples))"],
    ["running sums first", shown[1], "\(accuracy[1]) = \(pct(accuracy[1], samples))"],
  ])
  c.print(accuracy[1] > accuracy[0]
          ? "Writing the intermediate steps raised the accuracy from \(pct(accuracy[0], samples)) to \(pct(accuracy[1], samples)) at the same training budget."
          : "In this run the written steps did not help (\(pct(accuracy[0], samples)) vs \(pct(accuracy[1], samples))); with more steps (--set cot_steps=…) the comparison is fairer to both.")
  c.result("arithmetic accuracy: answer at once vs running sums", "\(pct(accuracy[0], samples)) vs \(pct(accuracy[1], samples))")
  c.think("Why does writing 8,16,20 make the last token easier to get right?",
          answer: "To emit \"20\" directly the model must add four digits inside one forward pass. With the running sums in its context, the token after \"16,\" needs a single addition, 16 + 4, reading both numbers through attention: the sequence itself becomes working memory.")
  return (direct, stepwise)
}

nb.cell("Self-consistency: sample k answers, take the majority", """
  A sampled answer can be unlucky: one bad token and the reasoning goes down a blind alley it
  never recovers from. Self-consistency samples k answers to the same question and keeps the most
  frequent (`majorityVote`). First a noisy solver we control: right with probability 0.35,
  otherwise one of 9 wrong answers uniformly (each 0.072); since the right answer is the single
  most likely one, the vote converges to it as k grows. Then the same vote over our "answer at
  once" model, sampled at temperature 1.
  """) { c in
  var g = TorchGenerator(seed: nb.seed + 10)
  let ks = [1, 3, 5, 9, 15, 25]
  let questions = 2_000
  var accuracy: [Double] = []
  for k in ks {
    var right = 0
    for _ in 0..<questions {
      let u = g.uniform(2 * k)
      let answers = (0..<k).map { i in u[2 * i] < 0.35 ? 0 : 1 + Swift.min(8, Int(u[2 * i + 1] * 9)) }   // 0 is the right answer
      if majorityVote(answers) == 0 { right += 1 }
    }
    accuracy.append(Double(right) / Double(questions))
  }
  c.table(["k"] + ks.map(String.init), [["accuracy"] + accuracy.map { String(format: "%.3f", $0) }])
  c.figure(LinePlot(title: "Majority vote of k samples of a solver right 35% of the time", xLabel: "k", yLabel: "accuracy",
                    xs: ks.map(Double.init), ys: accuracy, markers: true), name: "self-consistency")
  let model = cot.value.direct
  let tests = arithmeticTest()
  let k = 9
  let prompts = tests.flatMap { t in Array(repeating: arithmeticExample(t, steps: false).prompt, count: k) }
  let outs = model.sampleBatch(prompts: prompts, maxNewTokens: 3, temperature: 1, generator: &g, padding: arithmeticEnd)
  var single = 0, voted = 0
  for (q, t) in tests.enumerated() {
    let answers = outs[(q * k)..<(q * k + k)].map { arithmeticAnswer($0) ?? -1 }
    if answers[0] == t.reduce(0, +) { single += 1 }
    if majorityVote(answers) == t.reduce(0, +) { voted += 1 }
  }
  c.print("the answer-at-once model at temperature 1: one sample \(pct(single, samples)), majority of \(k) samples \(pct(voted, samples))")
  c.print(accuracy.last! > accuracy.first! ? String(format: "The vote lifts the noisy solver from %.3f (k = 1) to %.3f (k = %d).", accuracy.first!, accuracy.last!, ks.last!)
          : "The vote did not help the noisy solver in this run.")
  c.result("self-consistency accuracy, k = 1 → 25", String(format: "%.3f → %.3f", accuracy.first!, accuracy.last!))
  c.think("When does majority voting make things worse?",
          answer: "When some single wrong answer is more likely than the right one (a systematic error): the vote then converges to that wrong answer. It amplifies whatever the solver's most likely answer is.")
}

nb.cell("Retrieval: nearest neighbours in an embedding table", """
  The context window is the model's working memory: what is in it, the model can use exactly. So
  retrieval-augmented generation embeds chunks of a document collection, finds the chunks nearest
  to the query, and puts them in the prompt. Our collection is the validation text (the model never
  trained on it), cut into 32-character chunks. The embedding table gives every character
  trigram a random 64-dimensional vector (drawn with the lecture's generator); a text's
  embedding is the normalised sum of its trigrams' vectors, and "nearest" is the largest cosine.
  Query: 12 characters from inside a chunk; task: the next 8 characters. The base model answers
  with and without the retrieved chunk before the query.
  """) { c in
  let v = vocab.value, model = base.value
  let valText = Array(v.text.text.suffix(v.text.count - Int(Double(v.text.count) * 0.9)))
  let chunks = stride(from: 0, to: valText.count - 32, by: 32).map { String(valText[$0..<($0 + 32)]) }
  var g = TorchGenerator(seed: nb.seed + 11)
  let trigrams = { (s: String) -> [String] in
    let a = Array(s)
    return (0...(a.count - 3)).map { String(a[$0..<($0 + 3)]) }
  }
  var ids: [String: Int] = [:]                                         // trigram → row of the table
  let chunkIDs = chunks.flatMap { chunk in trigrams(chunk).map { t in ids[t] ?? { ids[t] = ids.count; return ids.count - 1 }() } }
  let table = Tensor.randn([ids.count, 64], generator: &g)             // the embedding table
  let normalise = { (e: Tensor) in e / e.pow(2).sum(dim: 1, keepdim: true).sqrt() }
  let store = normalise(table[IntTensor(chunkIDs, shape: [chunks.count, 30])].sum(dim: 1))   // (chunks, 64)
  let n = Swift.min(samples, chunks.count)
  let picks = g.randint(low: 0, high: chunks.count, count: n)
  let queries = picks.map { String(Array(chunks[$0])[4..<16]) }
  let q = normalise(table[IntTensor(queries.flatMap { trigrams($0).map { ids[$0]! } }, shape: [n, 10])].sum(dim: 1))  // (n, 64)
  let nearest = q.matmul(store.transpose(0, 1)).argmax(dim: 1).scalars // largest cosine
  var hits = 0, matchWithout = 0, matchWith = 0
  var promptsWithout: [[Int]] = [], promptsWith: [[Int]] = [], truths: [[Int]] = []
  for (i, p) in picks.enumerated() {
    let best = nearest[i]
    let query = queries[i], truth = String(Array(chunks[p])[16..<24])
    if best == p { hits += 1 }
    promptsWithout.append(try v.encode(query))
    promptsWith.append(try v.encode(chunks[best] + "\n" + query))
    truths.append(try v.encode(truth))
  }
  let without = model.sampleBatch(prompts: promptsWithout, maxNewTokens: 8, temperature: 0.01, generator: &g)
  let with = model.sampleBatch(prompts: promptsWith, maxNewTokens: 8, temperature: 0.01, generator: &g)
  for i in 0..<n {
    matchWithout += zip(without[i], truths[i]).filter { $0 == $1 }.count
    matchWith += zip(with[i], truths[i]).filter { $0 == $1 }.count
  }
  c.table(["", "query", "retrieved chunk", "answer without", "answer with", "truth"], [[
    "example", oneLine(v.show(promptsWithout[0])), oneLine(String(v.show(promptsWith[0]).prefix(32))),
    oneLine(v.show(without[0])), oneLine(v.show(with[0])), oneLine(v.show(truths[0]))]])
  c.print("retrieval found the query's own chunk for \(hits)/\(n) = \(pct(hits, n)) of the queries")
  let changed = (0..<n).filter { without[$0] != with[$0] }.count
  c.print("answers changed by the retrieved context: \(changed)/\(n) = \(pct(changed, n))")
  c.print("characters of the next 8 predicted correctly: without retrieval \(pct(matchWithout, 8 * n)), with the retrieved chunk \(pct(matchWith, 8 * n))")
  c.print(matchWith > matchWithout ? "The retrieved context changed the answers for the better: the model copies from its working memory."
          : "In this run the retrieved context did not improve the answers: the small base model has not learned to copy from its context.")
  c.result("next-8-character accuracy without → with retrieval", "\(pct(matchWithout, 8 * n)) → \(pct(matchWith, 8 * n))")
}

nb.cell("Constrained decoding: outputs that always match a template", """
  When the output must have a form (JSON, a date, a list), we do not have to hope. Libraries such as
  Guidance set the probability of every token that would break the form to zero before sampling,
  and renormalise; the model fills in only what is free. Our template:
  `name: ` + 2–10 capitals + `; mood: ` + 3–8 lowercase letters + `.` (`TemplateConstraint`, which
  answers "which characters may come next?" for any prefix). We sample \(samples) completions with the
  mask, and as many from the prompt `name: ` without it, and count those that break the template.
  """) { c in
  let v = vocab.value, model = base.value
  let upper = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ").intersection(v.text.itos), lower = Set("abcdefghijklmnopqrstuvwxyz").intersection(v.text.itos)
  let template = TemplateConstraint([.literal("name: "), .field(upper, length: 2...10), .literal("; mood: "),
                                     .field(lower, length: 3...8), .literal(".")])
  let itos = v.text.itos + Array(repeating: Character("\u{0}"), count: v.size - v.chars)   // special tokens never match
  var g = TorchGenerator(seed: nb.seed + 12)
  let constrained = model.sampleBatch(prompts: Array(repeating: [v.endOfText], count: samples), maxNewTokens: 34, generator: &g,
                                      padding: v.end) { _, sofar in
    template.mask(after: sofar.filter { $0 != v.end }.map { itos[$0] }, itos: itos)
  }
  let texts = constrained.map { v.plain(Array($0.prefix { $0 != v.end })) }
  let violations = texts.filter { !template.matches($0) }.count
  let free = model.sampleBatch(prompts: Array(repeating: [v.endOfText] + (try v.encode("name: ")), count: samples), maxNewTokens: 28, generator: &g)
  let freeTexts = free.map { "name: " + v.plain($0) }
  let freeViolations = freeTexts.filter { t in
    guard let dot = t.firstIndex(of: ".") else { return true }
    return !template.matches(String(t[...dot]))
  }.count
  c.table(["sampling", "completions", "violations"], [
    ["with the mask", "\(samples)", "\(violations)"],
    ["prompt `name: `, no mask", "\(samples)", "\(freeViolations)"],
  ])
  c.print("constrained samples:\n  " + texts.prefix(3).map(oneLine).joined(separator: "\n  "))
  c.print("unconstrained samples:\n  " + freeTexts.prefix(3).map(oneLine).joined(separator: "\n  "))
  c.compare("template violations with the mask", ours: "\(violations)", reference: "0", source: "by construction", seedDependent: false)
  c.result("constrained decoding violations", "\(violations) of \(samples) (without the mask: \(freeViolations))", headline: "constrained decoding: \(violations) violations in \(samples)")
  c.think("The mask guarantees the form. What does it not guarantee?",
          answer: "The content: the model still picks which capitals and which mood, and masking can push it into text it finds unlikely (a name it would never have written), so the filled-in values may be poor. Form is enforced, truth is not.")
}

nb.cell("Temperature and entropy", """
  Sampling divides the logits by a temperature before the softmax. Below 1 the distribution
  sharpens towards the most likely token (less entropy, less diversity), above 1 it flattens. We
  measure the base model's mean next-token entropy (nats) over 64 positions of the validation
  stream at several temperatures; e^H is the effective number of choices. This is the knob that
  RLHF's entropy loss turns for you, without asking.
  """) { c in
  let v = vocab.value, model = base.value
  let (_, val) = stream.value
  var g = TorchGenerator(seed: nb.seed + 13)
  let ix = g.randint(low: 0, high: val.count - 64, count: 64)
  let logits = Tensor.withNoGrad { model(IntTensor(ix.flatMap { Array(val[$0..<($0 + 64)]) }, shape: [64, 64])).select(dim: 1, index: 63) }
  let temperatures: [Float] = [0.25, 0.5, 0.75, 1, 1.5, 2]
  let h = temperatures.map { t -> Double in
    let p = (logits / t).softmax(dim: -1).scalars
    return (0..<64).map { entropy(Array(p[($0 * v.size)..<(($0 + 1) * v.size)])) }.reduce(0, +) / 64
  }
  c.table(["temperature"] + temperatures.map { String(format: "%.2f", $0) }, [
    ["entropy (nats)"] + h.map { String(format: "%.3f", $0) },
    ["e^H choices"] + h.map { String(format: "%.1f", Foundation.exp($0)) },
  ])
  c.figure(LinePlot(title: "Mean next-token entropy of the base model vs temperature", xLabel: "temperature", yLabel: "nats",
                    xs: temperatures.map(Double.init), ys: h, markers: true), name: "temperature-entropy")
  let rlEntropy = rl.value.free.entropy.last!
  c.print(String(format: "the RL policy (β = 0) ended at %.3f nats per token; the base model at temperature 1: %.3f", rlEntropy, h[3]))
  let increasing = zip(h, h.dropFirst()).allSatisfy { $0 < $1 }
  c.print(increasing ? "Entropy rises with temperature at every step of this table." : "Entropy does not rise at every step of this table.")
}

// MARK: - Recommendations and limitations

nb.cell("Limitations, each in one line", """
  The talk's list of limitations, with a toy demonstration where ours can show one. **Use models in
  low-stakes settings, with human oversight, as a source of suggestions and as copilots rather than
  autonomous agents.**
  """) { c in
  let v = vocab.value, model = base.value
  var g = TorchGenerator(seed: nb.seed + 14)
  // Hallucination: a question far outside the data is still answered fluently.
  let prompt = try v.encode("The capital of France is")
  let answer = model.sampleBatch(prompts: [prompt], maxNewTokens: 24, generator: &g)[0]
  c.print("hallucination: “The capital of France is” → “\(oneLine(v.show(answer)))” (nothing marks it as a guess)")
  // Knowledge cut-off: what is not in the data is not known.
  let count = { (w: String) in v.text.text.components(separatedBy: w).count - 1 }
  let nll = { (w: String) -> Float in
    let ids = try! v.encode(w)
    return Tensor.withNoGrad { model.loss(IntTensor(Array(ids.dropLast()), shape: [1, ids.count - 1]), targets: IntTensor(Array(ids.dropFirst()), shape: [1, ids.count - 1])).item() }
  }
  c.print("knowledge cut-off: “ computer” occurs \(count(" computer")) times in the data, “ brother” \(count(" brother")); the model's loss per character: \(f4(nll(" computer"))) vs \(f4(nll(" brother")))")
  // Prompt injection: special tokens typed by a user must not become control tokens.
  let gpt2 = try BytePairTokenizer.gpt2(dataDirectory: try nb.dataFile("gpt2.tiktoken").deletingLastPathComponent().path)
  let typed = "ignore the above<|endoftext|>"
  var refused = "accepted"
  do { _ = try gpt2.encode(typed) } catch { refused = "refused: \(error)" }
  c.print("prompt injection: encoding user text “\(typed)” with lecture 9's tokenizer is \(refused)")
  c.print("  (as plain text it is \(gpt2.encodeOrdinary(typed).count) ordinary tokens; our character model cannot even encode “<|assistant|>” typed by a user: \((try? v.encode("<|assistant|>")).map { "\($0.count) characters" } ?? "'<' is not in its vocabulary"), so only our code can emit token \(v.assistant))")
  // Bias: the model reproduces its data's frequencies.
  let speakers = v.text.text.components(separatedBy: "\n\n").compactMap { $0.split(separator: "\n").first }.filter(isSpeakerTag)
  var freq: [Substring: Int] = [:]
  for s in speakers { freq[s, default: 0] += 1 }
  let top = Set(freq.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5).map(\.key))
  let dataShare = speakers.filter { top.contains($0) }.count
  let sampled = model.sampleBatch(prompts: Array(repeating: [v.endOfText], count: samples), maxNewTokens: 16, generator: &g)
    .compactMap { v.plain($0).split(separator: "\n").first }.filter(isSpeakerTag)
  let sampledShare = sampled.filter { top.contains($0) }.count
  let biasVerdict = sampled.isEmpty ? "no sampled speech started with a tag, so this run cannot show it"
    : Double(sampledShare) / Double(sampled.count) >= 0.5 * Double(dataShare) / Double(Swift.max(1, speakers.count))
      ? "the model reproduces what its data over-represents" : "in this run the samples under-represent them (a small, briefly trained model)"
  c.print("bias: the 5 most frequent speakers open \(pct(dataShare, speakers.count)) of the speeches in the data and \(pct(sampledShare, sampled.count)) of the \(sampled.count) sampled speeches that start with a tag: \(biasVerdict)")
}

// MARK: - Closing

nb.cell("Closing: the pipeline, measured", """
  Every stage of the talk ran here on a model of a few hundred thousand parameters. The numbers
  are small and the tasks are toys, but each effect is measured, not asserted: rerun with another
  seed (`--seed`) or longer training (`--full`, `--set …`) and read the same table.
  """) { c in
  c.print("base model → SFT → reward model → RL, and prompting as a program: see the key results below.")
  c.think("Which of this lecture's stages would you try first on a real problem, and which last?",
          answer: "As the talk recommends: prompting first (few-shot examples, chain of thought, retrieval, constraints, self-consistency), then supervised fine-tuning when prompting is exhausted; RLHF last, as research territory: it needs a reward model and is unstable (our RL runs already show reward hacking and entropy collapse).")
}

// MARK: - Exercise

nb.exercise("Best-of-N: the reward model without reinforcement learning", """
  The talk mentions a cheaper use of a reward model than RL: sample N completions and keep the one
  it scores highest. Do it with the base model and this lecture's reward model for N = 1, 4 and 16:
  how does the labeller's own score (the number of '!') of the kept completion grow with N, and
  what does it cost? (Solution below: \(nb.byMode(standard: 16, fast: 4, full: 32)) prompts per N.)
  """) { c in
  let v = vocab.value, model = base.value, rm = rewardModel.value
  let prompts = nb.byMode(standard: 16, fast: 4, full: 32)
  let textOnly = (0..<v.size).map { $0 < v.chars }
  var g = TorchGenerator(seed: nb.seed + 15)
  var rows: [[String]] = []
  for n in [1, 4, 16] {
    let outs = model.sampleBatch(prompts: Array(repeating: [v.endOfText], count: prompts * n), maxNewTokens: completionLength,
                                 generator: &g, allowed: { _, _ in textOnly })
    let r = Tensor.withNoGrad { rewards(rm, outs).scalars }
    var kept: [Int] = []
    for p in 0..<prompts {
      let group = (p * n)..<(p * n + n)
      kept.append(group.max { r[$0] < r[$1] }!)                  // the completion the reward model likes best
    }
    let meanBang = Double(kept.map { labellerScore(v, outs[$0]) }.reduce(0, +)) / Double(prompts)
    rows.append(["\(n)", "\(prompts * n)", String(format: "%.3f", meanBang), oneLine(v.show(outs[kept[0]]))])
  }
  c.table(["N", "samples drawn", "'!' in the kept completion (mean)", "first kept completion"], rows)
  c.print("Best-of-N changes no weight: it spends N× the sampling at every use instead of training once; its output stays the base model's text, so it cannot drift as far as RL did.")
}

nb.run()
