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
  /// fractions (`1/27`); short answers must contain one of the accepted phrases as whole words
  /// (case, accents, punctuation and spacing ignored) and not negated: "non-zero", "not zero"
  /// and "isn't zero" do not count as "zero".
  public func grade(_ response: String) -> Grade {
    let trimmed = response.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.isEmpty { return .invalid("type an answer, or press Ctrl-D to stop") }
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
      return Question.matchesShortAnswer(trimmed, accepted: accepted) ? .correct : .incorrect
    }
  }

  /// Words that negate what follows them within a clause (`non-zero`, `not zero`, `isn't zero`,
  /// `no zero`, `never zero`, `without zero`).
  static let negations: Set<String> = ["non", "not", "no", "never", "without", "nor", "t", "cannot", "neither"]

  /// True when `response` names one of the `accepted` phrases as whole words (or matches one of
  /// its `re:` patterns), in a clause where none of the two words before it is a negation.
  static func matchesShortAnswer(_ response: String, accepted: [String]) -> Bool {
    let clauses = Question.clauses(response)
    for phrase in accepted {
      if phrase.hasPrefix("re:") {
        let pattern = String(phrase.dropFirst(3))
        for clause in response.split(whereSeparator: { ",;:.!?()".contains($0) }) {
          var from = clause.startIndex
          while let range = clause.range(of: pattern, options: [.regularExpression, .caseInsensitive], range: from..<clause.endIndex) {
            let before = words(String(clause[clause.startIndex..<range.lowerBound]))
            let matchedWords = words(String(clause[range]))
            if matchedWords.first.map({ negations.contains($0) }) == true || !before.suffix(2).contains(where: negations.contains) {
              return true
            }
            if range.upperBound == clause.endIndex || range.isEmpty { break }
            from = clause.index(after: range.lowerBound)
          }
        }
        continue
      }
      let target = words(phrase)
      guard !target.isEmpty else { continue }
      let phraseIsNegated = negations.contains(target[0])
      for clause in clauses where clause.count >= target.count {
        for start in 0...(clause.count - target.count) where Array(clause[start..<(start + target.count)]) == target {
          if phraseIsNegated || !clause[max(0, start - 2)..<start].contains(where: negations.contains) { return true }
        }
      }
    }
    return false
  }

  /// The response's clauses (split at `, ; : . ! ? ( )`), each as normalised words.
  static func clauses(_ text: String) -> [[String]] {
    text.split(whereSeparator: { ",;:!?()".contains($0) })
      .flatMap { $0.components(separatedBy: ". ") }
      .map { words(String($0)) }.filter { !$0.isEmpty }
  }

  /// Lower-case words with accents folded; letters and digits only (`non-zero` → `non`, `zero`).
  static func words(_ text: String) -> [String] {
    normalise(text).split(separator: " ").map(String.init)
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
