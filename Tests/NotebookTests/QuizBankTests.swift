import Curriculum
import Foundation
import Testing
@testable import Quiz

/// Checks on the lectures' question banks as the quiz engine asks them. The banks themselves are
/// written by each lecture's owner; these tests say which question breaks which rule.
@Suite struct QuizBankTests {
  /// In every session, whatever its seed, each bank's right answers are spread over the option
  /// positions (for questions with the same number of options, counts differ by at most one).
  @Test(arguments: Curriculum.lectures.map(\.executable))
  func answerPositionsAreBalancedAcrossTheBank(_ executable: String) throws {
    let lecture = try #require(Curriculum.lecture(named: executable))
    for seed: UInt64 in [0, 1, 42, 2_147_483_647, 1_733_500_000_000] {
      var counts: [Int: [Int]] = [:]
      for q in OptionShuffle(lecture.questions, seed: seed).apply(lecture.questions) {
        guard case let .multipleChoice(options, answer) = q.kind else { continue }
        counts[options.count, default: [Int](repeating: 0, count: options.count)][answer] += 1
      }
      for (n, c) in counts {
        #expect(c.max()! - c.min()! <= 1, "Lecture \(lecture.number), seed \(seed), \(n)-option questions: answers at positions \(c)")
      }
    }
  }

  /// Every multiple-choice question is still graded right after shuffling, and its explanation
  /// does not name an option by letter (letters change from session to session).
  @Test func shuffledQuestionsKeepTheirAnswers() {
    for (lecture, question) in Curriculum.allQuestions {
      guard case let .multipleChoice(options, answer) = question.kind else { continue }
      let shown = OptionShuffle([question], seed: 5).apply(question)
      guard case let .multipleChoice(shownOptions, shownAnswer) = shown.kind else { continue }
      #expect(shownOptions[shownAnswer] == options[answer])
      #expect(shown.grade(Question.letter(shownAnswer)) == .correct)
      let names = question.explanation.range(of: #"\b(option|answer) \(?[a-e]\)"#, options: .regularExpression)
      #expect(names == nil, "Lecture \(lecture.number) \(question.id): the explanation names an option letter, which shuffling changes")
    }
  }

  /// No question is asked twice across the lectures: unique ids, no two prompts that read the
  /// same once case and punctuation are ignored, and no two numeric questions with the same
  /// non-integer answer (ln 27 = 3.2958 asked in two lectures, say).
  @Test func noQuestionIsDuplicatedAcrossLectures() {
    let all = Curriculum.allQuestions
    var duplicates: [String] = []
    for i in all.indices {
      for j in all.indices where j > i {
        let (la, a) = all[i], (lb, b) = all[j]
        let where_ = "Lecture \(la.number) \(a.id) and Lecture \(lb.number) \(b.id)"
        if a.id == b.id { duplicates.append("\(where_): same id") }
        if Question.normalise(a.prompt) == Question.normalise(b.prompt) { duplicates.append("\(where_): same prompt") }
        if case let .numeric(x, tx) = a.kind, case let .numeric(y, ty) = b.kind, x != x.rounded(),
           abs(x - y) <= max(tx, ty, 1e-9) {
          duplicates.append("\(where_): both ask for \(x)")
        }
      }
    }
    let report = duplicates.joined(separator: "\n")
    #expect(duplicates.isEmpty, "duplicated questions (the lectures' owners fix the banks):\n\(report)")
  }
}
