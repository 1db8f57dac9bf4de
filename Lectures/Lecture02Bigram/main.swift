// Lecture 2: makemore part 1, the bigram character model, counted and then learned.
//
// Read top to bottom like the notebook: every `nb.cell` is one step of the lecture. A cell that
// builds something later cells use returns it; the names declared right after it read it back.
import Foundation
import ZeroToHero

let nb = Notebook(.bigram)

/// Reference numbers of PyTorch (2.13–2.15 CPU) for the default seed 2147483647 on the
/// repository's names.txt.
enum Reference {
  static let gdLosses: [Int: Float] = [0: 3.7686190605, 1: 3.3788068295, 99: 2.4901304245, 199: 2.4829957485, 299: 2.4815073013]
  static let todaySamples = ["cexze.", "momasurailezitynn.", "konimittain.", "llayn.", "ka."]
  static let videoSamples = ["mor.", "axx.", "minaymoryles.", "kondlaisah.", "anchshizarie."]
  static let neuralSamples = ["cexze.", "momasurailezityha.", "konimittain.", "llayn.", "ka."]
  static let notebookNeuralSamples = ["mor.", "axx.", "minaymoryles.", "kondlaisah.", "anchthizarie."]
}

// MARK: - Knobs (`--set name=value`; `--help` lists them)

let smoothing = nb.knob("smoothing", 1, "fake counts added to every bigram of the counting model", in: 0...1_000_000)
let steps = nb.knob("steps", standard: 100, fast: 10, full: 300, "gradient-descent steps of the neural bigram", in: 1...100_000)
let lr = Float(nb.knob("lr", 50.0, "learning rate of the neural bigram", in: 1e-4...1000))
let reg = Float(nb.knob("reg", 0.01, "weight of the regularisation 0.01·mean(W²)", in: 0...100))

// MARK: - Part 1: counting

let data = nb.cell("Reading the names", """
  Our data set is `names.txt`: 32,033 first names, one per line. **makemore** ("make more") learns
  from them to produce new strings that *sound* like names. A language model at the level of
  characters sees each name as a little sequence of examples: in "isabella", `i` is likely to
  start a name, `s` likely follows `i`, `a` follows `is`, and after the final `a` the name is
  likely to *end*. Before modelling anything, look at the data: how many names, how long.
  """) { c -> Names in
  let names = try Names(text: nb.readText("names.txt"))
  let words = names.words
  c.print("words[:10] =", words.prefix(10).map { "'\($0.prefix(40))'" }.joined(separator: ", "))
  c.print("len(words) =", words.count)
  let lengths = words.map(\.count)
  let shortest = words.filter { $0.count == lengths.min()! }
  let longest = words.filter { $0.count == lengths.max()! }
  c.print("shortest: \(lengths.min()!) characters (\(shortest.count) names, e.g. \(shortest.prefix(5).map { String($0.prefix(40)) }.joined(separator: ", ")))")
  c.print("longest:  \(lengths.max()!) characters (\(longest.prefix(5).map { String($0.prefix(40)) }.joined(separator: ", ")))")
  c.print("vocabulary:", String(names.itos), "(\(names.vocabularySize) symbols, '.' = 0)")
  c.trace("mean length \(String(format: "%.2f", Double(lengths.reduce(0, +)) / Double(words.count))) characters")
  c.result("names", "\(words.count)")
  return names
}
var names: Names { data.value }
var words: [String] { names.words }
var V: Int { names.vocabularySize }                     // 27 for names.txt
/// PyTorch's numbers apply: the lecture's seed and settings, and the lecture's names.txt.
var isReference: Bool { nb.usesLectureSettings && names.isLectureFile }

nb.cell("Counting bigrams in a dictionary", """
  The simplest language model looks at **two characters at a time**: the one we have, and the one
  that comes next (a *bigram*). To also learn how names start and end, each name is framed with a
  special start token `<S>` and end token `<E>`, so "emma" gives `<S>e, em, mm, ma, a<E>`.
  Counting how often each pair occurs over the whole file is already a trained model: the counts
  *are* the statistics.
  """) { c in
  var bigramDictionary: [String: Int] = [:]
  for w in words {
    let chs = ["<S>"] + w.map(String.init) + ["<E>"]
    for (a, b) in zip(chs, chs.dropFirst()) { bigramDictionary["(\(a), \(b))", default: 0] += 1 }
  }
  let first = ["<S>"] + words[0].prefix(12).map(String.init) + (words[0].count > 12 ? ["…"] : ["<E>"])
  c.trace("\(words[0].prefix(12)) → " + zip(first, first.dropFirst()).map { "\($0)\($1)" }.joined(separator: "  "))
  let sorted = bigramDictionary.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
  c.table(["bigram", "count"], sorted.prefix(10).map { [$0.key, "\($0.value)"] })
  let once = sorted.filter { $0.value == 1 }
  c.print("\(sorted.count) distinct bigrams (of \(V + 1) × \(V + 1) possible pairs); \(once.count) of them seen exactly once"
          + (once.isEmpty ? "" : ", e.g. " + once.suffix(3).map(\.key).joined(separator: " ")))
  c.think("Which row of this table can never be non-zero: what can follow `<E>`, and what can precede `<S>`?",
          answer: "Nothing follows `<E>` (a name has ended) and nothing precedes `<S>` (a name has not begun), so in a (\(V + 1))×(\(V + 1)) table the whole `<E>` row and the whole `<S>` column are zero, as is the pair (<S>, <E>) of an empty name. Merging the two tokens into one `.` (next cell) removes that waste.")
}

let counts = nb.cell("The 27×27 count matrix with a single '.' token", """
  A dictionary is slow and clumsy; a 2-D array indexed by (first character, second character) is
  the same information in a form we can compute with. With separate `<S>` and `<E>` tokens the
  table would be 28×28 with a whole row (after `<E>`) and a whole column (before `<S>`) that are
  always zero. So the lecture merges them into one token `.` at index 0: `.` *before* a name
  means "start", `.` *after* it means "end". Letters get indices 1…26 (`stoi`), and `itos` maps back.
  """) { c -> [[Int]] in
  var N = [[Int]](repeating: [Int](repeating: 0, count: V), count: V)
  for w in words {
    let ix = names.encodeFramed(w)
    for (a, b) in zip(ix, ix.dropFirst()) { N[a][b] += 1 }
  }
  let total = N.joined().reduce(0, +)
  c.print("N.shape = (\(V), \(V)), dtype int32")
  c.print("N[0, :5] =", "[" + N[0].prefix(5).map(String.init).joined(separator: ", ") + "]",
          "   (. → . is \(N[0][0]): no empty names; . → \(names.itos[1]) is the \(N[0][1]) of (<S>, \(names.itos[1])))")
  let lengths = words.map { $0.count + 1 }
  c.worked("N.sum()", formula: "Σ over names of (len + 1)", substituted: lengths.prefix(4).map(String.init).joined(separator: " + ")
           + (lengths.count > 4 ? " + … (\(lengths.count) names)" : ""), result: "\(total)")
  c.trace("stoi: " + names.itos.enumerated().map { "'\($1)':\($0)" }.joined(separator: " "))
  c.why("One token instead of two keeps every row and column meaningful, and makes the model's last step the same as any other: predicting `.` is how the model decides to stop.")
  c.result("bigram examples (N.sum())", "\(total)")
  return N
}
var N: [[Int]] { counts.value }

nb.cell("Looking at the counts", """
  The lecture draws the matrix as a 16-inch heatmap, each cell labelled with its bigram and count.
  Read it row by row: row `a` is "what follows `a`". Some rows are busy (`a`, `e`, `n`), the first
  row (how names start) is spread over many letters, and the first column (how names end) is
  dominated by vowels and `n`. The terminal shows one shade per cell; the study page has the
  full annotated SVG.
  """) { c in
  let letters = names.itos.map(String.init)
  let text = (0..<V).map { i in (0..<V).map { j in "\(letters[i])\(letters[j])\n\(N[i][j])" } }
  let heat = Heatmap(title: "Bigram counts N (row: first character, column: next)",
                     values: N.map { $0.map(Double.init) }, cellText: text,
                     rowLabels: letters, columnLabels: letters, colorScale: .blues, showColorBar: false)
  c.figure(heat, name: "bigram-counts", width: 72, height: Swift.min(V, 40))
  let biggest = (0..<V).flatMap { i in (0..<V).map { (i, $0) } }.max { N[$0.0][$0.1] < N[$1.0][$1.1] }!
  c.print("largest cell: \(letters[biggest.0])\(letters[biggest.1]) = \(N[biggest.0][biggest.1])")
}

nb.cell("Row 0: how names start", """
  To sample, we need probabilities, not counts. Row 0 holds the counts of every first letter;
  dividing by its sum turns them into a probability distribution over the 27 symbols. This is
  the model's entire knowledge of "how does a name begin".
  """) { c in
  let row = Tensor(N[0].map(Float.init))
  let p = row / row.sum()
  c.print("p = N[0] / N[0].sum()")
  c.print(torchList(p.scalars, perLine: 9))
  c.print("p.sum() =", f4(p.sum().item()))
  let top = (1..<V).sorted { p.scalars[$0] > p.scalars[$1] }.prefix(3)
  c.print("most likely first letters: " + top.map { "'\(names.itos[$0])' \(String(format: "%.1f", 100 * p.scalars[$0]))%" }.joined(separator: ", "))
  c.trace("N[0].sum() = \(Int(row.sum().item())) = the number of names")
}

nb.cell("A generator you can replay", """
  Sampling needs random numbers, and to compare with the lecture they must be the *same* random
  numbers. PyTorch's CPU generator is a Mersenne Twister seeded with `manual_seed`; our
  `TorchGenerator` re-implements it value for value. A toy distribution: three random numbers,
  normalised, then 100 samples from it with `multinomial`.
  """) { c in
  var g = TorchGenerator(seed: nb.seed)
  let r = g.uniform(3)
  c.print("torch.rand(3, generator=g) =", torchList(r, decimals: 10))
  let pr = r.map { $0 / (r[0] + r[1] + r[2]) }
  c.print("p = p / p.sum()            =", torchList(pr))
  let samples = g.multinomial(pr, numSamples: 100, replacement: true)
  c.print("torch.multinomial(p, 100, replacement=True, generator=g) =")
  c.print(torchList(samples.map(Float.init), decimals: 0, perLine: 25).replacingOccurrences(of: ".", with: ""))
  let drawn = (0..<3).map { k in samples.filter { $0 == k }.count }
  c.table(["index", "p", "drawn (of 100)"], (0..<3).map { ["\($0)", f4(pr[$0]), "\(drawn[$0])"] })
  c.compare("p", ours: torchList(pr), reference: "[0.6064, 0.3033, 0.0903]", source: "the lecture")
  c.why("One 32-bit draw gives 24 random bits for one float: u = (r & 0xFFFFFF) / 2^24. Sampling many values with replacement uses one 53-bit double per sample and a binary search in the cumulative sum.")
}

/// The smoothed model P = (N + smoothing) row-normalised, and the raw one N / row sums.
struct Tables {
  let P: Tensor
  let Praw: Tensor
}

let tables = nb.cell("Normalising all rows at once: broadcasting and the keepdim bug", """
  Rather than normalising a row every time we sample, build the whole probability matrix once:
  `P = (N + 1).float(); P /= P.sum(1, keepdim=True)`. (The `+1` is smoothing, explained with the
  loss below.) `P.sum(1, keepdim=True)` has shape (27, 1): one sum per row, kept as a column.
  Broadcasting lines shapes up from the **right**: (27, 27) against (27, 1) stretches the column
  across all 27 columns, so each row is divided by its own sum. Exactly what we want.

  Drop `keepdim` and the sum has shape (27,). Aligned from the right, (27,) becomes **(1, 27)**: a
  *row* vector, copied down all rows. Now element [i, j] is divided by the sum of row *j*. No
  error, no warning, just a wrong model.
  """) { c -> Tables in
  let smoothed = Tensor(N.map { $0.map { Float($0 + smoothing) } })
  let rowSums = smoothed.sum(dim: 1, keepdim: true)
  let flatSums = smoothed.sum(dim: 1)
  c.table(["expression", "shape"], [
    ["P", shapeText(smoothed.shape)],
    ["P.sum(1, keepdim=True)", shapeText(rowSums.shape)],
    ["P.sum(1)", shapeText(flatSums.shape)],
  ])
  c.print("(\(V), \(V)) / (\(V), 1): the column of sums is copied across → every row divided by its own sum")
  c.print("(\(V), \(V)) / (\(V),)  → (\(V), \(V)) / (1, \(V)): the row of sums is copied down → element [i, j] divided by row j's sum")
  let P = smoothed / rowSums
  let wrong = smoothed / flatSums
  let rowsOK = P.sum(dim: 1).scalars, rowsBad = wrong.sum(dim: 1).scalars
  c.table(["row", "P[i].sum() with keepdim", "without keepdim"],
          (0..<Swift.min(5, V)).map { i in ["\(i) '\(names.itos[i])'", f4(rowsOK[i]), f4(rowsBad[i])] })
  // Without keepdim the columns come out normalised only because row i and column i of N have
  // the same sum: every character is followed by one symbol exactly as often as it is preceded by one.
  let columnSums = smoothed.sum(dim: 0).scalars
  let coincide = zip(flatSums.scalars, columnSums).allSatisfy { $0 == $1 }
  c.print("without keepdim the *columns* sum to 1 (column 1 sums to \(f4(wrong.sum(dim: 0).scalars[1])))"
          + (coincide ? ", but only because every row sum of this N equals the matching column sum: each character is followed by a symbol exactly as often as it is preceded by one (`.` included). For a general matrix neither rows nor columns would sum to 1."
                      : "?"))
  c.shape("counts", smoothed.shape)
  c.shape("row sums", rowSums.shape, "keepdim=True")
  c.shape("sums", flatSums.shape, "broadcast as (1, \(V))")
  c.think("P[0] in the buggy version is still a list of \(V) positive numbers. Why would sampling from it still \"work\", and how would you notice the bug?",
          answer: "multinomial normalises its weights itself, so any row of positive numbers can be sampled: the names come out, just from the wrong distribution (row 0 divided element-wise by other rows' sums favours letters whose own rows are small). You notice by checking P[i].sum() == 1 for each row (the table above: \(f4(rowsBad[0])) for row 0), or because the loss of the buggy model is worse than the correct one's.")
  let raw = Tensor(N.map { $0.map(Float.init) })
  return Tables(P: P, Praw: raw / raw.sum(dim: 1, keepdim: true))
}
var P: Tensor { tables.value.P }
var Praw: Tensor { tables.value.Praw }

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
  var today: [String] = [], then: [String] = []
  for cumulative in [false, true] {
    var g = TorchGenerator(seed: nb.seed)
    for _ in 0..<5 {
      var name = ""
      var ix = 0
      while true {
        let p = P[ix].scalars                                        // the row of the current character
        ix = cumulative ? g.multinomialCumulative(p)[0]                // torch ≤ 2.0
                        : g.multinomial(p, numSamples: 1, replacement: true)[0]   // torch ≥ 2.1
        name.append(names.itos[ix])
        if ix == 0 { break }
      }
      if cumulative { then.append(name) } else { today.append(name) }
    }
  }
  c.table(["#", "today (torch ≥ 2.1: multinomial)", "2022 video (torch ≤ 2.0: multinomialCumulative)"],
          (0..<5).map { ["\($0 + 1)", today[$0], then[$0]] })
  if isReference {
    c.print(today == Reference.todaySamples ? "today's column matches today's notebook exactly"
                                            : "today's column differs from the notebook's " + Reference.todaySamples.joined(separator: " "))
    c.print(then == Reference.videoSamples ? "the 2022 column matches the video exactly"
                                           : "the 2022 column differs from the video's " + Reference.videoSamples.joined(separator: " "))
  }
  let firstToday = NameSampler.bigramNames(1, seed: nb.seed, itos: names.itos) { Praw[$0].scalars }[0].first!
  let firstThen = NameSampler.bigramNames(1, seed: nb.seed, itos: names.itos, cumulative: true) { Praw[$0].scalars }[0].first!
  c.print("first letter drawn from N[0]/N[0].sum(): '\(firstToday)' with today's algorithm, '\(firstThen)' with torch ≤ 2.0's (the video)")
  c.why("Bit-exact reproduction needs the same algorithm, not just the same seed: seeds fix the stream of raw 32-bit numbers, the algorithm decides how many are consumed and how they are turned into a choice.")
  c.result("samples (today's algorithm)", today.joined(separator: " "))
}

nb.cell("The untrained baseline: every character equally likely", """
  Are these names any good? Compare them with a model that learned nothing: every character,
  including `.`, with probability 1/27. The uniform model's names are random strings whose
  length is geometric with mean 27; whatever the bigram model does better is what the counts
  learned.
  """) { c in
  let uniform = [Float](repeating: 1, count: V)
  let junk = NameSampler.bigramNames(5, seed: nb.seed, itos: names.itos) { _ in uniform }
  for name in junk { c.print(name) }
  c.worked("uniform loss", formula: "−ln(1/V)", substituted: "−ln(1/\(V)) = ln \(V)",
           result: String(format: "%.4f nats per character", Foundation.log(Double(V))))
}

nb.cell("Likelihood and negative log-likelihood, by hand", """
  How good is the model, as a single number? The model assigns a probability to each bigram in
  the training set; the **likelihood** of the data is the product of all of them: higher is
  better. A product of 228,146 numbers below 1 underflows to 0 (a float32 cannot hold anything
  below about 10⁻⁴⁵), so we use the **log-likelihood**: the sum of log-probabilities (log is
  monotonic, so maximising one maximises the other). Flip the sign to get a loss (lower is
  better) and average it: the **average negative log-likelihood**. A perfect model would score
  0; uniform guessing scores ln 27 ≈ 3.2958. Here are the bigrams of the first three names
  under the counting model (no smoothing):
  """) { c in
  var rows: [[String]] = []
  var logprobs: [Float] = []
  var product: Float = 1
  for w in words.prefix(3) {
    let ix = names.encodeFramed(w)
    for (a, b) in zip(ix, ix.dropFirst()).prefix(20) {
      let prob = Praw[at: a, b]
      let logprob = Foundation.log(prob)
      logprobs.append(logprob)
      product *= prob
      rows.append(["\(names.itos[a])\(names.itos[b])", f4(prob), f4(logprob)])
    }
  }
  c.table(["bigram", "prob", "log prob"], rows)
  let logLikelihood = logprobs.reduce(0, +)
  let n = logprobs.count
  c.worked("likelihood", formula: "Π P[x, y]", substituted: "product of the \(n) probabilities above",
           result: String(format: "%.3e", product) + "  (already tiny after \(n) factors; over all 228,146 it is 0 in float32)")
  c.worked("log_likelihood", formula: "Σ log P[x, y]",
           substituted: logprobs.map { String(format: "(%.4f)", $0) }.joined(separator: " + "),
           result: String(format: "%.4f", logLikelihood))
  c.worked("average NLL", formula: "−log_likelihood / n", substituted: String(format: "%.4f / %d", -logLikelihood, n),
           result: String(format: "%.4f", -logLikelihood / Float(n)))
  c.why("A probability of 1/27 ≈ 0.037 is what guessing would give; bigrams far above it (like a. at the end of a name) contribute small losses, rare ones contribute large ones.")
}

let smoothedLoss = nb.cell("The loss of the whole data set, float32 and float64", """
  Now the same sum over all 228,146 bigrams. The notebook adds 0-d float32 tensors one at a time,
  so its running sum is **float32**: by the end the total is around −560,000, where a float32
  can only resolve steps of 1/16 ≈ 0.06, and each of the 228,146 additions rounds. The error
  piles up in the fourth decimal of the average. Summing in float64 gives the true value. Then
  with **+1 smoothing** (P = (N+1)/…), which the sampling cells used: a slightly *worse* fit to
  the training data (we gave probability to bigrams never seen), in exchange for no zeros.
  This page quotes the float64 values from here on.
  """) { c -> Double in
  @MainActor func nll(_ model: Tensor) -> (f32Sum: Float, f64Sum: Double, n: Int) {
    var s32: Float = 0, s64: Double = 0, n = 0
    let table = model.scalars
    for w in words {
      let ix = names.encodeFramed(w)
      for (a, b) in zip(ix, ix.dropFirst()) {
        let p = table[a * V + b]
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
    ["N + \(smoothing)", String(format: "%.4f", smooth.f32Sum), String(format: "%.6f", -smooth.f32Sum / Float(smooth.n)), String(format: "%.6f", -smooth.f64Sum / Double(smooth.n))],
  ])
  c.print("n =", raw.n)
  if isReference { c.print("PyTorch: −559891.75 → 2.4541 (f32) / 2.454014 (f64) without smoothing; 2.454356 / 2.454577 with +1") }
  c.trace(String(format: "float32 spacing at 560,000 is %.4f (ulp); f32 − f64 sum = %.2f", Float(560_000).ulp, Double(raw.f32Sum) - raw.f64Sum))
  c.why("Rounding in a running sum is systematic, not random noise that averages out: every term is added to a huge total, so the small log-probabilities lose their low bits each time. Pairwise or float64 accumulation (as torch.sum does internally) avoids it.")
  c.result("average NLL, counts (float64)", String(format: "%.4f", -raw.f64Sum / Double(raw.n)), headline: String(format: "%.4f", -raw.f64Sum / Double(raw.n)))
  c.result("average NLL, +\(smoothing) smoothing (float64)", String(format: "%.4f", -smooth.f64Sum / Double(smooth.n)))
  return -smooth.f64Sum / Double(smooth.n)
}

nb.cell("Why smoothing: the name \"andrejq\"", """
  Score one new name, "andrejq". The bigram `jq` never occurs in names.txt, so the unsmoothed
  model gives it probability 0, log-probability −∞, and the whole name an **infinite** loss: the
  model declares it impossible. Adding a fake count of 1 to every cell (Laplace smoothing) makes
  every bigram possible. The more fake counts, the smoother (more uniform) the model.
  """) { c in
  let missing = names.missingCharacters("andrejq")
  guard missing.isEmpty else {
    c.print("This names file has no \(missing.map { "'\($0)'" }.joined(separator: ", ")), so \"andrejq\" cannot even be written in its vocabulary: skipped.")
    return
  }
  let ix = names.encodeFramed("andrejq")
  var rows: [[String]] = []
  var sumRaw: Float = 0, sumSmooth: Float = 0
  for (a, b) in zip(ix, ix.dropFirst()) {
    let pr = Praw[at: a, b], ps = P[at: a, b]
    sumRaw += Foundation.log(pr); sumSmooth += Foundation.log(ps)
    rows.append(["\(names.itos[a])\(names.itos[b])", "\(N[a][b])", f4(pr), String(format: "%.4f", Foundation.log(pr)), f4(ps), f4(Foundation.log(ps))])
  }
  c.table(["bigram", "count", "P (no smoothing)", "log P", "P (+\(smoothing))", "log P (+\(smoothing))"], rows)
  let n = Float(ix.count - 1)
  let unseen = zip(ix, ix.dropFirst()).filter { N[$0][$1] == 0 }.map { "\(names.itos[$0])\(names.itos[$1])" }
  c.print("bigrams never seen in this file: " + (unseen.isEmpty ? "none, so even the unsmoothed loss is finite" : unseen.joined(separator: ", ")))
  c.print("average NLL without smoothing:", -sumRaw / n)
  c.print("average NLL with +\(smoothing) smoothing:", String(format: "%.4f", -sumSmooth / n))
  c.result("andrejq NLL (+\(smoothing) smoothing)", String(format: "%.4f", -sumSmooth / n))
}

// MARK: - Part 2: the same model as a neural network

/// The neural network's data: every bigram as (input index, target index), and the first
/// name's bigrams, the lecture's small example ("emma").
struct BigramData {
  let xs, ys: [Int]
  let exampleXs, exampleYs: [Int]
  let example: String
}

let bigramData = nb.cell("The bigram data set for a neural network", """
  Part 2 reaches the same model a different way: a neural network trained by gradient descent.
  It gets a character (its index) and must output a probability distribution over the next
  one. Training examples are pairs (x, y): input index, target index. For "emma" (the first
  name of the file) that is five pairs: `.→e, e→m, m→m, m→a, a→.`. The two routes, side by side:
  """) { c -> BigramData in
  c.mermaid("""
    flowchart LR
      subgraph counting["Part 1: counting"]
        N["N: counts (\(V), \(V))"] -->|"+\(smoothing), divide by row sums"| P["P: probabilities (\(V), \(V))"]
        P -->|"row P[ix], multinomial"| S["sampled names"]
        P -->|"mean −log P[x, y]"| L1["loss"]
      end
      subgraph neural["Part 2: a neural net"]
        X["xs (n,) indices"] -->|one_hot| E["xenc (n, \(V))"]
        E -->|"@ W (\(V), \(V))"| G["logits (n, \(V))"]
        G -->|"exp, divide by row sums = softmax"| Q["probs (n, \(V))"]
        Q -->|"mean −log probs[i, ys[i]] (NLL)"| L2["loss"]
        L2 -.->|"backward, W −= lr · grad"| E
      end
    """, terminalText: "counting: N (\(V), \(V)) → +\(smoothing), normalise rows → P → sample / NLL\nneural:   xs → one_hot (n, \(V)) → @ W (\(V), \(V)) → softmax → NLL → backward → update W")
  let example = words[0]
  let ix = names.encodeFramed(example)
  let pairs = Array(zip(ix, ix.dropFirst()).prefix(10))
  for (a, b) in pairs { c.print(names.itos[a], names.itos[b]) }
  let exampleXs = pairs.map(\.0), exampleYs = pairs.map(\.1)
  c.print("xs =", "[" + exampleXs.map(String.init).joined(separator: ", ") + "]")
  c.print("ys =", "[" + exampleYs.map(String.init).joined(separator: ", ") + "]")
  let (xs, ys) = names.bigramPairs(words)
  c.print("the whole file: number of examples =", xs.count)
  return BigramData(xs: xs, ys: ys, exampleXs: exampleXs, exampleYs: exampleYs, example: String(example.prefix(10)))
}
var exampleXs: [Int] { bigramData.value.exampleXs }
var exampleYs: [Int] { bigramData.value.exampleYs }

nb.cell("One-hot inputs", """
  An index like 13 is not a good input to multiply by weights: "13" is not bigger than "5" in any
  meaningful way. So each index becomes a **one-hot** vector of 27 numbers, all 0 except a 1 at
  the index. `F.one_hot` returns integers; we need floats (`.float()`), because the network
  multiplies them by real-valued weights. The picture shows the rows for "emma" (white = 1).
  """) { c in
  let xenc = oneHot(IntTensor(exampleXs), numClasses: V)
  c.print("xenc.shape =", shapeText(xenc.shape), " dtype float32")
  for i in exampleXs.indices {
    c.print("row \(i) (x = \(exampleXs[i]) '\(names.itos[exampleXs[i]])'):", xenc[i].scalars.map { $0 == 1 ? "1" : "0" }.joined())
  }
  c.trace("xenc (as PyTorch prints it) =\n\(xenc)")
  let grid = exampleXs.indices.map { i in xenc[i].scalars.map { $0 == 1 } }
  c.figure(BoolImage(title: "xenc: one-hot rows of the inputs of \"\(bigramData.value.example)\"", grid: grid, xLabel: "class", yLabel: "example"),
           name: "one-hot-emma", width: 60, height: exampleXs.count)
}

let initialW = nb.cell("One linear layer: xenc @ W", """
  The network is a single linear layer of 27 neurons, each with 27 weights: a (27, 27) matrix W
  drawn from a standard normal with the lecture's generator. `xenc @ W` is (5, 27) @ (27, 27) →
  (5, 27): for every example, 27 numbers, one per possible next character. Since `xenc` is
  one-hot, row i of the product is just **row xs[i] of W**: multiplying by a one-hot vector
  *selects* a row. (Embedding lookups in later lectures are exactly this, without the matmul.)
  """) { c -> Tensor in
  var g = TorchGenerator(seed: nb.seed)
  let W = Tensor.randn([V, V], generator: &g)
  let xenc = oneHot(IntTensor(exampleXs), numClasses: V)
  let logits = xenc.matmul(W)
  c.shape("xenc", xenc.shape)
  c.shape("W", W.shape)
  c.shape("logits", logits.shape, "= xenc @ W")
  c.trace("logits = xenc @ W =\n\(logits)")
  let k = Swift.min(5, V)
  c.print("W[\(exampleXs[0]), :\(k)]         =", torchList(Array(W[exampleXs[0]].scalars.prefix(k))))
  c.print("(xenc @ W)[0, :\(k)] =", torchList(Array(logits[0].scalars.prefix(k))), " ← row \(exampleXs[0]) of W, because xs[0] = \(exampleXs[0])")
  if exampleXs.count > 1 {
    c.print("(xenc @ W)[1, :\(k)] =", torchList(Array(logits[1].scalars.prefix(k))), " ← row \(exampleXs[1]) of W (xs[1] = \(exampleXs[1]) '\(names.itos[exampleXs[1]])')")
    c.print("W[\(exampleXs[1]), :\(k)]         =", torchList(Array(W[exampleXs[1]].scalars.prefix(k))))
  }
  let same = exampleXs.indices.allSatisfy { logits[$0].scalars == W[exampleXs[$0]].scalars }
  c.print("every row of xenc @ W equals W[xs[i]] exactly:", same)
  c.think("A one-hot row has \(V - 1) zeros. How many of the \(V) multiplications in each dot product actually matter?",
          answer: "One: the 1 times W[xs[i], j]; the other \(V - 1) products are 0 · w = 0. That is why an embedding lookup (`W[xs]`, exercise E04) gives the same result without doing the \(V - 1) wasted multiplications per output.")
  return W
}

nb.cell("Softmax: from log-counts to probabilities", """
  The outputs of `xenc @ W` can be negative, so they cannot be counts or probabilities. Interpret
  them as **log-counts** (logits): exponentiate to get positive "counts", normalise each row to
  sum to 1. Exp followed by normalisation is the **softmax**. Every operation is differentiable,
  so we will be able to tune W by gradient descent.
  """) { c in
  let logits = oneHot(IntTensor(exampleXs), numClasses: V).matmul(initialW.value)
  let counts = logits.exp()
  let probs = counts / counts.sum(dim: 1, keepdim: true)
  c.print("probs.shape =", shapeText(probs.shape))
  c.print("probs[0] =", torchList(probs[0].scalars, perLine: 9))
  c.print("probs[0].sum() =", f4(probs[0].sum().item()))
  c.shape("logits", logits.shape, "log-counts")
  c.shape("counts", counts.shape, "= logits.exp()")
  c.shape("counts.sum(1)", [exampleXs.count, 1], "keepdim: broadcast across columns")
  c.shape("probs", probs.shape)
}

nb.cell("How wrong is the random network? Example by example", """
  For each of the five bigrams of "emma", what probability does the random network give the
  *correct* next character? Compare each with uniform guessing's 1/27 ≈ 0.037. Each gives a
  negative log-likelihood; their mean is the loss. Random weights make confident guesses, so
  when they are wrong the loss is worse than uniform guessing's ln 27 = 3.2958.
  """) { c in
  let logits = oneHot(IntTensor(exampleXs), numClasses: V).matmul(initialW.value)
  let counts = logits.exp()
  let probs = counts / counts.sum(dim: 1, keepdim: true)
  var rows: [[String]] = []
  var nlls: [Float] = []
  var ps: [Float] = []
  for i in exampleXs.indices {
    let x = exampleXs[i], y = exampleYs[i]
    let p = probs[at: i, y]
    let logp = Foundation.log(p)
    nlls.append(-logp)
    ps.append(p)
    rows.append(["\(i + 1)", "\(names.itos[x])\(names.itos[y])", "\(x),\(y)", String(format: "%.7f", p), f4(logp), f4(-logp)])
    c.trace("--------\nbigram example \(i + 1): \(names.itos[x])\(names.itos[y]) (indexes \(x),\(y))\ninput to the neural net: \(x)\n"
            + "output probabilities from the neural net: \(torchList(probs[i].scalars, perLine: 9))\nlabel (actual next character): \(y)\n"
            + "probability assigned by the net to the correct character: \(p)\nlog likelihood: \(logp)\nnegative log likelihood: \(-logp)")
  }
  c.table(["#", "bigram", "indexes", "p(correct)", "log p", "NLL"], rows)
  let below = ps.filter { $0 < 1 / Float(V) }.count
  c.print("\(below) of \(ps.count) probabilities are below 1/\(V) = \(f4(1 / Float(V))): on these examples the random network is worse than guessing.")
  let mean = Tensor(nlls).mean().item()
  c.worked("loss", formula: "mean NLL", substituted: "(" + nlls.map { f4($0) }.joined(separator: " + ") + ") / \(nlls.count)",
           result: "\(mean)")
  c.print(String(format: "uniform guessing: ln %d = %.4f; this random network: %.4f (%@)", V, Foundation.log(Double(V)), mean,
                 Double(mean) > Foundation.log(Double(V)) ? "worse" : "better"))
  if isReference {
    c.print("(the notebook: 0.0122863, 0.0180507, 0.0266915, 0.0736768, 0.0149775 → 3.7693049907684326)")
    c.why("A seventh decimal may differ by one: exp is computed by different vectorised code in each library (and in each PyTorch version), agreeing to 1–2 units in the last place of a float32.")
  }
  c.result("emma loss at init", String(format: "%.4f", mean))
}

/// The trained W and the loss of every step.
struct Training {
  let W: Tensor
  let losses: [Float]
}

let training = nb.cell("Gradient descent on all 228,146 bigrams", """
  Now train. The forward pass is the same four lines on all examples at once: one-hot, matmul,
  softmax, and the loss `−mean log p(correct)` picked with `probs[arange(n), ys]`. We add
  `0.01 · mean(W²)`: **regularisation**, which pulls the weights toward 0. With W = 0 all logits
  are equal and the prediction is uniform, so this term plays the role of smoothing: a
  stronger pull is like adding more fake counts. The backward pass gives dloss/dW; we step
  `W -= 50 · grad`. Such a large rate works here because the loss is a smooth convex function
  of W (a softmax regression), and each row's gradient is weighted by how often that character
  occurs (a few percent of the examples), so the actual steps are modest.
  """) { c -> Training in
  var g = TorchGenerator(seed: nb.seed)
  let W = Tensor.randn([V, V], generator: &g).requiringGrad()
  let xs = IntTensor(bigramData.value.xs), ys = IntTensor(bigramData.value.ys)
  let num = xs.count
  let rows = IntTensor.arange(num)
  let xenc = oneHot(xs, numClasses: V)   // the inputs never change: encode once
  c.print("number of examples:", num, "  steps:", steps, "  learning rate \(lr)  regularisation \(reg)")
  c.shape("xenc", xenc.shape)
  c.shape("W", W.shape, "requires grad")
  var losses: [Float] = []
  try c.timed("\(steps) steps of gradient descent") {
    for k in c.steps(steps, "gradient descent") {
      let logits = xenc.matmul(W)                                       // forward
      let counts = logits.exp()
      let probs = counts / counts.sum(dim: 1, keepdim: true)
      let loss = -probs[rows, ys].log().mean() + reg * W.pow(2).mean()
      try Tensor.checkFinite(loss.item(), step: k, tensors: [("W", W)])  // a NaN stops the run with an explanation
      losses.append(loss.item())
      W.grad = nil                                                       // zero the gradient
      loss.backward()                                                    // backward
      if k < 3 || (k + 1) % 25 == 0 {
        let gr = W.grad!.scalars
        c.trace(String(format: "k=%3d  loss %.6f  |grad| max %.5f  W[0,0] %.5f", k, loss.item(), gr.map { Swift.abs($0) }.max()!, W[at: 0, 0]))
      }
      W.data -= lr * W.grad!                                             // update
      c.status(String(format: "loss %.4f", loss.item()))
    }
  }
  let recorded = Dictionary(uniqueKeysWithValues: losses.enumerated().map { ($0.offset, $0.element) })
  let table = ReferenceTable(steps: [0, 1, 2, 9, 49, 99, 199, 299], ours: recorded,
                             reference: isReference ? Reference.gdLosses : nil, decimals: 6, stepTitle: "iteration k")
  c.table(table.headers, table.rows)
  if let worst = table.largestDifference {
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
  c.result("NN bigram loss at k=\(steps - 1)", String(format: "%.4f", losses[steps - 1]), headline: String(format: "%.4f", losses[steps - 1]))
  return Training(W: W, losses: losses)
}

nb.cell("The loss curve", """
  The loss falls fast, then flattens toward the counting model's loss. It cannot get below
  what counting achieved: the network has exactly the same information (the previous
  character), and counting is already the maximum-likelihood answer. The regularisation term
  also keeps it slightly above the unregularised optimum.
  """) { c in
  let losses = training.value.losses
  let guide = smoothedLoss.value
  let plot = LinePlot(title: "neural bigram: loss during gradient descent", xLabel: "iteration", yLabel: "loss",
                      xs: losses.indices.map(Double.init), ys: losses.map(Double.init), guides: [guide])
  c.figure(plot, name: "nn-bigram-loss")
  c.print(String(format: "dashed guide: the counting model with +%d smoothing, %.4f (float64, as in the loss cell)", smoothing, guide))
  c.print(String(format: "after %d steps the network's loss is %.4f, %.4f above it", losses.count, losses.last!, Double(losses.last!) - guide))
}

nb.cell("Sampling from the neural network", """
  Sampling works as before, except each row of probabilities now comes from the network:
  one-hot the current index, multiply by W, softmax. The generator is reseeded with 2147483647
  and we sample with both algorithms, so the names can be compared with the counting model's
  from "then and now" (the notebook's printed names are the 2022 algorithm after 300 steps:
  run `--full` to reproduce them). As training goes on, `exp(W)` row-normalised converges to
  the smoothed count table, and the samples with it: how close this run got is measured below.
  """) { c in
  let trained = training.value.W.detach()
  let nSteps = training.value.losses.count
  @MainActor func rowProbs(_ ix: Int) -> [Float] {
    let logits = oneHot(IntTensor([ix]), numClasses: V).matmul(trained)
    let counts = logits.exp()
    return (counts / counts.sum(dim: 1, keepdim: true)).scalars
  }
  let nnNames = NameSampler.bigramNames(5, seed: nb.seed, itos: names.itos, row: rowProbs)
  let nnNames2022 = NameSampler.bigramNames(5, seed: nb.seed, itos: names.itos, cumulative: true, row: rowProbs)
  let countNames = NameSampler.bigramNames(5, seed: nb.seed, itos: names.itos) { P[$0].scalars }
  // PyTorch's names for this many steps, when we know them: today's after 100 (fixture), the
  // notebook's 2022 output after 300 (torch ≤ 2.0 algorithm).
  let reference: (title: String, names: [String])? = !isReference ? nil
    : nSteps == 100 ? ("PyTorch today, 100 steps", Reference.neuralSamples)
    : nSteps == 300 ? ("notebook (2022), 300 steps", Reference.notebookNeuralSamples) : nil
  var rows: [[String]] = []
  for i in 0..<5 {
    rows.append(["\(i + 1)", nnNames[i], nnNames2022[i], countNames[i]] + (reference.map { [$0.names[i]] } ?? []))
  }
  c.table(["#", "NN (today's multinomial)", "NN (torch ≤ 2.0)", "counts +\(smoothing) (today's)"] + (reference.map { [$0.title] } ?? []), rows)
  let same = zip(nnNames, countNames).filter { $0 == $1 }.count
  c.print("\(same) of 5 names are identical to the counting model's (same generator, same algorithm)"
          + (same == 5 ? ": the two tables are close enough that every draw lands on the same character." : same >= 3 ? "." : "; after \(nSteps) steps the network's table is still visibly different."))
  let nnTable = (0..<V).map(rowProbs)
  var sumDiff: Float = 0
  var rowDiff = [Float](repeating: 0, count: V)
  for i in 0..<V {
    for j in 0..<V {
      let d = Swift.abs(nnTable[i][j] - P[at: i, j])
      sumDiff += d
      rowDiff[i] = Swift.max(rowDiff[i], d)
    }
  }
  let worst = rowDiff.indices.max { rowDiff[$0] < rowDiff[$1] }!
  let best = rowDiff.indices.min { rowDiff[$0] < rowDiff[$1] }!
  c.print(String(format: "mean |softmax(W)[i, j] − P[i, j]| over the %d×%d table: %.4f", V, V, sumDiff / Float(V * V)))
  c.print(String(format: "closest row '%@' (%d examples): max |Δ| %.4f;  farthest row '%@' (%d examples): max |Δ| %.4f",
                 String(names.itos[best]), N[best].reduce(0, +), rowDiff[best],
                 String(names.itos[worst]), N[worst].reduce(0, +), rowDiff[worst]))
  c.note("Rows seen often get large gradients and converge first; rare characters' rows move slowly, and the regularisation pulls them toward uniform where the counts are few.")
  c.why("Longer training (--full) brings W closer to log of the smoothed counts and the names closer to the counting model's: after 300 steps with the old algorithm the lecture's neural samples were identical to the counting ones but for one letter.")
  c.result("NN samples", nnNames.joined(separator: " "))
}

// MARK: - Exercises

/// An n-gram count model: `order` 2 is the bigram (context: the previous character), 3 the
/// trigram (the previous two). Every name is framed with `order − 1` dots in front and one after;
/// the counts are taken once, and `loss` scores any list of names with any smoothing.
@MainActor struct NgramModel {
  let order: Int
  let counts: [Double]        // (contexts × V), row-major
  let rowSums: [Double]

  /// Every (context index, next index) example of `words`.
  static func examples(_ words: [String], order: Int) -> [(context: Int, next: Int)] {
    let stoi = names.stoi, v = V
    var out: [(Int, Int)] = []
    for w in words {
      let ix = [Int](repeating: 0, count: order - 1) + w.map { stoi[$0]! } + [0]
      for i in (order - 1)..<ix.count {
        var context = 0
        for k in (i - order + 1)..<i { context = context * v + ix[k] }
        out.append((context, ix[i]))
      }
    }
    return out
  }

  init(order: Int, train: [String]) {
    self.order = order
    let v = V
    let contexts = Int(Foundation.pow(Double(v), Double(order - 1)))
    var counts = [Double](repeating: 0, count: contexts * v)
    for e in Self.examples(train, order: order) { counts[e.context * v + e.next] += 1 }
    var rowSums = [Double](repeating: 0, count: contexts)
    for r in 0..<contexts { for j in 0..<v { rowSums[r] += counts[r * v + j] } }
    self.counts = counts
    self.rowSums = rowSums
  }

  /// Average NLL (float64) of `examples` with `s` fake counts in every cell.
  func loss(_ examples: [(context: Int, next: Int)], smoothing s: Double) -> Double {
    let v = V
    var sum = 0.0
    for e in examples { sum -= Foundation.log((counts[e.context * v + e.next] + s) / (rowSums[e.context] + s * Double(v))) }
    return sum / Double(examples.count)
  }
}

nb.exercise("E01: a trigram model", """
  *E01.* Train a trigram language model: take two characters as input to predict the third.
  Counting is enough (the same method as part 1, with a table of 27 × 27 contexts). Is it better
  than the bigram? Both are scored as in the loss cell: average NLL over every example of the
  file, with +1 smoothing.
  """) { c in
  guard V <= 150 else { c.print("A vocabulary of \(V) symbols makes the trigram table \(V)³ cells: skipped."); return }
  let bigram = NgramModel(order: 2, train: words).loss(NgramModel.examples(words, order: 2), smoothing: Double(smoothing))
  let trigram = NgramModel(order: 3, train: words).loss(NgramModel.examples(words, order: 3), smoothing: Double(smoothing))
  c.table(["model", "contexts", "average NLL (+\(smoothing), float64)"], [
    ["bigram", "\(V)", String(format: "%.4f", bigram)],
    ["trigram", "\(V)² = \(V * V)", String(format: "%.4f", trigram)],
  ])
  c.note(String(format: """
    On the training data the trigram scores %.4f against the bigram's %.4f (%@ by %.4f). Two characters \
    of context pin down the next one more sharply (after "qu" comes a vowel; after "q" alone, almost \
    anything is possible). But this is the loss on the very names that were counted: a model with \
    %d contexts can memorise more, so the fair test is on names it has not seen (E02).
    """, trigram, bigram, trigram < bigram ? "better" : "worse", Swift.abs(bigram - trigram), V * V))
}

nb.exercise("E02 and E03: train/dev/test, and smoothing tuned on dev", """
  *E02.* Split the names 80% / 10% / 10% (train, dev, test), count on train only, and score
  bigram and trigram on the others. *E03.* The smoothing strength is a hyperparameter: try
  several, pick the one with the lowest **dev** loss, and only then look at the test loss once.
  """) { c in
  guard V <= 150 else { c.print("A vocabulary of \(V) symbols makes the trigram table \(V)³ cells: skipped."); return }
  let (train, dev, test) = names.split(seed: 42)
  guard !train.isEmpty && !dev.isEmpty && !test.isEmpty else {
    c.print("\(words.count) names split 80/10/10 leave \(train.count) / \(dev.count) / \(test.count): a part is empty, so there is nothing to evaluate: skipped (at least 10 names are needed).")
    return
  }
  var rows: [[String]] = []
  var trigram: NgramModel? = nil
  var devExamples: [(context: Int, next: Int)] = [], testExamples: [(context: Int, next: Int)] = []
  for order in [2, 3] {
    let model = NgramModel(order: order, train: train)
    let sets = [train, dev, test].map { NgramModel.examples($0, order: order) }
    rows.append([order == 2 ? "bigram" : "trigram"] + sets.map { String(format: "%.4f", model.loss($0, smoothing: Double(smoothing))) })
    if order == 3 { (trigram, devExamples, testExamples) = (model, sets[1], sets[2]) }
  }
  c.table(["model (+\(smoothing), counted on \(train.count) train names)", "train", "dev", "test"], rows)
  let strengths: [Double] = [0.001, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]
  let devLosses = strengths.map { trigram!.loss(devExamples, smoothing: $0) }
  c.table(["trigram smoothing", "dev loss"], zip(strengths, devLosses).map { ["\($0)", String(format: "%.4f", $1)] })
  let best = devLosses.indices.min { devLosses[$0] < devLosses[$1] }!
  let testLoss = trigram!.loss(testExamples, smoothing: strengths[best])
  c.print(String(format: "best on dev: smoothing %g (dev %.4f); test loss at that setting, looked at once: %.4f", strengths[best], devLosses[best], testLoss))
  c.note(String(format: """
    On train, less smoothing always looks better (the counts already fit those names; fake counts only \
    dilute them), so train would pick the smallest value. Test must stay unseen by every choice, or its \
    number stops measuring new names. Dev is the independent referee: here it picks %g, where the dev \
    loss is %.4f, and the test loss at that setting, %.4f, is the honest estimate for new names.
    """, strengths[best], devLosses[best], testLoss))
}

nb.exercise("E04 and E05: indexing instead of one-hot, and F.cross_entropy", """
  *E04.* `one_hot(xs) @ W` only selects rows of W, so index them directly: `W[xs]`. Same loss,
  same gradient, far less work. *E05.* Replace exp / normalise / pick / log / mean with
  `F.cross_entropy`: one fused, numerically safe operation with the same value.
  """) { c in
  let xs = IntTensor(bigramData.value.xs), ys = IntTensor(bigramData.value.ys)
  let rows = IntTensor.arange(xs.count)
  let Wa = training.value.W.detach().requiringGrad(), Wb = training.value.W.detach().requiringGrad()
  let viaOneHot = c.timed("one_hot @ W, softmax, NLL, backward") { () -> Float in
    let counts = oneHot(xs, numClasses: V).matmul(Wa).exp()
    let loss = -(counts / counts.sum(dim: 1, keepdim: true))[rows, ys].log().mean()
    loss.backward()
    return loss.item()
  }.value
  let viaIndex = c.timed("W[xs], cross_entropy, backward") { () -> Float in
    let loss = crossEntropy(Wb[xs], ys)                                // E04 + E05
    loss.backward()
    return loss.item()
  }.value
  let gradDiff = zip(Wa.grad!.scalars, Wb.grad!.scalars).map { Swift.abs($0 - $1) }.max()!
  c.table(["", "one-hot @ W, manual softmax + NLL", "W[xs] + cross_entropy"], [
    ["loss (trained W, no regularisation)", String(format: "%.6f", viaOneHot), String(format: "%.6f", viaIndex)],
    ["multiply-adds in the forward pass", "\(xs.count) · \(V) · \(V) = \(xs.count * V * V)", "0 (a row copy)"],
  ])
  c.print(String(format: "|loss difference| = %.1e, largest |gradient difference| = %.1e",
                 Swift.abs(viaOneHot - viaIndex), gradDiff))
  let lossDiff = Swift.abs(viaOneHot - viaIndex)
  c.note("""
    The mathematics is the same; the float32 arithmetic is not. cross_entropy subtracts each row's \
    maximum before exponentiating and works with log-probabilities (log-sum-exp), the manual version \
    takes the log of a rounded probability; and the two means add their \(xs.count) terms differently. \
    \(lossDiff < 1e-6 ? "Here the losses agree to \(String(format: "%.0e", max(lossDiff, 1e-9))): rounding only." : "Here they differ by \(String(format: "%.1e", lossDiff)): more than per-term rounding explains, so one of the two means is a running float32 sum, whose error grows with the number of terms (the loss cell measured the same effect), while the other sums pairwise.")
    Use the fused version: it cannot overflow for large logits, and its backward pass is one \
    formula, softmax − one_hot.
    """)
}

nb.run()
