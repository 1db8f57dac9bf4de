import Foundation

/// One recall question: a prompt, how answers are graded, and the explanation shown afterwards.
///
/// Questions are plain values so the same bank serves the lecture's `--quiz` and
/// `swift run Workbook quiz` (spaced review across lectures).
public struct Question: Sendable, Hashable, Identifiable {
  /// Stable identifier (e.g. `l1-chain-rule`), the key under which review state is remembered.
  public let id: String
  /// The question as asked.
  public let prompt: String
  /// How an answer is graded.
  public let kind: Kind
  /// Shown after every answer, right or wrong: the reasoning, not just the answer.
  public let explanation: String

  /// The three kinds of question the workbook asks.
  public enum Kind: Sendable, Hashable {
    /// Pick one of `options`; `answer` is the index of the correct option (0-based).
    case multipleChoice([String], answer: Int)
    /// A number, accepted when within `tolerance` of `answer` (absolute).
    case numeric(answer: Double, tolerance: Double)
    /// Free text, accepted when it contains one of the `accepted` phrases (case-, accent- and
    /// punctuation-insensitive). A phrase starting with `re:` is a regular expression instead.
    case shortAnswer(accepted: [String])
  }

  /// Creates a question; `id` must be unique across all lectures.
  public init(id: String, prompt: String, kind: Kind, explanation: String) {
    self.id = id
    self.prompt = prompt
    self.kind = kind
    self.explanation = explanation
  }

  /// The correct answer written out for people (used in study pages and after a wrong answer).
  public var answerText: String {
    switch kind {
    case let .multipleChoice(options, answer):
      let letter = Question.letter(answer)
      return options.indices.contains(answer) ? "\(letter)) \(options[answer])" : letter
    case let .numeric(answer, tolerance):
      return "\(Question.format(answer)) (± \(Question.format(tolerance)))"
    case let .shortAnswer(accepted):
      return accepted.filter { !$0.hasPrefix("re:") }.first ?? accepted.first ?? ""
    }
  }

  /// `0 → "a"`, `1 → "b"`, …: option letters as printed.
  public static func letter(_ index: Int) -> String {
    guard (0..<26).contains(index) else { return String(index + 1) }
    return String(UnicodeScalar(UInt8(97 + index)))
  }

  static func format(_ x: Double) -> String {
    if x == x.rounded() && abs(x) < 1e12 { return String(Int(x)) }
    var s = String(format: "%.6g", x)
    if s.contains("e") { return s }
    while s.contains(".") && s.hasSuffix("0") { s.removeLast() }
    return s
  }
}
