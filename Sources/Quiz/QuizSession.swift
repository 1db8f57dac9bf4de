import Foundation

/// Asks questions one by one on a line-based input, with immediate feedback and a running score.
///
/// Input and output are injected so the session is testable and works the same for
/// `LectureNN --quiz` and `Workbook quiz`. End of input (EOF, Ctrl-D) ends the quiz politely with
/// the score so far; an answer of the wrong form is asked again.
public struct QuizSession {
  /// Reads one line, or nil at end of input.
  public var readLine: () -> String?
  /// Writes text (already including newlines where wanted).
  public var write: (String) -> Void
  /// Called after each graded answer, e.g. to update spaced-repetition state.
  public var onAnswer: (Question, Bool) -> Void

  /// Creates a session reading from `readLine` and writing to `write`.
  public init(readLine: @escaping () -> String? = { Swift.readLine() },
              write: @escaping (String) -> Void = { Swift.print($0, terminator: "") },
              onAnswer: @escaping (Question, Bool) -> Void = { _, _ in }) {
    self.readLine = readLine
    self.write = write
    self.onAnswer = onAnswer
  }

  /// The result of a quiz run.
  public struct Result: Sendable, Equatable {
    /// Questions answered correctly.
    public var correct: Int
    /// Questions answered (right or wrong).
    public var answered: Int
    /// Questions in the quiz.
    public var total: Int
    /// True when input ended before the last question.
    public var endedEarly: Bool
  }

  /// Runs the quiz over `questions` (in order) and returns the score.
  public func run(_ questions: [Question], title: String) -> Result {
    var result = Result(correct: 0, answered: 0, total: questions.count, endedEarly: false)
    write("\n\(title): \(questions.count) question\(questions.count == 1 ? "" : "s"). Press Ctrl-D to stop at any time.\n")
    for (number, question) in questions.enumerated() {
      write("\n\(number + 1). \(question.prompt)\n")
      if case let .multipleChoice(options, _) = question.kind {
        for (i, option) in options.enumerated() { write("   \(Question.letter(i))) \(option)\n") }
      }
      var grade: Grade
      repeat {
        write("> ")
        guard let line = readLine() else {
          result.endedEarly = true
          write("\n\nQuiz stopped. Score so far: \(result.correct)/\(result.answered)"
                + (result.answered < questions.count ? " (\(questions.count - result.answered) not asked)" : "") + ".\n")
          return result
        }
        grade = question.grade(line)
        if case let .invalid(hint) = grade { write("   (\(hint))\n") }
      } while grade.isInvalid
      result.answered += 1
      let right = grade == .correct
      if right {
        result.correct += 1
        write("   ✓ Correct. \(question.explanation)\n")
      } else {
        write("   ✗ Not quite: the answer is \(question.answerText). \(question.explanation)\n")
      }
      onAnswer(question, right)
    }
    write("\nScore: \(result.correct)/\(result.total).\n")
    return result
  }
}

extension Grade {
  /// True for `.invalid`: the response was not an answer of the right form.
  public var isInvalid: Bool {
    if case .invalid = self { return true }
    return false
  }
}
