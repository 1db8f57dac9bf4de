import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Every lecture's `--fast --quiet` output, compared line by line with the committed file
/// `Tests/Snapshots/<executable>.txt`. Lines marked ⏱ (timings) are left out: everything else a
/// lecture prints is computed by the run and must not change unless the lecture changes.
///
/// After an intended change, regenerate the files and review the diff:
///
///     UPDATE_SNAPSHOTS=1 swift test --filter SnapshotTests
@Suite(.serialized) struct SnapshotTests {
  static let folder = Fixtures.packageRoot.appendingPathComponent("Tests/Snapshots")

  /// The output as compared: without ⏱ lines and trailing spaces.
  static func comparable(_ output: String) -> String {
    output.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.contains(Cell.timingMark) }
      .map { String($0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
      .joined(separator: "\n")
  }

  @Test(arguments: Curriculum.lectures.map(\.executable))
  func fastQuietOutputMatchesTheSnapshot(_ executable: String) throws {
    let run = try LectureRunner.run(executable, ["--fast", "--quiet", "--no-color"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let output = Self.comparable(run.stdout)
    let file = Self.folder.appendingPathComponent("\(executable).txt")
    if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
      try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
      try Data(output.utf8).write(to: file, options: .atomic)
      return
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    if output == expected { return }
    let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let b = output.split(separator: "\n", omittingEmptySubsequences: false)
    let first = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    Issue.record("""
      \(executable) --fast --quiet differs from Tests/Snapshots/\(executable).txt at line \(first + 1):
        expected: \(first < a.count ? String(a[first]) : "(end of file)")
        got:      \(first < b.count ? String(b[first]) : "(end of output)")
      (regenerate with UPDATE_SNAPSHOTS=1 swift test --filter SnapshotTests after an intended change)
      """)
  }
}
