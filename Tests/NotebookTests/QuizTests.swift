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

  @Test func sessionScoresAndStopsPolitelyAtEOF() {
    var input = ["b", "banana", "3.2958"][...]
    var output = ""
    var recorded: [(String, Bool)] = []
    let session = QuizSession(readLine: { input.popFirst() }, write: { output += $0 }, onAnswer: { recorded.append(($0.id, $1)) })
    let result = session.run([choice, number, words], title: "Test")
    #expect(result == QuizSession.Result(correct: 2, answered: 2, total: 3, endedEarly: true))
    #expect(recorded.map(\.0) == ["q1", "q2"])
    #expect(output.contains("answer with a number"))
    #expect(output.contains("Quiz stopped. Score so far: 2/2 (1 not asked)."))
  }

  @Test func sessionFullRun() {
    var input = ["a", "3.3", "zero grad"][...]
    var output = ""
    let result = QuizSession(readLine: { input.popFirst() }, write: { output += $0 }).run([choice, number, words], title: "T")
    #expect(result == QuizSession.Result(correct: 1, answered: 3, total: 3, endedEarly: false))
    #expect(output.contains("the answer is b) one"))
    #expect(output.hasSuffix("Score: 1/3.\n"))
  }

  @Test func leitnerBoxes() {
    var s = ReviewSchedule()
    #expect(s.isDue("q", day: 100))
    s.record("q", correct: true, day: 100)
    #expect(s.cards["q"]?.box == 2)
    #expect(!s.isDue("q", day: 101))
    #expect(s.isDue("q", day: 102))
    s.record("q", correct: false, day: 102)
    #expect(s.cards["q"] == ReviewSchedule.Card(box: 1, due: 103, right: 1, wrong: 1))
    for _ in 0..<10 { s.record("q", correct: true, day: 200) }
    #expect(s.cards["q"]?.box == 5)
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
