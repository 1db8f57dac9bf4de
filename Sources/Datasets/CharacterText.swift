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
    guard !text.isEmpty else { throw DataFileError("the text is empty") }
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

  /// Vocabulary size.
  public var vocabularySize: Int { itos.count }

  /// Token ids of `s`; characters outside the vocabulary are an error.
  public func encode(_ s: String) throws -> [Int] {
    try s.map { c in
      guard let i = stoi[c] else { throw DataFileError("character \(c.debugDescription) is not in the vocabulary") }
      return i
    }
  }

  /// Text of token ids.
  public func decode(_ ids: [Int]) -> String { String(ids.map { itos[$0] }) }
}
