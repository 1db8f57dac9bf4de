import Foundation
import Quiz
import Report

/// A lecture as an ordered list of cells, run top to bottom like the notebook it re-creates.
///
/// A lecture's `main.swift` creates one `Notebook`, declares its knobs (`knob`) and its cells
/// (`cell`), and calls `run()`, which handles the common flags, runs the cells, prints a timing
/// summary, writes the study page with `--report` and asks the recall quiz with `--quiz`.
/// A cell that produces something later cells need returns it; `cell` hands back a `Shared`
/// whose `value` later cells read (no top-level variables with dummy values).
@MainActor
public final class Notebook {
  /// The lecture's metadata (title, objectives, quiz, code behind, next lecture).
  public let lecture: LectureInfo
  /// The run's settings, parsed from the command line.
  public let options: RunOptions
  /// `--pause`, `--cell N`, `--set`.
  public let controls: RunControls
  /// Flags this lecture adds to the common ones.
  public let extraFlags: [ExtraFlag]
  let engine: EngineHooks
  let console: Console
  private let usageError: UsageError?
  private var knobs: KnobBoard
  private var cells: [CellDefinition] = []
  private var reportWriter: StudyPageWriter?

  struct CellDefinition {
    let title: String
    let prose: String
    let file: String
    let line: Int
    /// True for `exercise` cells: the page folds their code and output as the solution.
    var isExercise = false
    let body: (Cell) throws -> Void
  }

  /// Creates the notebook of `lecture`, parsing `arguments` (the process's by default).
  /// Lectures call `Notebook(.micrograd)`, which passes the standard engine hooks.
  public init(_ lecture: LectureInfo, engine: EngineHooks, extraFlags: [ExtraFlag] = [],
              arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
    self.lecture = lecture
    self.extraFlags = extraFlags
    self.engine = engine
    let environment = ProcessInfo.processInfo.environment
    let threads = ProcessInfo.processInfo.activeProcessorCount
    var controls = RunControls()
    do {
      let (extracted, rest) = try RunControls.extract(from: arguments)
      controls = extracted
      options = try RunOptions.parse(rest, defaultSeed: lecture.defaultSeed, threads: threads,
                                     extraFlags: extraFlags, environment: environment,
                                     outputIsTerminal: Console.isTerminal(1))
        .applyingCommittedReportMode(lecture.reportArguments)
      usageError = nil
    } catch {
      options = RunOptions(defaultSeed: lecture.defaultSeed, threads: threads)
      usageError = error
    }
    self.controls = controls
    knobs = KnobBoard(settings: controls.settings)
    console = Console(color: options.color)
    engine.prepare()
  }

  // MARK: - What cells read

  /// True when the lecture flag `name` (e.g. `--dot`) was given.
  public func flag(_ name: String) -> Bool { options.extraFlags.contains(name) }

  /// The lecture's main seed (its default, or `--seed`), modulo 2^32.
  public var seed: UInt64 { options.seed }

  /// The run's mode (`--fast`, standard, `--full`).
  public var mode: RunMode { options.mode }

  /// True when this run uses the lecture's seed and every knob at the lecture's value, so that
  /// numbers recorded from the notebook (or PyTorch) apply to it. `Cell.compare` checks this.
  public var usesLectureSettings: Bool {
    options.seed == lecture.defaultSeed & 0xFFFF_FFFF && knobs.changed.isEmpty
  }

  /// The number of steps for this run: `--steps N` if given, otherwise the mode's number.
  public func steps(standard: Int, fast: Int, full: Int) -> Int {
    if let n = options.steps { return n }
    return byMode(standard: standard, fast: fast, full: full)
  }

  /// Picks a value by run mode (for settings other than step counts).
  public func byMode<T>(standard: T, fast: T, full: T) -> T {
    switch options.mode {
    case .fast: return fast
    case .standard: return standard
    case .full: return full
    }
  }

  /// The URL of a data file (`names.txt`), found by the engine's data lookup (honours `--data`).
  public func dataFile(_ name: String) throws -> URL {
    try engine.locateData(name, options.dataDirectory)
  }

  /// The text of a data file: readable, valid UTF-8, not empty (honours `--data`).
  public func readText(_ name: String) throws -> String {
    try engine.readData(name, options.dataDirectory)
  }

  // MARK: - Knobs

  /// Declares a knob: a setting a learner may change with `--set name=value` without editing
  /// code. Returns the value for this run (the lecture's unless `--set` changed it).
  ///
  ///     let hidden = nb.knob("hidden", 200, "hidden units of the MLP", in: 1...4096)
  ///
  /// A value outside `range` or of the wrong kind is a usage error (exit 2). A knob named
  /// `steps` also takes `--steps N`.
  public func knob<T: KnobValue & Comparable>(_ name: String, _ lectureValue: T, _ help: String,
                                              in range: ClosedRange<T>? = nil) -> T {
    knobs.declare(name, lecture: lectureValue, help: help, allowed: range, override: stepsOverride(name))
  }

  /// Declares a knob whose lecture value depends on the run mode (steps, evaluation sizes).
  public func knob<T: KnobValue & Comparable>(_ name: String, standard: T, fast: T, full: T, _ help: String,
                                              in range: ClosedRange<T>? = nil) -> T {
    knob(name, byMode(standard: standard, fast: fast, full: full), help, in: range)
  }

  /// Declares an on/off knob (`--set dot=true`).
  public func knob(_ name: String, _ lectureValue: Bool, _ help: String) -> Bool {
    knobs.declare(name, lecture: lectureValue, help: help, choices: nil)
  }

  /// Declares a knob that takes one of a few words (`--set init=kaiming`).
  public func knob(_ name: String, _ lectureValue: String, _ help: String, oneOf choices: [String]) -> String {
    knobs.declare(name, lecture: lectureValue, help: help, choices: choices)
  }

  private func stepsOverride<T>(_ name: String) -> T? {
    name == "steps" ? options.steps as? T : nil
  }

  /// Every knob declared so far, with this run's values.
  public var knobList: [KnobInfo] { knobs.declared }

  // MARK: - Declaring and running cells

  /// Declares the next cell: a title, the professor's prose (Markdown), and the code.
  ///
  /// The body runs later, inside `run()`, in declaration order. Its source text (taken from this
  /// file at `line`) is what the study page shows under the prose. What the body returns is
  /// kept in the returned `Shared`, for later cells:
  ///
  ///     let moons = nb.cell("Data", "…") { c in
  ///       TwoMoons(count: 100, noise: 0.1, rng: &rng)
  ///     }
  ///     nb.cell("Training", "…") { c in
  ///       let data = moons.value
  ///     }
  @discardableResult
  public func cell<T>(_ title: String, _ prose: String, file: String = #filePath, line: Int = #line,
                      body: @escaping (Cell) throws -> T) -> Shared<T> {
    let shared = Shared<T>(cell: cells.count + 1, title: title)
    cells.append(CellDefinition(title: title, prose: prose, file: file, line: line) { cell in
      shared.store(try body(cell))
    })
    return shared
  }

  /// Declares an exercise: a task (Markdown) and a cell that solves it. The page shows the task
  /// and folds the solution (its code and what it printed) under "Solution"; the terminal
  /// prints the task, then the solution (with `--pause`, after Enter). Solutions are computed by
  /// the run, like every other cell; use knobs where the exercise is about changing a setting.
  @discardableResult
  public func exercise<T>(_ title: String, _ task: String, file: String = #filePath, line: Int = #line,
                          body: @escaping (Cell) throws -> T) -> Shared<T> {
    let shared = cell("Exercise: " + title, task, file: file, line: line, body: body)
    cells[cells.count - 1].isExercise = true
    return shared
  }

  /// Runs the lecture and exits the process: 0 on success, 1 on a runtime failure, 2 on a usage error.
  public func run() -> Never {
    if let error = usageError ?? knobs.usageError ?? controlsError() {
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
        reportWriter = try StudyPageWriter(lecture: lecture, options: options, knobs: knobs.declared,
                                           sourceFile: cells.first?.file)
      } catch {
        console.err("error: \(error)\n")
        exit(1)
      }
    }
    let last = controls.cell ?? cells.count
    if controls.cell == nil { printHeader() }
    var timings: [(String, Double)] = []
    var records: [CellRecord] = []
    var status: Int32 = 0
    var pauser = controls.pause ? Pauser(console: console) : nil
    engine.withThreads(options.threads) {
      for (index, definition) in cells.prefix(last).enumerated() {
        let silent = index + 1 < last && controls.cell != nil
        if index + 1 == last && controls.cell != nil { printHeader() }
        let cell = Cell(number: index + 1, title: definition.title, options: options, console: console,
                        silent: silent, pauser: pauser, usesLectureSettings: usesLectureSettings,
                        lectureSeed: lecture.defaultSeed & 0xFFFF_FFFF,
                        figureSink: { [reportWriter] figure, name in reportWriter?.writeFigure(figure, name: name) })
        if silent {
          if index == 0 { console.err(console.styled("running cells 1–\(last - 1) quietly …", .dim) + "\n") }
        } else {
          printCellHeading(cell.number, definition)
          if definition.isExercise && options.verbosity >= .normal {
            if let pauser, !pauser.stopped { pauser.wait("── Enter: show the solution ── ") }
            console.out(console.styled("Solution (computed by this run):", .bold) + "\n")
          }
        }
        let start = DispatchTime.now().uptimeNanoseconds
        do {
          try definition.body(cell)
          cell.finishOpenProgress()
        } catch {
          console.out("\n")
          console.err(console.styled("error", .bad) + ": \(error)\n"
                      + "(in cell \(cell.number), \"\(definition.title)\")\n")
          status = 1
          return
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        timings.append((definition.title, seconds))
        records.append(CellRecord(definition: definition, blocks: cell.blocks, results: cell.results))
        if !silent { console.out("\n") }
        if !silent && index + 1 < last { pauser?.waitForNextCell() }
        if pauser?.stopped == true { pauser = nil }
      }
    }
    if status != 0 { reportWriter?.atomic.abandon(); exit(status) }
    if controls.cell == nil { printSummary(timings) }
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

  private func controlsError() -> UsageError? {
    if let n = controls.cell {
      if n > cells.count { return UsageError("--cell \(n): this lecture has \(cells.count) cells (--list shows them)") }
      if options.writeReport { return UsageError("--cell and --report cannot be used together (a page needs every cell)") }
    }
    return nil
  }

  // MARK: - Terminal output

  func helpText() -> String {
    var s = "\(lecture.executable): Lecture \(lecture.number), \(lecture.title)\n"
    if !lecture.summary.isEmpty { s += TextLayout.wrapProse(lecture.summary) + "\n" }
    s += "\nusage: swift run \(lecture.executable) [flags]\n\nflags:\n"
    let all = RunOptions.flagHelp + RunControls.flagHelp + extraFlags.map { ($0.name, $0.help) }
    let width = all.map { $0.0.count }.max() ?? 0
    for (flag, help) in all { s += "  \(TextLayout.pad(flag, width))  \(help)\n" }
    if knobs.declared.isEmpty {
      s += "\nknobs: none (this lecture has no settings to change with --set)\n"
    } else {
      s += "\nknobs (--set NAME=VALUE; the value shown is the lecture's for this run mode):\n"
      let nameWidth = knobs.declared.map { $0.name.count + $0.lectureValue.count + 1 }.max() ?? 0
      for k in knobs.declared {
        s += "  \(TextLayout.pad("\(k.name)=\(k.lectureValue)", nameWidth))  \(k.help) (\(k.allowed))\n"
      }
    }
    s += "\nThe default seed is \(lecture.defaultSeed). Exit status: 0 ok, 1 runtime failure, 2 usage error.\n"
    s += "\ncells:\n"
    for (i, cell) in cells.enumerated() { s += "  \(i + 1). \(cell.title)\n" }
    return s
  }

  private func printHeader() {
    guard options.verbosity >= .normal else {
      // Even a quiet run says which settings differ: its numbers are not the lecture's.
      if !knobs.changed.isEmpty { console.out(changedKnobsLine + "\n") }
      return
    }
    let title = "Lecture \(lecture.number): \(lecture.title)"
    console.out(console.styled(title, .heading) + "\n")
    var facts = [options.runDescription, "seed \(options.seed)", "\(options.threads) thread\(options.threads == 1 ? "" : "s")"]
    if options.writeReport { facts.append("writing the study page") }
    console.out(console.styled(facts.joined(separator: " · "), .dim) + "\n")
    if !knobs.changed.isEmpty { console.out(console.styled(changedKnobsLine, .think) + "\n") }
    console.out("\n")
  }

  /// `settings changed: hidden=300 (lecture 200), lr=0.05 (lecture 0.1)`.
  var changedKnobsLine: String {
    "settings changed: " + knobs.changed.map { "\($0.name)=\($0.value) (lecture \($0.lectureValue))" }.joined(separator: ", ")
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
    console.out(TextLayout.wrapProse(definition.prose, color: console.color) + "\n\n")
  }

  private func printSummary(_ timings: [(String, Double)]) {
    let total = timings.reduce(0) { $0 + $1.1 }
    if options.verbosity == .quiet {
      console.out(console.styled(String(format: "\(Cell.timingMark) Done in %.2f s.", total), .dim) + "\n")
      return
    }
    console.out(console.styled("── Cell timings " + String(repeating: "─", count: 72), .heading) + "\n")
    let rows = timings.enumerated().map { i, t in ["\(i + 1)", t.0, String(format: "%.3f s", t.1)] }
    console.out(TextLayout.table(["#", "cell", "wall time"], rows + [["", "total", String(format: "%.3f s", total)]])
                  .split(separator: "\n").map { "\(Cell.timingMark) " + $0 }.joined(separator: "\n") + "\n")
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
  let results: [KeyResult]
}
