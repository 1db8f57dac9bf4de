import Foundation
import Testing
import TestSupport
import ZeroToHero

/// A run stopped while it writes its study page changes nothing: the page and figures folder
/// committed before are byte for byte as they were, and no staging folder is left behind.
@Suite(.serialized) struct AtomicReportTests {
  /// Every file under `root` with its contents.
  static func snapshot(_ root: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for path in try FileManager.default.subpathsOfDirectory(atPath: root.path) {
      var isDirectory: ObjCBool = false
      let url = root.appendingPathComponent(path)
      _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
      files[path] = isDirectory.boolValue ? Data("<folder>".utf8) : try Data(contentsOf: url)
    }
    return files
  }

  @Test(arguments: [SIGTERM, SIGINT])
  func killedMidWriteLeavesTheTreeAsItWas(_ signalNumber: Int32) throws {
    let dir = try ReliabilityRunner.temporaryFolder("atomic")
    defer { try? FileManager.default.removeItem(at: dir) }
    // A committed page from an earlier run (another seed, so its figures differ).
    let first = try ReliabilityRunner.run("Lecture03MLP", ["--fast", "--quiet", "--seed", "7", "--report", dir.path])
    #expect(first.status == 0, "\(first.stderr)")
    let before = try AtomicReportTests.snapshot(dir)
    #expect(before.keys.contains("Lecture03-MLP.md") && before.keys.contains { $0.hasPrefix("figures/Lecture03/") })

    // The same lecture again, stopped as soon as it has written a figure of its own.
    let process = Process()
    process.executableURL = LectureRunner.productsFolder.appendingPathComponent("Lecture03MLP")
    process.arguments = ["--fast", "--quiet", "--report", dir.path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let figures = dir.appendingPathComponent("figures")
    var stopped = false
    for _ in 0..<3000 where process.isRunning {
      let staging = (try? FileManager.default.contentsOfDirectory(atPath: figures.path))?.first { $0.hasPrefix(".Lecture03.new-") }
      if let staging, let inside = try? FileManager.default.contentsOfDirectory(atPath: figures.appendingPathComponent(staging).path),
         inside.contains(where: { $0.hasSuffix(".svg") }) {
        kill(process.processIdentifier, signalNumber)
        stopped = true
        break
      }
      usleep(2_000)
    }
    process.waitUntilExit()
    #expect(stopped, "the run finished before it wrote a figure")
    #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signalNumber,
            "ended by \(process.terminationReason == .exit ? "exit" : "signal") \(process.terminationStatus)")
    let after = try AtomicReportTests.snapshot(dir)
    #expect(after.keys.sorted() == before.keys.sorted(), "files changed: \(Set(after.keys).symmetricDifference(before.keys).sorted())")
    for (path, data) in before { #expect(after[path] == data, "\(path) changed") }
  }

  /// A finished run replaces the page and the whole figures folder: no figure of an older run
  /// survives beside the new page.
  @Test func aFinishedRunReplacesPageAndFigures() throws {
    let dir = try ReliabilityRunner.temporaryFolder("atomic")
    defer { try? FileManager.default.removeItem(at: dir) }
    let folder = dir.appendingPathComponent("figures/Lecture01")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data("old".utf8).write(to: folder.appendingPathComponent("from-an-old-run.svg"))
    try Data("old".utf8).write(to: dir.appendingPathComponent("figures/Lecture01-tanh.svg"))  // the flat layout
    let run = try ReliabilityRunner.run("Lecture01Micrograd", ["--fast", "--quiet", "--report", dir.path])
    #expect(run.status == 0)
    let files = try FileManager.default.subpathsOfDirectory(atPath: dir.path).sorted()
    #expect(!files.contains("figures/Lecture01/from-an-old-run.svg"))
    #expect(!files.contains("figures/Lecture01-tanh.svg"))
    #expect(files.contains("figures/Lecture01/tanh.svg"))
    #expect(!files.contains { $0.contains(".new-") || $0.contains(".old-") || $0.contains(".tmp-") })
    let page = try String(contentsOf: dir.appendingPathComponent("Lecture01-Micrograd.md"), encoding: .utf8)
    #expect(page.contains("](figures/Lecture01/tanh.svg)"))
  }
}
