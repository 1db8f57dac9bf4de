import Foundation
import Testing
import TestSupport
import ZeroToHero

/// A learner's own names file either works or stops with exit status 1 and a message saying
/// what is missing: never a crash. Small odd files only (the lectures' `--fast` run on each);
/// `grep -v q names.txt` and `head -N` are covered by the reliability property test.
@Suite(.serialized) struct OwnNamesFilesTests {
  static let files: [(String, String)] = [
    ("one name", "emma\n"),
    ("five names", "emma\nolivia\nava\nisabella\nsophia\n"),
    ("ten names", "emma\nolivia\nava\nisabella\nsophia\ncharlotte\nmia\namelia\nharper\nevelyn\n"),
    ("two names with every letter", "abcdefghijklm\nnopqrstuvwxyz\n"),
    ("a name of 1,000 letters", String(repeating: "ab", count: 500) + "\nemma\n"),
    ("non-ASCII letters", "zoë\nchloé\nbjörn\nåsa\nçelik\nnoël\nrenée\nmaría\njosé\nmüller\nzoë\nléa\n"),
  ]

  @Test(arguments: ["Lecture02Bigram", "Lecture03MLP"])
  func oddFilesExitCleanly(_ executable: String) throws {
    for (label, text) in Self.files {
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: folder) }
      try text.write(to: folder.appendingPathComponent("names.txt"), atomically: true, encoding: .utf8)
      let run = try LectureRunner.run(executable, ["--fast", "--quiet", "--data", folder.path])
      #expect(run.status == 0 || run.status == 1, "\(executable) on \(label): status \(run.status)\n\(run.stderr.suffix(600))")
      #expect(!run.stderr.contains("Fatal error"), "\(executable) on \(label): \(run.stderr.suffix(600))")
      if run.status == 1 { #expect(run.stderr.contains("names.txt"), "\(executable) on \(label): \(run.stderr)") }
    }
  }
}
