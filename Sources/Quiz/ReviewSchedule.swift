import Foundation
import Report

/// Spaced repetition with Leitner boxes: a right answer to a card that is *due* moves it up a box
/// (reviewed less often); a wrong answer sends it back to box 1, due tomorrow. A card answered
/// before it is due is practice: a right answer keeps its box and due day (re-taking a quiz five
/// times in an afternoon does not push everything to "16 days"), a wrong one still demotes it.
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

  /// What recording an answer did to a card.
  public enum Outcome: Sendable, Equatable {
    /// Right while due: moved up to `box`, next due in `days` days.
    case promoted(box: Int, days: Int)
    /// Right but not due yet: practice, box and due day unchanged.
    case practised
    /// Wrong: back to box 1, due tomorrow.
    case demoted
  }

  /// Records an answer given on `day` and says what it did (see the type's description).
  @discardableResult
  public mutating func record(_ questionID: String, correct: Bool, day: Int) -> Outcome {
    var card = cards[questionID] ?? Card(box: 1, due: day, right: 0, wrong: 0)
    let outcome: Outcome
    if correct {
      card.right += 1
      if card.due <= day {
        card.box = min(card.box + 1, Self.intervals.count)
        card.due = day + Self.intervals[card.box - 1]
        outcome = .promoted(box: card.box, days: Self.intervals[card.box - 1])
      } else {
        outcome = .practised
      }
    } else {
      card.box = 1
      card.wrong += 1
      card.due = day + Self.intervals[0]
      outcome = .demoted
    }
    cards[questionID] = card
    return outcome
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

  /// Saves the schedule to `url` atomically (a temporary file beside it, then one rename), so an
  /// interrupted save leaves the previous state intact; creates the folder if needed.
  public func save(to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(encoder.encode(self), to: url)
  }

  private static func describe(_ error: Error) -> String {
    if error is DecodingError { return "not valid quiz state JSON" }
    return (error as NSError).localizedDescription
  }
}
