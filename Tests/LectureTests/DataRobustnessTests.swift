import Foundation
import Testing
import TestSupport
import ZeroToHero

/// A learner's own data set is the lectures' first exercise, so **any** text must either work or
/// stop with exit 1 and a message saying what is missing — never a crash (a signal: SIGILL from
/// a failed check, SIGSEGV, SIGABRT).
///
/// Property: every lecture's `--fast` run on each small or odd data file below ends by `exit`
/// with status 0 or 1. Lecture 1 reads no data. The names lectures (2–6, 11) get the names
/// cases, the Shakespeare lectures (7–10) the text cases, for whichever lectures exist.
/// A failing case is listed by name in the test output; fix the lecture, do not weaken the case.
@Suite(.serialized) struct DataRobustnessTests {
  struct DataCase: Sendable, CustomTestStringConvertible {
    let name: String
    let file: String
    let contents: @Sendable () throws -> Data
    var testDescription: String { name }
  }

  static let realNames: @Sendable () throws -> [String] = {
    try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("names.txt"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
  }

  static func lines(_ names: [String]) -> Data { Data((names.joined(separator: "\n") + "\n").utf8) }

  static let namesCases: [DataCase] = [
    DataCase(name: "one name", file: "names.txt") { lines(["emma"]) },
    DataCase(name: "two names", file: "names.txt") { lines(Array(try realNames().prefix(2))) },
    DataCase(name: "two names covering all 26 letters", file: "names.txt") { lines(["abcdefghijklm", "nopqrstuvwxyz"]) },
    DataCase(name: "first 5 names", file: "names.txt") { lines(Array(try realNames().prefix(5))) },
    DataCase(name: "first 26 names", file: "names.txt") { lines(Array(try realNames().prefix(26))) },
    DataCase(name: "first 50 names", file: "names.txt") { lines(Array(try realNames().prefix(50))) },
    DataCase(name: "every name without a q", file: "names.txt") { lines(try realNames().filter { !$0.contains("q") }) },
    DataCase(name: "a name of 1,000 letters", file: "names.txt") {
      let letters = Array("abcdefghijklmnopqrstuvwxyz")
      return lines(["emma", String((0..<1000).map { letters[($0 * 7) % 26] }), "olivia"])
    },
    DataCase(name: "non-ASCII letters", file: "names.txt") { lines(["émilie", "zoë", "björn", "łucja", "søren", "anna"]) },
  ]

  static let textCases: [DataCase] = [
    DataCase(name: "empty text", file: "tinyshakespeare.txt") { Data() },
    DataCase(name: "100 characters", file: "tinyshakespeare.txt") {
      Data(String(repeating: "To be, or not to be. ", count: 5).prefix(100).utf8)
    },
    DataCase(name: "shorter than one block", file: "tinyshakespeare.txt") {
      Data("First Citizen:\nBefore we proceed any further, hear me speak.\n".utf8)
    },
    DataCase(name: "non-ASCII text", file: "tinyshakespeare.txt") {
      Data(String(repeating: "Schöne Grüße, ça va? Ελληνικά κείμενα — 日本語のテキスト。\n", count: 400).utf8)
    },
  ]

  /// (lecture, case) pairs for the lectures that exist.
  static var runs: [(String, DataCase)] {
    Curriculum.lectures.flatMap { lecture -> [(String, DataCase)] in
      switch lecture.number {
      case 2...6, 11: return namesCases.map { (lecture.executable, $0) }
      case 7...10: return textCases.map { (lecture.executable, $0) }
      default: return []
      }
    }
  }

  @Test(arguments: zip(runs.map(\.0), runs.map(\.1.name)))
  func fastRunOnOddDataExitsCleanly(_ executable: String, _ caseName: String) throws {
    let dataCase = try #require(DataRobustnessTests.runs.first { $0.0 == executable && $0.1.name == caseName }?.1)
    let dir = try ReliabilityRunner.temporaryFolder("data")
    defer { try? FileManager.default.removeItem(at: dir) }
    try dataCase.contents().write(to: dir.appendingPathComponent(dataCase.file))
    let run = try ReliabilityRunner.run(executable, ["--fast", "--quiet", "--data", dir.path])
    let tail = run.stderr.split(separator: "\n").suffix(3).joined(separator: "\n")
    let (signalled, status) = (run.signalled, run.status)
    #expect(!signalled, "\(executable) --fast on \(caseName): killed by signal \(status)\n\(tail)")
    #expect(signalled || status == 0 || status == 1, "\(executable) --fast on \(caseName): exit \(status)\n\(tail)")
    if !run.signalled && run.status == 1 {
      #expect(run.stderr.hasPrefix("error: "), "\(executable) on \(caseName): exit 1 without an error message")
    }
  }
}
