import Foundation

/// Spaced repetition with Leitner boxes: a right answer moves a question up a box (reviewed less
/// often), a wrong one sends it back to box 1 (reviewed tomorrow).
///
/// The state is a small JSON file under the user's home (`~/.zero-to-hero/quiz-state.json`,
/// or `$ZERO_TO_HERO_STATE` when set). A corrupt file is reported, moved aside and replaced by a
/// fresh state — never a crash.
public struct ReviewSchedule: Codable, Sendable, Equatable {
  /// Days until the next review for boxes 1…5.
  public static let intervals = [1, 2, 4, 8, 16]

  /// What is remembered about one question.
  public struct Card: Codable, Sendable, Equatable {
    /// Leitner box, 1…5.
    public var box: Int
    /// Day number (days since 1970-01-01, UTC) on which the question is next due.
    public var due: Int
    /// Times answered right and wrong.
    public var right: Int
    public var wrong: Int
  }

  /// Format version of the file.
  public var version = 1
  /// Cards by question id.
  public var cards: [String: Card] = [:]

  /// An empty schedule (every question due).
  public init() {}

  /// Records an answer given on `day`.
  public mutating func record(_ questionID: String, correct: Bool, day: Int) {
    var card = cards[questionID] ?? Card(box: 1, due: day, right: 0, wrong: 0)
    if correct {
      card.box = min(card.box + 1, Self.intervals.count)
      card.right += 1
    } else {
      card.box = 1
      card.wrong += 1
    }
    card.due = day + Self.intervals[card.box - 1]
    cards[questionID] = card
  }

  /// True when the question has never been answered or its review day has come.
  public func isDue(_ questionID: String, day: Int) -> Bool {
    guard let card = cards[questionID] else { return true }
    return card.due <= day
  }

  /// Today's day number in UTC.
  public static func today(_ date: Date = Date()) -> Int {
    Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
  }

  /// The default state file: `$ZERO_TO_HERO_STATE` or `~/.zero-to-hero/quiz-state.json`.
  public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    if let path = environment["ZERO_TO_HERO_STATE"], !path.isEmpty { return URL(fileURLWithPath: path) }
    let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
    return home.appendingPathComponent(".zero-to-hero/quiz-state.json")
  }

  /// Loads the schedule from `url`. A missing file gives an empty schedule; an unreadable or
  /// corrupt one is moved aside to `<name>.corrupt` and reported through `warn`.
  public static func load(from url: URL, warn: (String) -> Void) -> ReviewSchedule {
    guard FileManager.default.fileExists(atPath: url.path) else { return ReviewSchedule() }
    do {
      let data = try Data(contentsOf: url)
      let schedule = try JSONDecoder().decode(ReviewSchedule.self, from: data)
      guard schedule.version == 1,
            schedule.cards.values.allSatisfy({ (1...intervals.count).contains($0.box) }) else {
        throw CocoaError(.fileReadCorruptFile)
      }
      return schedule
    } catch {
      let aside = url.appendingPathExtension("corrupt")
      try? FileManager.default.removeItem(at: aside)
      let moved = (try? FileManager.default.moveItem(at: url, to: aside)) != nil
      warn("warning: the quiz state file \(url.path) could not be read (\(describe(error)));"
           + (moved ? " it was moved to \(aside.path) and review starts afresh." : " starting afresh."))
      return ReviewSchedule()
    }
  }

  /// Saves the schedule to `url` atomically, creating the folder if needed.
  public func save(to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(self).write(to: url, options: .atomic)
  }

  private static func describe(_ error: Error) -> String {
    if error is DecodingError { return "not valid quiz state JSON" }
    return (error as NSError).localizedDescription
  }
}
