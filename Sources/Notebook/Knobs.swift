/// A value a knob can hold: parsed from `--set name=TEXT`, printed back the same way.
public protocol KnobValue: Sendable, Equatable {
  /// Parses the text after `=`; nil when it is not a valid value.
  init?(knobText: String)
  /// The value as `--set` would take it.
  var knobText: String { get }
  /// What `--help` says the value must be (`a whole number`).
  static var knobKind: String { get }
}

extension Int: KnobValue {
  public init?(knobText: String) { self.init(knobText.replacingOccurrences(of: "_", with: "")) }
  public var knobText: String { String(self) }
  public static var knobKind: String { "a whole number" }
}

extension Double: KnobValue {
  public init?(knobText: String) {
    guard let v = Double(knobText), v.isFinite else { return nil }
    self = v
  }
  public var knobText: String { "\(self)" }
  public static var knobKind: String { "a number" }
}

extension Bool: KnobValue {
  public init?(knobText: String) {
    switch knobText.lowercased() {
    case "true", "yes", "on", "1": self = true
    case "false", "no", "off", "0": self = false
    default: return nil
    }
  }
  public var knobText: String { self ? "true" : "false" }
  public static var knobKind: String { "true or false" }
}

extension String: KnobValue {
  public init?(knobText: String) { self = knobText }
  public var knobText: String { self }
  public static var knobKind: String { "text" }
}

/// One declared knob, as `--help`, the header and the study page describe it.
public struct KnobInfo: Sendable, Equatable {
  /// The name `--set` takes (`hidden`, `lr`).
  public let name: String
  /// One line: what it changes.
  public let help: String
  /// The value the lecture uses in this run mode.
  public let lectureValue: String
  /// The value of this run.
  public let value: String
  /// What values are allowed (`a whole number from 1 to 4096`).
  public let allowed: String

  /// True when the run uses a value other than the lecture's.
  public var isChanged: Bool { value != lectureValue }
}

/// The knobs a lecture declared and the `--set` assignments of the run, matched up.
struct KnobBoard {
  var declared: [KnobInfo] = []
  /// Assignments not yet claimed by a declaration (name → text).
  var pending: [String: String]
  /// The first bad value met, reported as a usage error before any cell runs.
  var error: UsageError?

  init(settings: [(name: String, value: String)]) {
    var pending: [String: String] = [:]
    for (name, value) in settings { pending[name] = value }
    self.pending = pending
  }

  /// Declares a knob and returns its value for this run.
  mutating func declare<T: KnobValue>(_ name: String, lecture: T, help: String, allowed range: ClosedRange<T>?,
                                      override: T? = nil) -> T where T: Comparable {
    value(name, lecture: lecture, help: help, allowedText: range.map { "\(T.knobKind) from \($0.lowerBound.knobText) to \($0.upperBound.knobText)" } ?? T.knobKind,
          override: override) { range?.contains($0) ?? true }
  }

  /// Declares a knob whose values are not ordered (text, true/false).
  mutating func declare<T: KnobValue>(_ name: String, lecture: T, help: String, choices: [T]?) -> T {
    value(name, lecture: lecture, help: help,
          allowedText: choices.map { "one of " + $0.map(\.knobText).joined(separator: ", ") } ?? T.knobKind,
          override: nil) { choices?.contains($0) ?? true }
  }

  private mutating func value<T: KnobValue>(_ name: String, lecture: T, help: String, allowedText: String,
                                            override: T?, isAllowed: (T) -> Bool) -> T {
    if declared.contains(where: { $0.name == name }) {
      fatalError("knob '\(name)' is declared twice in this lecture")
    }
    var chosen = override ?? lecture
    if let text = pending.removeValue(forKey: name) {
      if let v = T(knobText: text), isAllowed(v) {
        chosen = v
      } else if error == nil {
        error = UsageError("--set \(name)=\(text): \(name) must be \(allowedText)")
      }
    }
    declared.append(KnobInfo(name: name, help: help, lectureValue: lecture.knobText, value: chosen.knobText,
                             allowed: allowedText))
    return chosen
  }

  /// A usage error for a bad value, or for a `--set` name that no knob declared.
  var usageError: UsageError? {
    if let error { return error }
    if let name = pending.keys.sorted().first {
      let known = declared.map(\.name)
      let list = known.isEmpty ? "this lecture has no knobs" : "knobs: " + known.joined(separator: ", ")
      let close = known.map { ($0, KnobBoard.distance($0, name)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }
      return UsageError("--set \(name)=…: unknown knob '\(name)'" + (close.map { ", did you mean '\($0.0)'?" } ?? "") + " (\(list))")
    }
    return nil
  }

  /// Edit distance between two names (for "did you mean").
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        let next = min(row[j] + 1, row[j - 1] + 1, previous + cost)
        previous = row[j]
        row[j] = next
      }
    }
    return a.isEmpty ? b.count : row[b.count]
  }

  /// The knobs whose value differs from the lecture's.
  var changed: [KnobInfo] { declared.filter(\.isChanged) }
}
