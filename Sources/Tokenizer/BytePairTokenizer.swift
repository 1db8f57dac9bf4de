/// A byte-level byte-pair-encoding tokenizer: text → UTF-8 bytes → chunks → merged token ids.
///
/// One type covers minbpe's `BasicTokenizer` (`pattern == .none`), its `RegexTokenizer` (GPT-2 or
/// GPT-4 split) and tiktoken's real GPT-2 / GPT-4 vocabularies (`gpt2(…)`, `cl100k(…)`). It is an
/// immutable value: encode from as many threads as you like.
///
/// Encoding repeatedly merges the adjacent pair with the lowest rank (the leftmost one on a tie),
/// where a pair's rank is the id of the token it merges into. For a trained tokenizer the pairs are
/// its merges; for a tiktoken vocabulary they are every split of every token into two tokens, and a
/// chunk that is itself a token is emitted directly — exactly tiktoken's `_byte_pair_merge`.
public struct BytePairTokenizer: Sendable {
  /// How text is cut into chunks before merging.
  public let pattern: SplitPattern
  /// The learned merges in order: `merges[i]` makes token `merges[i].id`. Empty for a tiktoken
  /// vocabulary until `recoveredMerges()` reconstructs them.
  public let merges: [Merge]
  /// Registered special tokens (for example `<|endoftext|>`) and their ids.
  public let specialTokens: [String: Int]
  /// The token id of each byte value: the identity for trained tokenizers and GPT-2, a
  /// permutation for GPT-4's cl100k_base (its "byte shuffle").
  public let byteTokens: [Int]

  /// The bytes of every ordinary token, concatenated; token `i` is `vocabBytes[vocabOffsets[i]..<vocabOffsets[i+1]]`.
  let vocabBytes: [UInt8]
  let vocabOffsets: [Int32]
  /// Pair of token ids → the token they merge into (its rank).
  let pairs: PairTable
  /// Byte string → token id, used to emit a chunk that is a whole token at once (tiktoken only).
  let wholeTokens: ByteStringTable?

  /// A merge of two tokens into a new one.
  public struct Merge: Sendable, Equatable, CustomStringConvertible {
    /// The left token's id.
    public let left: Int
    /// The right token's id.
    public let right: Int
    /// The new token's id.
    public let id: Int
    /// Creates a merge of `left` and `right` into `id`.
    public init(left: Int, right: Int, id: Int) { self.left = left; self.right = right; self.id = id }
    public var description: String { "(\(left), \(right)) → \(id)" }
  }

  /// The number of ordinary tokens (ids `0..<ordinaryCount`).
  public var ordinaryCount: Int { vocabOffsets.count - 1 }
  /// The vocabulary size including special tokens (the largest id + 1).
  public var vocabularySize: Int { max(ordinaryCount, (specialTokens.values.max() ?? -1) + 1) }

  /// A tokenizer from merges (a trained or loaded minbpe model): the 256 bytes, then one token per merge.
  public init(pattern: SplitPattern, merges: [Merge], specialTokens: [String: Int] = [:]) throws {
    var bytes: [UInt8] = Array(0...255)
    var offsets: [Int32] = Array(0...256).map(Int32.init)
    var table = PairTable(capacity: merges.count)
    for (i, merge) in merges.enumerated() {
      let id = 256 + i
      guard merge.id == id else { throw TokenizerError.invalidArgument("merge \(i) makes token \(merge.id), expected \(id)") }
      guard (0..<id).contains(merge.left), (0..<id).contains(merge.right) else {
        throw TokenizerError.invalidArgument("merge \(i) uses token \(merge.left) or \(merge.right), which does not exist before token \(id)")
      }
      for part in [merge.left, merge.right] {
        bytes.append(contentsOf: bytes[Int(offsets[part])..<Int(offsets[part + 1])])
      }
      offsets.append(Int32(bytes.count))
      table.set(Int32(merge.left), Int32(merge.right), Int32(id))
    }
    try self.init(pattern: pattern, merges: merges, specialTokens: specialTokens, byteTokens: Array(0...255),
                  vocabBytes: bytes, vocabOffsets: offsets, pairs: table, wholeTokens: nil)
  }

  init(pattern: SplitPattern, merges: [Merge], specialTokens: [String: Int], byteTokens: [Int],
       vocabBytes: [UInt8], vocabOffsets: [Int32], pairs: PairTable, wholeTokens: ByteStringTable?) throws {
    let ordinary = vocabOffsets.count - 1
    for (name, id) in specialTokens where id < ordinary || name.isEmpty {
      throw TokenizerError.invalidArgument("special token \(name.isEmpty ? "\"\"" : name) has id \(id), which an ordinary token already uses (ids below \(ordinary))")
    }
    if Set(specialTokens.values).count != specialTokens.count {
      throw TokenizerError.invalidArgument("two special tokens share an id")
    }
    self.pattern = pattern
    self.merges = merges
    self.specialTokens = specialTokens
    self.byteTokens = byteTokens
    self.vocabBytes = vocabBytes
    self.vocabOffsets = vocabOffsets
    self.pairs = pairs
    self.wholeTokens = wholeTokens
  }

  /// The same tokenizer with `specialTokens` registered instead of its current ones.
  public func withSpecialTokens(_ specialTokens: [String: Int]) throws -> BytePairTokenizer {
    try BytePairTokenizer(pattern: pattern, merges: merges, specialTokens: specialTokens, byteTokens: byteTokens,
                          vocabBytes: vocabBytes, vocabOffsets: vocabOffsets, pairs: pairs, wholeTokens: wholeTokens)
  }

  /// The bytes of token `id` (ordinary or special), or nil for an unknown id.
  public func bytes(of id: Int) -> [UInt8]? {
    if id >= 0, id < ordinaryCount { return Array(vocabBytes[Int(vocabOffsets[id])..<Int(vocabOffsets[id + 1])]) }
    if let name = specialTokens.first(where: { $0.value == id })?.key { return Array(name.utf8) }
    return nil
  }

  /// The token id `left` and `right` merge into, or nil when they do not merge.
  public func mergedToken(_ left: Int, _ right: Int) -> Int? {
    guard let left = Int32(exactly: left), let right = Int32(exactly: right) else { return nil }
    return pairs.get(left, right).map(Int.init)
  }

  // MARK: - Decoding

  /// The bytes the tokens stand for, or `TokenizerError.unknownToken` naming the first bad id.
  public func decodeBytes(_ ids: [Int]) throws -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(ids.count * 4)
    var specialNames: [Int: String]? = nil
    for id in ids {
      if id >= 0, id < ordinaryCount {
        out.append(contentsOf: vocabBytes[Int(vocabOffsets[id])..<Int(vocabOffsets[id + 1])])
      } else {
        if specialNames == nil { specialNames = Dictionary(uniqueKeysWithValues: specialTokens.map { ($1, $0) }) }
        guard let name = specialNames?[id] else { throw TokenizerError.unknownToken(id) }
        out.append(contentsOf: name.utf8)
      }
    }
    return out
  }

  /// The text the tokens stand for; byte sequences that are not valid UTF-8 (a token sequence cut
  /// inside a character) become U+FFFD, as Python's `errors="replace"` does.
  public func decode(_ ids: [Int]) throws -> String {
    String(decoding: try decodeBytes(ids), as: UTF8.self)
  }
}
