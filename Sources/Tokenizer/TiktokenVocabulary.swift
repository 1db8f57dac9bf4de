import Datasets
import Foundation

extension BytePairTokenizer {
  /// GPT-2's published vocabulary file, shipped in the repository root.
  public static let gpt2FileName = "gpt2.tiktoken"
  /// GPT-4's (cl100k_base) vocabulary file, shipped in the repository root.
  public static let cl100kFileName = "cl100k_base.tiktoken"
  /// SHA-256 of `gpt2.tiktoken` (the ranks of GPT-2's `encoder.json`/`vocab.bpe`).
  public static let gpt2SHA256 = "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"
  /// SHA-256 of `cl100k_base.tiktoken`: the hash tiktoken itself checks.
  public static let cl100kSHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
  /// GPT-4's special tokens (tiktoken's `cl100k_base`).
  public static let cl100kSpecialTokens: [String: Int] = [
    "<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259, "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
  ]

  /// GPT-2's tokenizer (50,257 tokens, `<|endoftext|>` = 50256), identical to tiktoken's `gpt2`.
  ///
  /// Reads `gpt2.tiktoken` from `dataDirectory`, or else from the checkout (see `DataFiles`), and
  /// checks its SHA-256.
  public static func gpt2(dataDirectory: String? = nil) throws -> BytePairTokenizer {
    let url = try DataFiles.locate(gpt2FileName, dataDirectory: dataDirectory)
    return try tiktoken(contentsOf: url, pattern: .gpt2, specialTokens: ["<|endoftext|>": 50256], sha256: gpt2SHA256)
  }

  /// GPT-4's tokenizer (cl100k_base: 100,256 ordinary tokens and five special ones), identical to
  /// tiktoken's `cl100k_base`. Reads and checks `cl100k_base.tiktoken` like `gpt2(dataDirectory:)`.
  public static func cl100k(dataDirectory: String? = nil) throws -> BytePairTokenizer {
    let url = try DataFiles.locate(cl100kFileName, dataDirectory: dataDirectory)
    return try tiktoken(contentsOf: url, pattern: .gpt4, specialTokens: cl100kSpecialTokens, sha256: cl100kSHA256)
  }

  /// A tokenizer from a tiktoken ranks file (one `base64-token rank` line per token, ranks 0, 1, 2, …).
  ///
  /// With `sha256` the file must have that digest. Merging follows tiktoken: every way of writing a
  /// token as two tokens is a pair that merges into it, and a chunk that is a token is emitted whole.
  public static func tiktoken(contentsOf url: URL, pattern: SplitPattern, specialTokens: [String: Int],
                              sha256: String? = nil) throws -> BytePairTokenizer {
    let data: [UInt8]
    do { data = Array(try Data(contentsOf: url)) } catch {
      throw TokenizerError.badFile(path: url.path, line: 0, message: "cannot read: \((error as NSError).localizedDescription)")
    }
    if let expected = sha256 {
      let found = SHA256.hex(data)
      if found != expected { throw TokenizerError.checksumMismatch(path: url.path, expected: expected, found: found) }
    }
    return try tiktoken(ranksFile: data, path: url.path, pattern: pattern, specialTokens: specialTokens)
  }

  /// Parses the bytes of a tiktoken ranks file (`path` names it in errors).
  public static func tiktoken(ranksFile data: [UInt8], path: String, pattern: SplitPattern,
                              specialTokens: [String: Int]) throws -> BytePairTokenizer {
    var vocabBytes: [UInt8] = []
    vocabBytes.reserveCapacity(data.count / 2)
    var offsets: [Int32] = [0]
    var whole = ByteStringTable(capacity: data.count / 16)
    try data.withUnsafeBufferPointer { file in
      var line = 0, start = 0
      while start < file.count {
        line += 1
        var end = start
        while end < file.count, file[end] != 0x0A { end += 1 }
        defer { start = end + 1 }
        if end == start { continue }
        guard let space = file[start..<end].firstIndex(of: 0x20) else {
          throw TokenizerError.badFile(path: path, line: line, message: "expected `base64-token rank`")
        }
        var rank = 0
        guard space + 1 < end else { throw TokenizerError.badFile(path: path, line: line, message: "missing rank") }
        for b in file[(space + 1)..<end] {
          guard b >= 0x30, b <= 0x39, rank < 1 << 30 else {
            throw TokenizerError.badFile(path: path, line: line, message: "rank is not a non-negative integer")
          }
          rank = rank * 10 + Int(b - 0x30)
        }
        let id = offsets.count - 1
        guard rank == id else {
          throw TokenizerError.badFile(path: path, line: line, message: "rank \(rank) out of order (expected \(id): ranks must be 0, 1, 2, …)")
        }
        let before = vocabBytes.count
        guard Base64.decode(UnsafeBufferPointer(rebasing: file[start..<space]), into: &vocabBytes), vocabBytes.count > before else {
          throw TokenizerError.badFile(path: path, line: line, message: "token is not valid base64")
        }
        offsets.append(Int32(vocabBytes.count))
        vocabBytes.withUnsafeBufferPointer { v in
          let token = UnsafeBufferPointer(rebasing: v[before...])
          if whole.get(token) != nil { return }
          whole.set(token, Int32(id))
        }
        if whole.count != id + 1 {
          throw TokenizerError.badFile(path: path, line: line, message: "token \(id) repeats an earlier token")
        }
      }
    }
    // Every byte must be a token of its own, or some texts could not be encoded.
    var byteTokens = [Int](repeating: -1, count: 256)
    for b in 0..<256 {
      guard let id = whole.get([UInt8(b)]) else {
        throw TokenizerError.badFile(path: path, line: 0, message: "byte \(b) has no token of its own")
      }
      byteTokens[b] = Int(id)
    }
    // Every split of a token into two tokens is a pair merging into it.
    var pairs = PairTable(capacity: offsets.count * 2)
    vocabBytes.withUnsafeBufferPointer { v in
      for id in 0..<(offsets.count - 1) {
        let start = Int(offsets[id]), end = Int(offsets[id + 1])
        guard end - start >= 2 else { continue }
        for cut in (start + 1)..<end {
          if let left = whole.get(UnsafeBufferPointer(rebasing: v[start..<cut])),
             let right = whole.get(UnsafeBufferPointer(rebasing: v[cut..<end])) {
            pairs.set(left, right, Int32(id))
          }
        }
      }
    }
    return try BytePairTokenizer(pattern: pattern, merges: [], specialTokens: specialTokens, byteTokens: byteTokens,
                                 vocabBytes: vocabBytes, vocabOffsets: offsets, pairs: pairs, wholeTokens: whole)
  }

  /// minbpe's `recover_merges`: for each multi-byte token, run BPE on its bytes using only
  /// lower-ranked tokens; the two parts left are the merge that made it.
  ///
  /// For a trained tokenizer these are its `merges`. Tokens that cannot be reached by merging are
  /// skipped (none in GPT-2 or cl100k_base).
  public func recoveredMerges() -> [Merge] {
    if !merges.isEmpty { return merges }
    var result: [Merge] = []
    result.reserveCapacity(ordinaryCount)
    for id in 0..<ordinaryCount {
      let start = Int(vocabOffsets[id]), end = Int(vocabOffsets[id + 1])
      guard end - start >= 2 else { continue }
      var parts = vocabBytes[start..<end].map { Int32(byteTokens[Int($0)]) }
      while parts.count > 2 {
        var best = -1
        var bestRank = Int32.max
        for i in 0..<parts.count - 1 {
          if let r = pairs.get(parts[i], parts[i + 1]), r < bestRank, r < id { bestRank = r; best = i }
        }
        if best < 0 { break }
        parts[best] = bestRank
        parts.remove(at: best + 1)
      }
      if parts.count == 2 { result.append(Merge(left: Int(parts[0]), right: Int(parts[1]), id: id)) }
    }
    return result
  }
}

/// A small base64 decoder (standard alphabet, `=` padding) writing straight into a byte array.
enum Base64 {
  static let table: [Int8] = {
    var t = [Int8](repeating: -1, count: 256)
    for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = Int8(i) }
    return t
  }()

  /// Appends the decoded bytes of `text` to `out`; false if `text` is not base64.
  static func decode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    var n = text.count
    guard n % 4 == 0 else { return false }
    while n > 0, text[n - 1] == UInt8(ascii: "=") { n -= 1 }
    guard text.count - n <= 2 else { return false }
    var acc: UInt32 = 0, bits = 0
    for i in 0..<n {
      let v = table[Int(text[i])]
      if v < 0 { return false }
      acc = acc << 6 | UInt32(v)
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
      }
    }
    return true
  }
}
