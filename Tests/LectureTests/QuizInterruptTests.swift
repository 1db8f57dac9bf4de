import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Ctrl-C in the middle of a quiz keeps every answer already given: the state file holds it,
/// and the quiz says so on its way out (exit 130).
@Suite(.serialized) struct QuizInterruptTests {
  @Test func ctrlCKeepsTheAnswersGiven() throws {
    let dir = try ReliabilityRunner.temporaryFolder("quiz")
    defer { try? FileManager.default.removeItem(at: dir) }
    let state = dir.appendingPathComponent("state.json")
    let process = Process()
    process.executableURL = LectureRunner.productsFolder.appendingPathComponent("Workbook")
    process.arguments = ["quiz", "--all"]
    var env = ProcessInfo.processInfo.environment
    env["ZERO_TO_HERO_STATE"] = state.path
    env["NO_COLOR"] = "1"
    process.environment = env
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    input.fileHandleForWriting.write(Data("1\n".utf8))  // a valid answer to any first question
    var saved = false
    for _ in 0..<2500 where process.isRunning {
      if FileManager.default.fileExists(atPath: state.path) { saved = true; break }
      usleep(2_000)
    }
    #expect(saved, "no state file after the first answer")
    kill(process.processIdentifier, SIGINT)
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationReason == .exit && process.terminationStatus == 130)
    #expect(text.contains("Quiz stopped. Every answer you gave is saved in \(state.path)."))
    let schedule = ReviewSchedule.load(from: state, warn: { Issue.record("state unreadable: \($0)") })
    #expect(schedule.cards.count == 1)
  }
}
