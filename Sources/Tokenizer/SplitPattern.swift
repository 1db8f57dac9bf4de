/// How text is cut into chunks before byte-pair merging: BPE never merges across a chunk boundary.
///
/// GPT-2 and GPT-4 cut text with a regular expression so that, for example, "dog." and "dog!" share
/// the token "dog" instead of learning "dog." and "dog!" separately. This package implements both
/// patterns with a hand-written scanner (`SplitScanner`) that gives exactly the chunks Python's
/// `regex` module gives; `RegexSplitter` runs the same patterns through Swift Regex and is kept as
/// the reference the scanner is tested against (it is several times slower).
public enum SplitPattern: String, Sendable, CaseIterable {
  /// No splitting: the whole text is one chunk (minbpe's `BasicTokenizer`).
  case none
  /// GPT-2's pattern: lower-case contractions, letters / numbers / other symbols each with an
  /// optional leading space, whitespace runs that leave their last space to the next word.
  case gpt2
  /// GPT-4's (cl100k_base) pattern: contractions in any case, a leading non-letter attached to a
  /// word, numbers of 1–3 digits, symbol runs that keep their trailing newlines.
  case gpt4

  /// The regular expression, exactly as minbpe writes it (`GPT2_SPLIT_PATTERN`, `GPT4_SPLIT_PATTERN`).
  public var regex: String {
    switch self {
    case .none: return ""
    case .gpt2: return #"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    case .gpt4:
      return #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+"#
    }
  }

  /// The pattern whose regular expression is `regex` (as stored in a `.model` file), or nil.
  public init?(regex: String) {
    guard let match = SplitPattern.allCases.first(where: { $0.regex == regex }) else { return nil }
    self = match
  }

  /// The chunks of `text`, as strings (for display and tests; encoding works on byte ranges).
  public func split(_ text: String) -> [String] {
    let bytes = Array(text.utf8)
    return chunkRanges(bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
  }

  /// The chunks of the UTF-8 `bytes`, as byte ranges covering the input in order.
  public func chunkRanges(_ bytes: [UInt8]) -> [Range<Int>] {
    bytes.withUnsafeBufferPointer { buffer in
      var ranges: [Range<Int>] = []
      var scanner = SplitScanner(pattern: self, bytes: buffer)
      while let range = scanner.next() { ranges.append(range) }
      return ranges
    }
  }
}

/// The character classes the split patterns distinguish.
@usableFromInline
enum ScalarClass: UInt8, Sendable {
  /// `\p{L}`: any Unicode letter.
  case letter
  /// `\p{N}`: any Unicode number (digits, Roman numerals, fractions, …).
  case number
  /// `\s`: Unicode White_Space.
  case space
  /// Everything else (punctuation, symbols, emoji, controls).
  case other

  /// The class of a scalar; ASCII through a table, the rest through Unicode properties.
  @inline(__always)
  static func of(_ value: UInt32) -> ScalarClass {
    if value < 128 { return ascii(UInt8(value)) }
    guard let scalar = Unicode.Scalar(value) else { return .other }
    let properties = scalar.properties
    if properties.isWhitespace { return .space }
    switch properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
    case .decimalNumber, .letterNumber, .otherNumber: return .number
    default: return .other
    }
  }

  /// The class of an ASCII byte, by comparisons (no table, so no lazy-global check in the loop).
  @inline(__always)
  static func ascii(_ b: UInt8) -> ScalarClass {
    if (b | 0x20) &- 0x61 < 26 { return .letter }
    if b &- 0x30 < 10 { return .number }
    if b == 0x20 || b &- 0x09 < 5 { return .space }
    return .other
  }
}

/// A hand-written scanner equivalent to the GPT-2 / GPT-4 split regexes (leftmost alternative wins,
/// greedy and possessive quantifiers and the `\s+(?!\S)` look-ahead resolved by hand).
///
/// It walks UTF-8 bytes and decodes a scalar only where the patterns need one, so it is a single
/// linear pass with no backtracking. Invalid UTF-8 cannot occur: the bytes come from a `String`.
public struct SplitScanner {
  let pattern: SplitPattern
  let bytes: UnsafeBufferPointer<UInt8>
  let end: Int
  var position: Int

  /// A scanner over `bytes` (valid UTF-8) starting at `start`.
  public init(pattern: SplitPattern, bytes: UnsafeBufferPointer<UInt8>, start: Int = 0, end: Int? = nil) {
    self.pattern = pattern
    self.bytes = bytes
    self.position = start
    self.end = end ?? bytes.count
  }

  /// The next chunk's byte range, or nil at the end.
  public mutating func next() -> Range<Int>? {
    guard position < end else { return nil }
    let start = position
    switch pattern {
    case .none: position = end
    case .gpt2: position = chunkEndGPT2(start)
    case .gpt4: position = chunkEndGPT4(start)
    }
    return start..<position
  }

  /// The scalar at byte offset `i` and its length in bytes.
  @inline(__always)
  func scalar(at i: Int) -> (value: UInt32, length: Int) {
    let b0 = UInt32(bytes[i])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F), 2) }
    if b0 < 0xF0 {
      return ((b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F), 3)
    }
    return ((b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
              | UInt32(bytes[i + 3] & 0x3F), 4)
  }

  @inline(__always)
  func classAt(_ i: Int) -> (ScalarClass, Int) {
    let b = bytes[i]
    if b < 0x80 { return (ScalarClass.ascii(b), 1) }
    let s = scalar(at: i)
    return (ScalarClass.of(s.value), s.length)
  }

  /// The end of the run of scalars of class `cls` starting at `i`.
  @inline(__always)
  func run(of cls: ScalarClass, from i: Int) -> Int {
    var j = i
    while j < end {
      let (c, n) = classAt(j)
      if c != cls { break }
      j += n
    }
    return j
  }

  /// `'s`, `'d`, `'m`, `'t`, `'ll`, `'ve`, `'re` at `i` (an apostrophe): the end, or nil.
  @inline(__always)
  func contractionEnd(_ i: Int, anyCase: Bool) -> Int? {
    let j = i + 1
    guard j < end else { return nil }
    var c = bytes[j]
    if anyCase, c >= 0x41, c <= 0x5A { c |= 0x20 }
    switch c {
    case UInt8(ascii: "s"), UInt8(ascii: "d"), UInt8(ascii: "m"), UInt8(ascii: "t"): return j + 1
    case UInt8(ascii: "l"), UInt8(ascii: "v"), UInt8(ascii: "r"):
      guard j + 1 < end else { return nil }
      var d = bytes[j + 1]
      if anyCase, d >= 0x41, d <= 0x5A { d |= 0x20 }
      let want = c == UInt8(ascii: "l") ? UInt8(ascii: "l") : UInt8(ascii: "e")
      return d == want ? j + 2 : nil
    case 0xC5:
      // U+017F LATIN SMALL LETTER LONG S case-folds to "s" under (?i).
      if anyCase, j + 1 < end, bytes[j + 1] == 0xBF { return j + 2 }
      return nil
    default: return nil
    }
  }

  /// The whitespace alternatives `\s+(?!\S)|\s+` from `i` (a whitespace scalar).
  @inline(__always)
  func spaceRunEnd(_ i: Int) -> Int {
    var j = i, last = i, count = 0
    while j < end {
      let (c, n) = classAt(j)
      if c != .space { break }
      last = j
      j += n
      count += 1
    }
    // At the end of the text the whole run matches; before a non-space the look-ahead makes the
    // greedy run give back its last scalar (which then starts the next chunk), unless it is alone.
    if j == end || count == 1 { return j }
    return last
  }

  func chunkEndGPT2(_ i: Int) -> Int {
    let b = bytes[i]
    if b == UInt8(ascii: "'"), let e = contractionEnd(i, anyCase: false) { return e }
    if b == 0x20, i + 1 < end {
      let (c, n) = classAt(i + 1)
      if c != .space { return run(of: c, from: i + 1 + n) }
    }
    let (c, n) = classAt(i)
    if c != .space { return run(of: c, from: i + n) }
    return spaceRunEnd(i)
  }

  func chunkEndGPT4(_ i: Int) -> Int {
    let b = bytes[i]
    if b == UInt8(ascii: "'"), let e = contractionEnd(i, anyCase: true) { return e }
    let (c, n) = classAt(i)
    // [^\r\n\p{L}\p{N}]?+\p{L}+
    if c == .letter { return run(of: .letter, from: i + n) }
    if c != .number, b != 0x0A, b != 0x0D, i + n < end {
      let (c2, n2) = classAt(i + n)
      if c2 == .letter { return run(of: .letter, from: i + n + n2) }
    }
    // \p{N}{1,3}
    if c == .number {
      var j = i + n, count = 1
      while count < 3, j < end {
        let (c2, n2) = classAt(j)
        if c2 != .number { break }
        j += n2
        count += 1
      }
      return j
    }
    // ' ?[^\s\p{L}\p{N}]++[\r\n]*'
    var symbolStart: Int? = nil
    if c == .other {
      symbolStart = i
    } else if b == 0x20, i + 1 < end, classAt(i + 1).0 == .other {
      symbolStart = i + 1
    }
    if let s = symbolStart {
      var j = run(of: .other, from: s)
      while j < end, bytes[j] == 0x0A || bytes[j] == 0x0D { j += 1 }
      return j
    }
    // \s*[\r\n]: the last newline of the whitespace run, if any.
    var j = i, lastNewline = -1
    while j < end {
      let (c2, n2) = classAt(j)
      if c2 != .space { break }
      if bytes[j] == 0x0A || bytes[j] == 0x0D { lastNewline = j }
      j += n2
    }
    if lastNewline >= 0 { return lastNewline + 1 }
    return spaceRunEnd(i)
  }
}
