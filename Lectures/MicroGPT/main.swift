// Bonus lecture: microgpt — the most atomic way to train and run inference for a GPT.
//
// Read it top to bottom like the educational version of the script: the configuration and why,
// the data and its tokenizer, the parameters, small worked examples of every piece, the model's
// forward pass on scalar `Value`s (lecture 1's tape), the loss, backward, Adam, 1,000 training
// steps and 20 samples — every number bit for bit what CPython prints for the original.
//
//   swift run MicroGPT [--verbose] [--fast] [--report] [--quiz] [--steps N] [--set temperature=0.8]

import Foundation
import ZeroToHero

typealias Var = Tape.Var

let nb = Notebook(.microgpt, extraFlags: [
  ExtraFlag("--losses", help: "also print every training step's loss at full precision (what the tests compare)"),
])

// Knobs: change them for a run with `--set name=value` (`--help` lists them).
let steps = nb.knob("steps", standard: 1000, fast: 300, full: 1000,
                    "training steps, one document each (the learning rate decays linearly to 0 at the last)", in: 1...100_000)
let temperature = nb.knob("temperature", 0.5, "sampling temperature: < 1 sharpens the distribution, > 1 flattens it",
                          in: 0.05...5.0)
let sampleCount = nb.knob("samples", 20, "names to sample after training", in: 0...1000)

// The architecture and the optimizer: microgpt's values (explained in the first cell).
let nLayer = 1, nEmbd = 16, blockSize = 16, nHead = 4
let headDim = nEmbd / nHead
let learningRate = 0.01, beta1 = 0.85, beta2 = 0.99, epsAdam = 1e-8

/// Where each weight matrix of one transformer layer lives on the tape.
struct LayerWeights {
  let wq, wk, wv, wo, fc1, fc2: TapeMatrix
}

/// microgpt's `state_dict`: every weight matrix, as a view of consecutive tape leaves.
struct StateDict {
  let wte, wpe, lmHead: TapeMatrix
  let layers: [LayerWeights]
}

/// The KV cache of one sequence: per layer, the key and value vectors of every position seen so
/// far (a position's query attends to all of them), and the last attention weights (per head),
/// kept so the trace can show them.
struct KVCache {
  var keys: [[[Var]]] = Array(repeating: [], count: nLayer)
  var values: [[[Var]]] = Array(repeating: [], count: nLayer)
  var lastWeights: [[Double]] = []
}

/// The model's functions, made in the "model" cell (where they are read) and used by later cells.
struct Model {
  let forward: (inout Tape, Int, Int, inout KVCache) -> [Var]
  let softmax: (inout Tape, [Var]) -> [Var]
}

// MARK: - Configuration and data

nb.cell("What we are building, and why these numbers", """
  microgpt is a complete GPT in one dependency-free program: a tokenizer, a transformer, a loss,
  backpropagation, the Adam optimizer and a sampling loop, all on *scalar* autograd: every number
  in the network is one node of lecture 1's graph, every multiply one `mul`. Nothing here is a
  tensor. It learns from 32,033 names and then invents new ones.

  The model is tiny on purpose, so the whole thing trains in seconds and every piece can be
  inspected. Each setting below is microgpt's; the right column says why it has that value.
  """) { c in
  c.table(["setting", "value", "why"], [
    ["n_layer", "\(nLayer)", "one transformer block: enough to learn name-like spelling, and every step stays traceable"],
    ["n_embd", "\(nEmbd)", "each token becomes 16 numbers: small, yet room for vowel/consonant and position patterns"],
    ["n_head", "\(nHead)", "four attention heads can look for four different things (previous letter, start of name, …)"],
    ["head_dim", "\(headDim)", "n_embd / n_head: the heads split the 16 dimensions between them"],
    ["block_size", "\(blockSize)", "the longest context; names are shorter, so a whole name always fits"],
    ["learning rate", "\(learningRate)", "large for Adam, fine for a tiny model; it decays linearly to 0 over the run"],
    ["β1, β2", "\(beta1), \(beta2)", "short memories (≈ 7 and 100 steps) for a short run: the averages adapt quickly"],
    ["eps", "\(epsAdam)", "keeps the Adam step finite when a gradient's running RMS is ~0"],
    ["init std", "0.08", "small random weights: logits start near 0, so the first loss is near ln 27"],
    ["steps", "\(steps)", "one name per step; \(steps) names is a \(String(format: "%.1f", Double(steps) / 320.33))% pass over the data"],
  ])
  c.mermaid("""
    flowchart TD
      tok["token id"] --> wte["wte[token] (16)"]
      pos["position"] --> wpe["wpe[pos] (16)"]
      wte --> add["+"]
      wpe --> add
      add --> n0["RMSNorm"]
      n0 --> n1["RMSNorm"]
      n1 --> attn["4-head attention (KV cache)"]
      attn --> wo["attn_wo"]
      wo --> r1["+ residual"]
      n0 --> r1
      r1 --> n2["RMSNorm"]
      n2 --> fc1["mlp_fc1 (16→64)"]
      fc1 --> relu["ReLU"]
      relu --> fc2["mlp_fc2 (64→16)"]
      fc2 --> r2["+ residual"]
      r1 --> r2
      r2 --> head["lm_head (16→27)"]
      head --> logits["27 logits"]
    """, terminalText: "(the architecture diagram is on the study page)")
}

let data = nb.cell("The data: one document per name, shuffled", """
  Each line of names.txt is a *document*. microgpt seeds Python's generator with 42 and shuffles
  the documents once; training then takes one document per step, in that order. The same
  Mersenne Twister and the same shuffle (`PythonRandom`) give us the same order, so our step 1
  sees the same name as CPython's.
  """) { c in
  var random = PythonRandom(seed: Int(nb.seed))
  var docs = try Names(text: nb.readText("names.txt")).words  // the non-empty lines, checked to be a–z
  random.shuffle(&docs)
  c.print("num docs: \(docs.count)")
  c.print("first documents after the shuffle:", docs.prefix(8).joined(separator: ", "))
  return (docs: docs, random: random)
}

let tokenizer = nb.cell("The tokenizer: 26 letters and BOS", """
  The simplest tokenizer: one token per character. The vocabulary is the sorted set of characters
  in the data, plus one special token, BOS ("beginning of sequence"), which marks both ends of a
  name: the model sees BOS, must predict the first letter, …, and must predict BOS after the last
  letter — that is how it learns to stop.
  """) { c in
  let uchars = Array(Set(data.value.docs.joined())).sorted()
  let bos = uchars.count
  let vocabSize = uchars.count + 1
  c.print("vocab size: \(vocabSize)")
  c.print("characters:", String(uchars), " BOS id: \(bos)")
  let example = data.value.docs[0]
  let tokens = [bos] + example.map { uchars.firstIndex(of: $0)! } + [bos]
  c.print("\"\(example)\" → \(tokens)")
  c.mermaid("""
    flowchart LR
      name["\(example)"] --> chars["\(example.map(String.init).joined(separator: " "))"]
      chars --> ids["\(tokens.dropFirst().dropLast().map(String.init).joined(separator: " "))"]
      ids --> seq["BOS \(tokens.dropFirst().dropLast().map(String.init).joined(separator: " ")) BOS"]
    """, terminalText: nil)
  return (uchars: uchars, bos: bos, vocabSize: vocabSize)
}

let parameters = nb.cell("The parameters: 4,192 numbers drawn from gauss(0, 0.08)", """
  Every weight is a leaf of the tape, drawn with Python's `random.gauss(0, 0.08)` in microgpt's
  order: the token embedding `wte` (27×16), the position embedding `wpe` (16×16), the output
  projection `lm_head` (27×16), then per layer the attention's query, key, value and output
  matrices (16×16 each) and the MLP's two matrices (64×16 and 16×64). Because the parameters are
  the tape's first nodes, each training step can throw away everything after them.
  """) { c in
  var random = data.value.random
  var tape = Tape(capacity: 1 << 17)
  func matrix(_ nout: Int, _ nin: Int, std: Double = 0.08) -> TapeMatrix {
    let first = tape.count
    for _ in 0..<(nout * nin) { _ = tape.leaf(random.gauss(mu: 0, sigma: std)) }
    return TapeMatrix(first: first, rows: nout, cols: nin)
  }
  let vocabSize = tokenizer.value.vocabSize
  let wte = matrix(vocabSize, nEmbd), wpe = matrix(blockSize, nEmbd), lmHead = matrix(vocabSize, nEmbd)
  var layers: [LayerWeights] = []
  for _ in 0..<nLayer {
    layers.append(LayerWeights(wq: matrix(nEmbd, nEmbd), wk: matrix(nEmbd, nEmbd), wv: matrix(nEmbd, nEmbd),
                               wo: matrix(nEmbd, nEmbd), fc1: matrix(4 * nEmbd, nEmbd), fc2: matrix(nEmbd, 4 * nEmbd)))
  }
  let stateDict = StateDict(wte: wte, wpe: wpe, lmHead: lmHead, layers: layers)
  let numParams = tape.count
  c.print("num params: \(numParams)")
  c.result("parameters", "\(numParams)", headline: "\(numParams)")
  let attention = 4 * nEmbd * nEmbd, mlp = 2 * 4 * nEmbd * nEmbd
  c.worked("parameter count", formula: "wte + wpe + lm_head + 4·(n_embd²) + fc1 + fc2",
           substituted: "\(wte.count) + \(wpe.count) + \(lmHead.count) + 4·\(nEmbd * nEmbd) + \(mlp / 2) + \(mlp / 2)",
           result: "\(wte.count + wpe.count + lmHead.count + nLayer * (attention + mlp))")
  c.print("first parameters:", tape.values(firstNodes: 4).map { "\($0)" }.joined(separator: ", "))
  c.compare("wte[0][0]", ours: "\(tape.values(firstNodes: 1)[0])",
            reference: "\(ReferenceMeasurements.microgptFirstParameter)", source: "CPython 3.11")
  return (tape: tape, stateDict: stateDict, numParams: numParams, random: random)
}

// MARK: - The pieces, by hand

nb.cell("Worked example: RMSNorm of [2, 4, 6]", """
  RMSNorm rescales a vector so that its root-mean-square is 1: divide by √(mean of squares + ε).
  Unlike LayerNorm it neither subtracts the mean nor learns a gain or bias, which makes it one line
  of scalar code. microgpt applies it to the embedding and before attention and the MLP, so
  every block sees inputs of a steady size, whatever the weights do. Here it is on the tape, with
  the same ops the model uses.
  """) { c in
  var t = Tape()
  let x = [2.0, 4.0, 6.0].map { t.leaf($0) }
  var squares: [Var] = []
  for xi in x { squares.append(t.mul(xi, xi)) }
  let ms = t.mul(t.sum(squares), 1 / Double(x.count))
  let scale = t.pow(t.add(ms, 1e-5), -0.5)
  let y = x.map { t.mul($0, scale) }
  c.worked("mean of squares", formula: "(x₁² + x₂² + x₃²) / 3", substituted: "(4 + 16 + 36) / 3",
           result: String(format: "%.4f", t.data(ms)))
  c.worked("scale", formula: "1 / √(ms + 1e-5)", substituted: String(format: "1 / √(%.4f + 0.00001)", t.data(ms)),
           result: String(format: "%.5f", t.data(scale)))
  c.print("rmsnorm([2, 4, 6]) =", "[" + y.map { String(format: "%.3f", t.data($0)) }.joined(separator: ", ") + "]")
  let rms = (y.map { t.data($0) * t.data($0) }.reduce(0, +) / 3).squareRoot()
  c.print("root-mean-square of the result:", String(format: "%.6f", rms))
  c.mermaid("""
    flowchart LR
      x["x = [2, 4, 6]"] --> sq["square: [4, 16, 36]"]
      sq --> mean["mean: \(String(format: "%.3f", t.data(ms)))"]
      mean --> inv["(ms + ε)^-0.5 = \(String(format: "%.5f", t.data(scale)))"]
      x --> mul["x · scale"]
      inv --> mul
      mul --> y["[\(y.map { String(format: "%.3f", t.data($0)) }.joined(separator: ", "))]"]
    """, terminalText: nil)
}

nb.cell("Worked example: softmax of [2, 1, 0.1], the max trick, and temperature", """
  Softmax turns scores into probabilities: exponentiate, then divide by the total. `exp` of a large
  score overflows (e^1000 is infinite in a Double), so microgpt first subtracts the largest score:
  e^(z − m) / Σ e^(z − m) is the same fraction (the e^−m cancels), and every exponent is ≤ 0.
  Dividing the scores by a *temperature* before the softmax sharpens the distribution (T < 1) or
  flattens it (T > 1); sampling uses T = 0.5.
  """) { c in
  let logits = [2.0, 1.0, 0.1]
  func softmax(_ z: [Double]) -> [Double] {
    let m = z.max()!
    let e = z.map { exp($0 - m) }
    let total = e.reduce(0, +)
    return e.map { $0 / total }
  }
  let m = logits.max()!
  let shifted = logits.map { $0 - m }
  c.worked("shifted scores", formula: "z − max(z)", substituted: "[2, 1, 0.1] − 2",
           result: "[" + shifted.map { String(format: "%.1f", $0) }.joined(separator: ", ") + "]")
  let e = shifted.map { exp($0) }
  c.worked("exponentials", formula: "e^(z − m)", substituted: "[e^0, e^−1, e^−1.9]",
           result: "[" + e.map { String(format: "%.4f", $0) }.joined(separator: ", ") + "], total " + String(format: "%.4f", e.reduce(0, +)))
  var rows: [[String]] = []
  for temperature in [1.0, 0.5, 2.0] {
    let p = softmax(logits.map { $0 / temperature })
    rows.append(["\(temperature)", p.map { String(format: "%.3f", $0) }.joined(separator: "  ")])
  }
  c.table(["temperature", "probabilities of [2, 1, 0.1]"], rows)
  c.mermaid("""
    flowchart LR
      z["logits z"] --> t["z / T"]
      t --> m["subtract max"]
      m --> e["exp"]
      e --> s["sum"]
      e --> d["e / sum"]
      s --> d
      d --> p["probabilities (sum to 1)"]
    """, terminalText: nil)
  c.print("without the max trick, scores [1000, 999]: e^1000 =", exp(1000.0), "→", exp(1000.0) / (exp(1000.0) + exp(999.0)))
  c.print("with it:", softmax([1000, 999]).map { String(format: "%.4f", $0) }.joined(separator: ", "))
  c.think("Why does subtracting the max not change the probabilities?", answer: """
    Because e^(z − m) = e^z · e^−m: every term of the numerator and of the total is multiplied by \
    the same e^−m, which cancels in the fraction. It only changes which numbers the computer has to \
    hold: the largest exponent becomes e^0 = 1, so nothing overflows.
    """)
}

nb.cell("Worked example: scaled dot-product attention on three tokens", """
  One head, head_dim 4, three positions. The query of the current token is compared with the key
  of every position so far (dot products, divided by √head_dim = 2 so that the scores do not grow
  with the dimension); a softmax turns the scores into weights; the output is the weighted sum of
  the values. This is exactly what `gpt` does per head, with the keys and values read from the KV
  cache.
  """) { c in
  let q = [1.0, 0.0, 1.0, 0.0]
  let keys = [[0.1, 0.5, 0.3, 0.2], [1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
  let values = [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]
  let scores = keys.map { k in zip(q, k).map { $0 * $1 }.reduce(0, +) / Double(k.count).squareRoot() }
  for (i, k) in keys.enumerated() {
    c.worked("score \(i)", formula: "q·k\(i) / √4",
             substituted: "(" + zip(q, k).map { "\($0)·\($1)" }.joined(separator: " + ") + ") / 2",
             result: String(format: "%.3f", scores[i]))
  }
  let m = scores.max()!
  let e = scores.map { exp($0 - m) }
  let weights = e.map { $0 / e.reduce(0, +) }
  c.print("weights:", weights.map { String(format: "%.3f", $0) }.joined(separator: ", "))
  let out = (0..<4).map { j in (0..<3).map { weights[$0] * values[$0][j] }.reduce(0, +) }
  c.print("output = Σ weight·value =", "[" + out.map { String(format: "%.3f", $0) }.joined(separator: ", ") + "]")
  c.mermaid("""
    flowchart LR
      x["x (16)"] --> q["q = Wq·x"]
      x --> k["k = Wk·x"]
      x --> v["v = Wv·x"]
      k --> cacheK["KV cache: keys of positions 0…t"]
      v --> cacheV["KV cache: values of positions 0…t"]
      q --> split["4 heads × 4 dims"]
      cacheK --> split
      split --> scores["per head: q·k / √4"]
      scores --> sm["softmax"]
      sm --> mix["Σ weight · value"]
      cacheV --> mix
      mix --> concat["concatenate heads (16)"]
      concat --> wo["Wo"]
    """, terminalText: nil)
}

// MARK: - The model

let model = nb.cell("The model: one token in, 27 logits out", """
  Here is the whole forward pass, on scalars. `gpt(token, pos, cache)` takes one token at one
  position and returns 27 logits (scores for the next token). Read it in order:

  1. **Embedding**: the token's row of `wte` plus the position's row of `wpe`, then RMSNorm.
  2. **Attention** (after another RMSNorm): the token's query, key and value vectors are three
     `linear` maps. The key and value go into the **KV cache**, so the query can attend to every
     position so far (and none after: causality comes for free when tokens arrive one at a time).
     Per head, the scores q·k/√head_dim go through a softmax and weight the values.
  3. **Output projection** `attn_wo` and a **residual** connection (add the block's input back).
  4. **MLP**: RMSNorm, 16 → 64, ReLU, 64 → 16, residual again.
  5. **lm_head**: 16 → 27 logits.

  `linear` is one dot product per row of the matrix, Σ wᵢ·xᵢ, recorded as the `mul` and `add`
  nodes Python's `sum(wi * xi for …)` makes (in one tape call, for speed; the nodes are the same).
  """) { c in
  let sd = parameters.value.stateDict

  func linear(_ t: inout Tape, _ x: [Var], _ w: TapeMatrix) -> [Var] { t.linear(x, w) }

  func softmax(_ t: inout Tape, _ logits: [Var]) -> [Var] {
    let maxVal = logits.map { t.data($0) }.max()!  // a plain number: subtracting it changes no probability
    var exps: [Var] = []
    for v in logits {
      let shifted = t.add(v, -maxVal)
      exps.append(t.exp(shifted))
    }
    let total = t.sum(exps)
    var probs: [Var] = []
    for e in exps {
      let inverse = t.pow(total, -1)  // e / total is e · total⁻¹, as in micrograd
      probs.append(t.mul(e, inverse))
    }
    return probs
  }

  func rmsnorm(_ t: inout Tape, _ x: [Var]) -> [Var] {
    var squares: [Var] = []
    for xi in x { squares.append(t.mul(xi, xi)) }
    let sumSquares = t.sum(squares)
    let ms = t.mul(sumSquares, 1 / Double(x.count))  // mean of squares
    let msEps = t.add(ms, 1e-5)
    let scale = t.pow(msEps, -0.5)  // 1 / √(ms + ε)
    var out: [Var] = []
    for xi in x { out.append(t.mul(xi, scale)) }
    return out
  }

  func gpt(_ t: inout Tape, _ tokenId: Int, _ posId: Int, _ cache: inout KVCache) -> [Var] {
    let tokEmb = sd.wte.row(tokenId), posEmb = sd.wpe.row(posId)
    var x: [Var] = []
    for i in 0..<nEmbd { x.append(t.add(tokEmb[i], posEmb[i])) }
    x = rmsnorm(&t, x)
    cache.lastWeights = []
    for li in 0..<nLayer {
      let layer = sd.layers[li]
      // 1) multi-head attention
      var xResidual = x
      x = rmsnorm(&t, x)
      let q = linear(&t, x, layer.wq)
      let k = linear(&t, x, layer.wk)
      let v = linear(&t, x, layer.wv)
      cache.keys[li].append(k)
      cache.values[li].append(v)
      var xAttn: [Var] = []
      for h in 0..<nHead {
        let hs = h * headDim
        let qh = Array(q[hs..<(hs + headDim)])
        let kh = cache.keys[li].map { Array($0[hs..<(hs + headDim)]) }
        let vh = cache.values[li].map { Array($0[hs..<(hs + headDim)]) }
        var attnLogits: [Var] = []
        for pos in 0..<kh.count {
          var products: [Var] = []
          for j in 0..<headDim { products.append(t.mul(qh[j], kh[pos][j])) }
          let dot = t.sum(products)
          attnLogits.append(t.mul(dot, 1 / Double(headDim).squareRoot()))  // q·k / √head_dim
        }
        let attnWeights = softmax(&t, attnLogits)
        cache.lastWeights.append(attnWeights.map { t.data($0) })
        for j in 0..<headDim {
          var weighted: [Var] = []
          for pos in 0..<vh.count { weighted.append(t.mul(attnWeights[pos], vh[pos][j])) }
          xAttn.append(t.sum(weighted))
        }
      }
      x = linear(&t, xAttn, layer.wo)
      for i in 0..<nEmbd { x[i] = t.add(x[i], xResidual[i]) }
      // 2) MLP
      xResidual = x
      x = rmsnorm(&t, x)
      x = linear(&t, x, layer.fc1)
      for i in x.indices { x[i] = t.relu(x[i]) }
      x = linear(&t, x, layer.fc2)
      for i in 0..<nEmbd { x[i] = t.add(x[i], xResidual[i]) }
    }
    return linear(&t, x, sd.lmHead)
  }

  // One token through the untrained model: BOS at position 0.
  var tape = parameters.value.tape
  var cache = KVCache()
  let logits = gpt(&tape, tokenizer.value.bos, 0, &cache)
  let probs = softmax(&tape, logits)
  c.print("logits for BOS at position 0 (first 5):", logits.prefix(5).map { f4(tape.data($0)) }.joined(separator: " "))
  c.print("probabilities (first 5):", probs.prefix(5).map { f4(tape.data($0)) }.joined(separator: " "),
          " sum:", f4(probs.map { tape.data($0) }.reduce(0, +)))
  c.print("nodes recorded for one token:", tape.count - parameters.value.numParams)
  c.mermaid("""
    flowchart LR
      w0["wq[0][0] (leaf)"] --> m0["×"]
      x0["x₀"] --> m0
      w1["wq[0][1] (leaf)"] --> m1["×"]
      x1["x₁"] --> m1
      m0 --> a1["+"]
      m1 --> a1
      w2["wq[0][2] (leaf)"] --> m2["×"]
      x2["x₂"] --> m2
      a1 --> a2["+"]
      m2 --> a2
      a2 --> more["… + w₁₅·x₁₅ = q₀"]
    """, terminalText: nil)
  return Model(forward: gpt, softmax: softmax)
}

nb.cell("Worked example: cross-entropy and perplexity", """
  At each position the model outputs a probability for every token; the loss is −ln of the
  probability it gave the token that actually came next. A model that knows nothing spreads its
  bets evenly: p = 1/27 for every token, loss ln 27. *Perplexity* e^loss turns a loss back into
  "how many tokens the model is hesitating between": 27 for the uniform guess, 1 for certainty.
  The untrained model is slightly *worse* than uniform (its random logits are confidently wrong
  now and then), so its first loss is above ln 27.
  """) { c in
  let vocabSize = Double(tokenizer.value.vocabSize)
  c.worked("uniform loss", formula: "−ln(1/27)", substituted: "ln 27", result: String(format: "%.4f", log(vocabSize)))
  c.worked("uniform perplexity", formula: "e^(uniform loss)", substituted: String(format: "e^%.4f", log(vocabSize)),
           result: String(format: "%.2f", exp(log(vocabSize))))
  let firstLoss = ReferenceMeasurements.microgptLossStep1
  c.worked("perplexity of the original's printed step-1 loss", formula: "e^loss", substituted: "e^\(firstLoss)",
           result: String(format: "%.2f", exp(firstLoss)))
  for p in [0.5, 0.1, 0.01] {
    c.print("p(correct) = \(p): loss −ln p = \(String(format: "%.4f", -log(p))), perplexity \(String(format: "%.1f", 1 / p))")
  }
}

nb.cell("Worked example: two Adam iterations by hand", """
  Adam keeps two running averages per parameter: m, of the gradient (momentum), and v, of its
  square (its typical size). Both start at 0, so early on they are biased towards 0; dividing by
  1 − βᵗ corrects that. At t = 1 the correction makes m̂ = g and v̂ = g² exactly, so the first step
  is lr · g/|g| = ±lr whatever the gradient's size: every parameter moves by about 0.01 at step 1.
  Here one parameter p = 0.5 gets the gradients 0.2 and then −0.1, with microgpt's settings and
  lr_t = 0.01 · (1 − step/1000).
  """) { c in
  var p = 0.5, m = 0.0, v = 0.0
  for (step, g) in [0.2, -0.1].enumerated() {
    let t = step + 1
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    let mHat = m / (1 - pow(beta1, Double(t))), vHat = v / (1 - pow(beta2, Double(t)))
    let lrT = learningRate * (1 - Double(step) / 1000)
    let update = lrT * mHat / (vHat.squareRoot() + epsAdam)
    c.worked("t = \(t): m", formula: "β1·m + (1 − β1)·g", substituted: "0.85·m + 0.15·(\(g))", result: String(format: "%.6f", m))
    c.worked("t = \(t): v", formula: "β2·v + (1 − β2)·g²", substituted: "0.99·v + 0.01·\(String(format: "%.4f", g * g))", result: String(format: "%.8f", v))
    c.worked("t = \(t): m̂, v̂", formula: "m/(1 − β1ᵗ), v/(1 − β2ᵗ)", substituted: "m/\(String(format: "%.4f", 1 - pow(beta1, Double(t)))), v/\(String(format: "%.4f", 1 - pow(beta2, Double(t))))",
             result: String(format: "%.6f, %.8f", mHat, vHat))
    p -= update
    c.worked("t = \(t): p", formula: "p − lr_t·m̂/(√v̂ + ε)", substituted: String(format: "p − %.5f·%.6f/%.6f", lrT, mHat, vHat.squareRoot() + epsAdam),
             result: String(format: "%.6f", p))
  }
  c.mermaid("""
    flowchart LR
      g["gradient g"] --> m["m = β1·m + (1−β1)·g"]
      g --> v["v = β2·v + (1−β2)·g²"]
      m --> mh["m̂ = m / (1 − β1ᵗ)"]
      v --> vh["v̂ = v / (1 − β2ᵗ)"]
      mh --> step["p −= lr_t · m̂ / (√v̂ + ε)"]
      vh --> step
      lr["lr_t = lr · (1 − step/steps)"] --> step
    """, terminalText: nil)
  c.think("Why does the second step move p by less than the first, although it is still 0.01 · (something)?", answer: """
    At t = 2 the momentum m̂ mixes the new gradient −0.1 with the old 0.2 (it is still positive), while \
    v̂ remembers the larger first gradient: the ratio m̂/√v̂ is well below 1. Adam's step is large when \
    recent gradients agree in sign and small when they disagree.
    """)
}

// MARK: - Training

let training = nb.cell("Training: one name per step, Adam, linear decay", """
  Each step takes the next document, wraps it in BOS tokens, and feeds it one token at a time,
  position by position, sharing one KV cache. At every position the model predicts the next token;
  the loss there is −log p(correct next token) (cross-entropy), and the document's loss is their
  mean. Backward sends the gradient of that mean to all 4,192 parameters, visiting the nodes in
  micrograd's own order (a depth-first search from the loss, walked backwards), so that every
  gradient is added up in the same order as in CPython and rounds the same way. Then Adam updates
  each parameter with its own step size:

  m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,   p ← p − lr_t · m̂ / (√v̂ + ε)

  with the bias corrections m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), and lr_t = lr · (1 − step/steps).
  The progress lines show the loss and the perplexity e^loss: "as unsure as a uniform choice among
  that many tokens" (27 at the start would be pure guessing).
  """) { c in
  let docs = data.value.docs, uchars = tokenizer.value.uchars, bos = tokenizer.value.bos
  var tape = parameters.value.tape
  let numParams = parameters.value.numParams
  let gpt = model.value.forward, softmax = model.value.softmax
  var m = [Double](repeating: 0, count: numParams), v = [Double](repeating: 0, count: numParams)
  var losses: [Double] = []
  let every = max(1, steps / 10)
  let start = DispatchTime.now().uptimeNanoseconds, cpuStart = processCPUSeconds()  // page:hide
  for step in c.steps(steps, "training") {
    tape.truncate(to: numParams)  // forget the last step's graph, keep the parameters
    let doc = docs[step % docs.count]
    let tokens = [bos] + doc.map { uchars.firstIndex(of: $0)! } + [bos]
    let n = min(blockSize, tokens.count - 1)
    // Forward: one position at a time, one KV cache for the document.
    var cache = KVCache()
    var positionLosses: [Var] = []
    var traceRows: [[String]] = []
    for posId in 0..<n {
      let logits = gpt(&tape, tokens[posId], posId, &cache)
      let probs = softmax(&tape, logits)
      let logProb = tape.log(probs[tokens[posId + 1]])
      positionLosses.append(tape.mul(logProb, -1))  // −log p(target)
      if step == 0 && c.options.isVerbose {  // page:hide
        let p = probs.map { tape.data($0) }
        let top = p.indices.sorted { p[$0] > p[$1] }.prefix(3)
          .map { "\($0 == bos ? "BOS" : String(uchars[$0])) \(f4(p[$0]))" }.joined(separator: ", ")
        traceRows.append([String(posId), tokens[posId] == bos ? "BOS" : String(uchars[tokens[posId]]),
                          tokens[posId + 1] == bos ? "BOS" : String(uchars[tokens[posId + 1]]),
                          f4(p[tokens[posId + 1]]), f4(tape.data(positionLosses.last!)), top,
                          cache.lastWeights.map { $0.map { String(format: "%.2f", $0) }.joined(separator: " ") }
                            .joined(separator: " | ")])
      }  // page:show
    }
    let sumLosses = tape.sum(positionLosses)
    let loss = tape.mul(sumLosses, 1 / Double(n))  // mean over the positions
    // Backward: ∂loss/∂(every node), one reverse sweep of the tape.
    tape.backwardInDepthFirstOrder(from: loss)
    // Adam, with bias correction and a linearly decaying learning rate.
    let lrT = learningRate * (1 - Double(step) / Double(steps))
    let beta1T = cpythonPow(beta1, Double(step + 1)), beta2T = cpythonPow(beta2, Double(step + 1))
    var p = tape.values(firstNodes: numParams)
    let g = tape.grads(firstNodes: numParams)
    let before = p  // page:hide
    for i in 0..<numParams {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i]
      v[i] = beta2 * v[i] + (1 - beta2) * cpythonPow(g[i], 2)
      let mHat = m[i] / (1 - beta1T)
      let vHat = v[i] / (1 - beta2T)
      p[i] -= lrT * mHat / (cpythonPow(vHat, 0.5) + epsAdam)
    }
    tape.setValues(firstNodes: p)
    let lossValue = tape.data(loss)
    losses.append(lossValue)
    // page:hide
    if nb.flag("--losses") { c.print("loss[\(step + 1)] = \(lossValue)") }
    if step == 0 && c.options.isVerbose {
      c.trace("step 1: document \"\(doc)\", tokens \(tokens), \(n) positions")
      c.trace("pos | input | target | p(target) | −log p | top 3 predictions | attention weights per head (over positions 0…pos)")
      for row in traceRows { c.trace(row.joined(separator: " | ")) }
      c.trace("loss = mean of the \(n) −log p = \(f4(lossValue)); perplexity e^loss = \(String(format: "%.2f", exp(lossValue)))")
      let absGrads = g.map(abs)
      c.trace("gradients: \(g.filter { $0 != 0 }.count) of \(numParams) non-zero, mean |g| \(String(format: "%.3e", absGrads.reduce(0, +) / Double(numParams))), max |g| \(String(format: "%.3e", absGrads.max()!))")
      let changes = zip(p, before).map { abs($0 - $1) }
      c.trace("update: at t = 1, m̂ = g and v̂ = g², so each step is ≈ lr·sign(g): max |Δp| \(String(format: "%.5f", changes.max()!)) (lr \(learningRate))")
      c.trace("nodes on the tape this step: \(tape.count) (\(numParams) parameters + \(tape.count - numParams) recorded)")
    } else if c.options.isVerbose && (step + 1) % 100 == 0 {
      c.trace("step \(step + 1): \"\(doc)\", \(n) positions, loss \(f4(lossValue)), max |g| \(String(format: "%.3e", g.map(abs).max()!)), lr_t \(String(format: "%.5f", lrT))")
    }
    // page:show
    if step < 3 || (step + 1) % every == 0 {
      c.print(String(format: "step %4d / %4d | loss %.4f | perplexity %.2f", step + 1, steps, lossValue, exp(lossValue)))
    }
    c.status("loss \(f4(lossValue))")
  }
  // page:hide
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  let cpuSeconds = processCPUSeconds() - cpuStart
  let cpython = ReferenceMeasurements.microgptCPythonTraining
  c.timing("\(steps) training steps: \(String(format: "%.2f", seconds)) s wall, \(String(format: "%.2f", cpuSeconds)) s CPU (\(String(format: "%.3f", 1000 * cpuSeconds / Double(steps))) ms/step)")
  c.timing("CPython's 1,000 steps took \(String(format: "%.0f", cpython.milliseconds / 1000)) s on \(cpython.machine) (not this run): \(String(format: "%.0f", cpython.milliseconds / 1000 / (cpuSeconds * 1000 / Double(steps))))× per step by CPU time, \(String(format: "%.0f", cpython.milliseconds / 1000 / (seconds * 1000 / Double(steps))))× by wall time (a loaded machine inflates wall time)")
  // page:show
  c.mermaid("""
    flowchart LR
      doc["next name"] --> tok["BOS + letters + BOS"]
      tok --> fwd["gpt() per position, one KV cache"]
      fwd --> loss["mean of −log p(next)"]
      loss --> bwd["backward: one sweep, micrograd's order"]
      bwd --> adam["Adam update of 4,192 parameters"]
      adam --> trunc["truncate the tape to the parameters"]
      trunc --> doc
    """, terminalText: nil)
  c.result("loss at step 1", f4(losses[0]))
  c.result("loss at step \(steps)", f4(losses[steps - 1]), headline: f4(losses[steps - 1]))
  if steps == 1000 {
    c.compare("loss at step 1", ours: losses[0], reference: ReferenceMeasurements.microgptLossStep1, decimals: 4,
              source: "microgpt in CPython")
    c.compare("loss at step 1000", ours: losses[999], reference: ReferenceMeasurements.microgptLossStep1000, decimals: 4,
              source: "microgpt in CPython")
  }
  return (tape: tape, losses: losses, seconds: cpuSeconds)
}

// MARK: - Inference

nb.cell("Sampling: new names, one token at a time", """
  To generate, start from BOS at position 0 and repeat: run the model, divide the logits by the
  temperature, softmax, and draw the next token with Python's `random.choices` (the generator
  continues from where the parameter draws left it). Stop at BOS or after block_size tokens.
  Nothing is recorded for backward here, but the same tape ops compute the same numbers; the tape
  is simply cut back after each name.
  """) { c in
  var tape = training.value.tape
  let numParams = parameters.value.numParams
  var random = parameters.value.random
  let uchars = tokenizer.value.uchars, bos = tokenizer.value.bos
  let gpt = model.value.forward, softmax = model.value.softmax
  var samples: [String] = []
  for _ in 0..<sampleCount {
    tape.truncate(to: numParams)
    var cache = KVCache()
    var tokenId = bos
    var sample = ""
    for posId in 0..<blockSize {
      let logits = gpt(&tape, tokenId, posId, &cache)
      var scaled: [Var] = []
      for l in logits { scaled.append(tape.mul(l, cpythonPow(temperature, -1))) }  // logits / temperature
      let probs = softmax(&tape, scaled)
      tokenId = random.choices(weights: probs.map { tape.data($0) })
      if tokenId == bos { break }
      sample.append(uchars[tokenId])
    }
    samples.append(sample)
  }
  c.print("samples:", samples.joined(separator: " "))
  c.result("samples", samples.prefix(5).joined(separator: ", "), headline: samples.prefix(5).joined(separator: ", "))
  c.mermaid("""
    flowchart LR
      start["BOS at position 0"] --> gpt["gpt(token, pos, cache)"]
      gpt --> temp["logits / temperature"]
      temp --> sm["softmax"]
      sm --> draw["random.choices"]
      draw -->|"BOS or 16 tokens"| stop["name done"]
      draw -->|"a letter"| next["append; pos + 1"]
      next --> gpt
    """, terminalText: nil)
  if steps == 1000 && sampleCount == 20 && temperature == 0.5 {
    c.compare("samples", ours: samples.joined(separator: " "),
              reference: ReferenceMeasurements.microgptSamples.joined(separator: " "), source: "microgpt in CPython")
  } else {
    c.note("These samples come from \(steps) steps at temperature \(temperature); the original's 20 names need 1,000 steps at 0.5, because the learning-rate schedule and the random draws depend on both.")
  }
  return samples
}

// MARK: - Closing

nb.cell("Closing: the same ideas on tensors", """
  Everything a GPT needs is here: embeddings, normalisation, attention with a cache, an MLP,
  residual connections, cross-entropy, backpropagation, Adam and sampling. Lecture 7 builds the
  same model on *tensors*: each `linear` becomes one matrix multiply over all positions (and a
  batch of sequences) at once, attention becomes two matrix multiplies with a causal mask instead
  of a growing cache, and backward walks a graph of a few dozen tensor ops instead of ~50,000
  scalar nodes. Below, lecture 7's own model (`GPTLanguageModel` in Sources/NN, the one
  `Lecture07GPT` trains on Shakespeare) is built at microgpt's size. It is not the same
  model: LayerNorm with learned gains and biases instead of RMSNorm, biases in the MLP, a final
  LayerNorm, Float instead of Double, AdamW; so its parameter count and numbers differ. The
  timings below (⏱, terminal only) compare one training step on one name, and a step on a batch.
  """) { c in
  let docs = data.value.docs, uchars = tokenizer.value.uchars, bos = tokenizer.value.bos
  var generator = TorchGenerator(seed: 42)
  let config = GPTConfig(vocabSize: tokenizer.value.vocabSize, blockSize: blockSize, embedding: nEmbd, heads: nHead, layers: nLayer)
  let tensorModel = GPTLanguageModel(config, generator: &generator)
  let optimizer = AdamW(tensorModel.parameters(), learningRate: learningRate, betas: (beta1, beta2), eps: epsAdam, weightDecay: 0)
  c.print("tensor GPT at microgpt's size: \(tensorModel.parameterCount) parameters (microgpt: \(parameters.value.numParams))")
  func encode(_ name: String) -> [Int] { [bos] + name.map { uchars.firstIndex(of: $0)! } + [bos] }
  func step(_ xs: [Int], _ ys: [Int], rows: Int) -> Float {
    optimizer.zeroGrad()
    let loss = tensorModel.loss(IntTensor(xs, shape: [rows, xs.count / rows]), targets: IntTensor(ys, shape: [rows, ys.count / rows]))
    loss.backward()
    optimizer.step()
    return loss.item()
  }
  func nameStep(_ name: String) -> Float {  // one name, all its positions at once (as microgpt's step)
    let tokens = Array(encode(name).prefix(blockSize + 1))
    return step(Array(tokens.dropLast()), Array(tokens.dropFirst()), rows: 1)
  }
  var losses: [Float] = []
  for i in 0..<50 { losses.append(nameStep(docs[i % docs.count])) }
  c.print("tensor GPT, the first 50 names one per step: loss \(f4(Double(losses[0]))) → \(f4(Double(losses[49])))")
  // A batch: 32 windows of 16 tokens from the names written one after another (BOS between them).
  var stream: [Int] = []
  var next = 100
  while stream.count < 32 * 17 {
    stream += encode(docs[next % docs.count]).dropLast()
    next += 1
  }
  var bx: [Int] = [], by: [Int] = []
  for row in 0..<32 {
    bx += stream[(row * 17)..<(row * 17 + blockSize)]
    by += stream[(row * 17 + 1)...(row * 17 + blockSize)]
  }
  let scalarStep = training.value.seconds / Double(steps)
  let one = c.timed("tensor GPT, one step on one name", runs: 20) { nameStep(docs[50 % docs.count]) }
  let batch = c.timed("tensor GPT, one step on a batch of 32 × 16 tokens", runs: 10) { step(bx, by, rows: 32) }
  c.timing("per training step, CPU: microgpt on the scalar tape \(String(format: "%.3f", 1000 * scalarStep)) ms (one name); tensor GPT \(String(format: "%.3f", 1000 * one.cpuSeconds / 20)) ms (one name), \(String(format: "%.3f", 1000 * batch.cpuSeconds / 10)) ms (512 tokens, ~70 names' worth)")
  c.note("""
    What the tensor engine buys is not a different algorithm but fewer, bigger operations: the \
    scalar tape spends its time on one node per multiply, the tensor engine on a few matrix \
    multiplies whose inner loops run at the speed of the hardware, and a batch shares each \
    operation's overhead among many sequences. At this tiny size the overheads dominate both; the \
    gap opens as the model grows, because the scalar tape's cost grows with every multiply while a \
    matrix multiply's grows far more slowly than its work.
    """)
}

nb.run()
