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
    let process = Process()
    process.executableURL = LectureRunner.productsFolder.appendingPathComponent(executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (k, v) in environment { env[k] = v }
    process.environment = env
    process.currentDirectoryURL = workingDirectory ?? Fixtures.packageRoot
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Ending(signalled: process.terminationReason == .uncaughtSignal, status: process.terminationStatus,
                  stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
  }

  /// A fresh temporary folder.
  static func temporaryFolder(_ tag: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zth-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.resolvingSymlinksInPath()
  }
}
