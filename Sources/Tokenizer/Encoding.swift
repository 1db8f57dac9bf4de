import Kernels

/// Which registered special tokens `encode` may emit as single tokens.
public enum AllowedSpecial: Sendable, Equatable {
  /// None: a special token in the text is an error (tiktoken's default).
  case none
  /// Every registered special token.
  case all
  /// Only these (by their text, e.g. "<|endoftext|>"); any other registered one is an error.
  case only(Set<String>)
}

extension BytePairTokenizer {
  /// The ids of `text`, treating special-token text like any other text.
  ///
  /// Large texts are cut at line starts (a newline followed by an ASCII letter, where both split
  /// patterns always end a chunk) and encoded on up to `threads` threads; the result is the same
  /// for any thread count.
  public func encodeOrdinary(_ text: String, threads: Int = Parallelism.threadCount) -> [Int] {
    var text = text
    return text.withUTF8 { encodeOrdinary(bytes: $0, threads: threads) }
  }

  /// The ids of `text`; registered special tokens in `allowedSpecial` become their single ids.
  ///
  /// A registered special token that is not allowed is an error naming it, as in tiktoken:
  /// `encode("<|endoftext|>")` throws, `encode("<|endoftext|>", allowedSpecial: .all)` gives one id.
  public func encode(_ text: String, allowedSpecial: AllowedSpecial = .none,
                     threads: Int = Parallelism.threadCount) throws -> [Int] {
    let bytes = Array(text.utf8)
    let found = specialOccurrences(in: bytes)
    if found.isEmpty { return bytes.withUnsafeBufferPointer { encodeOrdinary(bytes: $0, threads: threads) } }
    for occurrence in found where !isAllowed(occurrence.name, allowedSpecial) {
      throw TokenizerError.disallowedSpecialToken(occurrence.name)
    }
    var ids: [Int] = []
    var position = 0
    bytes.withUnsafeBufferPointer { buffer in
      for occurrence in found {
        if occurrence.range.lowerBound > position {
          ids += encodeOrdinary(bytes: UnsafeBufferPointer(rebasing: buffer[position..<occurrence.range.lowerBound]), threads: threads)
        }
        ids.append(occurrence.id)
        position = occurrence.range.upperBound
      }
      if position < buffer.count {
        ids += encodeOrdinary(bytes: UnsafeBufferPointer(rebasing: buffer[position...]), threads: threads)
      }
    }
    return ids
  }

  private func isAllowed(_ name: String, _ allowed: AllowedSpecial) -> Bool {
    switch allowed {
    case .none: return false
    case .all: return true
    case .only(let names): return names.contains(name)
    }
  }

  /// Non-overlapping occurrences of registered special tokens, left to right (the longest wins
  /// where two start at the same byte).
  func specialOccurrences(in bytes: [UInt8]) -> [(name: String, id: Int, range: Range<Int>)] {
    if specialTokens.isEmpty || bytes.isEmpty { return [] }
    let specials = specialTokens.map { (name: $0.key, id: $0.value, bytes: Array($0.key.utf8)) }
      .sorted { $0.bytes.count > $1.bytes.count }
    var firstBytes = [Bool](repeating: false, count: 256)
    for s in specials { firstBytes[Int(s.bytes[0])] = true }
    var found: [(name: String, id: Int, range: Range<Int>)] = []
    var i = 0
    while i < bytes.count {
      if firstBytes[Int(bytes[i])],
         let s = specials.first(where: { i + $0.bytes.count <= bytes.count && bytes[i..<i + $0.bytes.count].elementsEqual($0.bytes) }) {
        found.append((s.name, s.id, i..<i + s.bytes.count))
        i += s.bytes.count
      } else {
        i += 1
      }
    }
    return found
  }

  /// The ids of UTF-8 `bytes` (no special-token handling), in parallel for large inputs.
  public func encodeOrdinary(bytes: UnsafeBufferPointer<UInt8>, threads: Int = Parallelism.threadCount) -> [Int] {
    let pieces = max(1, min(threads, bytes.count / (1 << 17)))
    let bounds = pattern == .none ? [0, bytes.count] : BytePairTokenizer.cutPoints(bytes, pieces: pieces)
    if bounds.count == 2 {
      var encoder = ChunkEncoder(self)
      var out: [Int32] = []
      out.reserveCapacity(bytes.count / 3)
      encoder.encode(bytes, bounds[0]..<bounds[1], into: &out)
      return out.map(Int.init)
    }
    let parts = bounds.count - 1
    var results = [[Int32]](repeating: [], count: parts)
    results.withUnsafeMutableBufferPointer { results in
      let shared = UncheckedSendable(results)
      Parallelism.forEachChunk(parts, threads: threads) { p in
        var encoder = ChunkEncoder(self)
        var out: [Int32] = []
        out.reserveCapacity((bounds[p + 1] - bounds[p]) / 3)
        encoder.encode(bytes, bounds[p]..<bounds[p + 1], into: &out)
        shared.value[p] = out
      }
    }
    var ids: [Int] = []
    ids.reserveCapacity(results.reduce(0) { $0 + $1.count })
    for part in results { for id in part { ids.append(Int(id)) } }
    return ids
  }

  /// Byte offsets `[0, …, count]` cutting `bytes` into about `pieces` parts, each cut between a
  /// lone newline (after a non-space) and an ASCII letter. In both split patterns a chunk always
  /// ends there (a letter takes only a non-newline prefix), and a lone newline is one chunk whether
  /// or not text follows it (the `\s+(?!\S)` look-ahead only matters for runs of two or more), so
  /// scanning the parts separately gives exactly the chunks of the whole.
  static func cutPoints(_ bytes: UnsafeBufferPointer<UInt8>, pieces: Int) -> [Int] {
    var cuts = [0]
    if pieces > 1 {
      for p in 1..<pieces {
        var i = max(cuts.last! + 1, bytes.count * p / pieces)
        while i < bytes.count {
          let b = bytes[i]
          if bytes[i - 1] == 0x0A, i >= 2, bytes[i - 2] < 0x80, ScalarClass.ascii(bytes[i - 2]) != .space,
             (b | 0x20) &- 0x61 < 26 { break }
          i += 1
        }
        if i >= bytes.count { break }
        cuts.append(i)
      }
    }
    cuts.append(bytes.count)
    return cuts
  }
}

/// Encodes chunks for one thread: scratch buffers and a cache of chunks already seen.
struct ChunkEncoder {
  let tokenizer: BytePairTokenizer
  /// Chunk bytes → offset into `cachedIds`, which holds the chunk's token count and then its ids.
  var cache = ByteStringTable(capacity: 4096)
  var cachedIds: [Int32] = []
  var parts: [Int32] = []
  var ranks: [Int32] = []

  init(_ tokenizer: BytePairTokenizer) { self.tokenizer = tokenizer }

  /// Chunks at most this long are merged with the quadratic scan tiktoken uses; longer ones with a heap.
  static let shortChunk = 128

  mutating func encode(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [Int32]) {
    var scanner = SplitScanner(pattern: tokenizer.pattern, bytes: bytes, start: range.lowerBound, end: range.upperBound)
    // Hoisted: reading an optional struct of arrays inside the loop costs a retain per chunk.
    let hasWhole = tokenizer.wholeTokens != nil
    let whole = tokenizer.wholeTokens ?? ByteStringTable(capacity: 1)
    let byteTokens = tokenizer.byteTokens
    while let chunk = scanner.next() {
      let piece = UnsafeBufferPointer(rebasing: bytes[chunk])
      if hasWhole, let id = whole.get(piece) {
        out.append(id)
        continue
      }
      if piece.count == 1 {
        out.append(Int32(truncatingIfNeeded: byteTokens[Int(piece[0])]))
        continue
      }
      if piece.count > ChunkEncoder.shortChunk {
        mergeLong(piece, into: &out)
        continue
      }
      if let offset = cache.get(piece) {
        let start = Int(offset) + 1
        out.append(contentsOf: cachedIds[start..<start + Int(cachedIds[start - 1])])
        continue
      }
      mergeShort(piece)
      cache.set(piece, Int32(cachedIds.count))
      cachedIds.append(Int32(parts.count))
      cachedIds.append(contentsOf: parts)
      out.append(contentsOf: parts)
    }
  }

  /// tiktoken's loop: find the lowest-ranked adjacent pair (leftmost on ties), merge it, repeat.
  /// Leaves the tokens in `parts`.
  mutating func mergeShort(_ piece: UnsafeBufferPointer<UInt8>) {
    parts.removeAll(keepingCapacity: true)
    ranks.removeAll(keepingCapacity: true)
    let pairs = tokenizer.pairs
    for b in piece { parts.append(Int32(tokenizer.byteTokens[Int(b)])) }
    for i in 0..<parts.count - 1 { ranks.append(pairs.get(parts[i], parts[i + 1]) ?? .max) }
    while !ranks.isEmpty {
      var best = 0
      var bestRank = ranks[0]
      for i in 1..<ranks.count where ranks[i] < bestRank { bestRank = ranks[i]; best = i }
      if bestRank == .max { break }
      parts[best] = bestRank
      parts.remove(at: best + 1)
      ranks.remove(at: best)
      if best > 0 { ranks[best - 1] = pairs.get(parts[best - 1], bestRank) ?? .max }
      if best < ranks.count { ranks[best] = pairs.get(bestRank, parts[best + 1]) ?? .max }
    }
  }

  /// The same merges for a long chunk (or the basic tokenizer's whole text) in O(n log n): a heap
  /// of (rank, position) pairs over a linked list, stale entries skipped when popped.
  mutating func mergeLong(_ piece: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
    let n = piece.count
    let pairs = tokenizer.pairs
    var ids = piece.map { Int32(tokenizer.byteTokens[Int($0)]) }
    var next = (0..<n).map { Int32($0 + 1) }
    var prev = (0..<n).map { Int32($0 - 1) }
    var heap = MinHeap()
    for i in 0..<n - 1 {
      if let r = pairs.get(ids[i], ids[i + 1]) { heap.push(UInt64(UInt32(r)) << 32 | UInt64(i)) }
    }
    while let top = heap.pop() {
      let rank = Int32(truncatingIfNeeded: top >> 32)
      let i = Int(top & 0xFFFF_FFFF)
      let j = Int(next[i])
      // Stale: the left token was absorbed (ids == -1), or either side changed since the push.
      guard ids[i] >= 0, j < n, pairs.get(ids[i], ids[j]) == rank else { continue }
      ids[i] = rank
      ids[j] = -1
      let k = Int(next[j])
      next[i] = Int32(k)
      if k < n { prev[k] = Int32(i) }
      let h = Int(prev[i])
      if h >= 0, let r = pairs.get(ids[h], rank) { heap.push(UInt64(UInt32(r)) << 32 | UInt64(h)) }
      if k < n, let r = pairs.get(rank, ids[k]) { heap.push(UInt64(UInt32(r)) << 32 | UInt64(i)) }
    }
    var i = 0
    while i < n { out.append(ids[i]); i = Int(next[i]) }
  }
}

/// A binary min-heap of packed (rank, position) keys.
struct MinHeap {
  private var items: [UInt64] = []

  mutating func push(_ x: UInt64) {
    items.append(x)
    var i = items.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      if items[parent] <= x { break }
      items[i] = items[parent]
      i = parent
    }
    items[i] = x
  }

  mutating func pop() -> UInt64? {
    guard let last = items.popLast() else { return nil }
    if items.isEmpty { return last }
    let top = items[0]
    var i = 0
    let n = items.count
    while true {
      var child = 2 * i + 1
      if child >= n { break }
      if child + 1 < n, items[child + 1] < items[child] { child += 1 }
      if items[child] >= last { break }
      items[i] = items[child]
      i = child
    }
    items[i] = last
    return top
  }
}
