import Foundation
import ZeroToHero

/// Lecture 7's exercises (EX1–EX4), declared after the lecture's own cells so that they run last.
///
/// Every solution is computed by the run, at a scale two cores manage: the default run spends
/// well under a minute on all four, `--fast` a few seconds (the same code, fewer steps). Knobs
/// (`--set ex2_steps=…`, …) change the step counts; the prose below the results is computed from
/// them, so it stays true for any setting and seed.
@MainActor
func declareExercises(_ nb: Notebook, shakespeare: Shared<CharacterText>) {
  let ex1Runs = nb.byMode(standard: 10, fast: 2, full: 10)
  let ex2Standard = 1000
  let ex2Steps = nb.knob("ex2_steps", standard: ex2Standard, fast: 30, full: ex2Standard, "EX2: training steps of the adder", in: 1...100_000)
  let ex3Pretrain = nb.knob("ex3_pretrain_steps", standard: 400, fast: 12, full: 400,
                            "EX3: pretraining steps (everything before The Tempest)", in: 1...100_000)
  let ex3Finetune = nb.knob("ex3_finetune_steps", standard: 100, fast: 6, full: 100,
                            "EX3: fine-tuning steps on The Tempest (also the from-scratch model's steps)", in: 1...100_000)
  let ex4EvalWindows = nb.byMode(standard: 400, fast: 20, full: 400)
  let ex4Steps = nb.knob("ex4_steps", standard: 500, fast: 10, full: 500, "EX4: training steps of each model", in: 1...100_000)

  // Non-overlapping windows of `block` tokens covering `data` (the last partial window dropped):
  // the inputs and their next-token targets, for an evaluation that needs no generator.
  func windows(_ data: ArraySlice<Int>, block: Int) -> (x: IntTensor, y: IntTensor) {
    let n = (data.count - 1) / block
    let start = data.startIndex
    var xs: [Int] = [], ys: [Int] = []
    for w in 0..<n {
      let first = start + w * block
      xs.append(contentsOf: data[first..<(first + block)])
      ys.append(contentsOf: data[(first + 1)..<(first + block + 1)])
    }
    return (IntTensor(xs, shape: [n, block]), IntTensor(ys, shape: [n, block]))
  }

  // Mean next-token loss of `model` over every window of `data` (in chunks of 128 windows).
  func evaluate(_ model: some IndexLayer, _ data: ArraySlice<Int>, block: Int) -> Float {
    let (x, y) = windows(data, block: block)
    var total = 0.0
    Tensor.withNoGrad {
      for start in stride(from: 0, to: x.shape[0], by: 128) {
        let n = min(128, x.shape[0] - start)
        let logits = model(x.narrow(dim: 0, start: start, length: n))
        total += Double(crossEntropy(logits.view([n * block, -1]), y.narrow(dim: 0, start: start, length: n).view([n * block]))
          .item()) * Double(n)
      }
    }
    return Float(total / Double(x.shape[0]))
  }

  // lecture 7's get_batch: `batch` random windows of `block` tokens and the windows one token on.
  func getBatch(_ data: ArraySlice<Int>, batch: Int, block: Int, generator: inout TorchGenerator) -> (x: IntTensor, y: IntTensor) {
    let ix = generator.randint(low: 0, high: data.count - block, count: batch)
    let start = data.startIndex
    let x = ix.flatMap { data[(start + $0)..<(start + $0 + block)] }
    let y = ix.flatMap { data[(start + $0 + 1)..<(start + $0 + block + 1)] }
    return (IntTensor(x, shape: [batch, block]), IntTensor(y, shape: [batch, block]))
  }

  func requireLength(_ part: ArraySlice<Int>, _ block: Int, _ what: String) throws {
    guard part.count > block else {
      throw DataFileError("\(what) has \(part.count) characters, too few for a context of \(block) (it needs at least \(block + 1)); use a longer text (--data DIR)")
    }
  }

  // MARK: - EX1

  nb.exercise("EX1: heads as a batch dimension", """
    Lecture 7 builds multi-head attention from separate `Head` modules, each with its own key,
    query and value `Linear`, run one after another and concatenated. Combine them into one module
    that treats the heads as a batch dimension: one projection `C → 3C` gives q, k and v of every
    head at once, viewed as (B, heads, T, head_size), so one batched matmul does all heads
    (nanoGPT's `CausalSelfAttention`, `GPTConfig.attention = .batched` here). Show that, given the
    same weights, it computes exactly what the separate heads compute, and compare the speed.
    """) { c in
    var g = TorchGenerator(seed: nb.seed)
    let vocab = shakespeare.value.vocabularySize
    let headsConfig = GPTConfig.lecture7Small(vocabSize: vocab)          // attention: .heads
    var batchedConfig = headsConfig
    batchedConfig.attention = .batched
    let separate = GPTLanguageModel(headsConfig, generator: &g)
    let batched = GPTLanguageModel(batchedConfig, generator: &g)
    // Same weights: everything but the attention has the same names in both models (the output
    // projection `sa.proj` too); each head's query, key and value rows go into their slot of qkv.
    let (C, hs) = (headsConfig.embedding, headsConfig.embedding / headsConfig.heads)
    let source = Dictionary(uniqueKeysWithValues: separate.namedParameters().map { ($0.name, $0.tensor) })
    Tensor.withNoGrad {
      for (name, p) in batched.namedParameters() { if let s = source[name] { p.assign(s) } }
      for (a, b) in zip(separate.blocks.layers, batched.blocks.layers) {
        let mha = (a as! Block).sa as! MultiHeadAttention, csa = (b as! Block).sa as! CausalSelfAttention
        for (h, head) in mha.heads.enumerated() {
          csa.qkv.weight[(0 * C + h * hs)..<(0 * C + (h + 1) * hs)] = head.query.weight   // q of head h
          csa.qkv.weight[(1 * C + h * hs)..<(1 * C + (h + 1) * hs)] = head.key.weight     // k of head h
          csa.qkv.weight[(2 * C + h * hs)..<(2 * C + (h + 1) * hs)] = head.value.weight   // v of head h
        }
      }
    }
    let x = IntTensor.randint(low: 0, high: vocab, shape: [16, headsConfig.blockSize], generator: &g)
    let y = IntTensor.randint(low: 0, high: vocab, shape: [16, headsConfig.blockSize], generator: &g)
    let logitsSeparate = separate(x), logitsBatched = batched(x)
    let outputDiff = Tensor.maxAbsDifference(logitsSeparate, logitsBatched)
    let lossSeparate = separate.loss(x, targets: y), lossBatched = batched.loss(x, targets: y)
    lossSeparate.backward()
    lossBatched.backward()
    // The gradient of head 0's query weight in block 0, against rows 0..<hs of the batched qkv's.
    let q0 = ((separate.blocks.layers[0] as! Block).sa as! MultiHeadAttention).heads[0].query.weight.grad!
    let qkv0 = ((batched.blocks.layers[0] as! Block).sa as! CausalSelfAttention).qkv.weight.grad!
    let gradDiff = Tensor.maxAbsDifference(q0, qkv0[0..<hs])
    c.table(["", "separate heads", "batched heads"], [
      ["parameters", "\(separate.parameterCount)", "\(batched.parameterCount)"],
      ["Linear layers in attention, per block", "\(3 * headsConfig.heads + 1)", "2"],
      ["loss on a random batch (16 × \(headsConfig.blockSize))", f4(lossSeparate.item()), f4(lossBatched.item())],
    ])
    c.print("max |logits(separate) − logits(batched)| = \(String(format: "%.2e", Double(outputDiff))) over \(logitsSeparate.count) logits")
    c.print("max |∂loss/∂W_q(head 0) − ∂loss/∂qkv[0..<\(hs)]| = \(String(format: "%.2e", Double(gradDiff)))")
    let same = outputDiff < 1e-5 && gradDiff < 1e-5
    c.print(same ? "Same outputs and gradients up to float32 rounding (below 1e-5): the two modules are one function."
                 : "The outputs differ by more than float32 rounding: the weights were not copied into the right slots.")
    func step(_ model: GPTLanguageModel) {
      model.zeroGrad()
      model.loss(x, targets: y).backward()
    }
    let tSeparate = c.timed("forward + backward, separate heads", runs: ex1Runs) { step(separate) }
    let tBatched = c.timed("forward + backward, batched heads", runs: ex1Runs) { step(batched) }
    c.timing("batched heads: \(String(format: "%.1f", tSeparate.seconds / tBatched.seconds))× the speed of separate heads on this machine now")
    c.result("EX1 max |Δ logits|, separate vs batched heads", String(format: "%.1e", Double(outputDiff)))
    c.think("Would you expect the two modules to agree bit for bit?", answer: outputDiff == 0 ? """
      Not necessarily, but here they do (the largest logit difference is 0): for each head the \
      fused attention reads the same q, k and v numbers in place from the wide qkv matrix and \
      evidently sums them in the same order as the separate head's own matmuls. The weight \
      gradients differ in the last bits (\(String(format: "%.1e", Double(gradDiff)))): one GEMM \
      over all 3C rows of qkv is blocked differently from three small ones, and float32 addition \
      is not associative. In general (PyTorch, a GPU) expect agreement up to float32 rounding only.
      """ : """
      Not necessarily: both compute the same sums of the same products, but a matmul over a slice \
      of the wide qkv matrix may be blocked differently from one over a separate tensor, and \
      float32 addition is not associative. Differences of a few units in the last place (here at \
      most \(String(format: "%.1e", Double(outputDiff)))) are the signature of a reordering, not of \
      a different function.
      """)
  }

  // MARK: - EX2

  nb.exercise("EX2: a GPT that adds", """
    Teach a GPT to add: `a+b=c` as a sequence of characters (a vocabulary of ten digits, `+` and
    `=`). Two tricks from the lecture make it learnable: write the digits of c *reversed* (units
    first, the order in which you add by hand, so each digit depends on digits already written),
    and mask the prompt out of the loss (targets `-1`, ignored by the cross-entropy), because the
    operands are random and cannot be predicted. Serve random problems from a generator, hold some
    out, and measure the exact-match accuracy on the held-out problems.
    """) { c in
    var g = TorchGenerator(seed: nb.seed)
    let task = AdditionProblems(digits: 2)                              // 10,000 problems
    let (trainProblems, testProblems) = task.split(testCount: 1000, generator: &g)
    let ex = task.example(12, 39)
    c.print("12 + 39 as a sequence: \(task.text(task.sequence(12, 39))) (the sum 51 as 150: three digits, units first)")
    c.print("input : \(ex.input)")
    c.print("target: \(ex.target)   (−1 = prompt position, ignored)")
    let config = GPTConfig(vocabSize: task.vocabularySize, blockSize: task.blockSize, embedding: 48, heads: 4,
                           layers: 2, attention: .batched)
    let model = GPTLanguageModel(config, generator: &g)
    let optimizer = AdamW(model.parameters(), learningRate: 2e-3)
    let batchSize = 64
    var lastLoss: Float = .nan
    for _ in c.steps(ex2Steps, "adder") {
      let (inputs, targets) = task.batch(g.randint(low: 0, high: trainProblems.count, count: batchSize).map { trainProblems[$0] })
      let logits = model(IntTensor(inputs, shape: [batchSize, task.blockSize]))
      let loss = crossEntropy(logits.view([batchSize * task.blockSize, -1]), IntTensor(targets, shape: [batchSize * task.blockSize]),
                              ignoreIndex: AdditionProblems.ignoreIndex)
      optimizer.zeroGrad()
      loss.backward()
      optimizer.step()
      lastLoss = loss.item()
      guard lastLoss.isFinite else { throw DataFileError("EX2: the loss became \(lastLoss); lower the learning rate") }
      c.status("loss \(f4(lastLoss))")
    }
    // Greedy decoding of the held-out problems: prompt, then the most likely digit three times.
    model.eval()
    var sequences = testProblems.map { p in let (a, b) = task.operands(ofProblem: p); return task.prompt(a, b) }
    Tensor.withNoGrad {
      for _ in 0..<task.answerLength {
        let t = sequences[0].count
        let logits = model(IntTensor(sequences.flatMap { $0 }, shape: [sequences.count, t]))
        let next = logits.select(dim: 1, index: t - 1).argmax(dim: -1).scalars
        for i in sequences.indices { sequences[i].append(next[i]) }
      }
    }
    var correct = 0
    var rows: [[String]] = []
    for (p, s) in zip(testProblems, sequences) {
      let (a, b) = task.operands(ofProblem: p)
      let answer = task.decodeAnswer(Array(s.suffix(task.answerLength)))
      if answer == a + b { correct += 1 }
      if rows.count < 6 { rows.append([task.text(s), "\(a) + \(b) = \(answer.map(String.init) ?? "?")", answer == a + b ? "right" : "wrong (\(a + b))"]) }
    }
    let accuracy = Double(correct) / Double(testProblems.count)
    c.print("trained \(ex2Steps) steps of \(batchSize) problems (\(model.parameterCount) parameters); last training loss \(f4(lastLoss))")
    c.table(["model's sequence", "read back", "sum"], rows)
    c.print("held-out accuracy (exact match): \(correct) / \(testProblems.count) = \(String(format: "%.1f", 100 * accuracy))%")
    c.print(accuracy >= 0.9 ? "The model has learned to add: \(correct) of the \(testProblems.count) problems it never saw are right."
            : accuracy >= 0.1 ? "Far above chance (a random three-digit answer is right once in 1,000), not yet reliable: try more steps (--set ex2_steps=…)."
            : "Not yet useful: \(ex2Steps) steps are too few (the default run trains \(ex2Standard)).")
    c.result("EX2 held-out accuracy of a+b (2 digits)", String(format: "%.1f%%", 100 * accuracy))
    c.think("Why does reversing the digits of c help?", answer: """
      A GPT writes left to right. The most significant digit of a sum depends on every carry \
      below it, so written first it would have to do the whole addition in one step. Units first, \
      each digit needs only the two digits of that column and the carry from the column just written.
      """)
  }

  // MARK: - EX3

  let ex3 = nb.exercise("EX3: pretrain, then fine-tune", """
    Pretrain a GPT on a large text, then fine-tune it on a small one with fewer steps and a lower
    learning rate: is its validation loss lower than a model trained on the small text alone? At
    our scale: the small text is the last play in tiny Shakespeare, *The Tempest* (cut where its
    first line "Master: / Boatswain!" begins, the file's last 34,655 characters; its first 90% for
    training, the last 10% for validation), the large one everything before it. The model is the
    lecture's small configuration (block 32, n_embd 64, 4 heads, 4 layers) with batched heads
    (EX1: the same function, faster).
    """) { c -> [Int] in
    let text = shakespeare.value
    let data = try text.encode(text.text)
    var config = GPTConfig.lecture7Small(vocabSize: text.vocabularySize)
    config.attention = .batched
    let block = config.blockSize
    let marker = "Master:\nBoatswain!"
    let cut = text.text.range(of: marker).map { text.text.distance(from: text.text.startIndex, to: $0.lowerBound) }
      ?? data.count * 9 / 10
    let pretrainData = data[..<cut], play = data[cut...]
    let playTrain = play.prefix(play.count * 9 / 10), playVal = play.suffix(from: playTrain.endIndex)
    try requireLength(pretrainData, block, "EX3's pretraining text")
    try requireLength(playTrain, block, "EX3's fine-tuning text")
    try requireLength(playVal, block, "EX3's validation text")
    let found = text.text.range(of: marker) != nil
    let part = found ? "the play" : "the held-out part"
    c.print(found ? "held-out play: The Tempest, from character \(cut) on (\(play.count) characters)"
            : "\"\(marker.replacingOccurrences(of: "\n", with: " / "))\" is not in this text: held out its last 10% instead (\(play.count) characters)")
    c.table(["part", "characters"], [["pretraining (everything before)", "\(pretrainData.count)"],
                                     ["fine-tuning (first 90% of \(part))", "\(playTrain.count)"],
                                     ["validation (last 10% of \(part))", "\(playVal.count)"]])
    @MainActor func train(_ model: GPTLanguageModel, on part: ArraySlice<Int>, steps: Int, lr: Double, _ label: String) throws {
      var bg = TorchGenerator(seed: nb.seed + 1)                        // the batches
      let optimizer = AdamW(model.parameters(), learningRate: lr)
      for _ in c.steps(steps, label) {
        let (xb, yb) = getBatch(part, batch: 16, block: block, generator: &bg)
        let loss = model.loss(xb, targets: yb)
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        guard loss.item().isFinite else { throw DataFileError("EX3: the loss became \(loss.item()) while \(label)") }
        c.status("loss \(f4(loss.item()))")
      }
    }
    var g = TorchGenerator(seed: nb.seed)
    let pretrained = GPTLanguageModel(config, generator: &g)
    try train(pretrained, on: pretrainData, steps: ex3Pretrain, lr: 1e-3, "pretraining")
    let zeroShot = evaluate(pretrained, playVal, block: block)
    try train(pretrained, on: playTrain, steps: ex3Finetune, lr: 3e-4, "fine-tuning")
    let fineTuned = evaluate(pretrained, playVal, block: block)
    var g2 = TorchGenerator(seed: nb.seed)
    let scratch = GPTLanguageModel(config, generator: &g2)             // the same initial weights
    try train(scratch, on: playTrain, steps: ex3Finetune, lr: 1e-3, "from scratch")
    let fromScratch = evaluate(scratch, playVal, block: block)
    c.table(["model", "steps on \(part)", "learning rate", "val loss on \(part)"], [
      ["pretrained \(ex3Pretrain) steps, not fine-tuned", "0", "–", f4(zeroShot)],
      ["pretrained, then fine-tuned", "\(ex3Finetune)", "3e-4", f4(fineTuned)],
      ["trained on \(part) alone, from scratch", "\(ex3Finetune)", "1e-3", f4(fromScratch)],
    ])
    c.print(fineTuned < fromScratch
            ? "Fine-tuning wins by \(f4(fromScratch - fineTuned)): what the pretrained model learned from the rest of the text carries over, and the \(ex3Finetune) steps on \(part) only adapt it."
            : "Training from scratch is not worse here (by \(f4(fineTuned - fromScratch))): \(ex3Pretrain) pretraining steps have not paid off on \(part).")
    c.print(fineTuned < zeroShot
            ? "Fine-tuning lowered the pretrained model's loss on \(part) by \(f4(zeroShot - fineTuned))."
            : "Fine-tuning did not lower the pretrained model's loss on \(part) (\(f4(zeroShot)) → \(f4(fineTuned))).")
    c.result("EX3 val loss on \(found ? "The Tempest" : "the held-out part"): fine-tuned / from scratch", "\(f4(fineTuned)) / \(f4(fromScratch))")
    c.think("Is this a fair fight?", answer: """
      Equal steps *on the small text*, not equal compute: the fine-tuned model has also had \
      \(ex3Pretrain) steps of pretraining. That is the point of pretraining — its cost is paid once \
      and reused by every fine-tune — and why the lower learning rate: the aim is to adapt what \
      was learned, not to overwrite it.
      """)
    return data
  }

  // MARK: - EX4

  nb.exercise("EX4: rotary positions (RoFormer, 2021)", """
    Add one feature from a later paper and measure whether it helps. Here: rotary position
    embeddings (Su et al., "RoFormer", 2021; used by LLaMA and most GPTs since). Lecture 7 adds a
    learned vector per position to each token embedding; RoPE has no position table, and instead
    rotates every query and key, pair of features by pair of features, by an angle proportional
    to its position (pair i turns by θᵢ = 10000^(−2i/head_size) per position). The score q·k then
    depends only on how far apart the two positions are. Same configuration, same seed, same
    batches, same steps: compare the val loss (on the start of tiny Shakespeare's 10% validation split).
    """) { c in
    let data = ex3.value
    let vocab = shakespeare.value.vocabularySize
    var config = GPTConfig.lecture7Small(vocabSize: vocab)
    config.attention = .batched
    let n = Int(0.9 * Double(data.count))
    let train = data[..<n], val = data[n...].prefix(ex4EvalWindows * config.blockSize + 1)
    try requireLength(train, config.blockSize, "EX4's training split")
    try requireLength(val, config.blockSize, "EX4's validation split")
    c.print("training on the first 90% (\(train.count) characters); val loss over the first \(val.count) characters of the rest (\((val.count - 1) / config.blockSize) windows of \(config.blockSize))")
    // The rotation itself, on one pair: (x₀, x₁) = (1, 1) at position t = 2 turns by 2·θ₀ = 2 radians.
    let rope = RotaryEmbedding(headSize: config.embedding / config.heads, maxLength: config.blockSize)
    let probe = Tensor.withNoGrad { rope(Tensor.ones([1, 3, rope.headSize])) }   // positions 0, 1, 2
    let angle = 2 * RotaryEmbedding.frequency(pair: 0, headSize: rope.headSize)
    let (cs, sn) = (cos(angle) < 0 ? "(\(f4(cos(angle))))" : f4(cos(angle)), sin(angle) < 0 ? "(\(f4(sin(angle))))" : f4(sin(angle)))
    c.worked("RoPE of (1, 1) at t = 2, pair 0 (θ₀ = 1)", formula: "(x₀·cos 2θ₀ − x₁·sin 2θ₀, x₀·sin 2θ₀ + x₁·cos 2θ₀)",
             substituted: "(1·\(cs) − 1·\(sn), 1·\(sn) + 1·\(cs))",
             result: "(\(f4(probe[at: 0, 2, 0])), \(f4(probe[at: 0, 2, 1])))")
    let last = rope.headSize / 2 - 1
    c.print("the last pair (i = \(last)) turns by 10000^(−\(2 * last)/\(rope.headSize)) = \(String(format: "%.5f", RotaryEmbedding.frequency(pair: last, headSize: rope.headSize))) radians per position: "
            + "fast pairs tell neighbours apart, slow pairs keep track of distances across the block")
    @MainActor func trainAndEvaluate(_ model: some IndexLayer, _ label: String) throws -> Float {
      var bg = TorchGenerator(seed: nb.seed + 1)                        // the same batches for both
      let optimizer = AdamW(model.parameters(), learningRate: 1e-3)
      for _ in c.steps(ex4Steps, label) {
        let (xb, yb) = getBatch(train, batch: 16, block: config.blockSize, generator: &bg)
        let logits = model(xb)
        let loss = crossEntropy(logits.view([16 * config.blockSize, -1]), yb.view([16 * config.blockSize]))
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        guard loss.item().isFinite else { throw DataFileError("EX4: the loss became \(loss.item()) (\(label))") }
        c.status("loss \(f4(loss.item()))")
      }
      return evaluate(model, val, block: config.blockSize)
    }
    var g = TorchGenerator(seed: nb.seed)
    let learned = GPTLanguageModel(config, generator: &g)
    var g2 = TorchGenerator(seed: nb.seed)
    let rotary = RotaryGPT(config, generator: &g2)
    let valLearned = try trainAndEvaluate(learned, "learned positions")
    let valRotary = try trainAndEvaluate(rotary, "rotary positions")
    c.table(["positions", "parameters", "steps", "val loss"], [
      ["learned table (lecture 7)", "\(learned.parameterCount)", "\(ex4Steps)", f4(valLearned)],
      ["rotary (RoPE)", "\(rotary.parameterCount)", "\(ex4Steps)", f4(valRotary)],
    ])
    let delta = valRotary - valLearned
    c.print(delta < 0
            ? "Rotary positions lower the val loss by \(f4(-delta)) after \(ex4Steps) steps, with \(learned.parameterCount - rotary.parameterCount) fewer parameters."
            : "Rotary positions do not help here: the val loss is \(f4(delta)) higher after \(ex4Steps) steps.")
    c.print("This is one seed and one short run at our scale: repeat with other seeds (--seed N) and more steps before trusting a difference of a few hundredths.")
    c.result("EX4 val loss, learned / rotary positions", "\(f4(valLearned)) / \(f4(valRotary))")
    c.think("Why can a rotation encode position at all?", answer: """
      Rotating q by t·θ and k by s·θ changes their dot product to one that depends on t − s: \
      (R(tθ)q)·(R(sθ)k) = q·R((s − t)θ)k. Attention scores therefore see how far back a key is, \
      which is what a language model mostly needs, and the same rotation works at positions no \
      table was trained for.
      """)
  }
}
