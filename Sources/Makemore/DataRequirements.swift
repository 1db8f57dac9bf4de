import Datasets

/// A names file that lacks something a lecture needs, said in a sentence the learner can act
/// on (the lecture stops with exit status 1 and this message).
public struct NamesRequirementError: Error, CustomStringConvertible, Sendable {
  /// The complete message, without an `error:` prefix.
  public let message: String
  /// Creates the error with its message.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

extension Names {
  /// Whether every character of `text` is in this file's vocabulary (a learner's own names
  /// file may lack letters the lecture's examples use, e.g. the `q` of "andrejq").
  public func covers(_ text: String) -> Bool { text.allSatisfy { stoi[$0] != nil } }

  /// The characters of `text` that the vocabulary lacks, in order of first appearance.
  public func missingCharacters(_ text: String) -> [Character] {
    var seen: [Character] = []
    for c in text where stoi[c] == nil && !seen.contains(c) { seen.append(c) }
    return seen
  }

  /// The split of `split(seed:)`, checked: each of train, dev and test must hold at least one
  /// name, otherwise the error says how many names the file has and how many the split needs.
  public func requireSplits(seed: Int = 42, for purpose: String) throws -> (train: [String], dev: [String], test: [String]) {
    let parts = split(seed: seed)
    if parts.train.isEmpty || parts.dev.isEmpty || parts.test.isEmpty {
      throw NamesRequirementError("""
        names.txt holds \(words.count) name\(words.count == 1 ? "" : "s"): the 80% / 10% / 10% split gives \
        \(parts.train.count) / \(parts.dev.count) / \(parts.test.count) names, and \(purpose) needs every part non-empty. \
        Use a file of at least 10 names (one per line).
        """)
    }
    return parts
  }
}
