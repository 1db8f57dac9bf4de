/// The split patterns run through Swift Regex: the reference `SplitScanner` is tested against.
///
/// Swift Regex understands the patterns as written (Unicode properties, `(?i:…)`, possessive
/// quantifiers, the negative look-ahead) once it matches Unicode scalars rather than grapheme
/// clusters. It is kept for tests and for the lecture's "the regex, literally" cell; encoding uses
/// the scanner, which is faster (see README.md for the measurement).
public struct RegexSplitter: @unchecked Sendable {
  /// The pattern this splitter runs.
  public let pattern: SplitPattern
  private let regex: Regex<AnyRegexOutput>?

  /// Compiles `pattern`'s regular expression (a programming error if Swift Regex rejects it).
  public init(_ pattern: SplitPattern) {
    self.pattern = pattern
    if pattern == .none {
      regex = nil
    } else {
      do {
        regex = try Regex(pattern.regex).matchingSemantics(.unicodeScalar)
      } catch {
        fatalError("RegexSplitter: Swift Regex rejected the \(pattern) split pattern: \(error)")
      }
    }
  }

  /// The chunks of `text`, in order.
  public func split(_ text: String) -> [String] {
    guard let regex else { return text.isEmpty ? [] : [text] }
    // Every scalar belongs to some alternative, so consecutive matches tile the text.
    return text.matches(of: regex).map { String(text.unicodeScalars[$0.range]) }
  }
}
