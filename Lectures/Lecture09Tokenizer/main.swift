// Lecture 9: Let's build the GPT Tokenizer.
//
// Read it top to bottom like the lecture: text as Unicode code points and UTF-8 bytes, byte-pair
// encoding written out by hand (get_stats, merge, the training loop, decode, encode), GPT-2's
// and GPT-4's regex pre-splitting, their real vocabularies (identical to tiktoken), special
// tokens, the weirdness that tokenization explains, SentencePiece's variant, and minbpe's
// exercises 1–4. In the course it follows lecture 8 (a GPT built from scratch, on characters) and
// prepares lecture 10, which trains GPT-2 on exactly this tokenizer's ids.
//
//   swift run Lecture09Tokenizer [--fast] [--verbose] [--report] [--quiz] [--set vocab=1024]

import Foundation
import ZeroToHero

let nb = Notebook(.tokenizer)

// Knobs: change them for a run with `--set name=value` (`--help` lists them).
let vocabSize = nb.knob("vocab", 512, "vocabulary size of the tokenizers trained on tiny Shakespeare", in: 257...20_000)
let smallVocab = nb.knob("small-vocab", 276, "vocabulary size of the lesson's by-hand training loop", in: 257...400)
let smallChars = nb.knob("small-chars", standard: 50_000, fast: 10_000, full: 100_000,
                         "characters of tiny Shakespeare the by-hand loop trains on", in: 100...1_200_000)

/// A pair of adjacent token ids (a key of minbpe's `stats` and `merges` dicts).
struct Pair: Hashable, CustomStringConvertible {
  let left: Int, right: Int
  init(_ left: Int, _ right: Int) { self.left = left; self.right = right }
  var description: String { "(\(left), \(right))" }
}

/// Tokens as the tiktokenizer app shows them: each token's text between bars.
func pieces(_ tokenizer: BytePairTokenizer, _ ids: [Int]) -> String {
  ids.map { "|" + BytePairTokenizer.render(tokenizer.bytes(of: $0) ?? []) }.joined() + "|"
}

/// A list of chunks as Swift string literals ("Hello", "'ve", " world", …).
func quoted(_ chunks: [String]) -> String { "[" + chunks.map(\.debugDescription).joined(separator: ", ") + "]" }

// MARK: - Part 1: text is Unicode, Unicode is bytes

nb.cell("Strings are sequences of Unicode code points", """
  A tokenizer turns text into the integers a language model reads. Text, in Swift as in Python, is
  a sequence of Unicode *code points*: about 150,000 characters of 161 scripts, each a number
  (Python's `ord`). We cannot use the code points directly as tokens: the vocabulary would be huge
  and it keeps changing. Instead we take the *encoding* of the text, the bytes it is stored as.
  Unicode defines three: UTF-8 (1 to 4 bytes per code point), UTF-16 (2 or 4) and UTF-32 (always 4).
  Count them on the lecture's greeting.
  """) { c in
  let h = Character("h").unicodeScalars.first!.value
  let an = Character("안").unicodeScalars.first!.value
  let wave = Character("👋").unicodeScalars.first!.value
  c.print("ord('h') =", h, "  ord('안') =", an, "  ord('👋') =", wave)
  let s = "안녕하세요 👋 (hello in Korean!)"
  let codePoints = s.unicodeScalars.map(\.value)
  c.print("code points:", codePoints.map(String.init).joined(separator: " "))
  let utf8 = Array(s.utf8), utf16 = s.utf16.count * 2, utf32 = s.unicodeScalars.count * 4
  c.compare([
    Comparison("code points", ours: "\(codePoints.count)", reference: "26", seedDependent: false),
    Comparison("UTF-8 bytes", ours: "\(utf8.count)", reference: "39", seedDependent: false),
    Comparison("UTF-16 bytes", ours: "\(utf16)", reference: "54", seedDependent: false),
    Comparison("UTF-32 bytes", ours: "\(utf32)", reference: "104", seedDependent: false),
  ], source: "Python: len(s), len(s.encode('utf-8')), 'utf-16-le', 'utf-32-le'")
  c.compare("first 20 UTF-8 bytes", ours: utf8.prefix(20).map(String.init).joined(separator: " "),
            reference: "236 149 136 235 133 149 237 149 152 236 132 184 236 154 148 32 240 159 145 139",
            source: "list(s.encode('utf-8'))", seedDependent: false)
  c.note("How does 안 = \(an) become three bytes? A code point from 2,048 to 65,535 needs 16 bits and uses the "
         + "3-byte form 1110xxxx 10xxxxxx 10xxxxxx: the leading 1s count the bytes, every continuation byte starts with 10.")
  let bits = String(an, radix: 2)
  let b0 = 0b1110_0000 | (an >> 12), b1 = 0b1000_0000 | ((an >> 6) & 0b11_1111), b2 = 0b1000_0000 | (an & 0b11_1111)
  c.worked("UTF-8 of 안", formula: "[1110 + bits 15…12] [10 + bits 11…6] [10 + bits 5…0]",
           substituted: "\(an) = \(bits): 1110 \(bits.prefix(4)) · 10 \(bits.dropFirst(4).prefix(6)) · 10 \(bits.suffix(6))",
           result: "\(String(b0, radix: 2)) \(String(b1, radix: 2)) \(String(b2, radix: 2)) = \(b0) \(b1) \(b2)")
  c.compare("our bytes for 안", ours: "\(b0) \(b1) \(b2)",
            reference: Array("안".utf8).map(String.init).joined(separator: " "), source: "Swift's UTF-8", seedDependent: false)
  c.think("UTF-32 is the simplest (one code point, four bytes). Why is it a poor starting point for a tokenizer?", answer: """
    Most of its bytes are zeros: this 26-character string takes \(utf32) bytes in UTF-32 against \(utf8.count) in UTF-8, \
    because every ASCII character (\(codePoints.filter { $0 < 128 }.count) of the 26 here) carries three zero bytes. \
    UTF-16 still wastes one per ASCII character (\(utf16) bytes). UTF-8 is ASCII-compatible, has no byte-order mark, \
    and is what the web is written in.
    """)
}

let shakespeare = nb.cell("Why not feed the model raw bytes?", """
  UTF-8 bytes give a tiny, fixed vocabulary of 256. But the sequences get long: attention costs
  grow with the square of the length and a model sees only a fixed window (its context), so every
  byte spent on a common word is context lost. We want a larger vocabulary of longer tokens, tuned
  to the data. GPT-2's tokenizer (50,257 tokens) shows what that buys on tiny Shakespeare.
  """) { c in
  let text = try nb.readText("tinyshakespeare.txt")
  let directory = try nb.dataFile("gpt2.tiktoken").deletingLastPathComponent().path
  let gpt2 = try BytePairTokenizer.gpt2(dataDirectory: directory)
  let bytes = text.utf8.count
  let tokens = gpt2.encodeOrdinary(text)
  c.print("tiny Shakespeare:", text.count, "characters,", bytes, "UTF-8 bytes")
  c.compare("GPT-2 tokens", ours: "\(tokens.count)", reference: "338025", source: "tiktoken", seedDependent: false)
  let ratio = Double(bytes) / Double(tokens.count)
  c.worked("bytes per GPT-2 token", formula: "bytes / tokens", substituted: "\(bytes) / \(tokens.count)",
           result: String(format: "%.2f", ratio))
  c.result("GPT-2 tokens of tiny Shakespeare", "\(tokens.count)", headline: "\(tokens.count)")
  c.print(String(format: "a 1,024-position context holds 1,024 bytes of raw text, or about %.0f bytes as GPT-2 tokens", 1024 * ratio))
  c.think("What would it take to feed raw bytes anyway?", answer: """
    The model would have to attend over \(String(format: "%.1f", ratio))× longer sequences for the same text: with a \
    quadratic attention cost that is about \(String(format: "%.0f", ratio * ratio))× the attention work, and \
    \(String(format: "%.1f", ratio))× fewer characters of history in the same context. Papers on hierarchical \
    transformers (MEGABYTE) try to make tokenization-free models work, but no large model has proven it yet.
    """)
  return (text, gpt2)
}

// MARK: - Part 2: byte-pair encoding by hand

let lesson = nb.cell("BPE by example: \"aaabdaaabac\"", """
  Byte-pair encoding (Gage, 1994; the Wikipedia example) compresses a sequence by repeatedly
  replacing the most frequent adjacent pair with a new symbol. Two functions do all the work:
  `getStats` counts adjacent pairs (minbpe's `get_stats`), and `merge` replaces every occurrence
  of one pair with a new id. Python's `dict` remembers insertion order, and `max` keeps the first
  of equal counts, so a tie goes to the pair seen first; `order` keeps that here.
  """) { c in
  func getStats(_ ids: [Int]) -> (counts: [Pair: Int], order: [Pair]) {
    var counts: [Pair: Int] = [:], order: [Pair] = []
    for (a, b) in zip(ids, ids.dropFirst()) {
      if counts[Pair(a, b)] == nil { order.append(Pair(a, b)) }
      counts[Pair(a, b), default: 0] += 1
    }
    return (counts, order)
  }
  func merge(_ ids: [Int], _ pair: Pair, _ id: Int) -> [Int] {
    var out: [Int] = [], i = 0
    while i < ids.count {
      if i + 1 < ids.count && ids[i] == pair.left && ids[i + 1] == pair.right {
        out.append(id); i += 2
      } else {
        out.append(ids[i]); i += 1
      }
    }
    return out
  }
  var ids = "aaabdaaabac".utf8.map { Int($0) }
  c.print("ids:", ids)
  var merges: [(Pair, Int)] = []
  var afterFirst: [Int] = []
  for id in 256..<259 {
    let stats = getStats(ids)
    let best = stats.order.max { stats.counts[$0]! < stats.counts[$1]! }!   // max keeps the first of equals
    ids = merge(ids, best, id)
    merges.append((best, id))
    if id == 256 { afterFirst = ids }
    let text = String(decoding: merges.reduce(into: [Int: [UInt8]]()) { v, m in
      v[m.1] = (v[m.0.left] ?? [UInt8(m.0.left)]) + (v[m.0.right] ?? [UInt8(m.0.right)])
    }[id]!, as: UTF8.self)
    c.print("merge \(id - 255)/3: \(best) -> \(id) (b'\(text)') had \(stats.counts[best]!) occurrences;  ids: \(ids)")
  }
  c.compare("encoded", ours: "\(ids)", reference: "[258, 100, 258, 97, 99]", source: "minbpe tests", seedDependent: false)
  c.note("""
    The result is aaab d aaab a c. minbpe's test docstring describes these merges as "X=ZY, Y=ab, Z=aa" \
    (as if the second merge were (a, b)); the run shows what its code really does: (97, 97) 'aa' ×4, \
    then (256, 97) 'aaa' ×2, then (257, 98) 'aaab' ×2 (minbpe issues #93 and #111). After the first merge, \
    (256, 97) and (97, 98) both occur twice; the tie goes to (256, 97), seen first (minbpe #90).
    """)
  c.think("Why does the first merge count (97, 97) four times in \"aaabdaaabac\" but replace it only twice?", answer: """
    Counting looks at every adjacent position, and "aaa" holds (a, a) at two overlapping positions, twice over: 4. \
    Replacing walks left to right and skips past each replaced pair, so each "aaa" becomes "Za" once: 2 replacements, \
    leaving \(afterFirst.filter { $0 == 256 }.count) tokens 256 in the sequence: \(afterFirst).
    """)
  return (getStats: getStats, merge: merge)
}

nb.cell("get_stats and merge on a paragraph of tiny Shakespeare", """
  The same two functions on real text: the first long paragraph of tiny Shakespeare, as UTF-8
  bytes. The most common pairs are a letter followed by a space, or a space followed by a
  letter: word endings and beginnings. Merging the top pair into token 256 shortens the sequence
  by exactly its count, as long as the pair's occurrences do not overlap.
  """) { c in
  let (getStats, merge) = lesson.value
  let (text, _) = shakespeare.value
  let paragraph = text.components(separatedBy: "\n\n").first { $0.count >= 400 }!
  c.print(paragraph.prefix(160) + "…")
  let tokens = paragraph.utf8.map { Int($0) }
  c.print("length:", paragraph.count, "characters,", tokens.count, "bytes")
  let stats = getStats(tokens)
  let top = stats.order.sorted { stats.counts[$0]! > stats.counts[$1]! }.prefix(6)
  c.table(["pair", "as text", "count"], top.map { p in
    [p.description, String(decoding: [UInt8(p.left), UInt8(p.right)], as: UTF8.self).debugDescription, "\(stats.counts[p]!)"]
  })
  let best = stats.order.max { stats.counts[$0]! < stats.counts[$1]! }!
  let merged = merge(tokens, best, 256)
  c.print("merge \(best) -> 256: length \(tokens.count) -> \(merged.count); 256 occurs \(merged.filter { $0 == 256 }.count) times")
  let library = NaiveBPE.pairCounts(tokens)
  c.compare("pair counts, library's NaiveBPE.pairCounts",
            ours: "\(stats.order.count) pairs, top \(best) ×\(stats.counts[best]!)",
            reference: "\(library.count) pairs, top \(Pair(library.max { $0.count < $1.count }!.left, library.max { $0.count < $1.count }!.right)) ×\(library.map(\.count).max()!)",
            source: "same rule", seedDependent: false)
}

let basic = nb.cell("Training the tokenizer", """
  Training is the loop: count pairs, merge the most frequent into the next id, repeat until the
  vocabulary has the size we want. First the lesson's loop, with the two functions above, on the
  first characters of tiny Shakespeare; then the library's trainer on the whole text. The library
  follows the same rule (most frequent pair, ties to the first seen) but updates the counts of
  the few pairs a merge changes instead of recounting the whole text, which is what makes a
  1.1 MB training run take a fraction of a second; the cell checks both choose the same merges.
  The *compression ratio* (bytes per token) grows with every merge. `--verbose` prints every merge.
  """) { c in
  let (getStats, merge) = lesson.value
  let (text, _) = shakespeare.value
  let small = String(text.prefix(smallChars))
  var ids = small.utf8.map { Int($0) }
  var merges: [BytePairTokenizer.Merge] = []
  for id in 256..<smallVocab {
    let stats = getStats(ids)
    guard let best = stats.order.max(by: { stats.counts[$0]! < stats.counts[$1]! }) else { break }
    ids = merge(ids, best, id)
    merges.append(.init(left: best.left, right: best.right, id: id))
  }
  c.print("by hand: \(small.utf8.count) bytes -> \(ids.count) tokens after \(merges.count) merges, ratio",
          String(format: "%.2fX", Double(small.utf8.count) / Double(ids.count)))
  c.print("first merges:", merges.prefix(6).map { "\($0)" }.joined(separator: ", "))
  let fastSmall = try BytePairTokenizer.train(small, vocabSize: smallVocab, pattern: .none)
  c.compare("the library trainer's merges on the same text", ours: fastSmall.merges == merges ? "identical" : "different",
            reference: "identical", source: "the loop above", seedDependent: false)

  // The whole text with the library's trainer, recording the ratio after every merge.
  let bytes = text.utf8.count
  var ratios: [Double] = [], pairCounts: [Int] = []
  let tokenizer = try c.timed("library training, all of tiny Shakespeare to vocab \(vocabSize)") {
    try BytePairTokenizer.train(text, vocabSize: vocabSize, pattern: .none) { event in
      ratios.append(Double(bytes) / Double(event.tokenCount))
      pairCounts.append(event.count)
      c.trace("merge \(event.index + 1)/\(event.total): \(event.merge) (\(BytePairTokenizer.render(event.bytes).debugDescription)) had \(event.count) occurrences")
    }
  }.value
  let marks = Set([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, ratios.count].filter { $0 <= ratios.count })
  c.table(["merges", "vocab", "tokens", "bytes / token"], marks.sorted().map { k in
    ["\(k)", "\(256 + k)", "\(Int((Double(bytes) / ratios[k - 1]).rounded()))", String(format: "%.2f", ratios[k - 1])]
  })
  c.figure(LinePlot(title: "Compression ratio while training (tiny Shakespeare, no split)", xLabel: "merges",
                    yLabel: "bytes per token", xs: ratios.indices.map { Double($0 + 1) }, ys: ratios), name: "compression")
  let encoded = tokenizer.encodeOrdinary(text)
  c.compare("encoded length at vocab \(vocabSize)", ours: "\(encoded.count)", reference: "568210", source: "minbpe, vocab 512")
  c.result("basic BPE at vocab \(vocabSize), bytes per token of tiny Shakespeare", String(format: "%.2f", ratios.last ?? 1),
           headline: String(format: "%.2f", ratios.last ?? 1))
  c.think("The ratio climbs fast for the first merges and then slowly. Why?", answer: """
    Each merge removes as many tokens as its pair's count, and the pairs are taken in order of frequency: the first \
    merge (\(tokenizer.merges[0]), \(BytePairTokenizer.render(tokenizer.bytes(of: tokenizer.merges[0].id) ?? []).debugDescription)) \
    occurred \(pairCounts.first ?? 0) times, the last one \(pairCounts.last ?? 0) times. After 1 merge the ratio is \(String(format: "%.2f", ratios[0])), \
    after \(ratios.count) it is \(String(format: "%.2f", ratios.last!)): diminishing returns, while every merge adds a row to the \
    model's embedding table and output layer.
    """)
  return tokenizer
}

nb.cell("The tokenizer is a separate stage", """
  The tokenizer is trained once, on its own data set, with its own algorithm (BPE); it is not part
  of the neural network and has no gradients. It translates in both directions between raw text
  and token sequences. The language model only ever sees token ids: the mix of languages and code
  in the *tokenizer's* training set decides how many tokens each kind of text costs the model.
  """) { c in
  let tokenizer = basic.value
  c.mermaid("""
    flowchart LR
      T[tokenizer training set<br/>raw text] -->|BPE training| M[(merges + vocab<br/>\(tokenizer.vocabularySize) tokens)]
      X[raw text<br/>Unicode code points] -->|encode| I[token ids<br/>e.g. 1 × N ints]
      M -.-> I
      I -->|decode| X
      I --> L[language model<br/>sees only ids]
    """, terminalText: "raw text  <--encode / decode-->  token ids  -->  LLM (trained separately on the ids)")
  c.print("this lecture's trained tokenizer: \(tokenizer.vocabularySize) tokens =", 256, "bytes +", tokenizer.merges.count, "merges")
}

nb.cell("Decoding", """
  Decoding builds the vocabulary from the merges (token 256 + i is the bytes of its two parts,
  concatenated, in merge order), concatenates the tokens' bytes and decodes them as UTF-8. Not
  every token sequence is valid UTF-8: the token 128 alone is the byte 10000000, a continuation
  byte with nothing to continue. Python's strict decoder raises; minbpe decodes with
  `errors="replace"`, and Swift's `String(decoding:as:)` does the same: U+FFFD, �.
  """) { c in
  let tokenizer = basic.value
  var vocab: [Int: [UInt8]] = [:]
  for b in 0..<256 { vocab[b] = [UInt8(b)] }
  for m in tokenizer.merges { vocab[m.id] = vocab[m.left]! + vocab[m.right]! }
  func decode(_ ids: [Int]) -> String { String(decoding: ids.flatMap { vocab[$0]! }, as: UTF8.self) }
  let sample = [104, 101, 108, 108, 111, 32] + Array(tokenizer.merges.suffix(3).map(\.id))
  c.print("decode(\(sample)) =", decode(sample).debugDescription)
  let bad = decode([128])
  c.print("decode([128]) =", bad.debugDescription, " scalars:", bad.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) })
  c.compare("decode([128])", ours: bad.unicodeScalars.map { String($0.value, radix: 16, uppercase: true) }.joined(),
            reference: "FFFD", source: "b'\\x80'.decode('utf-8', errors='replace')", seedDependent: false)
  c.compare("library decode of the same ids", ours: try tokenizer.decode(sample) + "|" + (try tokenizer.decode([128])),
            reference: decode(sample) + "|" + bad, source: "the lesson's decode", seedDependent: false)
}

nb.cell("Encoding", """
  Encoding goes the other way: start from the bytes and apply the merges *in the order they were
  learned*, because each merge was learned on text where the earlier ones had already happened.
  The loop counts the pairs present, picks the one with the lowest merge index (pairs that are not
  merges rank infinitely high), stops when none is a merge, and otherwise merges it everywhere.
  """) { c in
  let (getStats, merge) = lesson.value
  let (text, _) = shakespeare.value
  let tokenizer = basic.value
  var rank: [Pair: Int] = [:]
  for m in tokenizer.merges { rank[Pair(m.left, m.right)] = m.id }
  var shown: [String] = []
  func encode(_ text: String, show: Bool = false) -> [Int] {
    var ids = text.utf8.map { Int($0) }
    while ids.count >= 2 {
      let stats = getStats(ids)
      let pair = stats.order.min { rank[$0] ?? .max < rank[$1] ?? .max }!
      guard let id = rank[pair] else { break }                    // nothing left to merge
      ids = merge(ids, pair, id)
      if show { shown.append("  merge \(pair) -> \(id): \(ids)") }
    }
    return ids
  }
  c.print("encode(\"hello world\"):")
  let hello = encode("hello world", show: true)
  c.print(shown.joined(separator: "\n"))
  c.print("tokens:", pieces(tokenizer, hello))
  let validation = String(text.suffix(2_000))
  let ours = encode(validation)
  let libraryIDs = try tokenizer.encode(validation)
  let roundTrip = try tokenizer.decode(ours)
  c.compare("the last 2,000 characters: the loop's ids vs the library's encode",
            ours: ours == libraryIDs ? "identical (\(ours.count) tokens)" : "different",
            reference: "identical (\(ours.count) tokens)", source: "library", seedDependent: false)
  c.compare("decode(encode(text)) == text", ours: "\(roundTrip == validation)", reference: "true",
            source: "round trip", seedDependent: false)
  c.think("encode(decode(ids)) does not always give back ids. Find a case.", answer: """
    Any ids that are not what encoding would choose: the five bytes [104, 101, 108, 108, 111] decode to "hello", \
    which this tokenizer encodes as \(encode("hello")). \
    Decoding loses the information of *how* the text was cut; encoding always cuts the canonical way.
    """)
}

// MARK: - Part 3: GPT-2 and GPT-4

let cl100k = nb.cell("Regex splitting: GPT-2 vs GPT-4", """
  GPT-2 does not run BPE over the raw byte stream. It first cuts the text into chunks with a
  regular expression and never merges across a chunk boundary, so that "dog", "dog." and "dog!"
  share one token instead of wasting three on the punctuation. Its pattern separates the
  contractions 's 't 're 've 'm 'll 'd, letters with an optional leading space, numbers, other
  symbols, and whitespace runs (which leave their last space to the next word). GPT-4's pattern
  (cl100k_base) matches the contractions in any case, splits numbers into runs of at most three
  digits, and keeps runs of spaces together as single tokens (good for code). The scanner here
  gives exactly the chunks of Python's `regex` module.
  """) { c in
  let (_, gpt2) = shakespeare.value
  let directory = try nb.dataFile("cl100k_base.tiktoken").deletingLastPathComponent().path
  let gpt4 = try BytePairTokenizer.cl100k(dataDirectory: directory)
  let example = "Hello've world123 how's are you!!!?   "
  c.compare("GPT-2 split", ours: quoted(SplitPattern.gpt2.split(example)),
            reference: #"["Hello", "\'ve", " world", "123", " how", "\'s", " are", " you", "!!!?", "   "]"#,
            source: "Python regex", seedDependent: false)
  c.print("GPT-4 split:", quoted(SplitPattern.gpt4.split(example)))
  let inputs = ["HOW'S it going? I'M fine, don't worry", "1234567 + 89 = 1234656",
                "    def foo(x):\n        return x ** 2\n"]
  for input in inputs {
    c.print("text:", input.debugDescription)
    c.table(["", "chunks", "tokens"], [
      ["GPT-2", quoted(SplitPattern.gpt2.split(input)), "\(gpt2.encodeOrdinary(input).count)"],
      ["GPT-4", quoted(SplitPattern.gpt4.split(input)), "\(gpt4.encodeOrdinary(input).count)"],
    ])
  }
  c.think("GPT-2's contractions are lower-case only. What happens to \"HOW'S\"?", answer: """
    The pattern's 's alternative does not match 'S, so the apostrophe falls into the symbol alternative on its own: \
    GPT-2 cuts \(quoted(SplitPattern.gpt2.split("HOW'S"))) while GPT-4's case-insensitive contractions give \
    \(quoted(SplitPattern.gpt4.split("HOW'S"))). The same word is tokenized differently depending on its case.
    """)
  return gpt4
}

nb.cell("GPT-2's vocabulary: what different texts cost", """
  GPT-2's vocabulary is 256 byte tokens + 50,000 merges + `<|endoftext|>` = 50,257, trained
  mostly on English web text. Tokens are what a model pays for (context, compute, API price), so
  the same content costs very different amounts depending on language and format. GPT-4's
  vocabulary is twice as large (100,277) and was trained with more code and more languages.
  """) { c in
  let (_, gpt2) = shakespeare.value
  let gpt4 = cl100k.value
  let hello = try gpt2.encode("Hello, I'm a language model,")
  c.compare("GPT-2 \"Hello, I'm a language model,\"", ours: "\(hello)", reference: "[15496, 11, 314, 1101, 257, 3303, 2746, 11]",
            source: "tiktoken", seedDependent: false)
  c.print("tokens:", pieces(gpt2, hello))
  let samples = [
    ("English", "Hello, I am a language model. The weather is really nice today, so let us go for a walk."),
    ("Korean", "안녕하세요, 저는 언어 모델입니다. 오늘 날씨가 정말 좋네요, 그러니 산책하러 갑시다."),
    ("Python", "for i in range(1, 16):\n    if i % 15 == 0:\n        print(\"FizzBuzz\")\n    elif i % 3 == 0:\n        print(\"Fizz\")\n"),
    ("numbers", "3.14159 2.71828 1.41421 1234567890 9876543210 2024-12-06"),
  ]
  c.table(["text", "characters", "UTF-8 bytes", "GPT-2 tokens", "GPT-4 tokens", "chars / GPT-2 token"], samples.map { name, s in
    let n2 = gpt2.encodeOrdinary(s).count, n4 = gpt4.encodeOrdinary(s).count
    return [name, "\(s.count)", "\(s.utf8.count)", "\(n2)", "\(n4)", String(format: "%.2f", Double(s.count) / Double(n2))]
  })
  let korean = samples[1].1
  let koreanIDs = Array(gpt2.encodeOrdinary(korean).prefix(12))
  c.print("the Korean text's first 12 GPT-2 tokens:", koreanIDs, pieces(gpt2, koreanIDs), "(each � is a token holding part of a syllable's bytes)")
  c.think("Why does the Korean sentence cost so many more tokens than the English one of the same meaning?", answer: """
    The tokenizer's training set had little Korean, so few Korean merges were learned: most syllables stay as 2 or 3 \
    byte tokens (\(gpt2.encodeOrdinary(korean).count) GPT-2 tokens for \(korean.count) characters, against \
    \(gpt2.encodeOrdinary(samples[0].1).count) for \(samples[0].1.count) English characters). The model then sees \
    Korean stretched out, with less of it fitting in the context, and learns it less well.
    """)
}

nb.cell("The weirdness tour", """
  Many odd behaviours of language models come from tokenization. With GPT-2's and GPT-4's real
  vocabularies: a Reddit username that is one token, a trailing space that splits a token the
  model expects, Python indentation spent one space at a time, numbers cut into arbitrary pieces
  (arithmetic is hard when 804 and 8041 are split differently), and the special token that ends a
  document.
  """) { c in
  let (_, gpt2) = shakespeare.value
  let gpt4 = cl100k.value
  let magikarp = try gpt2.encode(" SolidGoldMagikarp")
  c.compare("GPT-2 \" SolidGoldMagikarp\"", ours: "\(magikarp)", reference: "[43453]", source: "tiktoken", seedDependent: false)
  c.compare("GPT-4 \" SolidGoldMagikarp\"", ours: "\(try gpt4.encode(" SolidGoldMagikarp"))",
            reference: "[22925, 26509, 34015, 1609, 8035]", source: "tiktoken", seedDependent: false)
  c.note("One token in GPT-2: the tokenizer's data had that username very often, the model's training data almost never, "
         + "so its embedding row was never trained, and asking about it produced nonsense.")
  let prompt = "Here is a tag line for an ice cream shop"
  c.table(["text", "GPT-2 tokens"], [prompt, prompt + " "].map { [$0.debugDescription, pieces(gpt2, gpt2.encodeOrdinary($0))] })
  let indent = "        return x"
  c.table(["", "tokens of \(indent.debugDescription)"], [
    ["GPT-2", "\(gpt2.encodeOrdinary(indent).count): " + pieces(gpt2, gpt2.encodeOrdinary(indent))],
    ["GPT-4", "\(gpt4.encodeOrdinary(indent).count): " + pieces(gpt4, gpt4.encodeOrdinary(indent))],
  ])
  c.table(["arithmetic", "GPT-2 tokens", "GPT-4 tokens"], ["127 + 677 = 804", "1275 + 6773 = 8048"].map {
    [$0, pieces(gpt2, gpt2.encodeOrdinary($0)), pieces(gpt4, gpt4.encodeOrdinary($0))]
  })
  let spelling = ".DefaultCellStyle"
  c.print("GPT-4 \(spelling.debugDescription): \(gpt4.encodeOrdinary(spelling).count) token(s)", pieces(gpt4, gpt4.encodeOrdinary(spelling)),
          " (count its l's from one token id)")
  do {
    _ = try gpt2.encode("<|endoftext|>")
  } catch {
    c.print("encode(\"<|endoftext|>\") -> error:", error)
  }
  c.print("allowed: ", try gpt2.encode("<|endoftext|>", allowedSpecial: .all),
          "   as ordinary text:", gpt2.encodeOrdinary("<|endoftext|>"))
  c.think("Why is a prompt that ends in a space a problem?", answer: """
    Words carry their leading space: " shop" is one token. A trailing space becomes its own token \
    (\(gpt2.encodeOrdinary(prompt + " ").last!), " "), and in the training data a lone space token before a word \
    is rare, because the space would have been part of the word's token. The model is out of distribution.
    """)
}

nb.cell("Choosing the vocabulary size", """
  The vocabulary size is a trade-off. More merges compress the text more, so a context holds more
  text and each forward step covers more of it. But the embedding table and the output layer grow
  with it (vocab × n_embd parameters each), every token is seen less often during training (rare
  tokens stay under-trained), and too much meaning gets squeezed into one step. GPT-2 uses 50,257,
  GPT-4 about 100,000. Here: GPT-4-split BPE trained on tiny Shakespeare at several sizes.
  """) { c in
  let (text, gpt2) = shakespeare.value
  let gpt4 = cl100k.value
  let sizes = nb.byMode(standard: [256, 300, 400, 512, 1024, 2048, 4096], fast: [256, 384, 1024],
                        full: [256, 300, 400, 512, 1024, 2048, 4096, 8192])
  let bytes = Double(text.utf8.count)
  var rows: [[String]] = []
  var ratios: [Double] = []
  for size in sizes {
    var n = text.utf8.count                      // tokens after the last merge = the encoded length
    _ = try BytePairTokenizer.train(text, vocabSize: size, pattern: .gpt4) { n = $0.tokenCount }
    ratios.append(bytes / Double(n))
    rows.append(["\(size)", "\(n)", String(format: "%.2f", bytes / Double(n)), "\(size * 768)"])
  }
  var general: [Double] = []
  for (name, t) in [("GPT-2 (50,257)", gpt2), ("GPT-4 (100,277)", gpt4)] {
    let n = t.encodeOrdinary(text).count
    general.append(bytes / Double(n))
    rows.append([name, "\(n)", String(format: "%.2f", bytes / Double(n)), "\(t.vocabularySize * 768)"])
  }
  c.table(["vocab", "tokens of tiny Shakespeare", "bytes / token", "embedding params (n_embd 768)"], rows)
  c.figure(LinePlot(title: "Bytes per token vs vocabulary size (GPT-4 split, trained on tiny Shakespeare)", xLabel: "vocab size",
                    yLabel: "bytes per token", xs: sizes.map(Double.init), ys: ratios), name: "vocab-size")
  c.note("""
    Trained on this very text, \(sizes.last!) tokens give \(String(format: "%.2f", ratios.last!)) bytes per token; GPT-2's \
    50,257 general-purpose tokens give \(String(format: "%.2f", general[0])) and GPT-4's \(String(format: "%.2f", general[1])). \
    A vocabulary is worth most on text like its training set: most of the general vocabularies' tokens never occur in \
    Shakespeare, while each doubling of our own vocabulary adds less compression than the one before.
    """)
}

nb.cell("SentencePiece: BPE on code points, with byte fallback", """
  Llama 2's tokenizer is SentencePiece. It runs BPE on *code points*, not bytes: the starting
  vocabulary is the characters of the training text (rare ones dropped, per `character_coverage`),
  merges combine code-point strings, and a character outside the vocabulary is spelled with
  byte-fallback tokens `<0x..>` (its UTF-8 bytes) instead of `<unk>`. A small version of the idea
  on a bilingual text, with the lesson's `getStats` and `merge` over piece ids:
  """) { c in
  let (getStats, merge) = lesson.value
  let training = String(repeating: "hello world, 안녕하세요 세상! hello 안녕! ", count: 20) + "ü"
  // Characters seen at least twice become pieces; the rest fall back to bytes.
  var counts: [Character: Int] = [:]
  for ch in training { counts[ch, default: 0] += 1 }
  var pieceList = counts.filter { $0.value >= 2 }.keys.sorted().map { String($0) }
  var pieceID: [String: Int] = [:]
  for (i, p) in pieceList.enumerated() { pieceID[p] = 256 + i }           // ids 0…255: <0x00>…<0xFF>
  var ids = training.map { pieceID[String($0)] ?? -1 }.filter { $0 >= 0 }
  for _ in 0..<12 {
    let stats = getStats(ids)
    guard let best = stats.order.max(by: { stats.counts[$0]! < stats.counts[$1]! }) else { break }
    let name = pieceList[best.left - 256] + pieceList[best.right - 256]
    pieceList.append(name)
    pieceID[name] = 256 + pieceList.count - 1
    ids = merge(ids, best, 256 + pieceList.count - 1)
  }
  c.print("character pieces:", counts.filter { $0.value >= 2 }.count, " merged pieces:",
          pieceList.suffix(12).map(\.debugDescription).joined(separator: " "))
  func encode(_ text: String) -> [String] {
    var ids: [Int] = []
    for ch in text {
      if let id = pieceID[String(ch)] { ids.append(id) } else { ids += String(ch).utf8.map { Int($0) } }   // byte fallback
    }
    while true {   // apply merges in the order learned
      let pairs = zip(ids, ids.dropFirst()).compactMap { a, b -> (Pair, Int)? in
        guard a >= 256, b >= 256, let id = pieceID[pieceList[a - 256] + pieceList[b - 256]] else { return nil }
        return (Pair(a, b), id)
      }
      guard let best = pairs.min(by: { $0.1 < $1.1 }) else { break }
      ids = merge(ids, best.0, best.1)
    }
    return ids.map { $0 < 256 ? String(format: "<0x%02X>", $0) : pieceList[$0 - 256] }
  }
  for text in ["hello 안녕하세요!", "hello 👋 ü"] {
    c.print(text.debugDescription, "->", encode(text).map { $0.hasPrefix("<0x") ? $0 : $0.debugDescription }.joined(separator: " "))
  }
  c.note("""
    👋 never occurs in the training text and ü only once, so both come out as their UTF-8 bytes (4 and 2 byte tokens). \
    SentencePiece also treats whitespace as a symbol ▁ and adds a dummy prefix space, and its many options are easy to \
    get subtly wrong; minbpe's exercise step 5 asks to match Llama 2's model exactly.
    """)
}

// MARK: - Part 4: minbpe's exercise

nb.exercise("Step 1: BasicTokenizer", """
  Write `BasicTokenizer` with `train(text, vocab_size)`, `encode(text)` and `decode(ids)`, and
  check it on the Wikipedia example (three merges give [258, 100, 258, 97, 99]) and on a larger
  text (minbpe uses taylorswift.txt; here tiny Shakespeare, whose numbers minbpe gave for vocab
  512). Save it and load it back.
  """) { c in
  let (text, _) = shakespeare.value
  let tokenizer = basic.value
  let toy = try BytePairTokenizer.train("aaabdaaabac", vocabSize: 259, pattern: .none)
  let ids = try toy.encode("aaabdaaabac")
  c.compare("toy encode", ours: "\(ids)", reference: "[258, 100, 258, 97, 99]", source: "minbpe tests", seedDependent: false)
  c.compare("toy decode", ours: try toy.decode(ids), reference: "aaabdaaabac", source: "round trip", seedDependent: false)
  let hello = "hello world!!!? (안녕하세요!) lol123 😉"
  c.compare("decode(encode(\(hello.debugDescription)))", ours: try tokenizer.decode(tokenizer.encode(hello)), reference: hello,
            source: "identity", seedDependent: false)
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lecture09-\(ProcessInfo.processInfo.processIdentifier)")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: folder) }
  try tokenizer.save(prefix: folder.appendingPathComponent("basic").path)
  let loaded = try BytePairTokenizer.load(modelFile: folder.appendingPathComponent("basic.model"))
  let sample = String(text.prefix(100_000))
  c.compare("saved and loaded: same merges, same ids on the first 100,000 characters",
            ours: "\(loaded.merges == tokenizer.merges && loaded.encodeOrdinary(sample) == tokenizer.encodeOrdinary(sample))",
            reference: "true", source: "basic.model", seedDependent: false)
  c.print("basic.vocab, first merged tokens:")
  let listing = tokenizer.vocabularyListing().split(separator: "\n")
  c.print(listing.dropFirst(256).prefix(5).joined(separator: "\n"))
}

nb.exercise("Step 2: RegexTokenizer with the GPT-4 pattern", """
  Split the text with GPT-4's pattern first, train BPE within the chunks, and encode chunk by
  chunk. Compare the merges and the compression with the basic tokenizer.
  """) { c in
  let (text, _) = shakespeare.value
  let tokenizer = try BytePairTokenizer.train(text, vocabSize: vocabSize, pattern: .gpt4)
  let ids = tokenizer.encodeOrdinary(text)
  c.print("first merges:", tokenizer.merges.prefix(8).map { "\($0) \(BytePairTokenizer.render(tokenizer.bytes(of: $0.id)!).debugDescription)" }
    .joined(separator: ", "))
  c.compare("encoded length at vocab \(vocabSize)", ours: "\(ids.count)", reference: "547276", source: "minbpe, vocab 512")
  c.result("GPT-4-split BPE at vocab \(vocabSize), tokens of tiny Shakespeare", "\(ids.count)", headline: "\(ids.count)")
  c.print(String(format: "bytes per token: %.2f with the split, %.2f without",
                 Double(text.utf8.count) / Double(ids.count), Double(text.utf8.count) / Double(basic.value.encodeOrdinary(text).count)))
  let hello = "hello world!!!? (안녕하세요!) lol123 😉"
  c.compare("round trip", ours: try tokenizer.decode(tokenizer.encode(hello)), reference: hello, source: "identity", seedDependent: false)
  c.think("The split costs compression on this text (more tokens). Why use it anyway?", answer: """
    Without it BPE learns tokens that glue words to punctuation and spaces on both sides (the basic tokenizer's merges \
    include \(basic.value.merges.prefix(40).compactMap { m -> String? in let s = BytePairTokenizer.render(basic.value.bytes(of: m.id)!); return s.hasSuffix(" ") && s.count > 2 ? s.debugDescription : nil }.prefix(3).joined(separator: ", "))), \
    variants a general tokenizer would multiply across every punctuation mark. The split keeps tokens reusable across \
    contexts, which matters more for a model trained on varied text than a few percent of compression here.
    """)
  return tokenizer
}

nb.exercise("Step 3: load GPT-4's merges and match tiktoken", """
  tiktoken ships only the *ranks* of cl100k_base's tokens. Recover the merges from them (for each
  token, find the two tokens whose merge made it), apply GPT-4's byte shuffle (its 256 single-byte
  tokens are not in byte order), and check that minbpe's own encoding loop reproduces tiktoken's
  ids for "hello world!!!? (안녕하세요!) lol123 😉".
  """) { c in
  let gpt4 = cl100k.value
  let merges = gpt4.recoveredMerges()
  c.print("recovered merges:", merges.count, " first:", merges.prefix(4).map(\.description).joined(separator: ", "))
  c.table(["byte", "token id in cl100k"], [UInt8(ascii: "!"), UInt8(ascii: "A"), UInt8(ascii: "a"), 0x20, 0x00, 0xFF].map {
    [String(format: "0x%02X", $0) + ($0 >= 33 && $0 < 127 ? " '\(Character(UnicodeScalar($0)))'" : ""), "\(gpt4.byteTokens[Int($0)])"]
  })
  let hello = "hello world!!!? (안녕하세요!) lol123 😉"
  let ranks = NaiveBPE.ranks(merges)
  let ours = SplitPattern.gpt4.split(hello).flatMap { NaiveBPE.encode(Array($0.utf8), ranks: ranks, byteTokens: gpt4.byteTokens) }
  c.compare("minbpe's loop with the recovered merges", ours: "\(ours)",
            reference: "[15339, 1917, 12340, 30, 320, 31495, 230, 75265, 243, 92245, 16715, 28509, 4513, 57037]",
            source: "tiktoken cl100k_base", seedDependent: false)
  c.compare("the library's encode", ours: "\(try gpt4.encode(hello))", reference: "\(ours)", source: "minbpe's loop", seedDependent: false)
  c.print("tokens:", pieces(gpt4, ours))
  let matches = ours == [15339, 1917, 12340, 30, 320, 31495, 230, 75265, 243, 92245, 16715, 28509, 4513, 57037]
  c.result("GPT-4 ids from the recovered merges", matches ? "equal to tiktoken's" : "differ from tiktoken's",
           headline: matches ? "equal to tiktoken's" : "differ")
}

nb.exercise("Step 4: special tokens", """
  Register special tokens (ids above the merges), encode them whole only when allowed, and raise
  on a disallowed one, as tiktoken does. GPT-4's are `<|endoftext|>` 100257, `<|fim_prefix|>`,
  `<|fim_middle|>`, `<|fim_suffix|>` (100258–100260) and `<|endofprompt|>` 100276.
  """) { c in
  let gpt4 = cl100k.value
  c.compare("cl100k \"<|endoftext|>hello world\", allowed_special=\"all\"",
            ours: "\(try gpt4.encode("<|endoftext|>hello world", allowedSpecial: .all))",
            reference: "[100257, 15339, 1917]", source: "tiktoken", seedDependent: false)
  c.print("special tokens:", gpt4.specialTokens.sorted { $0.value < $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
  let mine = try basic.value.withSpecialTokens(["<|endoftext|>": vocabSize])
  let doc = "First Citizen:<|endoftext|>Second Citizen:"
  c.print("ours, allowed:", try mine.encode(doc, allowedSpecial: .all))
  do {
    _ = try mine.encode(doc)
    c.print("ours, not allowed: encoded (wrong)")
  } catch {
    c.print("ours, not allowed -> error:", error)
  }
  c.print("ours, as ordinary text:", mine.encodeOrdinary("<|endoftext|>").count, "tokens")
}

nb.run()
