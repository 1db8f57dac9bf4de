/// Constrained decoding (lecture 8's "constraint prompting", as Microsoft's Guidance does it):
/// at every step the tokens that would break a template get probability zero before sampling,
/// so the output matches the template by construction, whatever the model prefers.

/// A template of literal text and fields: `{"name": "` + 1–12 letters + `"}` say. It answers,
/// for any prefix, which characters may come next; the empty set means the template is complete.
public struct TemplateConstraint: Sendable {
  /// One piece of the template.
  public enum Part: Sendable {
    /// Exactly this text.
    case literal(String)
    /// `length` characters, each from `characters`.
    case field(Set<Character>, length: ClosedRange<Int>)
  }

  /// The pieces, in order.
  public let parts: [Part]

  /// A template of `parts` (fields need a positive minimum length, so the template always advances).
  public init(_ parts: [Part]) {
    for case .field(_, let length) in parts { checkArgument(length.lowerBound >= 1, "TemplateConstraint: a field needs at least 1 character") }
    self.parts = parts
  }

  /// A position in the template: part index and characters consumed in it.
  private struct State: Hashable { var part: Int; var offset: Int }

  /// Every state reachable from `s` without consuming a character (a finished part moves on).
  private func closure(_ s: State) -> [State] {
    guard s.part < parts.count else { return [s] }
    switch parts[s.part] {
    case .literal(let text):
      return s.offset == text.count ? closure(State(part: s.part + 1, offset: 0)) : [s]
    case .field(_, let length):
      var out: [State] = s.offset < length.upperBound ? [s] : []
      if length.contains(s.offset) { out += closure(State(part: s.part + 1, offset: 0)) }
      return out
    }
  }

  /// The states after reading `text`; empty when `text` breaks the template.
  private func states(after text: [Character]) -> Set<State> {
    var current = Set(closure(State(part: 0, offset: 0)))
    for ch in text {
      var next = Set<State>()
      for s in current where s.part < parts.count {
        switch parts[s.part] {
        case .literal(let literal):
          let chars = Array(literal)
          if s.offset < chars.count && chars[s.offset] == ch { next.formUnion(closure(State(part: s.part, offset: s.offset + 1))) }
        case .field(let set, let length):
          if s.offset < length.upperBound && set.contains(ch) { next.formUnion(closure(State(part: s.part, offset: s.offset + 1))) }
        }
      }
      current = next
    }
    return current
  }

  /// The characters that may follow `text` (empty when `text` completes the template or breaks it).
  public func allowedNext(after text: [Character]) -> Set<Character> {
    var out = Set<Character>()
    for s in states(after: text) where s.part < parts.count {
      switch parts[s.part] {
      case .literal(let literal): out.insert(Array(literal)[s.offset])
      case .field(let set, _): out.formUnion(set)
      }
    }
    return out
  }

  /// Whether `text` is a complete match of the template.
  public func matches(_ text: String) -> Bool {
    states(after: Array(text)).contains { $0.part == parts.count }
  }

  /// The mask over a vocabulary `itos` (token id → character) of the tokens allowed after
  /// `text`; nil when nothing may follow (complete or broken): sampling stops there.
  public func mask(after text: [Character], itos: [Character]) -> [Bool]? {
    let allowed = allowedNext(after: text)
    guard !allowed.isEmpty else { return nil }
    let mask = itos.map { allowed.contains($0) }
    return mask.contains(true) ? mask : nil
  }
}
