import Foundation
import TestSupport

/// Runs a built executable and says how it ended — by `exit` (with its status) or by a signal —
/// for the reliability tests, which must tell a clean exit 1 from a crash.
enum ReliabilityRunner {
  struct Ending {
    let signalled: Bool
    let status: Int32
    let stdout: String
    let stderr: String
    /// The first line of standard error, or of standard output when nothing went to standard error.
    var firstLine: String {
      let text = stderr.isEmpty ? stdout : stderr
      return String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }
  }

  static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                  workingDirectory: URL? = nil) throws -> Ending {
    let run = try LectureRunner.run(executable, arguments, environment: environment, workingDirectory: workingDirectory)
    return Ending(signalled: run.signalled, status: run.status, stdout: run.stdout, stderr: run.stderr)
  }

  /// A fresh temporary folder.
  static func temporaryFolder(_ tag: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zth-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.resolvingSymlinksInPath()
  }
}
