/// One merge chosen during training, as minbpe's `verbose=True` prints it.
public struct MergeEvent: Sendable {
  /// 0-based merge number.
  public let index: Int
  /// How many merges training will make in all.
  public let total: Int
  /// The merge itself.
  public let merge: BytePairTokenizer.Merge
  /// How many times the pair occurred (within chunks, overlapping occurrences counted) when chosen.
  public let count: Int
  /// The new token's bytes.
  public let bytes: [UInt8]
  /// Tokens in the training text after this merge (within chunks).
  public let tokenCount: Int
}

extension BytePairTokenizer {
  /// Trains a tokenizer on `text` to `vocabSize` tokens (256 bytes + `vocabSize - 256` merges).
  ///
  /// minbpe's rule, exactly: the most frequent adjacent pair within chunks wins; a tie goes to the
  /// pair whose first occurrence comes first in the (partly merged) text, which is what Python's
  /// insertion-ordered `dict` and `max` give. Unlike minbpe, pair counts are updated incrementally:
  /// identical chunks are counted once with a weight, every pair keeps a list of where it occurs,
  /// and a merge touches only those places and their neighbours. `onMerge` sees every merge (the
  /// lecture's `--verbose`). Training stops early if no pair is left to merge.
  public static func train(_ text: String, vocabSize: Int, pattern: SplitPattern,
                           specialTokens: [String: Int] = [:],
                           onMerge: ((MergeEvent) -> Void)? = nil) throws -> BytePairTokenizer {
    guard vocabSize >= 256 else { throw TokenizerError.invalidArgument("vocabulary size \(vocabSize) is below 256 (the byte tokens alone)") }
    var trainer = PairTrainer(text: text, pattern: pattern)
    let merges = trainer.run(merges: vocabSize - 256, onMerge: onMerge)
    return try BytePairTokenizer(pattern: pattern, merges: merges, specialTokens: specialTokens)
  }
}

/// The training state: every distinct chunk's tokens laid out in one linked array.
///
/// Positions follow the order in which distinct chunks first appear, so "first occurrence" of a
/// pair is its smallest live position. A merged token keeps its left part's position.
struct PairTrainer {
  /// Token at each position; -1 once absorbed by a merge to its left.
  var tokens: [Int32] = []
  /// Next live position in the same chunk, or -1 at the chunk's end.
  var next: [Int32] = []
  /// Previous live position in the same chunk, or -1 at its start.
  var prev: [Int32] = []
  /// How many times the chunk holding each position occurs in the text.
  var weight: [Int32] = []

  /// Pair → index into the per-pair arrays below.
  var pairIndex = PairTable(capacity: 1 << 14)
  var pairLeft: [Int32] = []
  var pairRight: [Int32] = []
  var pairCount: [Int] = []
  /// Positions where each pair occurs or once occurred (checked when used).
  var occurrences: [[Int32]] = []
  /// Tokens in the text (weighted), kept up to date.
  var tokenCount = 0
  var vocab: [[UInt8]] = (0...255).map { [UInt8($0)] }

  init(text: String, pattern: SplitPattern) {
    // withUTF8 reads a native string's bytes directly (and makes a bridged one native once).
    var text = text
    let bytes = text.withUTF8 { Array($0) }
    var chunkIndex = ByteStringTable(capacity: 1 << 14)
    var chunkStart: [Int] = [], chunkEnd: [Int] = [], chunkWeight: [Int32] = []
    bytes.withUnsafeBufferPointer { buffer in
      var scanner = SplitScanner(pattern: pattern, bytes: buffer)
      while let range = scanner.next() {
        let piece = UnsafeBufferPointer(rebasing: buffer[range])
        if let k = chunkIndex.get(piece) {
          chunkWeight[Int(k)] += 1
        } else {
          chunkIndex.set(piece, Int32(chunkStart.count))
          chunkStart.append(range.lowerBound)
          chunkEnd.append(range.upperBound)
          chunkWeight.append(1)
        }
      }
    }
    let total = zip(chunkStart, chunkEnd).reduce(0) { $0 + $1.1 - $1.0 }
    tokens.reserveCapacity(total)
    next.reserveCapacity(total)
    prev.reserveCapacity(total)
    weight.reserveCapacity(total)
    for c in chunkStart.indices {
      let base = tokens.count
      let length = chunkEnd[c] - chunkStart[c]
      for k in 0..<length {
        tokens.append(Int32(bytes[chunkStart[c] + k]))
        next.append(k + 1 < length ? Int32(base + k + 1) : -1)
        prev.append(k > 0 ? Int32(base + k - 1) : -1)
        weight.append(chunkWeight[c])
      }
      tokenCount += length * Int(chunkWeight[c])
    }
    for i in tokens.indices where next[i] >= 0 {
      add(tokens[i], tokens[Int(next[i])], at: Int32(i), weight: Int(weight[i]))
    }
  }

  /// Counts one more occurrence of `(a, b)` at position `i`.
  @inline(__always)
  mutating func add(_ a: Int32, _ b: Int32, at i: Int32, weight w: Int) {
    if let p = pairIndex.get(a, b) {
      pairCount[Int(p)] += w
      occurrences[Int(p)].append(i)
    } else {
      pairIndex.set(a, b, Int32(pairLeft.count))
      pairLeft.append(a)
      pairRight.append(b)
      pairCount.append(w)
      occurrences.append([i])
    }
  }

  @inline(__always)
  mutating func remove(_ a: Int32, _ b: Int32, weight w: Int) {
    if let p = pairIndex.get(a, b) { pairCount[Int(p)] -= w }
  }

  /// Whether pair `p` still occurs at position `i`.
  @inline(__always)
  func occurs(_ p: Int, at i: Int) -> Bool {
    tokens[i] == pairLeft[p] && next[i] >= 0 && tokens[Int(next[i])] == pairRight[p]
  }

  /// The first position where pair `p` still occurs.
  func firstOccurrence(_ p: Int) -> Int {
    var first = Int.max
    for i in occurrences[p] where Int(i) < first && occurs(p, at: Int(i)) { first = Int(i) }
    return first
  }

  /// The pair to merge next: the highest count, then the earliest first occurrence.
  func best() -> Int? {
    var best = -1, bestCount = 0
    var tied = false
    pairCount.withUnsafeBufferPointer { counts in
      for p in counts.indices {
        let c = counts[p]
        if c > bestCount { bestCount = c; best = p; tied = false } else if c == bestCount, c > 0 { tied = true }
      }
    }
    if best < 0 { return nil }
    if !tied { return best }
    var bestFirst = Int.max
    for p in pairCount.indices where pairCount[p] == bestCount {
      let first = firstOccurrence(p)
      if first < bestFirst { bestFirst = first; best = p }
    }
    return best
  }

  mutating func run(merges count: Int, onMerge: ((MergeEvent) -> Void)?) -> [BytePairTokenizer.Merge] {
    var merges: [BytePairTokenizer.Merge] = []
    for m in 0..<count {
      guard let p = best() else { break }
      let a = pairLeft[p], b = pairRight[p], id = Int32(256 + m)
      let chosenCount = pairCount[p]
      var places = occurrences[p]
      occurrences[p] = []
      places.sort()
      var last: Int32 = -1
      for i32 in places where i32 != last {
        last = i32
        let i = Int(i32)
        guard occurs(p, at: i) else { continue }
        let j = Int(next[i]), w = Int(weight[i])
        let h = Int(prev[i]), k = Int(next[j])
        if h >= 0 { remove(tokens[h], a, weight: w) }
        remove(a, b, weight: w)
        if k >= 0 { remove(b, tokens[k], weight: w) }
        tokens[i] = id
        tokens[j] = -1
        next[i] = Int32(k)
        if k >= 0 { prev[k] = Int32(i) }
        if h >= 0 { add(tokens[h], id, at: Int32(h), weight: w) }
        if k >= 0 { add(id, tokens[k], at: Int32(i), weight: w) }
        tokenCount -= w
      }
      let merge = BytePairTokenizer.Merge(left: Int(a), right: Int(b), id: Int(id))
      merges.append(merge)
      vocab.append(vocab[Int(a)] + vocab[Int(b)])
      onMerge?(MergeEvent(index: m, total: count, merge: merge, count: chosenCount, bytes: vocab[Int(id)], tokenCount: tokenCount))
    }
    return merges
  }
}
