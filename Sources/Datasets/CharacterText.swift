/// A text corpus tokenised by character (lecture 7's tiny Shakespeare): the sorted set of its
/// characters is the vocabulary.
public struct CharacterText: Sendable {
  /// The whole text.
  public let text: String
  /// The vocabulary, sorted by Unicode scalar value (65 characters for tiny Shakespeare).
  public let itos: [Character]
  /// Index of each character.
  public let stoi: [Character: Int]

  /// Builds the vocabulary of `text` (must not be empty).
  public init(text: String) throws {
    guard !text.isEmpty else { throw DataFileError("the text is empty: a character model needs text to learn from") }
    self.text = text
    let chars = Set(text).sorted { String($0).unicodeScalars.lexicographicallyPrecedes(String($1).unicodeScalars) }
    self.itos = chars
    var stoi: [Character: Int] = [:]
    for (i, c) in chars.enumerated() { stoi[c] = i }
    self.stoi = stoi
  }

  /// Loads tinyshakespeare.txt from the data folders (see `DataFiles`).
  public static func loadShakespeare(dataDirectory: String? = nil) throws -> CharacterText {
    try CharacterText(text: DataFiles.readText("tinyshakespeare.txt", dataDirectory: dataDirectory))
  }

  /// The number of characters (tokens) in the text.
  public var count: Int { text.count }

  /// The shortest text that trains with context `blockSize` and a `trainFraction` split: each
  /// part needs one block of input plus the character after it (e.g. 2,570 for block 256 at 90%).
  public static func minimumLength(blockSize: Int, trainFraction: Double = 0.9) -> Int {
    var n = 2 * (blockSize + 1)
    while true {
      let train = Int(Double(n) * trainFraction)
      if train >= blockSize + 1 && n - train >= blockSize + 1 { return n }
      n += 1
    }
  }

  /// Checks that the text is long enough for context `blockSize` split at `trainFraction`; a
  /// short text (100 characters, say) is a `DataFileError` saying how long it must be.
  ///
  /// Any characters are fine (non-ASCII text gets a larger vocabulary, built from the data).
  public func requireTrainable(blockSize: Int, trainFraction: Double = 0.9, name: String = "tinyshakespeare.txt") throws {
    let needed = CharacterText.minimumLength(blockSize: blockSize, trainFraction: trainFraction)
    guard count >= needed else {
      let percent = Int((trainFraction * 100).rounded())
      throw DataFileError("\(name) has \(count) character\(count == 1 ? "" : "s"), too short for a context of \(blockSize): "
                          + "the \(percent)%/\(100 - percent)% train/validation split needs at least \(needed) characters "
                          + "(one block plus one character in each part). Use a longer text (--data DIR).")
    }
  }

  /// Vocabulary size.
  public var vocabularySize: Int { itos.count }

  /// Token ids of `s`; characters outside the vocabulary are an error.
  public func encode(_ s: String) throws -> [Int] {
    try s.map { c in
      guard let i = stoi[c] else {
        throw DataFileError("character \(c.debugDescription) is not in the vocabulary (the \(itos.count) characters of the training text)")
      }
      return i
    }
  }

  /// Text of token ids.
  public func decode(_ ids: [Int]) -> String { String(ids.map { itos[$0] }) }
}
