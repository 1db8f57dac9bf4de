import Foundation
import Testing
import TestSupport
import ZeroToHero

/// The README's "Reliability" table, kept true: each bad input is run against the built
/// binaries, and its exit status and the first line of its message must be what the table says.
/// `DIR` stands for a temporary folder prepared for the case.
@Suite(.serialized) struct BadInputTests {
  struct Case: Sendable, CustomTestStringConvertible {
    /// What was wrong, as the README's first column says it.
    let input: String
    /// The command as shown (executable first; `DIR` is the case's temporary folder).
    let command: String
    let status: Int32
    let firstLine: String
    /// Prepares `DIR`.
    var setup: @Sendable (URL) throws -> Void = { _ in }
    var testDescription: String { "\(input): \(command)" }
  }

  static let cases: [Case] = [
    Case(input: "unknown flag", command: "Lecture01Micrograd --bogus", status: 2,
         firstLine: "error: unknown flag '--bogus'"),
    Case(input: "seed that is not a number", command: "Lecture01Micrograd --seed twelve", status: 2,
         firstLine: "error: --seed needs a whole number, got 'twelve'"),
    Case(input: "seed beyond 64 bits", command: "Lecture01Micrograd --seed 99999999999999999999", status: 2,
         firstLine: "error: --seed must lie between -2^63 and 2^64 - 1 (it is then taken modulo 2^32), got '99999999999999999999'"),
    Case(input: "negative seed", command: "Lecture01Micrograd --seed -1 --list", status: 0,
         firstLine: "note: seed taken modulo 2^32: -1 → 4294967295"),
    Case(input: "seed of 2^32", command: "Lecture01Micrograd --seed 4294967296 --list", status: 0,
         firstLine: "note: seed taken modulo 2^32: 4294967296 → 0"),
    Case(input: "zero steps", command: "Lecture01Micrograd --steps 0", status: 2,
         firstLine: "error: --steps needs a positive whole number, got '0'"),
    Case(input: "zero threads", command: "Lecture01Micrograd --threads 0", status: 2,
         firstLine: "error: --threads needs a positive whole number, got '0'"),
    Case(input: "two run modes", command: "Lecture01Micrograd --fast --full", status: 2,
         firstLine: "error: --fast and --full cannot be used together"),
    Case(input: "a stray argument", command: "Lecture01Micrograd names.txt", status: 2,
         firstLine: "error: unexpected argument 'names.txt' (lectures take only flags)"),
    Case(input: "report into /proc", command: "Lecture01Micrograd --fast --report /proc/x", status: 1,
         firstLine: "error: cannot write the study page to /proc/x: could not create the folder /proc/x (No such file or directory). Pass --report with a folder you can write to (it is created if missing)."),
    Case(input: "report path is a file", command: "Lecture01Micrograd --fast --report DIR/notes.txt", status: 1,
         firstLine: "error: cannot write the study page to DIR/notes.txt: DIR/notes.txt is a file, not a folder. Pass --report with a folder (it is created if missing), or --report alone for Reports/ in the checkout.",
         setup: { try Data("x".utf8).write(to: $0.appendingPathComponent("notes.txt")) }),
    Case(input: "no names.txt in the --data folder", command: "Lecture02Bigram --fast --data DIR", status: 1,
         firstLine: "error: names.txt not found at DIR/names.txt: pass --data with the folder that holds names.txt (the repository root has it)"),
    Case(input: "empty names.txt", command: "Lecture02Bigram --fast --data DIR", status: 1,
         firstLine: "error: DIR/names.txt is empty: put text in it (save it as UTF-8), or point --data at another folder",
         setup: { try Data().write(to: $0.appendingPathComponent("names.txt")) }),
    Case(input: "names.txt not UTF-8", command: "Lecture03MLP --fast --data DIR", status: 1,
         firstLine: "error: DIR/names.txt is not valid UTF-8 text: put text in it (save it as UTF-8), or point --data at another folder",
         setup: { try Data([0x65, 0x6D, 0xFF, 0xFE, 0x0A]).write(to: $0.appendingPathComponent("names.txt")) }),
    Case(input: "Workbook without a command", command: "Workbook", status: 2,
         firstLine: "error: Workbook needs a command"),
    Case(input: "unknown Workbook command", command: "Workbook frobnicate", status: 2,
         firstLine: "error: unknown command 'frobnicate'"),
    Case(input: "quiz for a lecture that does not exist", command: "Workbook quiz 99", status: 2,
         firstLine: "error: no lecture named '99'"),
  ]

  @Test(arguments: cases)
  func badInputEndsAsTheReadmeSays(_ testCase: Case) throws {
    let dir = try ReliabilityRunner.temporaryFolder("bad")
    defer { try? FileManager.default.removeItem(at: dir) }
    try testCase.setup(dir)
    let words = testCase.command.split(separator: " ").map { $0.replacingOccurrences(of: "DIR", with: dir.path) }
    let run = try ReliabilityRunner.run(words[0], Array(words.dropFirst()))
    #expect(!run.signalled, "\(testCase.command) was killed by signal \(run.status)")
    #expect(run.status == testCase.status, "\(testCase.command): exit \(run.status)\n\(run.stderr)")
    let shown = run.firstLine.replacingOccurrences(of: dir.path, with: "DIR")
    #expect(shown == testCase.firstLine)
    if run.status != 0 { #expect(!run.stderr.contains("NSCocoaErrorDomain") && !run.stderr.contains("Error Domain")) }
    let readme = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let row = BadInputTests.readmeRow(testCase)
    #expect(readme.contains(row), "README.md's Reliability table lacks the row\n\(row)")
  }

  /// The README row of a case.
  static func readmeRow(_ c: Case) -> String {
    "| \(c.input) | \(Markdown.inlineCode(c.command)) | \(c.status) | \(Markdown.inlineCode(c.firstLine)) |"
  }

  /// The table as the README should hold it (printed by the test when a row is missing).
  @Test func readmeTableListsEveryCase() throws {
    let readme = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let missing = BadInputTests.cases.map(BadInputTests.readmeRow).filter { !readme.contains($0) }
    let rows = missing.joined(separator: "\n")
    #expect(missing.isEmpty, "rows missing from README.md:\n\(rows)")
  }

  /// `--quiet` prints results only: no progress lines on standard error.
  @Test func quietPrintsNoProgress() throws {
    let run = try ReliabilityRunner.run("Lecture03MLP", ["--fast", "--quiet"])
    #expect(run.status == 0)
    #expect(run.stderr.isEmpty, "stderr under --quiet:\n\(run.stderr.prefix(400))")
  }

  /// Without a terminal, or with `TERM=dumb`, nothing prints escape codes.
  @Test func noEscapeCodesWithoutColour() throws {
    let run = try ReliabilityRunner.run("Lecture01Micrograd", ["--fast"], environment: ["NO_COLOR": "", "TERM": "dumb"])
    #expect(run.status == 0)
    #expect(!run.stdout.contains("\u{1B}["))
  }
}
