import Foundation

/// The outcome of grading one response.
public enum Grade: Sendable, Equatable {
  /// The answer is right.
  case correct
  /// The answer is wrong.
  case incorrect
  /// The response is not an answer of the right form (asked again); the text says what is expected.
  case invalid(String)
}

extension Question {
  /// Grades a typed response.
  ///
  /// Multiple choice accepts the option letter (`b`), its number (`2`) or the option's exact
  /// text; numeric accepts plain or scientific notation (`3.2958`, `1e-3`, `-0.5`) and simple
  /// fractions (`1/27`); short answers are matched against the accepted phrases after
  /// normalising case, accents, punctuation and spacing.
  public func grade(_ response: String) -> Grade {
    let trimmed = response.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.isEmpty { return .invalid("type an answer (or press Ctrl-D to stop)") }
    switch kind {
    case let .multipleChoice(options, answer):
      guard let picked = Question.choiceIndex(trimmed, options: options) else {
        let last = Question.letter(max(0, options.count - 1))
        return .invalid("answer with a letter a–\(last) or a number 1–\(options.count)")
      }
      return picked == answer ? .correct : .incorrect
    case let .numeric(answer, tolerance):
      guard let value = Question.parseNumber(trimmed) else {
        return .invalid("answer with a number, e.g. 3.14, -2, 1e-3 or 1/27")
      }
      return abs(value - answer) <= tolerance ? .correct : .incorrect
    case let .shortAnswer(accepted):
      let said = Question.normalise(trimmed)
      for phrase in accepted {
        if phrase.hasPrefix("re:") {
          let pattern = String(phrase.dropFirst(3))
          if trimmed.range(of: pattern, options: [.regularExpression, .caseInsensitive]) != nil { return .correct }
        } else if said.contains(Question.normalise(phrase)) {
          return .correct
        }
      }
      return .incorrect
    }
  }

  /// The option index a response names, or nil.
  static func choiceIndex(_ response: String, options: [String]) -> Int? {
    let lower = response.lowercased()
    var token = lower
    if token.hasSuffix(")") || token.hasSuffix(".") { token.removeLast() }
    if token.count == 1, let scalar = token.unicodeScalars.first, (97...122).contains(scalar.value) {
      let index = Int(scalar.value) - 97
      return index < options.count ? index : nil
    }
    if let n = Int(token), (1...options.count).contains(n) { return n - 1 }
    let said = normalise(response)
    return options.firstIndex { normalise($0) == said }
  }

  /// Parses `3.5`, `-1e-3`, `1/27`, `2,5` (decimal comma); nil when it is not a number.
  static func parseNumber(_ text: String) -> Double? {
    let t = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "−", with: "-")
    if let v = Double(t), v.isFinite { return v }
    if !t.contains("."), t.filter({ $0 == "," }).count == 1,
       let v = Double(t.replacingOccurrences(of: ",", with: ".")), v.isFinite { return v }
    let parts = t.split(separator: "/", omittingEmptySubsequences: false)
    if parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), b != 0 {
      let v = a / b
      return v.isFinite ? v : nil
    }
    return nil
  }

  /// Lower-case, accents folded, punctuation turned to spaces, runs of spaces collapsed.
  static func normalise(_ text: String) -> String {
    let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    var out = ""
    var lastSpace = true
    for ch in folded {
      if ch.isLetter || ch.isNumber {
        out.append(ch)
        lastSpace = false
      } else if !lastSpace {
        out.append(" ")
        lastSpace = true
      }
    }
    if out.hasSuffix(" ") { out.removeLast() }
    return " " + out + " "
  }
}
