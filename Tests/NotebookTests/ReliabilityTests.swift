import Foundation
import Testing
@testable import Datasets
@testable import Notebook

@Suite struct ReliabilityFlagTests {
  func parse(_ args: [String], env: [String: String] = [:], tty: Bool = true) throws(UsageError) -> RunOptions {
    try RunOptions.parse(args, defaultSeed: 2147483647, threads: 2, environment: env, outputIsTerminal: tty)
  }

  @Test func seedsOutsideTheRangeAreTakenModulo2to32WithANote() throws {
    let negative = try parse(["--seed", "-1"])
    #expect(negative.seed == 4294967295)
    #expect(negative.notes == ["note: seed taken modulo 2^32: -1 → 4294967295"])
    let big = try parse(["--seed", "4294967296"])
    #expect(big.seed == 0 && big.notes == ["note: seed taken modulo 2^32: 4294967296 → 0"])
    #expect(try parse(["--seed", "42"]).notes.isEmpty)
    #expect(throws: UsageError.self) { try parse(["--seed", "99999999999999999999"]) }
  }

  @Test func runDescriptionNeverCallsAShortenedRunFull() throws {
    #expect(try parse([]).runDescription == "standard run")
    #expect(try parse(["--full"]).runDescription == "full run (--full)")
    #expect(try parse(["--fast"]).runDescription == "fast run (--fast)")
    let custom = try parse(["--steps", "5", "--full"]).runDescription
    #expect(custom == "5 steps (--steps 5; other settings from --full)")
    #expect(!custom.contains("full run"))
  }

  @Test func colourOnlyOnARealColourTerminal() throws {
    #expect(try parse([], env: ["TERM": "xterm-256color"]).color)
    #expect(!(try parse([], env: ["TERM": "dumb"]).color))
    #expect(!(try parse([], env: ["NO_COLOR": "1"]).color))
    #expect(try parse([], env: ["NO_COLOR": ""]).color)  // no-color.org: only a non-empty value counts
    #expect(!(try parse([], tty: false).color))
    #expect(!Console.colorAllowed(environment: ["TERM": "dumb"], isTerminal: true))
  }

  @Test func reportWithoutAModeUsesTheCommittedPagesMode() throws {
    let plain = try parse(["--report"]).applyingCommittedReportMode(["--full"])
    let committed: RunMode = .full
    #expect(plain.mode == committed)
    #expect(try parse(["--report", "--fast"]).applyingCommittedReportMode(["--full"]).mode == .fast)
    #expect(try parse(["--report", "--steps", "9"]).applyingCommittedReportMode(["--full"]).mode == .standard)
    #expect(try parse([]).applyingCommittedReportMode(["--full"]).mode == .standard)
  }

  @Test func progressIsSilentUnderQuiet() {
    var written = ""
    var now = 0.0
    let progress = Progress("training", total: 100, isTerminal: false, quiet: true, write: { written += $0 }, clock: { now })
    for step in 1...100 { now += 0.01; progress.update(step, "loss 1") }
    progress.finish()
    #expect(written.isEmpty)
  }

  @Test func aLongRunSaysSoEarly() {
    var written = ""
    var now = 0.0
    let progress = Progress("training", total: 1_000_000_000, isTerminal: false, write: { written += $0 }, clock: { now })
    for step in stride(from: 1000, through: 5000, by: 1000) { now += 1; progress.update(step) }
    #expect(written.hasPrefix("training: this will take about "), "\(written)")
  }
}

@Suite struct AtomicReportWriterTests {
  @Test func stagesThenSwapsAndAbandonLeavesNothing() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zth-arw-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let writer = try AtomicReportWriter(directory: dir, pageName: "Lecture05-X.md", figuresName: "Lecture05")
    let (url, pagePath) = writer.figure("a.svg")
    #expect(pagePath == "figures/Lecture05/a.svg")
    try Data("new".utf8).write(to: url)
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("Lecture05-X.md").path))
    _ = try writer.commit(page: "page")
    #expect(try String(contentsOf: dir.appendingPathComponent("figures/Lecture05/a.svg"), encoding: .utf8) == "new")
    #expect(try String(contentsOf: dir.appendingPathComponent("Lecture05-X.md"), encoding: .utf8) == "page")

    let second = try AtomicReportWriter(directory: dir, pageName: "Lecture05-X.md", figuresName: "Lecture05")
    try Data("newer".utf8).write(to: second.figure("b.svg").url)
    second.abandon()
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("figures").path) == ["Lecture05"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("figures/Lecture05").path) == ["a.svg"])
  }

  @Test func unwritableLocationsAreExplained() {
    #expect(throws: ReportLocationError.self) { try AtomicReportWriter(directory: URL(fileURLWithPath: "/proc/zth"), pageName: "p.md", figuresName: "L") }
    let message = AtomicReportWriter.advice("/r", errno: EACCES)
    #expect(message == "cannot write the study page to /r: Permission denied. Make the folder writable (chmod u+w), or pass --report with a folder you can write to.")
  }
}

@Suite struct DataFileMessageTests {
  @Test func missingFileNamesEveryFolderInOrderAndTheFix() {
    let folders = DataFiles.searchFolders(dataDirectory: nil, workingDirectory: "/tmp/nc", executable: "/opt/bin/Lecture02Bigram",
                                          sourceCheckout: "/home/u/zth/Sources/Datasets/DataFiles.swift")
    #expect(folders.map(\.path) == ["/tmp/nc", "/tmp", "/", "/opt/bin", "/opt", "/home/u/zth"])
    let message = DataFiles.notFoundMessage("names.txt", folders: folders, sourceCheckout: "/home/u/zth/Sources/Datasets/DataFiles.swift")
    let lines = message.split(separator: "\n").map(String.init)
    #expect(lines.first == "names.txt not found. Folders tried, in order:")
    #expect(lines[1...6] == ["  /tmp/nc", "  /tmp", "  /", "  /opt/bin", "  /opt",
                             "  /home/u/zth   (the checkout this program was built from)"])
    #expect(lines.last?.contains("pass --data with the folder that holds names.txt") == true)
    #expect(!message.contains("more folders"))
  }

  @Test func gitAdviceOnlyForTheCheckoutsOwnFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zth-df-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("names.txt")
    try Data("\n \n".utf8).write(to: file)
    do { _ = try DataFiles.readText(at: file); Issue.record("empty file accepted") } catch {
      #expect("\(error)".contains("is empty") && !"\(error)".contains("git checkout"))
    }
    do { _ = try DataFiles.readText(at: file, fromCheckout: true); Issue.record("empty file accepted") } catch {
      #expect("\(error)".contains("git checkout -- names.txt"))
    }
    do { _ = try DataFiles.readText("names.txt", dataDirectory: dir.path); Issue.record("empty file accepted") } catch {
      #expect(!"\(error)".contains("git checkout"))
    }
  }

  @Test func shakespeareTextsAreValidatedOrWork() throws {
    #expect(throws: DataFileError.self) { try CharacterText(text: "") }
    let hundred = try CharacterText(text: String(repeating: "To be, or not to be. ", count: 5).prefix(100).description)
    #expect(CharacterText.minimumLength(blockSize: 256) == 2561)
    do { try hundred.requireTrainable(blockSize: 8); } catch { Issue.record("100 characters are enough for block 8: \(error)") }
    do { try hundred.requireTrainable(blockSize: 256); Issue.record("100 characters accepted for block 256") } catch {
      #expect("\(error)" == "tinyshakespeare.txt has 100 characters, too short for a context of 256: the 90%/10% train/validation split needs at least 2561 characters (one block plus one character in each part). Use a longer text (--data DIR).")
    }
    let greek = try CharacterText(text: "Ελληνικά — 日本語, ça va?")
    #expect(greek.decode(try greek.encode("ça va")) == "ça va")
    #expect(throws: DataFileError.self) { try greek.encode("xyz") }
  }
}
