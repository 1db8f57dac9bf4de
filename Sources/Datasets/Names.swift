/// makemore's data set: 32,033 lower-case names, one per line, and its 27-character vocabulary.
///
/// The special token `.` (index 0) marks both the start and the end of a name, as in lecture 2
/// after the `<S>`/`<E>` tokens are merged; `a`…`z` are 1…26.
public struct Names: Sendable {
  /// The names in file order.
  public let words: [String]
  /// `itos[i]`: the character with index `i` (`.` then `a`…`z`).
  public let itos: [Character]
  /// `stoi[c]`: the index of character `c`.
  public let stoi: [Character: Int]

  /// Vocabulary size (27).
  public var vocabularySize: Int { itos.count }

  /// Parses the text of names.txt. Every line must be a non-empty run of lower-case letters a–z
  /// (a blank last line is allowed); anything else is reported with its line number.
  public init(text: String) throws {
    var words: [String] = []
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let word = line.hasSuffix("\r") ? line.dropLast() : line
      if word.isEmpty { continue }
      guard word.allSatisfy({ $0.isASCII && $0.isLowercase && $0.isLetter }) else {
        throw DataFileError("names.txt line \(number + 1) is \"\(word.prefix(40))\": expected lower-case letters a–z only")
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
