import Curriculum
import Datasets
import Foundation
import Kernels
import Quiz
import Report

/// A lecture as an ordered list of cells, run top to bottom like the notebook it re-creates.
///
/// A lecture's `main.swift` creates one `Notebook`, declares its cells with `cell(_:_:body:)`
/// (state shared between cells lives in top-level variables) and calls `run()`, which handles
/// the common flags, runs the cells, prints a timing summary, writes the study page with
/// `--report` and asks the recall quiz with `--quiz`.
@MainActor
public final class Notebook {
  /// The lecture's metadata (title, objectives, quiz).
  public let lecture: LectureInfo
  /// The run's settings, parsed from the command line.
  public let options: RunOptions
  /// Flags this lecture adds to the common ones.
  public let extraFlags: [ExtraFlag]
  let console: Console
  private let usageError: UsageError?
  private var cells: [CellDefinition] = []
  private var reportWriter: StudyPageWriter?

  struct CellDefinition {
    let title: String
    let prose: String
    let file: String
    let line: Int
    let body: (Cell) throws -> Void
  }

  /// Creates the notebook of `lecture`, parsing `arguments` (the process's by default).
  public init(_ lecture: LectureInfo, extraFlags: [ExtraFlag] = [],
              arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
    self.lecture = lecture
    self.extraFlags = extraFlags
    let environment = ProcessInfo.processInfo.environment
    let threads = ProcessInfo.processInfo.activeProcessorCount
    do {
      options = try RunOptions.parse(arguments, defaultSeed: lecture.defaultSeed, threads: threads,
                                     extraFlags: extraFlags, environment: environment,
                                     outputIsTerminal: Console.isTerminal(1))
        .applyingCommittedReportMode(of: lecture.executable)
      usageError = nil
    } catch {
      options = RunOptions(defaultSeed: lecture.defaultSeed, threads: threads)
      usageError = error
    }
    console = Console(color: options.color)
    AllocatorTuning.keepLargeBlocksInHeap()
  }

  // MARK: - What cells read

  /// True when the lecture flag `name` (e.g. `--dot`) was given.
  public func flag(_ name: String) -> Bool { options.extraFlags.contains(name) }

  /// The lecture's main seed (its default, or `--seed`), modulo 2^32.
  public var seed: UInt64 { options.seed }

  /// The run's mode (`--fast`, standard, `--full`).
  public var mode: RunMode { options.mode }

  /// The number of steps for this run: `--steps N` if given, otherwise the mode's number.
  public func steps(standard: Int, fast: Int, full: Int) -> Int {
    if let n = options.steps { return n }
    switch options.mode {
    case .fast: return fast
    case .standard: return standard
    case .full: return full
    }
  }

  /// Picks a value by run mode (for settings other than step counts).
  public func byMode<T>(standard: T, fast: T, full: T) -> T {
    switch options.mode {
    case .fast: return fast
    case .standard: return standard
    case .full: return full
    }
  }

  /// The URL of a data file (`names.txt`), looked up as `DataFiles` describes (honours `--data`).
  public func dataFile(_ name: String) throws -> URL {
    try DataFiles.locate(name, dataDirectory: options.dataDirectory)
  }

  /// The text of a data file: readable, valid UTF-8, not empty (honours `--data`).
  public func readText(_ name: String) throws -> String {
    try DataFiles.readText(name, dataDirectory: options.dataDirectory)
  }

  // MARK: - Declaring and running cells

  /// Declares the next cell: a title, the professor's prose (Markdown), and the code.
  ///
  /// The body runs later, inside `run()`, in declaration order. Its source text (taken from this
  /// file at `line`) is what the study page shows under the prose.
  public func cell(_ title: String, _ prose: String, file: String = #filePath, line: Int = #line,
                   body: @escaping (Cell) throws -> Void) {
    cells.append(CellDefinition(title: title, prose: prose, file: file, line: line, body: body))
  }

  /// Runs the lecture and exits the process: 0 on success, 1 on a runtime failure, 2 on a usage error.
  public func run() -> Never {
    if let error = usageError {
      console.err("error: \(error.message)\nRun `\(lecture.executable) --help` for the flags.\n")
      exit(2)
    }
    if options.help { console.out(helpText()); exit(0) }
    for note in options.notes { console.err(note + "\n") }
    if options.list {
      for (i, cell) in cells.enumerated() { console.out("\(i + 1). \(cell.title)\n") }
      exit(0)
    }
    if options.writeReport {
      do {
        reportWriter = try StudyPageWriter(lecture: lecture, options: options, sourceFile: cells.first?.file)
      } catch {
        console.err("error: \(error)\n")
        exit(1)
      }
    }
    printHeader()
    var timings: [(String, Double)] = []
    var records: [CellRecord] = []
    let status: Int32 = Parallelism.$threadCount.withValue(options.threads) {
      for (index, definition) in cells.enumerated() {
        let cell = Cell(number: index + 1, title: definition.title, options: options, console: console,
                        figureSink: { [reportWriter] figure, name in reportWriter?.writeFigure(figure, name: name) })
        printCellHeading(cell.number, definition)
        let start = DispatchTime.now().uptimeNanoseconds
        do {
          try definition.body(cell)
        } catch {
          console.out("\n")
          console.err(console.styled("error", .bad) + ": \(error)\n"
                      + "(in cell \(cell.number), \"\(definition.title)\")\n")
          return 1
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        timings.append((definition.title, seconds))
        records.append(CellRecord(definition: definition, blocks: cell.blocks, results: cell.results))
        console.out("\n")
      }
      return 0
    }
    if status != 0 { reportWriter?.atomic.abandon(); exit(status) }
    printSummary(timings)
    if let writer = reportWriter {
      do {
        let path = try writer.writePage(records)
        console.out("Study page written to \(path)\n")
      } catch {
        writer.atomic.abandon()
        console.err("error: could not write the study page: \(error)\n")
        exit(1)
      }
    }
    if options.quiz { runQuiz() }
    exit(0)
  }

  // MARK: - Terminal output

  func helpText() -> String {
    var s = "\(lecture.executable): Lecture \(lecture.number), \(lecture.title)\n"
    if !lecture.summary.isEmpty { s += TextLayout.wrapProse(lecture.summary) + "\n" }
    s += "\nusage: swift run \(lecture.executable) [flags]\n\nflags:\n"
    let all = RunOptions.flagHelp + extraFlags.map { ($0.name, $0.help) }
    let width = all.map { $0.0.count }.max() ?? 0
    for (flag, help) in all { s += "  \(TextLayout.pad(flag, width))  \(help)\n" }
    s += "\nThe default seed is \(lecture.defaultSeed). Exit status: 0 ok, 1 runtime failure, 2 usage error.\n"
    s += "\ncells:\n"
    for (i, cell) in cells.enumerated() { s += "  \(i + 1). \(cell.title)\n" }
    return s
  }

  private func printHeader() {
    guard options.verbosity >= .normal else { return }
    let title = "Lecture \(lecture.number): \(lecture.title)"
    console.out(console.styled(title, .heading) + "\n")
    var facts = [options.runDescription, "seed \(options.seed)", "\(options.threads) thread\(options.threads == 1 ? "" : "s")"]
    if options.writeReport { facts.append("writing the study page") }
    console.out(console.styled(facts.joined(separator: " · "), .dim) + "\n\n")
  }

  var modeName: String {
    switch options.mode {
    case .fast: return "fast (--fast)"
    case .standard: return "standard"
    case .full: return "full (--full)"
    }
  }

  private func printCellHeading(_ number: Int, _ definition: CellDefinition) {
    let heading = "── \(number). \(definition.title) "
    let rule = String(repeating: "─", count: max(4, 88 - TextLayout.width(heading)))
    console.out(console.styled(heading + rule, .heading) + "\n")
    guard options.verbosity >= .normal, !definition.prose.isEmpty else { return }
    console.out(TextLayout.wrapProse(TextLayout.terminalProse(definition.prose)) + "\n\n")
  }

  private func printSummary(_ timings: [(String, Double)]) {
    let total = timings.reduce(0) { $0 + $1.1 }
    if options.verbosity == .quiet {
      console.out(console.styled(String(format: "Done in %.2f s.", total), .dim) + "\n")
      return
    }
    console.out(console.styled("── Cell timings " + String(repeating: "─", count: 72), .heading) + "\n")
    let rows = timings.enumerated().map { i, t in ["\(i + 1)", t.0, String(format: "%.3f s", t.1)] }
    console.out(TextLayout.table(["#", "cell", "wall time"], rows + [["", "total", String(format: "%.3f s", total)]]) + "\n")
  }

  private func runQuiz() {
    let progress = QuizProgress(warn: { [console] in console.err($0 + "\n") })
    progress.sayAnswersAreKeptOnInterrupt()
    let session = QuizSession(onAnswer: progress.record, color: console.color)
    _ = session.run(lecture.questions, title: "Recall quiz, Lecture \(lecture.number)")
  }
}

/// What one cell produced, kept for the study page.
struct CellRecord {
  let definition: Notebook.CellDefinition
  let blocks: [CellBlock]
  let results: [(String, String)]
}
