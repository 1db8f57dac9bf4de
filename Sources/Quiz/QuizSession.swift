import Foundation
import Report

/// Asks questions one by one on a line-based input, with immediate feedback.
///
/// Input and output are injected so the session is testable and works the same for
/// `LectureNN --quiz` and `Workbook quiz`. Each multiple-choice question's options are shuffled
/// for the session (deterministically for its `seed`, see `OptionShuffle`). A question answered
/// wrong comes back after the others, until it is answered right once. End of input (EOF, Ctrl-D)
/// ends the quiz politely with what was learned so far; an answer of the wrong form is asked again.
/// Text is wrapped to `width` columns and its Markdown shown as terminal styles (`TerminalText`).
public struct QuizSession {
  /// Reads one line, or nil at end of input.
  public var readLine: () -> String?
  /// Writes text (already including newlines where wanted); unbuffered by default, so the
  /// prompt shows before input is read and nothing is lost when the process is interrupted.
  public var write: (String) -> Void
  /// Called after each graded answer (retries included), e.g. to record and save review state.
  public var onAnswer: (Question, Bool) -> Void
  /// Seeds the option order of this session.
  public var seed: UInt64
  /// Columns to wrap text to.
  public var width: Int
  /// ANSI styles for Markdown emphasis and the ✓/✗ marks.
  public var color: Bool

  /// Creates a session reading from `readLine` and writing to `write`.
  public init(readLine: @escaping () -> String? = { Swift.readLine() },
              write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
              onAnswer: @escaping (Question, Bool) -> Void = { _, _ in },
              seed: UInt64 = QuizSession.sessionSeed(),
              width: Int = TerminalText.terminalWidth(),
              color: Bool = false) {
    self.readLine = readLine
    self.write = write
    self.onAnswer = onAnswer
    self.seed = seed
    self.width = width
    self.color = color
  }

  /// The seed of a new session: `$ZERO_TO_HERO_QUIZ_SEED` when set (to replay a session), else
  /// the clock, so every session shows the options in a new order.
  public static func sessionSeed(environment: [String: String] = ProcessInfo.processInfo.environment) -> UInt64 {
    if let text = environment["ZERO_TO_HERO_QUIZ_SEED"], let seed = UInt64(text) { return seed }
    return UInt64(max(0, Date().timeIntervalSince1970 * 1000))
  }

  /// The result of a quiz run.
  public struct Result: Sendable, Equatable {
    /// Questions answered right the first time they were asked.
    public var correct: Int
    /// Questions answered at least once (right or wrong).
    public var answered: Int
    /// Questions in the quiz.
    public var total: Int
    /// True when input ended before every question was answered right once.
    public var endedEarly: Bool
    /// Ids of the questions answered wrong at least once: due again tomorrow.
    public var toReview: [String] = []
  }

  /// Runs the quiz over `questions` (in order, wrong ones again at the end) and returns the result.
  ///
  /// - Parameter title: the header, e.g. `Recall quiz: Lecture 3`; the session adds the count.
  public func run(_ questions: [Question], title: String) -> Result {
    var result = Result(correct: 0, answered: 0, total: questions.count, endedEarly: false)
    let shuffle = OptionShuffle(questions, seed: seed)
    let header = TerminalText.wrap("\(title): \(questions.count) question\(questions.count == 1 ? "" : "s"). Press Ctrl-D to stop at any time.",
                                   width: width)
    write("\n" + header.map { styled($0, bold: true) }.joined(separator: "\n") + "\n")
    var queue: [(question: Question, number: Int, attempt: Int)] =
      shuffle.apply(questions).enumerated().map { ($0.element, $0.offset + 1, 0) }
    var wrongOnce: [String] = []
    while !queue.isEmpty {
      let (question, number, attempt) = queue.removeFirst()
      let label = attempt == 0 ? "\(number). " : "\(number). (again) "
      write("\n" + block(question.prompt, first: label, rest: String(repeating: " ", count: 3)) + "\n")
      if case let .multipleChoice(options, _) = question.kind {
        for (i, option) in options.enumerated() {
          write(block(option, first: "   \(Question.letter(i))) ", rest: "      ") + "\n")
        }
      }
      var grade: Grade
      repeat {
        write("> ")
        guard let line = readLine() else {
          result.endedEarly = true
          result.toReview = wrongOnce
          let notAsked = questions.count - result.answered
          write("\n\nQuiz stopped. Score so far: \(result.correct)/\(result.answered)"
                + (notAsked > 0 ? " (\(notAsked) not asked)" : "") + ".\n" + learned(result) + "\n")
          return result
        }
        grade = question.grade(line)
        if case let .invalid(hint) = grade { write("   (\(hint))\n") }
      } while grade.isInvalid
      let right = grade == .correct
      if attempt == 0 {
        result.answered += 1
        if right { result.correct += 1 }
      }
      if right {
        write(block(question.explanation, first: "   " + styled("✓ Correct.", good: true) + " ", rest: "     ") + "\n")
      } else {
        if !wrongOnce.contains(question.id) { wrongOnce.append(question.id) }
        write(block("the answer is \(question.answerText). \(question.explanation)",
                    first: "   " + styled("✗ Not quite:", good: false) + " ", rest: "     ") + "\n")
        write(block("(it comes back at the end of this quiz, and again tomorrow)", first: "   ", rest: "    ") + "\n")
        // Asked again after the others, with its options in a new order.
        let again = OptionShuffle([question], seed: seed &+ UInt64(attempt + 1) &* 0x9E37_79B9).apply(question)
        queue.append((again, number, attempt + 1))
      }
      onAnswer(question, right)
    }
    result.toReview = wrongOnce
    write("\n" + TerminalText.wrap("Score: \(result.correct)/\(result.total) right the first time.", width: width).joined(separator: "\n")
          + "\n" + TerminalText.wrap(learned(result), width: width).joined(separator: "\n") + "\n")
    return result
  }

  /// "4 right, 2 to review tomorrow": what the session leaves the learner with.
  func learned(_ result: Result) -> String {
    let right = result.correct
    let review = result.toReview.count
    var text = "\(right) right, \(review) to review tomorrow"
    if review > 0 && !result.endedEarly { text += " (each answered right once more before the end)" }
    return text + "."
  }

  /// Markdown `text` rendered for the terminal and wrapped, the first line after `first`, the
  /// others after `rest`.
  func block(_ text: String, first: String, rest: String) -> String {
    let room = max(20, width - max(TerminalText.width(first), TerminalText.width(rest)))
    let lines = TerminalText.render(text, width: room, color: color).split(separator: "\n", omittingEmptySubsequences: false)
    return lines.enumerated().map { ($0.offset == 0 ? first : (($0.element.isEmpty) ? "" : rest)) + $0.element }
      .joined(separator: "\n")
  }

  private func styled(_ text: String, bold: Bool = false, good: Bool? = nil) -> String {
    guard color else { return text }
    if bold { return "\u{1B}[1m\(text)\u{1B}[22m" }
    if let good { return (good ? "\u{1B}[32m" : "\u{1B}[31m") + text + "\u{1B}[39m" }
    return text
  }
}

extension Grade {
  /// True for `.invalid`: the response was not an answer of the right form.
  public var isInvalid: Bool {
    if case .invalid = self { return true }
    return false
  }
}
