import Foundation

/// Runs a built executable of this package (a lecture, `Workbook`) the way a learner would, and
/// captures what it prints.
public enum LectureRunner {
  /// What a run printed and how it ended.
  public struct Output: Sendable {
    /// Whether the run ended by a signal (a crash: SIGILL from a failed check, SIGSEGV, …) rather
    /// than by `exit`; `status` is then the signal's number.
    public let signalled: Bool
    public let status: Int32
    public let stdout: String
    public let stderr: String
  }

  /// The folder holding the built products (next to the test bundle: `.build/debug`).
  public static var productsFolder: URL {
    #if os(macOS)
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      return bundle.bundleURL.deletingLastPathComponent()
    }
    #endif
    return Bundle.main.bundleURL
  }

  /// Runs `executable` with `arguments` (and `input` on standard input), waiting for it to end.
  public static func run(_ executable: String, _ arguments: [String], input: String = "",
                         environment: [String: String] = [:], workingDirectory: URL? = nil) throws -> Output {
    let process = Process()
    process.executableURL = productsFolder.appendingPathComponent(executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (k, v) in environment { env[k] = v }
    process.environment = env
    process.currentDirectoryURL = workingDirectory ?? Fixtures.packageRoot
    let out = Pipe(), err = Pipe(), inp = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inp
    try process.run()
    inp.fileHandleForWriting.write(Data(input.utf8))
    try inp.fileHandleForWriting.close()
    // Read both pipes concurrently with the process so a large output cannot block it.
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
    return Output(signalled: process.terminationReason == .uncaughtSignal, status: process.terminationStatus,
                  stdout: String(decoding: outData, as: UTF8.self),
                  stderr: String(decoding: errData, as: UTF8.self))
  }
}
