/// makemore's data set: names, one per line, and the vocabulary built from them.
///
/// The special token `.` (index 0) marks both the start and the end of a name, as in lecture 2
/// after the `<S>`/`<E>` tokens are merged; the letters that occur follow in sorted order. For
/// the repository's 32,033 names that is `a`…`z` = 1…26 (27 symbols); a learner's own file gets
/// exactly the letters it uses (no `q` in the data, no `q` in the vocabulary; `é` if it has one).
public struct Names: Sendable {
  /// The names in file order.
  public let words: [String]
  /// `itos[i]`: the character with index `i` (`.` then `a`…`z`).
  public let itos: [Character]
  /// `stoi[c]`: the index of character `c`.
  public let stoi: [Character: Int]

  /// Vocabulary size: 1 (for `.`) plus the number of distinct letters (27 for names.txt).
  public var vocabularySize: Int { itos.count }

  /// Parses the text of names.txt. Every non-blank line must be a run of letters (any script,
  /// any case; blank lines are skipped); anything else (digits, spaces, punctuation, the `.`
  /// that the models reserve for start/end) is reported with its line number.
  public init(text: String) throws {
    var words: [String] = []
    // `isNewline` splits "\n", "\r" and "\r\n" (one Character in Swift) alike.
    for (number, word) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      if word.isEmpty { continue }
      guard word.allSatisfy({ $0.isLetter }) else {
        let bad = word.first { !$0.isLetter }!
        throw DataFileError("names.txt line \(number + 1) is \"\(word.prefix(40))\": it contains \(Self.describe(bad)); "
                            + "expected one name per line, letters only")
      }
      words.append(String(word))
    }
    guard !words.isEmpty else { throw DataFileError("names.txt holds no names") }
    let letters = Set(words.joined()).sorted()
    self.words = words
    self.itos = ["."] + letters
    var stoi: [Character: Int] = [:]
    for (i, c) in itos.enumerated() { stoi[c] = i }
    self.stoi = stoi
  }

  /// A character named so that invisible ones are visible in a message.
  static func describe(_ c: Character) -> String {
    switch c {
    case " ": return "a space"
    case "\t": return "a tab"
    default:
      let scalars = c.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
      return "'\(c)' (\(scalars))"
    }
  }

  /// Loads names.txt from the data folders (see `DataFiles`).
  public static func load(dataDirectory: String? = nil) throws -> Names {
    try Names(text: DataFiles.readText("names.txt", dataDirectory: dataDirectory))
  }

  /// The token indices of a word framed by `.` on both sides: `emma` → [0, 5, 13, 13, 1, 0].
  public func encodeFramed(_ word: String) -> [Int] {
    [0] + word.map { stoi[$0] ?? 0 } + [0]
  }

  /// Decodes indices back to text (`.` included).
  public func decode(_ indices: [Int]) -> String {
    String(indices.map { itos[$0] })
  }

  /// The context → next-character examples of lecture 3 (`build_dataset`): for every word, a
  /// sliding window of `blockSize` indices (padded with `.`) predicts the next character, ending
  /// with `.`. Returns the contexts flattened row-major (`count × blockSize`) and the targets.
  public func contextExamples(_ words: [String], blockSize: Int) -> (contexts: [Int], targets: [Int]) {
    var contexts: [Int] = []
    var targets: [Int] = []
    var context = [Int](repeating: 0, count: blockSize)
    for word in words {
      for i in 0..<blockSize { context[i] = 0 }
      for ch in word + "." {
        let ix = stoi[ch] ?? 0
        contexts.append(contentsOf: context)
        targets.append(ix)
        if blockSize > 0 {
          context.removeFirst()
          context.append(ix)
        }
      }
    }
    return (contexts, targets)
  }
}
