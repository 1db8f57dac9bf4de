import Foundation
import Testing
import TestSupport
import ZeroToHero

/// `Workbook report`: the index gets one row per lecture with the headline numbers of its page.
@Suite(.serialized) struct WorkbookReportTests {
  @Test func indexHasOneRowPerLectureWithHeadlineNumbers() throws {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("zth-index-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: root) }
    try fm.createDirectory(at: root.appendingPathComponent("Reports"), withIntermediateDirectories: true)
    try Data().write(to: root.appendingPathComponent("Package.swift"))
    let first = Curriculum.lectures[0]
    try "# x\n\n## Key results\n\n**In brief:** o = 0.7071 · moons accuracy = 100%\n\n| result | value |\n"
      .write(to: root.appendingPathComponent("Reports/\(first.reportFileName)"), atomically: true, encoding: .utf8)
    let run = try LectureRunner.run("Workbook", ["report", "--index"], workingDirectory: root)
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let index = try String(contentsOf: root.appendingPathComponent("Reports/README.md"), encoding: .utf8)
    #expect(index.contains("[\(first.title)](\(first.reportFileName))"))
    #expect(index.contains("| o = 0.7071<br>moons accuracy = 100% |"))
    let rows = index.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| #") && !$0.contains("---") }
    #expect(rows.count == Curriculum.lectures.count)
    #expect(index.components(separatedBy: "not generated yet").count - 1 == Curriculum.lectures.count - 1)
  }

  /// `report --check` regenerates lecture 1's page with its committed settings and compares it with
  /// a copy of the committed page and figures: equal → exit 0; an edited page or a stray figure →
  /// exit 1, naming the file.
  @Test func checkFindsStalePagesAndFigures() throws {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("zth-check-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: root) }
    let lecture = Curriculum.lectures[0]
    let reports = root.appendingPathComponent("Reports")
    try fm.createDirectory(at: reports.appendingPathComponent("figures"), withIntermediateDirectories: true)
    try Data().write(to: root.appendingPathComponent("Package.swift"))
    let committed = Fixtures.packageRoot.appendingPathComponent("Reports")
    try fm.copyItem(at: committed.appendingPathComponent(lecture.reportFileName), to: reports.appendingPathComponent(lecture.reportFileName))
    let figures = "figures/Lecture\(lecture.paddedNumber)"
    try fm.copyItem(at: committed.appendingPathComponent(figures), to: reports.appendingPathComponent(figures))
    let fresh = try LectureRunner.run("Workbook", ["report", "--check", lecture.executable], workingDirectory: root)
    #expect(fresh.status == 0, "the committed page of \(lecture.executable) is out of date: \(fresh.stdout)")
    try Data().write(to: reports.appendingPathComponent("\(figures)/stray.svg"))
    let page = reports.appendingPathComponent(lecture.reportFileName)
    try (String(contentsOf: page, encoding: .utf8) + "edited\n").write(to: page, atomically: true, encoding: .utf8)
    let stale = try LectureRunner.run("Workbook", ["report", "--check", lecture.executable], workingDirectory: root)
    #expect(stale.status == 1)
    #expect(stale.stdout.contains("  \(lecture.reportFileName)\n"))
    #expect(stale.stdout.contains("\(figures)/stray.svg (no longer generated)"))
  }

  @Test func checkTakesTheCommittedSettingsOnly() throws {
    #expect(try LectureRunner.run("Workbook", ["report", "--check", "--fast"]).status == 2)
    #expect(try LectureRunner.run("Workbook", ["report", "--bogus"]).status == 2)
  }
}
