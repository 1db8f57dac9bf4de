/// minbpe's algorithm as the lecture writes it: recount every pair after every merge.
///
/// These are the readable reference the fast paths are tested against (`PairTrainer` must choose
/// the same merges, `ChunkEncoder` must produce the same ids) and the functions the lecture's
/// "BPE by example" cells call. Training this way costs one full pass over the text per merge:
/// fine for a paragraph, tens of seconds for tiny Shakespeare.
public enum NaiveBPE {
  /// A pair of adjacent token ids and how often it occurs.
  public struct PairCount: Sendable, Equatable {
    /// The left token.
    public let left: Int
    /// The right token.
    public let right: Int
    /// Occurrences, overlapping ones included ("aaa" holds (a, a) twice).
    public var count: Int
  }

  /// minbpe's `get_stats`: every adjacent pair of `ids` with its count, in order of first
  /// occurrence (Python's `dict` keeps insertion order; the order is what breaks ties).
  public static func pairCounts(_ ids: [Int], into counts: inout [PairCount], index: inout [Int: Int]) {
    guard ids.count >= 2 else { return }
    for i in 0..<ids.count - 1 {
      let key = ids[i] << 32 | ids[i + 1]
      if let k = index[key] { counts[k].count += 1 } else {
        index[key] = counts.count
        counts.append(PairCount(left: ids[i], right: ids[i + 1], count: 1))
      }
    }
  }

  /// `pairCounts` of one sequence.
  public static func pairCounts(_ ids: [Int]) -> [PairCount] {
    var counts: [PairCount] = [], index: [Int: Int] = [:]
    pairCounts(ids, into: &counts, index: &index)
    return counts
  }

  /// minbpe's `merge`: every non-overlapping occurrence of `(left, right)`, left to right, becomes `id`.
  public static func merge(_ ids: [Int], _ left: Int, _ right: Int, into id: Int) -> [Int] {
    var out: [Int] = []
    out.reserveCapacity(ids.count)
    var i = 0
    while i < ids.count {
      if i + 1 < ids.count, ids[i] == left, ids[i + 1] == right {
        out.append(id)
        i += 2
      } else {
        out.append(ids[i])
        i += 1
      }
    }
    return out
  }

  /// minbpe's `train`: split, then repeatedly merge the most frequent pair (the first seen on a tie).
  public static func train(_ text: String, vocabSize: Int, pattern: SplitPattern) -> [BytePairTokenizer.Merge] {
    var chunks = pattern.split(text).map { $0.utf8.map(Int.init) }
    var merges: [BytePairTokenizer.Merge] = []
    for id in 256..<max(256, vocabSize) {
      var counts: [PairCount] = [], index: [Int: Int] = [:]
      for chunk in chunks { pairCounts(chunk, into: &counts, index: &index) }
      // `max` keeps the first of equal elements when scanning in order, as Python's max does.
      guard var best = counts.first else { break }
      for c in counts.dropFirst() where c.count > best.count { best = c }
      chunks = chunks.map { merge($0, best.left, best.right, into: id) }
      merges.append(.init(left: best.left, right: best.right, id: id))
    }
    return merges
  }

  /// minbpe's `encode_chunk`: while some adjacent pair is a merge, merge the one learned first
  /// (all its occurrences at once). `byteTokens` maps bytes to their token ids first (minbpe's
  /// GPT4Tokenizer applies cl100k_base's byte shuffle this way); nil means the identity.
  public static func encode(_ chunk: [UInt8], merges: [BytePairTokenizer.Merge], byteTokens: [Int]? = nil) -> [Int] {
    encode(chunk, ranks: ranks(merges), byteTokens: byteTokens)
  }

  /// minbpe's `merges` dict: pair (packed as `left << 32 | right`) → the token it makes.
  public static func ranks(_ merges: [BytePairTokenizer.Merge]) -> [Int: Int] {
    var rank: [Int: Int] = [:]
    rank.reserveCapacity(merges.count)
    for m in merges { rank[m.left << 32 | m.right] = m.id }
    return rank
  }

  /// `encode(_:merges:byteTokens:)` with the merges dict built once by `ranks(_:)`.
  public static func encode(_ chunk: [UInt8], ranks rank: [Int: Int], byteTokens: [Int]? = nil) -> [Int] {
    var ids = chunk.map { byteTokens?[Int($0)] ?? Int($0) }
    while ids.count >= 2 {
      var best: (left: Int, right: Int, id: Int)? = nil
      for i in 0..<ids.count - 1 {
        if let id = rank[ids[i] << 32 | ids[i + 1]], id < best?.id ?? .max { best = (ids[i], ids[i + 1], id) }
      }
      guard let b = best else { break }
      ids = merge(ids, b.left, b.right, into: b.id)
    }
    return ids
  }
}
