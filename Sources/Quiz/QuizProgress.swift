import Foundation
import Report

/// A learner's review state during a quiz: every answer is recorded and saved at once
/// (atomically), so Ctrl-C, SIGTERM or a closed terminal loses nothing already answered.
///
/// Used by `LectureNN --quiz` and `Workbook quiz` alike.
public final class QuizProgress {
  /// Where the state is kept (`ReviewSchedule.defaultURL()` by default).
  public let url: URL
  /// The day answers are recorded on.
  public let day: Int
  /// The state, updated by `record`.
  public private(set) var schedule: ReviewSchedule
  private let warn: (String) -> Void
  private var warned = false
  private var interruptSources: [DispatchSourceSignal] = []

  /// Loads the state from `url` (a corrupt file is set aside and reported through `warn`).
  public init(url: URL = ReviewSchedule.defaultURL(), day: Int = ReviewSchedule.today(),
              warn: @escaping (String) -> Void) {
    self.url = url
    self.day = day
    self.warn = warn
    schedule = ReviewSchedule.load(from: url, warn: warn)
  }

  /// Records one answer and saves the state. A failed save is reported once (the quiz goes on).
  public func record(_ question: Question, correct: Bool) {
    schedule.record(question.id, correct: correct, day: day)
    do {
      try schedule.save(to: url)
    } catch {
      guard !warned else { return }
      warned = true
      warn("warning: could not save quiz progress to \(url.path): \(QuizProgress.describe(error)); answers from now on are not kept")
    }
  }

  static func describe(_ error: Error) -> String {
    if let failure = error as? AtomicFile.Failure { return failure.reason }
    return (error as NSError).localizedDescription
  }

  /// From now on Ctrl-C (SIGINT) and SIGTERM end the quiz with a line saying the answers are
  /// kept (they are already saved), exit status 130 / 143, instead of vanishing silently.
  public func sayAnswersAreKeptOnInterrupt() {
    let path = url.path
    for (signalNumber, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
      #if canImport(Darwin)
      signal(signalNumber, SIG_IGN)  // kqueue observes signals beside their handler; Linux's libdispatch installs its own
      #endif
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        FileHandle.standardOutput.write(Data("\n\nQuiz stopped. Every answer you gave is saved in \(path).\n".utf8))
        exit(status)
      }
      source.resume()
      interruptSources.append(source)
    }
  }

  /// True when `question` is due today (never answered, or its review day has come).
  public func isDue(_ question: Question) -> Bool { schedule.isDue(question.id, day: day) }
}
