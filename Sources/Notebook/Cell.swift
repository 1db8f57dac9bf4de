import Foundation
import Report

/// One notebook cell while it runs: what it prints goes to the terminal (as the verbosity
/// allows) and is recorded, unchanged by verbosity, for the study page.
///
/// Printing: `print`, `table`, `worked`, `result`. Prose: `note`, `why`, `think(_:answer:)`.
/// Pictures: `figure`, `mermaid`. Plumbing helpers that keep cells free of boilerplate:
/// `timed` (see Cell+Helpers.swift), `steps`, `compare`.
@MainActor
public final class Cell {
  /// Marks every terminal line whose content depends on the machine or the moment (timings):
  /// such lines never reach the study page, and snapshot tests drop them.
  public nonisolated static let timingMark = "⏱"

  /// The cell's number (1-based) and title.
  public let number: Int
  public let title: String
  /// The run's settings.
  public let options: RunOptions
  /// True when the run uses the lecture's seed and knob values (see `compare`).
  public let usesLectureSettings: Bool
  /// The lecture's seed (modulo 2^32), for messages about references.
  let lectureSeed: UInt64
  let console: Console
  /// Running silently (`--cell N` runs the cells before N without printing).
  let silent: Bool
  let pauser: Pauser?
  let figureSink: (any Figure, String) -> String?
  /// What the cell produced, in order, for the study page.
  private(set) var blocks: [CellBlock] = []
  /// Key results recorded with `result(_:_:)`.
  private(set) var results: [KeyResult] = []
  /// Nesting depth of `terminalOnly` blocks: while positive, nothing reaches the page.
  private var terminalOnlyDepth = 0
  /// True once something machine-dependent was printed (the page then says so once).
  private var printedTimings = false
  /// The progress display of the running `steps` loop.
  var openSteps: StepDriver?

  init(number: Int, title: String, options: RunOptions, console: Console, silent: Bool = false,
       pauser: Pauser? = nil, usesLectureSettings: Bool = true, lectureSeed: UInt64 = 0,
       figureSink: @escaping (any Figure, String) -> String?) {
    self.number = number
    self.title = title
    self.options = options
    self.console = console
    self.silent = silent
    self.pauser = pauser
    self.usesLectureSettings = usesLectureSettings
    self.lectureSeed = lectureSeed
    self.figureSink = figureSink
  }

  private var verbosity: Verbosity { options.verbosity }

  /// Writes to the terminal unless the cell runs silently. Inside `terminalOnly` every line is
  /// marked ⏱ (its content depends on the machine or the moment).
  func out(_ text: String) {
    guard !silent else { return }
    if terminalOnlyDepth > 0 {
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      console.out(lines.enumerated().map { $0.offset == lines.count - 1 && $0.element.isEmpty ? "" : "\(Cell.timingMark) \($0.element)" }
                    .joined(separator: "\n"))
    } else {
      console.out(text)
    }
  }

  /// Prints like Swift's `print` (items separated by spaces): the cell's main output.
  public func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator) + terminator
    append(.output(text))
    out(text)
  }

  /// A worked number: the formula, the numbers substituted, the result.
  ///
  ///     f(3) = 3x² − 4x + 5
  ///          = 3·3² − 4·3 + 5
  ///          = 20.0
  public func worked(_ name: String, formula: String, substituted: String, result: String) {
    let lead = "\(name) = "
    let pad = String(repeating: " ", count: TextLayout.width(name) + 1) + "= "
    let text = lead + formula + "\n" + pad + substituted + "\n" + pad + result + "\n"
    append(.output(text))
    out(verbosity == .quiet ? "\(name) = \(result)\n" : text)
  }

  /// An aligned table (numeric columns right-aligned); a Markdown table on the page.
  public func table(_ headers: [String], _ rows: [[String]]) {
    append(.table(headers, rows))
    out(TextLayout.table(headers, rows) + "\n")
  }

  /// A "pause and think" box: a question to consider before reading on, and its answer.
  ///
  /// The page folds the answer under the question; the terminal prints it after the box (with
  /// `--pause`, after Enter). The answer may quote this run's numbers (string interpolation).
  public func think(_ question: String, answer: String) {
    append(.think(question, answer: answer))
    guard verbosity >= .normal, !silent else { return }
    let body = TextLayout.wrapProse(question, width: 84, indent: "│ ")
    out(console.styled("┌─ Pause and think " + String(repeating: "─", count: 50), .think) + "\n"
        + console.styled(body, .think) + "\n")
    if let pauser, !pauser.stopped {
      out(console.styled("└" + String(repeating: "─", count: 68), .think) + "\n")
      pauser.wait("── Enter: show the answer ── ")
      out(console.styled("│ Answer", .bold) + "\n")
    } else {
      out(console.styled("│", .think) + "\n" + console.styled("│ Answer", .bold) + "\n")
    }
    let answerBody = TextLayout.wrapProse(answer, width: 84, indent: "│ ")
    out(console.styled(answerBody, .dim) + "\n" + console.styled("└" + String(repeating: "─", count: 68), .think) + "\n")
  }

  /// A prompt without an answer: kept only so lectures not yet converted still build.
  @available(*, deprecated, message: "every prompt needs an answer: use think(_:answer:)")
  public func think(_ question: String) {
    think(question, answer: "*(No answer written yet.)*")
  }

  /// A step trace: printed only with `--verbose`; kept (folded) on the study page.
  public func trace(_ items: Any..., separator: String = " ") {
    let text = items.map { "\($0)" }.joined(separator: separator) + "\n"
    append(.trace(text))
    if verbosity == .verbose { out(console.styled(text, .dim)) }
  }

  /// A shape trace line, `name  (32, 3, 10)`: printed only with `--verbose`.
  public func shape(_ name: String, _ shape: [Int], _ note: String = "") {
    trace("shape  " + TextLayout.pad(name, 14) + " " + shapeText(shape) + (note.isEmpty ? "" : "   " + note))
  }

  /// A "why" aside: the reasoning behind a step. Printed with `--verbose`; folded on the page.
  public func why(_ explanation: String) {
    append(.why(explanation))
    guard verbosity == .verbose else { return }
    let body = TextLayout.wrapProse(explanation, width: 84, indent: "  ")
    out(console.styled("  Why?", .bold) + "\n" + console.styled(body, .dim) + "\n")
  }

  /// More prose in the middle of a cell (Markdown on the page, wrapped in the terminal).
  public func note(_ markdown: String) {
    append(.markdown(markdown))
    guard verbosity >= .normal else { return }
    out(TextLayout.wrapProse(markdown, color: console.color) + "\n")
  }

  /// A figure: ASCII art in the terminal, an SVG file next to the study page.
  ///
  /// - Parameter name: short file-name part, unique within the lecture (`loss-curve`).
  public func figure(_ figure: any Figure, name: String, width: Int = 72, height: Int = 18) {
    let file = figureSink(figure, name)
    append(.figure(title: figure.title, file: file ?? "figures/\(name).svg"))
    guard verbosity >= .normal, !silent else { return }
    out(figure.ascii(width: width, height: height) + "\n")
  }

  /// A Mermaid diagram for the study page (graphs, architectures, pipelines). The terminal shows
  /// `terminalText` instead when given (e.g. an indented tree), otherwise a one-line note.
  public func mermaid(_ source: String, terminalText: String? = nil) {
    append(.mermaid(source))
    guard verbosity >= .normal else { return }
    out((terminalText ?? console.styled("(diagram on the study page: --report)", .dim)) + "\n")
  }

  /// A key result (`dev loss`, `2.1701`): printed, listed at the top of the study page.
  ///
  /// - Parameter headline: the value rounded as the lecture quotes it (`2.17`) when this is one of
  ///   the lecture's three or four headline numbers: shown in the page's "In brief" line and in
  ///   the row of the reports index.
  public func result(_ name: String, _ value: String, headline: String? = nil) {
    if terminalOnlyDepth == 0 { results.append(KeyResult(name: name, value: value, headline: headline)) }
    let text = "\(name): \(value)\n"
    append(.output(text))
    out(console.styled(text, .result))
  }

  /// Runs `body` with its output shown in the terminal but left off the study page, which gets
  /// `pageNote` instead. For what differs from run to run: wall-clock times, speeds, memory.
  /// Keeping them off the page makes a regenerated page byte-identical for the same seed.
  /// (`timed` and `timing` do this by themselves.)
  public func terminalOnly(pageNote: String = "", _ body: () throws -> Void) rethrows {
    terminalOnlyDepth += 1
    defer {
      terminalOnlyDepth -= 1
      if terminalOnlyDepth == 0 && !pageNote.isEmpty { append(.markdown(pageNote)) }
    }
    try body()
  }

  /// Prints one machine-dependent line (a time, a speed-up) in the terminal only, marked ⏱.
  public func timing(_ text: String) {
    noteTimingsOnPage()
    guard verbosity >= .normal else { return }
    out(console.styled("\(Cell.timingMark) \(text)", .dim) + "\n")
  }

  /// Adds, once per cell, the page's note that timings are in the terminal only.
  func noteTimingsOnPage() {
    guard !printedTimings else { return }
    printedTimings = true
    if terminalOnlyDepth == 0 {
      append(.markdown("*(Timings from the run are printed in the terminal only, so that this page is the same every time it is generated.)*"))
    }
  }

  /// A progress display for a loop of `total` steps (standard error; never on the page).
  /// Prefer `for step in c.steps(n) { … }`, which drives one for you.
  public func progress(_ label: String, total: Int) -> Progress {
    Progress(label, total: total, quiet: verbosity == .quiet)
  }

  func append(_ block: CellBlock) {
    if terminalOnlyDepth > 0 { return }
    if case let .output(new) = block, case let .output(old)? = blocks.last {
      blocks[blocks.count - 1] = .output(old + new)
    } else if case let .trace(new) = block, case let .trace(old)? = blocks.last {
      blocks[blocks.count - 1] = .trace(old + new)
    } else {
      blocks.append(block)
    }
  }
}

/// A key result of a lecture run: name, value, and the rounded headline form when it is one of
/// the lecture's headline numbers.
public struct KeyResult: Sendable, Equatable {
  public let name: String
  public let value: String
  public let headline: String?
}

/// One piece of a cell's record for the study page.
enum CellBlock: Equatable {
  case output(String)
  case trace(String)
  case why(String)
  case think(String, answer: String)
  case markdown(String)
  case table([String], [[String]])
  case figure(title: String, file: String)
  case mermaid(String)
}
