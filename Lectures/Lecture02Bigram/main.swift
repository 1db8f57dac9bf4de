// Lecture 2: makemore part 1, the bigram character model, counted and then learned.
//
// Read top to bottom like the notebook: every `nb.cell` is one step of the lecture. State shared
// between cells lives in the top-level variables declared just before the cells that fill them.
import Foundation
import ZeroToHero

let nb = Notebook(.bigram)

// MARK: - State shared between cells

var names: Names! = nil
var words: [String] { names.words }
/// N[i][j]: how often character j follows character i (27 × 27, `.` = 0).
var N = [[Int]](repeating: [Int](repeating: 0, count: 27), count: 27)
/// P: the smoothed model, (N + 1) with every row normalised to sum to 1.
var P = Tensor.zeros([27, 27])
/// P without smoothing (N / row sums): contains zeros for bigrams never seen.
var Praw = Tensor.zeros([27, 27])
var xsAll: [Int] = []
var ysAll: [Int] = []
var W = Tensor.zeros([27, 27])
var losses: [Float] = []

/// Samples `count` names from a row-stochastic 27×27 probability table, the lecture's loop:
/// start at `.`, draw the next character from row `ix`, stop at `.`.
@MainActor func sampleNames(_ count: Int, seed: UInt64, cumulative: Bool = false, row: (Int) -> [Float]) -> [String] {
  var g = TorchGenerator(seed: seed)
  var out: [String] = []
  for _ in 0..<count {
    var name = ""
    var ix = 0
    while true {
      let p = row(ix)
      ix = cumulative ? g.multinomialCumulative(p)[0] : g.multinomial(p, numSamples: 1, replacement: true)[0]
      name.append(names.itos[ix])
      if ix == 0 { break }
    }
    out.append(name)
  }
  return out
}

/// Reference numbers of PyTorch (2.13–2.15 CPU) for the default seed 2147483647.
enum Reference {
  static let seed: UInt64 = 2147483647
  static let gdLosses: [Int: Float] = [0: 3.7686190605, 1: 3.3788068295, 99: 2.4901304245, 199: 2.4829957485, 299: 2.4815073013]
  static let todaySamples = ["cexze.", "momasurailezitynn.", "konimittain.", "llayn.", "ka."]
  static let videoSamples = ["mor.", "axx.", "minaymoryles.", "kondlaisah.", "anchshizarie."]
  static let neuralSamples = ["cexze.", "momasurailezityha.", "konimittain.", "llayn.", "ka."]
  static let notebookNeuralSamples = ["mor.", "axx.", "minaymoryles.", "kondlaisah.", "anchthizarie."]
}
let isDefaultSeed = nb.seed == Reference.seed

// MARK: - Part 1: counting

nb.cell("Reading the names", """
  Our data set is `names.txt`: 32,033 first names, one per line. **makemore** ("make more") learns
  from them to produce new strings that *sound* like names. A language model at the level of
  characters sees each name as a little sequence of examples: in "isabella", `i` is likely to
  start a name, `s` likely follows `i`, `a` follows `is`, and after the final `a` the name is
  likely to *end*. Before modelling anything, look at the data: how many names, how long.
  """) { c in
  names = try Names(text: nb.readText("names.txt"))
  c.print("words[:10] =", words.prefix(10).map { "'\($0)'" }.joined(separator: ", "))
  c.print("len(words) =", words.count)
  let lengths = words.map(\.count)
  let shortest = words.filter { $0.count == lengths.min()! }
  let longest = words.filter { $0.count == lengths.max()! }
  c.print("shortest: \(lengths.min()!) characters (\(shortest.count) names, e.g. \(shortest.prefix(5).joined(separator: ", ")))")
  c.print("longest:  \(lengths.max()!) characters (\(longest.joined(separator: ", ")))")
  c.print("vocabulary:", String(names.itos), "(\(names.vocabularySize) symbols, '.' = 0)")
  c.trace("mean length \(String(format: "%.2f", Double(lengths.reduce(0, +)) / Double(words.count))) characters")
  c.result("names", "\(words.count)")
}

var bigramDictionary: [String: Int] = [:]

nb.cell("Counting bigrams in a dictionary", """
  The simplest language model looks at **two characters at a time**: the one we have, and the one
  that comes next (a *bigram*). To also learn how names start and end, each name is framed with a
  special start token `<S>` and end token `<E>`, so "emma" gives `<S>e, em, mm, ma, a<E>`.
  Counting how often each pair occurs over the whole file is already a trained model: the counts
  *are* the statistics. Sorted, the most common bigram is a name ending in `n`.
  """) { c in
  for w in words {
    let chs = ["<S>"] + w.map(String.init) + ["<E>"]
    for (a, b) in zip(chs, chs.dropFirst()) { bigramDictionary["(\(a), \(b))", default: 0] += 1 }
  }
  let emma = ["<S>"] + "emma".map(String.init) + ["<E>"]
  c.trace("emma → " + zip(emma, emma.dropFirst()).map { "\($0)\($1)" }.joined(separator: "  "))
  let sorted = bigramDictionary.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
  c.table(["bigram", "count"], sorted.prefix(10).map { [$0.key, "\($0.value)"] })
  let once = sorted.filter { $0.value == 1 }
  c.print("\(sorted.count) distinct bigrams (of 28 × 28 possible pairs); \(once.count) of them seen exactly once, e.g. "
          + once.suffix(3).map(\.key).joined(separator: " "))
  c.think("Which row of this table can never be non-zero: what can follow `<E>`, and what can precede `<S>`?")
}

nb.cell("The 27×27 count matrix with a single '.' token", """
  A dictionary is slow and clumsy; a 2-D array indexed by (first character, second character) is
  the same information in a form we can compute with. With separate `<S>` and `<E>` tokens the
  table would be 28×28 with a whole row (after `<E>`) and a whole column (before `<S>`) that are
  always zero. So the lecture merges them into one token `.` at index 0: `.` *before* a name
  means "start", `.` *after* it means "end". Letters get indices 1…26 (`stoi`), and `itos` maps back.
  """) { c in
  for w in words {
    let ix = names.encodeFramed(w)
    for (a, b) in zip(ix, ix.dropFirst()) { N[a][b] += 1 }
  }
  let total = N.joined().reduce(0, +)
  c.print("N.shape = (27, 27), dtype int32")
  c.print("N[0, :5] =", "[" + N[0].prefix(5).map(String.init).joined(separator: ", ") + "]",
          "   (. → . never happens: no empty names; . → a is the 4410 of (<S>, a))")
  c.print("N.sum() =", total, "  (one bigram per character plus one for the end: Σ (len + 1))")
  c.trace("stoi: " + names.itos.enumerated().map { "'\($1)':\($0)" }.joined(separator: " "))
  c.why("One token instead of two keeps every row and column meaningful, and makes the model's last step the same as any other: predicting `.` is how the model decides to stop.")
  c.result("bigram examples (N.sum())", "\(total)")
}

nb.cell("Looking at the counts", """
  The lecture draws the matrix as a 16-inch heatmap, each cell labelled with its bigram and count.
  Read it row by row: row `a` is "what follows `a`". Some rows are busy (`a`, `e`, `n`), the first
  row (how names start) is spread over many letters, and the first column (how names end) is
  dominated by vowels and `n`. The terminal shows one shade per cell; the study page has the
  full annotated SVG.
  """) { c in
  let letters = names.itos.map(String.init)
  let text = (0..<27).map { i in (0..<27).map { j in "\(letters[i])\(letters[j])\n\(N[i][j])" } }
  let heat = Heatmap(title: "Bigram counts N (row: first character, column: next)",
                     values: N.map { $0.map(Double.init) }, cellText: text,
                     rowLabels: letters, columnLabels: letters, colorScale: .blues, showColorBar: false)
  c.figure(heat, name: "bigram-counts", width: 72, height: 27)
  let biggest = (0..<27).flatMap { i in (0..<27).map { (i, $0) } }.max { N[$0.0][$0.1] < N[$1.0][$1.1] }!
  c.print("largest cell: \(letters[biggest.0])\(letters[biggest.1]) = \(N[biggest.0][biggest.1])")
}

nb.cell("Row 0: how names start", """
  To sample, we need probabilities, not counts. Row 0 holds the counts of every first letter;
  dividing by its sum turns them into a probability distribution over the 27 symbols. This is
  the model's entire knowledge of "how does a name begin": `a` 13.8%, `k` 9.3%, `m` 7.9% …
  """) { c in
  let row = Tensor(N[0].map(Float.init))
  let p = row / row.sum()
  c.print("p = N[0] / N[0].sum()")
  c.print(torchList(p.scalars, perLine: 9))
  c.print("p.sum() =", f4(p.sum().item()))
  c.trace("N[0].sum() = \(Int(row.sum().item())) = the number of names")
}

nb.cell("A generator you can replay", """
  Sampling needs random numbers, and to compare with the lecture they must be the *same* random
  numbers. PyTorch's CPU generator is a Mersenne Twister seeded with `manual_seed`; our
  `TorchGenerator` re-implements it value for value. A toy distribution: three random numbers,
  normalised, then 100 samples from it with `multinomial` (index 0 about 61% of the time).
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let r = g.uniform(3)
  c.print("torch.rand(3, generator=g) =", torchList(r, decimals: 10))
  let pr = r.map { $0 / (r[0] + r[1] + r[2]) }
  c.print("p = p / p.sum()            =", torchList(pr))
  let samples = g.multinomial(pr, numSamples: 100, replacement: true)
  c.print("torch.multinomial(p, 100, replacement=True, generator=g) =")
  c.print(torchList(samples.map(Float.init), decimals: 0, perLine: 25).replacingOccurrences(of: ".", with: ""))
  let counts = (0..<3).map { k in samples.filter { $0 == k }.count }
  c.table(["index", "p", "drawn (of 100)"], (0..<3).map { ["\($0)", f4(pr[$0]), "\(counts[$0])"] })
  if isDefaultSeed { c.print("(the lecture prints [0.6064, 0.3033, 0.0903] and the same 100 indices)") }
  c.why("One 32-bit draw gives 24 random bits for one float: u = (r & 0xFFFFFF) / 2^24. Sampling many values with replacement uses one 53-bit double per sample and a binary search in the cumulative sum.")
}

nb.cell("Normalising all rows at once: broadcasting and the keepdim bug", """
  Rather than normalising a row every time we sample, build the whole probability matrix once:
  `P = (N + 1).float(); P /= P.sum(1, keepdim=True)`. (The `+1` is smoothing, explained with the
  loss below.) `P.sum(1, keepdim=True)` has shape (27, 1): one sum per row, kept as a column.
  Broadcasting lines shapes up from the **right**: (27, 27) against (27, 1) stretches the column
  across all 27 columns, so each row is divided by its own sum. Exactly what we want.

  Drop `keepdim` and the sum has shape (27,). Aligned from the right, (27,) becomes **(1, 27)**: a
  *row* vector, copied down all rows. Now element [i, j] is divided by the sum of row *j*: the
  columns are normalised, not the rows. No error, no warning, just a wrong model.
  """) { c in
  let counts = Tensor(N.map { $0.map { Float($0 + 1) } })
  let rowSums = counts.sum(dim: 1, keepdim: true)
  let flatSums = counts.sum(dim: 1)
  c.table(["expression", "shape"], [
    ["P", shapeText(counts.shape)],
    ["P.sum(1, keepdim=True)", shapeText(rowSums.shape)],
    ["P.sum(1)", shapeText(flatSums.shape)],
  ])
  c.print("(27, 27) / (27, 1): the column of sums is copied across → every row divided by its own sum")
  c.print("(27, 27) / (27,)  → (27, 27) / (1, 27): the row of sums is copied down → columns divided")
  P = counts / rowSums
  let wrong = counts / flatSums
  let rowsOK = P.sum(dim: 1).scalars, rowsBad = wrong.sum(dim: 1).scalars
  c.table(["row", "P[i].sum() with keepdim", "without keepdim"],
          (0..<5).map { i in ["\(i) '\(names.itos[i])'", f4(rowsOK[i]), f4(rowsBad[i])] })
  c.print("without keepdim the *columns* sum to 1: column 1 sums to", f4(wrong.sum(dim: 0).scalars[1]))
  c.shape("counts", counts.shape)
  c.shape("row sums", rowSums.shape, "keepdim=True")
  c.shape("sums", flatSums.shape, "broadcast as (1, 27)")
  c.think("P[0] in the buggy version is still a list of 27 positive numbers. Why would sampling from it still \"work\", and how would you notice the bug?")
  // The unsmoothed model too, for the likelihood cells.
  let raw = Tensor(N.map { $0.map(Float.init) })
  Praw = raw / raw.sum(dim: 1, keepdim: true)
}

nb.cell("Sampling names: then and now", """
  Sampling a name: start at `.`, draw the next character from row `P[ix]`, move to it, repeat
  until `.` comes out. With the generator seeded 2147483647 the 2022 video printed `mor.`,
  `axx.`, `minaymoryles.` … but running the same notebook today prints `cexze.`,
  `momasurailezitynn.` … Nothing is wrong with either: in PyTorch 2.1 `multinomial` with one
  sample switched algorithms. The old one walked a cumulative sum with one uniform number per
  draw; the new one draws an exponential number for *every* category and takes the largest
  `p / q` (the "exponential race"). Both sample the same distribution, but they consume the
  random stream differently, so the same seed gives different names.
  """) { c in
  let today = sampleNames(5, seed: nb.seed) { P[$0].scalars }
  let then = sampleNames(5, seed: nb.seed, cumulative: true) { P[$0].scalars }
  c.table(["#", "today (torch ≥ 2.1: multinomial)", "2022 video (torch ≤ 2.0: multinomialCumulative)"],
          (0..<5).map { ["\($0 + 1)", today[$0], then[$0]] })
  if isDefaultSeed {
    c.print(today == Reference.todaySamples ? "today's column matches today's notebook exactly"
                                            : "today's column differs from the notebook's " + Reference.todaySamples.joined(separator: " "))
    c.print(then == Reference.videoSamples ? "the 2022 column matches the video exactly"
                                           : "the 2022 column differs from the video's " + Reference.videoSamples.joined(separator: " "))
  }
  let firstToday = sampleNames(1, seed: nb.seed) { Praw[$0].scalars }[0].first!
  let firstThen = sampleNames(1, seed: nb.seed, cumulative: true) { Praw[$0].scalars }[0].first!
  c.print("first letter drawn from N[0]/N[0].sum(): '\(firstToday)' with today's algorithm, '\(firstThen)' with torch ≤ 2.0's (the video)")
  c.why("Bit-exact reproduction needs the same algorithm, not just the same seed: seeds fix the stream of raw 32-bit numbers, the algorithm decides how many are consumed and how they are turned into a choice.")
  c.result("samples (today's algorithm)", today.joined(separator: " "))
}

nb.cell("The untrained baseline: every character equally likely", """
  Are these names any good? They look bad, but compare them with a model that learned nothing:
  every character, including `.`, with probability 1/27. The bigram model's names have plausible
  starts, plausible endings and vowel/consonant rhythm; the uniform model's are random strings
  whose length is geometric with mean 27. That gap is what the counts learned.
  """) { c in
  let uniform = [Float](repeating: 1, count: 27)
  let junk = sampleNames(5, seed: nb.seed) { _ in uniform }
  for name in junk { c.print(name) }
  c.print(String(format: "uniform loss = −log(1/27) = %.4f nats per character", Foundation.log(27.0)))
}

nb.cell("Likelihood and negative log-likelihood, by hand", """
  How good is the model, as a single number? The model assigns a probability to each bigram in
  the training set; the **likelihood** of the data is the product of all of them: higher is
  better. A product of 228,146 numbers below 1 underflows to 0, so we use the **log-likelihood**
  (the sum of log-probabilities: log is monotonic, so maximising one maximises the other).
  Flip the sign to get a loss (lower is better) and average it: the **average negative
  log-likelihood**. A perfect model would score 0; uniform guessing scores log 27 ≈ 3.2958.
  Here are the bigrams of the first three names under the counting model (no smoothing):
  """) { c in
  var rows: [[String]] = []
  var logLikelihood: Float = 0
  var n = 0
  for w in words.prefix(3) {
    let ix = names.encodeFramed(w)
    for (a, b) in zip(ix, ix.dropFirst()) {
      let prob = Praw[at: a, b]
      let logprob = Foundation.log(prob)
      logLikelihood += logprob
      n += 1
      rows.append(["\(names.itos[a])\(names.itos[b])", f4(prob), f4(logprob)])
    }
  }
  c.table(["bigram", "prob", "log prob"], rows)
  c.worked("log_likelihood", formula: "Σ log P[x, y]", substituted: "over \(n) bigrams", result: String(format: "%.4f", logLikelihood))
  c.worked("average NLL", formula: "−log_likelihood / n", substituted: String(format: "%.4f / %d", -logLikelihood, n),
           result: String(format: "%.4f", -logLikelihood / Float(n)))
  c.why("A probability of 1/27 ≈ 0.037 is what guessing would give; bigrams far above it (like a. at the end of a name) contribute small losses, rare ones contribute large ones.")
}

nb.cell("The loss of the whole data set, float32 and float64", """
  Now the same sum over all 228,146 bigrams. The notebook adds 0-d float32 tensors one at a time,
  so its running sum is **float32**: by the end the total is around −560,000, where a float32
  can only resolve steps of 1/16 ≈ 0.06, and each of the 228,146 additions rounds. The error
  piles up in the fourth decimal of the average. Summing in float64 gives the true value. Then
  with **+1 smoothing** (P = (N+1)/…), which the sampling cells used: a slightly *worse* fit to
  the training data (we gave probability to bigrams never seen), in exchange for no zeros.
  """) { c in
  @MainActor func nll(_ model: Tensor) -> (f32Sum: Float, f64Sum: Double, n: Int) {
    var s32: Float = 0, s64: Double = 0, n = 0
    let table = model.scalars
    for w in words {
      let ix = names.encodeFramed(w)
      for (a, b) in zip(ix, ix.dropFirst()) {
        let p = table[a * 27 + b]
        s32 += Foundation.log(p)
        s64 += Foundation.log(Double(p))
        n += 1
      }
    }
    return (s32, s64, n)
  }
  let raw = nll(Praw), smooth = nll(P)
  c.table(["model", "log_likelihood (float32 running sum)", "avg NLL f32", "avg NLL f64"], [
    ["counts N", String(format: "%.4f", raw.f32Sum), String(format: "%.6f", -raw.f32Sum / Float(raw.n)), String(format: "%.6f", -raw.f64Sum / Double(raw.n))],
    ["N + 1", String(format: "%.4f", smooth.f32Sum), String(format: "%.6f", -smooth.f32Sum / Float(smooth.n)), String(format: "%.6f", -smooth.f64Sum / Double(smooth.n))],
  ])
  c.print("n =", raw.n)
  c.print("PyTorch: −559891.75 → 2.4541 (f32) / 2.454014 (f64) without smoothing; 2.454356 / 2.454577 with +1")
  c.trace(String(format: "float32 spacing at 560,000 is %.4f (ulp); f32 − f64 sum = %.2f", Float(560_000).ulp, Double(raw.f32Sum) - raw.f64Sum))
  c.why("Rounding in a running sum is systematic, not random noise that averages out: every term is added to a huge total, so the small log-probabilities lose their low bits each time. Pairwise or float64 accumulation (as torch.sum does internally) avoids it.")
  c.result("average NLL, counts (float64)", String(format: "%.4f", -raw.f64Sum / Double(raw.n)))
  c.result("average NLL, +1 smoothing (float64)", String(format: "%.4f", -smooth.f64Sum / Double(smooth.n)))
}

nb.cell("Why smoothing: the name \"andrejq\"", """
  Score one new name, "andrejq". The bigram `jq` never occurs in names.txt, so the unsmoothed
  model gives it probability 0, log-probability −∞, and the whole name an **infinite** loss: the
  model declares it impossible. Adding a fake count of 1 to every cell (Laplace smoothing) makes
  every bigram possible. The more fake counts, the smoother (more uniform) the model.
  """) { c in
  let ix = names.encodeFramed("andrejq")
  var rows: [[String]] = []
  var sumRaw: Float = 0, sumSmooth: Float = 0
  for (a, b) in zip(ix, ix.dropFirst()) {
    let pr = Praw[at: a, b], ps = P[at: a, b]
    sumRaw += Foundation.log(pr); sumSmooth += Foundation.log(ps)
    rows.append(["\(names.itos[a])\(names.itos[b])", "\(N[a][b])", f4(pr), String(format: "%.4f", Foundation.log(pr)), f4(ps), f4(Foundation.log(ps))])
  }
  c.table(["bigram", "count", "P (no smoothing)", "log P", "P (+1)", "log P (+1)"], rows)
  let n = Float(ix.count - 1)
  c.print("average NLL without smoothing:", -sumRaw / n)
  c.print("average NLL with +1 smoothing:", String(format: "%.4f", -sumSmooth / n))
  c.result("andrejq NLL (+1 smoothing)", String(format: "%.4f", -sumSmooth / n))
}

// MARK: - Part 2: the same model as a neural network

let emmaXs = [0, 5, 13, 13, 1]
let emmaYs = [5, 13, 13, 1, 0]

nb.cell("The bigram data set for a neural network", """
  Part 2 reaches the same model a different way: a neural network trained by gradient descent.
  It gets a character (its index) and must output a probability distribution over the next
  one. Training examples are pairs (x, y): input index, target index. For "emma" that is five
  pairs: `.→e, e→m, m→m, m→a, a→.`
  """) { c in
  let ix = names.encodeFramed("emma")
  for (a, b) in zip(ix, ix.dropFirst()) { c.print(names.itos[a], names.itos[b]) }
  c.print("xs =", "[" + emmaXs.map(String.init).joined(separator: ", ") + "]")
  c.print("ys =", "[" + emmaYs.map(String.init).joined(separator: ", ") + "]")
  for w in words {
    let ix = names.encodeFramed(w)
    for (a, b) in zip(ix, ix.dropFirst()) { xsAll.append(a); ysAll.append(b) }
  }
  c.print("the whole file: number of examples =", xsAll.count)
}

nb.cell("One-hot inputs", """
  An index like 13 is not a good input to multiply by weights: "13" is not bigger than "5" in any
  meaningful way. So each index becomes a **one-hot** vector of 27 numbers, all 0 except a 1 at
  the index. `F.one_hot` returns integers; we need floats (`.float()`), because the network
  multiplies them by real-valued weights. The picture shows the five rows for "emma" (white = 1).
  """) { c in
  let xenc = oneHot(IntTensor(emmaXs), numClasses: 27)
  c.print("xenc.shape =", shapeText(xenc.shape), " dtype float32")
  for i in 0..<5 {
    c.print("row \(i) (x = \(emmaXs[i]) '\(names.itos[emmaXs[i]])'):", xenc[i].scalars.map { $0 == 1 ? "1" : "0" }.joined())
  }
  c.trace("xenc (as PyTorch prints it) =\n\(xenc)")
  let grid = (0..<5).map { i in xenc[i].scalars.map { $0 == 1 } }
  c.figure(BoolImage(title: "xenc: one-hot rows of the inputs of \"emma\"", grid: grid, xLabel: "class", yLabel: "example"),
           name: "one-hot-emma", width: 60, height: 5)
}

nb.cell("One linear layer: xenc @ W", """
  The network is a single linear layer of 27 neurons, each with 27 weights: a (27, 27) matrix W
  drawn from a standard normal with the lecture's generator. `xenc @ W` is (5, 27) @ (27, 27) →
  (5, 27): for every example, 27 numbers, one per possible next character. Since `xenc` is
  one-hot, row i of the product is just **row xs[i] of W**: multiplying by a one-hot vector
  *selects* a row. (Embedding lookups in later lectures are exactly this, without the matmul.)
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  W = Tensor.randn([27, 27], generator: &g)
  let xenc = oneHot(IntTensor(emmaXs), numClasses: 27)
  let logits = xenc.matmul(W)
  c.shape("xenc", xenc.shape)
  c.shape("W", W.shape)
  c.shape("logits", logits.shape, "= xenc @ W")
  c.trace("logits = xenc @ W =\n\(logits)")
  c.print("W[0, :5]         =", torchList(Array(W[0].scalars.prefix(5))))
  c.print("(xenc @ W)[0, :5] =", torchList(Array(logits[0].scalars.prefix(5))), " ← row 0 of W, because xs[0] = 0")
  c.print("(xenc @ W)[1, :5] =", torchList(Array(logits[1].scalars.prefix(5))), " ← row 5 of W (xs[1] = 5 'e')")
  c.print("W[5, :5]         =", torchList(Array(W[5].scalars.prefix(5))))
  let same = (0..<5).allSatisfy { logits[$0].scalars == W[emmaXs[$0]].scalars }
  c.print("every row of xenc @ W equals W[xs[i]] exactly:", same)
  c.think("A one-hot row has 26 zeros. How many of the 27 multiplications in each dot product actually matter?")
}

nb.cell("Softmax: from log-counts to probabilities", """
  The outputs of `xenc @ W` can be negative, so they cannot be counts or probabilities. Interpret
  them as **log-counts** (logits): exponentiate to get positive "counts", normalise each row to
  sum to 1. Exp followed by normalisation is the **softmax**. Every operation is differentiable,
  so we will be able to tune W by gradient descent.
  """) { c in
  let logits = oneHot(IntTensor(emmaXs), numClasses: 27).matmul(W)
  let counts = logits.exp()
  let probs = counts / counts.sum(dim: 1, keepdim: true)
  c.print("probs.shape =", shapeText(probs.shape))
  c.print("probs[0] =", torchList(probs[0].scalars, perLine: 9))
  c.print("probs[0].sum() =", f4(probs[0].sum().item()))
  c.shape("logits", logits.shape, "log-counts")
  c.shape("counts", counts.shape, "= logits.exp()")
  c.shape("counts.sum(1)", [5, 1], "keepdim: broadcast across columns")
  c.shape("probs", probs.shape)
}

nb.cell("How wrong is the random network? Example by example", """
  For each of the five bigrams of "emma", what probability does the random network give the
  *correct* next character? About 1–7%, barely better than 1/27. Each gives a negative
  log-likelihood; their mean is the loss: 3.7693, worse than the uniform 3.2958 because random
  weights make confident (and wrong) guesses.
  """) { c in
  let logits = oneHot(IntTensor(emmaXs), numClasses: 27).matmul(W)
  let counts = logits.exp()
  let probs = counts / counts.sum(dim: 1, keepdim: true)
  var rows: [[String]] = []
  var nlls: [Float] = []
  for i in 0..<5 {
    let x = emmaXs[i], y = emmaYs[i]
    let p = probs[at: i, y]
    let logp = Foundation.log(p)
    nlls.append(-logp)
    rows.append(["\(i + 1)", "\(names.itos[x])\(names.itos[y])", "\(x),\(y)", String(format: "%.7f", p), f4(logp), f4(-logp)])
    c.trace("--------\nbigram example \(i + 1): \(names.itos[x])\(names.itos[y]) (indexes \(x),\(y))\ninput to the neural net: \(x)\n"
            + "output probabilities from the neural net: \(torchList(probs[i].scalars, perLine: 9))\nlabel (actual next character): \(y)\n"
            + "probability assigned by the net to the correct character: \(p)\nlog likelihood: \(logp)\nnegative log likelihood: \(-logp)")
  }
  c.table(["#", "bigram", "indexes", "p(correct)", "log p", "NLL"], rows)
  let mean = Tensor(nlls).mean().item()
  c.print("average negative log likelihood, i.e. loss =", mean)
  if isDefaultSeed {
    c.print("(the notebook: 0.0122863, 0.0180507, 0.0266915, 0.0736768, 0.0149775 → 3.7693049907684326)")
    c.why("A seventh decimal may differ by one: exp is computed by different vectorised code in each library (and in each PyTorch version), agreeing to 1–2 units in the last place of a float32.")
  }
  c.result("emma loss at init", String(format: "%.4f", mean))
}

nb.cell("Gradient descent on all 228,146 bigrams", """
  Now train. The forward pass is the same four lines on all examples at once: one-hot, matmul,
  softmax, and the loss `−mean log p(correct)` picked with `probs[arange(n), ys]`. We add
  `0.01 · mean(W²)`: **regularisation**, which pulls the weights toward 0. With W = 0 all logits
  are equal and the prediction is uniform, so this term plays the role of smoothing: a
  stronger pull is like adding more fake counts. The backward pass gives dloss/dW; we step
  `W -= 50 · grad`. Such a large rate works here because the loss is a smooth convex function
  of W (a softmax regression), and each row's gradient is weighted by how often that character
  occurs (a few percent of the examples), so the actual steps are modest.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  W = Tensor.randn([27, 27], generator: &g).requiringGrad()
  let xs = IntTensor(xsAll), ys = IntTensor(ysAll)
  let num = xsAll.count
  let rows = IntTensor.arange(num)
  let xenc = oneHot(xs, numClasses: 27)   // the inputs never change: encode once
  let steps = nb.steps(standard: 100, fast: 10, full: 300)
  c.print("number of examples:", num, "  steps:", steps, "  learning rate 50  regularisation 0.01")
  c.shape("xenc", xenc.shape)
  c.shape("W", W.shape, "requires grad")
  let start = DispatchTime.now().uptimeNanoseconds
  let cpuStart = processCPUSeconds()
  let progress = c.progress("gradient descent", total: steps)
  losses = []
  for k in 0..<steps {
    let logits = xenc.matmul(W)
    let counts = logits.exp()
    let probs = counts / counts.sum(dim: 1, keepdim: true)
    let loss = -probs[rows, ys].log().mean() + 0.01 * W.pow(2).mean()
    try Tensor.checkFinite(loss.item(), step: k, tensors: [("W", W)])   // a NaN stops the run with an explanation
    losses.append(loss.item())
    W.grad = nil
    loss.backward()
    if k < 3 || (k + 1) % 25 == 0 {
      let gr = W.grad!.scalars
      c.trace(String(format: "k=%3d  loss %.6f  |grad| max %.5f  W[0,0] %.5f", k, loss.item(), gr.map { Swift.abs($0) }.max()!, W[at: 0, 0]))
    }
    W.data -= 50 * W.grad!
    progress.update(k + 1, String(format: "loss %.4f", loss.item()))
  }
  progress.finish()
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  var table: [[String]] = []
  for k in [0, 1, 2, 9, 49, 99, 199, 299] where k < steps {
    let ref = isDefaultSeed ? Reference.gdLosses[k].map { String(format: "%.6f", $0) } ?? "" : ""
    table.append(["\(k)", String(format: "%.6f", losses[k]), ref])
  }
  c.table(["iteration k", "loss (ours)", "PyTorch"], table)
  let cpu = processCPUSeconds() - cpuStart
  c.terminalOnly {
    c.print(String(format: "%d steps: wall %.2f s (%.1f ms per step), CPU %.2f s", steps, seconds, seconds * 1000 / Double(steps), cpu))
  }
  if isDefaultSeed {
    let deltas = Reference.gdLosses.compactMap { k, ref in k < steps ? Swift.abs(losses[k] - ref) : nil }
    let worst = deltas.max() ?? 0
    if worst < 5e-7 {
      c.print("Every PyTorch value is matched to the 6 decimals shown. Both engines sum the 228,146 float32 terms")
      c.print("in blocks combined as a tree (pairwise / cascade summation), whose rounding error stays near 1e-7;")
      c.print("a plain running sum would already be off in the 5th decimal.")
    } else {
      c.print(String(format: "Largest difference from PyTorch %.1e: the 228,146-term float32 mean is summed in a different order,", worst))
      c.print("so the last bits round differently (a running sum would be off by far more, as the f32/f64 cell showed).")
    }
  }
  c.result("NN bigram loss at k=0", String(format: "%.4f", losses[0]))
  c.result("NN bigram loss at k=\(steps - 1)", String(format: "%.4f", losses[steps - 1]))
}

nb.cell("The loss curve", """
  The loss falls fast, then flattens toward the counting model's 2.45. It cannot get below
  what counting achieved: the network has exactly the same information (the previous
  character), and counting is already the maximum-likelihood answer. The regularisation term
  also keeps it slightly above the unregularised optimum.
  """) { c in
  let plot = LinePlot(title: "neural bigram: loss during gradient descent", xLabel: "iteration", yLabel: "loss",
                      xs: losses.indices.map(Double.init), ys: losses.map(Double.init), guides: [2.4544])
  c.figure(plot, name: "nn-bigram-loss")
  c.print("dashed guide: the counting model with +1 smoothing, 2.4544")
}

nb.cell("Sampling from the neural network", """
  Sampling works as before, except each row of probabilities now comes from the network:
  one-hot the current index, multiply by W, softmax. The generator is reseeded with 2147483647
  and we sample with both algorithms, so the names can be compared with the counting model's
  from "then and now" (the notebook's printed names are the 2022 algorithm after 300 steps:
  run `--full` to reproduce them). They come out nearly the same, because `exp(W)` row-normalised is converging
  to the same table as the smoothed counts: two routes to one model.
  """) { c in
  let trained = W.detach()
  func rowProbs(_ ix: Int) -> [Float] {
    let logits = oneHot(IntTensor([ix]), numClasses: 27).matmul(trained)
    let counts = logits.exp()
    return (counts / counts.sum(dim: 1, keepdim: true)).scalars
  }
  let nnNames = sampleNames(5, seed: nb.seed, row: rowProbs)
  let nnNames2022 = sampleNames(5, seed: nb.seed, cumulative: true, row: rowProbs)
  let countNames = sampleNames(5, seed: nb.seed) { P[$0].scalars }
  // PyTorch's names for this many steps, when we know them: today's after 100 (fixture), the
  // notebook's 2022 output after 300 (torch ≤ 2.0 algorithm).
  let reference: (title: String, names: [String])? = !isDefaultSeed ? nil
    : losses.count == 100 ? ("PyTorch today, 100 steps", Reference.neuralSamples)
    : losses.count == 300 ? ("notebook (2022), 300 steps", Reference.notebookNeuralSamples) : nil
  var rows: [[String]] = []
  for i in 0..<5 {
    rows.append(["\(i + 1)", nnNames[i], nnNames2022[i], countNames[i]] + (reference.map { [$0.names[i]] } ?? []))
  }
  c.table(["#", "NN (today's multinomial)", "NN (torch ≤ 2.0)", "counts +1 (today's)"] + (reference.map { [$0.title] } ?? []), rows)
  let nnTable = (0..<27).map(rowProbs)
  var sumDiff: Float = 0
  var rowDiff = [Float](repeating: 0, count: 27)
  for i in 0..<27 {
    for j in 0..<27 {
      let d = Swift.abs(nnTable[i][j] - P[at: i, j])
      sumDiff += d
      rowDiff[i] = Swift.max(rowDiff[i], d)
    }
  }
  let worst = rowDiff.indices.max { rowDiff[$0] < rowDiff[$1] }!
  let best = rowDiff.indices.min { rowDiff[$0] < rowDiff[$1] }!
  c.print(String(format: "mean |softmax(W)[i, j] − P[i, j]| over the 27×27 table: %.4f", sumDiff / 729))
  c.print(String(format: "closest row '%@' (%d examples): max |Δ| %.4f;  farthest row '%@' (%d examples): max |Δ| %.4f",
                 String(names.itos[best]), N[best].reduce(0, +), rowDiff[best],
                 String(names.itos[worst]), N[worst].reduce(0, +), rowDiff[worst]))
  c.note("Rows seen often get large gradients and converge first; rare characters' rows move slowly, and the regularisation pulls them toward uniform where the counts are few.")
  c.why("Longer training (--full) brings W closer to log of the smoothed counts and the names closer to the counting model's: after 300 steps with the old algorithm the lecture's neural samples were identical to the counting ones but for one letter.")
  c.result("NN samples", nnNames.joined(separator: " "))
}

nb.run()
