import Foundation
import Testing
@testable import Quiz

@Suite struct QuizTests {
  let choice = Question(id: "q1", prompt: "Which?", kind: .multipleChoice(["zero", "one", "two"], answer: 1), explanation: "Because.")
  let number = Question(id: "q2", prompt: "Loss of a uniform guess over 27 characters?", kind: .numeric(answer: 3.2958, tolerance: 1e-3), explanation: "−ln(1/27).")
  let words = Question(id: "q3", prompt: "What must you call before backward?", kind: .shortAnswer(accepted: ["zero grad", "re:zero_?grads?"]), explanation: "Gradients accumulate.")

  @Test func multipleChoiceAcceptsLetterNumberAndText() {
    #expect(choice.grade("b") == .correct)
    #expect(choice.grade("B)") == .correct)
    #expect(choice.grade("2") == .correct)
    #expect(choice.grade(" one ") == .correct)
    #expect(choice.grade("a") == .incorrect)
    #expect(choice.grade("3") == .incorrect)
    #expect(choice.grade("z").isInvalid)
    #expect(choice.grade("4").isInvalid)
    #expect(choice.grade("").isInvalid)
  }

  @Test func numericWithTolerance() {
    #expect(number.grade("3.2958") == .correct)
    #expect(number.grade("3.296") == .correct)
    #expect(number.grade("3,2958") == .correct)
    #expect(number.grade("3.31") == .incorrect)
    #expect(number.grade("abc").isInvalid)
    #expect(Question(id: "f", prompt: "", kind: .numeric(answer: 1.0 / 27, tolerance: 1e-6), explanation: "").grade("1/27") == .correct)
    #expect(Question(id: "e", prompt: "", kind: .numeric(answer: -0.001, tolerance: 1e-9), explanation: "").grade("-1e-3") == .correct)
  }

  @Test func shortAnswerKeywordsAndPatterns() {
    #expect(words.grade("You have to Zero the grad!") == .incorrect)
    #expect(words.grade("zero grad") == .correct)
    #expect(words.grade("Call zero_grad()") == .correct)
    #expect(words.grade("p.grad = 0 ... zero-grad") == .correct)
    #expect(words.grade("nothing") == .incorrect)
  }

  /// Answers that are right for whatever option order the session shows.
  final class Transcript {
    var input: ArraySlice<String>
    var output = ""
    var recorded: [(String, Bool)] = []
    init(_ answers: [String]) { input = answers[...] }
  }

  func session(_ t: Transcript, seed: UInt64 = 1, width: Int = 88) -> QuizSession {
    QuizSession(readLine: { t.input.popFirst() }, write: { t.output += $0 },
                onAnswer: { t.recorded.append(($0.id, $1)) }, seed: seed, width: width)
  }

  /// The letter of option `text` in this session's order.
  func letter(of text: String, in question: Question, seed: UInt64, among all: [Question]) -> String {
    let shown = OptionShuffle(all, seed: seed).apply(question)
    guard case let .multipleChoice(options, _) = shown.kind, let i = options.firstIndex(of: text) else { return "?" }
    return Question.letter(i)
  }

  @Test func sessionScoresAndStopsPolitelyAtEOF() {
    let t = Transcript(["one", "banana", "3.2958"])
    let result = session(t).run([choice, number, words], title: "Test")
    let (output, recorded) = (t.output, t.recorded)
    #expect(result == QuizSession.Result(correct: 2, answered: 2, total: 3, endedEarly: true, toReview: []))
    #expect(recorded.map(\.0) == ["q1", "q2"])
    #expect(output.contains("answer with a number"))
    #expect(output.contains("Quiz stopped. Score so far: 2/2 (1 not asked)."))
    #expect(output.contains("2 right, 0 to review tomorrow."))
  }

  @Test func wrongAnswersComeBackUntilRightOnce() {
    // q1 wrong ("zero"), q2 wrong, q3 right; then q1 again right, q2 again wrong, q2 again right.
    let t = Transcript(["zero", "3.3", "zero grad", "one", "4", "3.2958"])
    let result = session(t).run([choice, number, words], title: "T")
    let (output, recorded) = (t.output, t.recorded)
    #expect(result == QuizSession.Result(correct: 1, answered: 3, total: 3, endedEarly: false, toReview: ["q1", "q2"]))
    #expect(recorded.map(\.0) == ["q1", "q2", "q3", "q1", "q2", "q2"])
    #expect(recorded.map(\.1) == [false, false, true, true, false, true])
    #expect(output.contains("the answer is"))
    #expect(output.contains("1. (again) Which?"))
    #expect(output.hasSuffix("Score: 1/3 right the first time.\n1 right, 2 to review tomorrow (each answered right once more before the end).\n"))
  }

  @Test func headerStatesTheCountOnce() {
    let t = Transcript([])
    _ = session(t).run([choice, number], title: "Review due today, all lectures")
    let output = t.output
    #expect(output.hasPrefix("\nReview due today, all lectures: 2 questions. Press Ctrl-D"))
    #expect(output.components(separatedBy: "2 questions").count == 2)
  }

  @Test func quizTextIsWrappedAndRenderedWithoutRawMarkdown() {
    let long = Question(id: "long", prompt: "Why does **backpropagation** through `tanh` use *1 − t²* as its local derivative when the network has many layers stacked one after the other?",
                        kind: .multipleChoice(["Because the derivative of `tanh(x)` is **1 − tanh(x)²**, which reuses the forward output t", "Because it is linear", "It does not"], answer: 0),
                        explanation: "The *chain rule* multiplies local derivatives; `t` is already computed in the forward pass, so nothing is recomputed.")
    let t = Transcript(["c"])
    _ = session(t, width: 40).run([long], title: "T")
    let output = t.output
    // "> " is the input prompt; in a terminal the answer and Enter follow it.
    for line in output.replacingOccurrences(of: "> ", with: "\n").split(separator: "\n") {
      #expect(line.count <= 40, "too wide: \(line)")
      #expect(!line.contains("**") && !line.contains("`"), "raw Markdown: \(line)")
    }
    let words = output.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    for word in ["backpropagation", "derivative", "multiplies", "recomputed."] { #expect(words.contains(word)) }
  }

  @Test func optionsAreShuffledPerSessionDeterministically() {
    let bank = (0..<12).map { Question(id: "m\($0)", prompt: "Q\($0)", kind: .multipleChoice(["right", "w1", "w2", "w3"], answer: 0), explanation: "") }
    let a = OptionShuffle(bank, seed: 7), b = OptionShuffle(bank, seed: 7), c = OptionShuffle(bank, seed: 8)
    #expect(a == b)
    #expect(a != c)
    for q in a.apply(bank) {
      guard case let .multipleChoice(options, answer) = q.kind else { continue }
      #expect(options[answer] == "right")
      #expect(Set(options) == ["right", "w1", "w2", "w3"])
    }
    // Graded in the shown order: the letter of "right" is correct, the original "a" may not be.
    let shown = a.apply(bank[0])
    guard case let .multipleChoice(options, _) = shown.kind else { return }
    #expect(shown.grade(Question.letter(options.firstIndex(of: "right")!)) == .correct)
    #expect(letter(of: "right", in: bank[0], seed: 7, among: bank) == Question.letter(options.firstIndex(of: "right")!))
  }

  @Test(arguments: [0, 1, 2, 99, 2_147_483_647] as [UInt64])
  func answerPositionsAreBalancedInEverySession(_ seed: UInt64) {
    let bank = (0..<10).map { i in Question(id: "m\(i)", prompt: "", kind: .multipleChoice(["a", "b", "c", "d"], answer: 1), explanation: "") }
    var counts = [0, 0, 0, 0]
    for q in OptionShuffle(bank, seed: seed).apply(bank) {
      if case let .multipleChoice(_, answer) = q.kind { counts[answer] += 1 }
    }
    #expect(counts.max()! - counts.min()! <= 1, "positions \(counts)")
  }

  @Test func shortAnswersMatchWholeWordsAndHandleNegation() {
    let zero = Question(id: "z", prompt: "", kind: .shortAnswer(accepted: ["zero"]), explanation: "")
    #expect(zero.grade("zero") == .correct)
    #expect(zero.grade("It is zero.") == .correct)
    #expect(zero.grade("exactly 0, i.e. zero") == .correct)
    for wrong in ["non-zero", "nonzero", "not zero", "it isn't zero", "it is never zero", "zeroes", "hero", "no, not zero"] {
      #expect(zero.grade(wrong) == .incorrect, "\(wrong) graded as zero")
    }
    let nonZero = Question(id: "nz", prompt: "", kind: .shortAnswer(accepted: ["non zero"]), explanation: "")
    #expect(nonZero.grade("non-zero") == .correct)
    #expect(nonZero.grade("zero") == .incorrect)
    let pattern = Question(id: "p", prompt: "", kind: .shortAnswer(accepted: ["re:under ?flow"]), explanation: "")
    #expect(pattern.grade("to avoid underflow") == .correct)
    #expect(pattern.grade("not underflow") == .incorrect)
    #expect(pattern.grade("it is not overflow, it is underflow") == .correct)
  }

  @Test func leitnerBoxes() {
    var s = ReviewSchedule()
    #expect(s.isDue("q", day: 100))
    #expect(s.record("q", correct: true, day: 100) == .promoted(box: 2, days: 2))
    #expect(s.cards["q"]?.box == 2)
    #expect(!s.isDue("q", day: 101))
    #expect(s.isDue("q", day: 102))
    s.record("q", correct: false, day: 102)
    #expect(s.cards["q"] == ReviewSchedule.Card(box: 1, due: 103, right: 1, wrong: 1))
  }

  @Test func aCardThatIsNotDueIsPractisedNotPromoted() {
    var s = ReviewSchedule()
    // Five re-takes in one afternoon: the first promotes, the other four are practice.
    #expect(s.record("q", correct: true, day: 200) == .promoted(box: 2, days: 2))
    for _ in 0..<4 { #expect(s.record("q", correct: true, day: 200) == .practised) }
    #expect(s.cards["q"] == ReviewSchedule.Card(box: 2, due: 202, right: 5, wrong: 0))
    // Spaced: one box per due review.
    var day = 202
    for box in 3...5 {
      #expect(s.record("q", correct: true, day: day) == .promoted(box: box, days: ReviewSchedule.intervals[box - 1]))
      day = s.cards["q"]!.due
    }
    #expect(s.cards["q"]?.box == 5)
    // A wrong answer, due or not, brings it back tomorrow; a retry the same day is practice.
    #expect(s.record("q", correct: false, day: 210) == .demoted)
    #expect(s.record("q", correct: true, day: 210) == .practised)
    #expect(s.cards["q"]?.box == 1 && s.cards["q"]?.due == 211)
    #expect(s.isDue("q", day: 211))
  }

  @Test func progressIsSavedAfterEveryAnswer() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zth-quiz-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("state.json")
    let progress = QuizProgress(url: url, day: 50, warn: { Issue.record("unexpected warning \($0)") })
    var seen: [Int] = []
    var input = ["one", "3.2958"][...]
    let s = QuizSession(readLine: { input.popFirst() }, write: { _ in },
                        onAnswer: { q, right in
                          progress.record(q, correct: right)
                          // What a Ctrl-C right now would leave on disk:
                          let onDisk = ReviewSchedule.load(from: url, warn: { _ in })
                          seen.append(onDisk.cards.count)
                        }, seed: 3)
    _ = s.run([choice, number, words], title: "T")
    #expect(seen == [1, 2])
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(files == ["state.json"], "no temporary file left behind: \(files)")
  }

  @Test func unwritableStateIsReportedOnceInPlainWords() throws {
    var warnings: [String] = []
    let progress = QuizProgress(url: URL(fileURLWithPath: "/proc/zth-nope/state.json"), day: 1, warn: { warnings.append($0) })
    progress.record(choice, correct: true)
    progress.record(number, correct: true)
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("could not save quiz progress to /proc/zth-nope/state.json") == true)
    #expect(warnings.first?.contains("NSCocoaErrorDomain") == false)
  }

  @Test func stateRoundTripAndCorruptFileSetAside() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zth-quiz-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("state.json")
    var s = ReviewSchedule()
    s.record("a", correct: true, day: 10)
    try s.save(to: url)
    var warnings: [String] = []
    #expect(ReviewSchedule.load(from: url, warn: { warnings.append($0) }) == s)
    #expect(warnings.isEmpty)

    try Data("{ not json".utf8).write(to: url)
    let fresh = ReviewSchedule.load(from: url, warn: { warnings.append($0) })
    #expect(fresh == ReviewSchedule())
    #expect(warnings.count == 1 && warnings[0].contains("could not be read"))
    #expect(FileManager.default.fileExists(atPath: url.path + ".corrupt"))
    #expect(!FileManager.default.fileExists(atPath: url.path))

    try Data(#"{"version":1,"cards":{"a":{"box":9,"due":1,"right":0,"wrong":0}}}"#.utf8).write(to: url)
    #expect(ReviewSchedule.load(from: url, warn: { warnings.append($0) }) == ReviewSchedule())
    #expect(warnings.count == 2)
  }

  @Test func stateFileLocation() {
    #expect(ReviewSchedule.defaultURL(environment: ["ZERO_TO_HERO_STATE": "/tmp/x.json"]).path == "/tmp/x.json")
    #expect(ReviewSchedule.defaultURL(environment: ["HOME": "/home/u"]).path == "/home/u/.zero-to-hero/quiz-state.json")
  }
}
