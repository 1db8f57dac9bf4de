import Foundation
import Report

/// One notebook cell while it runs: what it prints goes to the terminal (as the verbosity
/// allows) and is recorded, unchanged by verbosity, for the study page.
@MainActor
public final class Cell {
  /// The cell's number (1-based) and title.
  public let number: Int
  public let title: String
  /// The run's settings.
  public let options: RunOptions
  let console: Console
  let figureSink: (any Figure, String) -> String?
  /// What the cell produced, in order, for the study page.
  private(set) var blocks: [CellBlock] = []
  /// Key results recorded with `result(_:_:)`.
  private(set) var results: [(String, String)] = []
  /// Nesting depth of `terminalOnly` blocks: while positive, nothing reaches the page.
  private var terminalOnlyDepth = 0

  init(number: Int, title: String, options: RunOptions, console: Console,
       figureSink: @escaping (any Figure, String) -> String?) {
    self.number = number
    self.title = title
    self.options = options
    self.console = console
    self.figureSink = figureSink
  }

  private var verbosity: Verbosity { options.verbosity }

  /// Prints like Swift's `print` (items separated by spaces): the cell's main output.
  public func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator) + terminator
    append(.output(text))
    console.out(text)
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
    console.out(verbosity == .quiet ? "\(name) = \(result)\n" : text)
  }

  /// An aligned table (numeric columns right-aligned); a Markdown table on the page.
  public func table(_ headers: [String], _ rows: [[String]]) {
    append(.table(headers, rows))
    console.out(TextLayout.table(headers, rows) + "\n")
  }

  /// A "pause and think" box: a question to consider before reading on.
  public func think(_ question: String) {
    append(.think(question))
    guard verbosity >= .normal else { return }
    let body = TextLayout.wrapProse(TextLayout.terminalProse(question), width: 84, indent: "│ ")
    console.out(console.styled("┌─ Pause and think " + String(repeating: "─", count: 50), .think) + "\n"
                + console.styled(body, .think) + "\n" + console.styled("└" + String(repeating: "─", count: 68), .think) + "\n")
  }

  /// A step trace: printed only with `--verbose`; kept (folded) on the study page.
  public func trace(_ items: Any..., separator: String = " ") {
    let text = items.map { "\($0)" }.joined(separator: separator) + "\n"
    append(.trace(text))
    if verbosity == .verbose { console.out(console.styled(text, .dim)) }
  }

  /// A shape trace line, `name  (32, 3, 10)`: printed only with `--verbose`.
  public func shape(_ name: String, _ shape: [Int], _ note: String = "") {
    trace("shape  " + TextLayout.pad(name, 14) + " " + shapeText(shape) + (note.isEmpty ? "" : "   " + note))
  }

  /// A "why" aside: the reasoning behind a step. Printed with `--verbose`; folded on the page.
  public func why(_ explanation: String) {
    append(.why(explanation))
    guard verbosity == .verbose else { return }
    let body = TextLayout.wrapProse(TextLayout.terminalProse(explanation), width: 84, indent: "  ")
    console.out(console.styled("  Why?", .bold) + "\n" + console.styled(body, .dim) + "\n")
  }

  /// More prose in the middle of a cell (Markdown on the page, wrapped in the terminal).
  public func note(_ markdown: String) {
    append(.markdown(markdown))
    guard verbosity >= .normal else { return }
    console.out(TextLayout.wrapProse(TextLayout.terminalProse(markdown)) + "\n")
  }

  /// A figure: ASCII art in the terminal, an SVG file next to the study page.
  ///
  /// - Parameter name: short file-name part, unique within the lecture (`loss-curve`).
  public func figure(_ figure: any Figure, name: String, width: Int = 72, height: Int = 18) {
    let file = figureSink(figure, name)
    append(.figure(title: figure.title, file: file ?? "figures/\(name).svg"))
    guard verbosity >= .normal else { return }
    console.out(figure.ascii(width: width, height: height) + "\n")
  }

  /// A Mermaid diagram for the study page (graphs, architectures, pipelines). The terminal shows
  /// `terminalText` instead when given (e.g. an indented tree), otherwise a one-line note.
  public func mermaid(_ source: String, terminalText: String? = nil) {
    append(.mermaid(source))
    guard verbosity >= .normal else { return }
    console.out((terminalText ?? console.styled("(diagram on the study page: --report)", .dim)) + "\n")
  }

  /// A key result (`dev loss`, `2.1701`): printed, listed at the top of the study page and in
  /// the reports index.
  public func result(_ name: String, _ value: String) {
    if terminalOnlyDepth == 0 { results.append((name, value)) }
    let text = "\(name): \(value)\n"
    append(.output(text))
    console.out(console.styled(text, .result))
  }

  /// Runs `body` with its output shown in the terminal but left off the study page, which gets
  /// `pageNote` instead. For what differs from run to run: wall-clock times, speeds, memory.
  /// Keeping them off the page makes a regenerated page byte-identical for the same seed.
  public func terminalOnly(pageNote: String = "*(Timings from the run are shown in the terminal only, so that this page is the same every time it is generated.)*",
                           _ body: () throws -> Void) rethrows {
    terminalOnlyDepth += 1
    defer {
      terminalOnlyDepth -= 1
      if terminalOnlyDepth == 0 && !pageNote.isEmpty { append(.markdown(pageNote)) }
    }
    try body()
  }

  /// A progress display for a loop of `total` steps (standard error; never on the page).
  public func progress(_ label: String, total: Int) -> Progress {
    Progress(label, total: total, quiet: verbosity == .quiet)
  }

  private func append(_ block: CellBlock) {
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

/// One piece of a cell's record for the study page.
enum CellBlock: Equatable {
  case output(String)
  case trace(String)
  case why(String)
  case think(String)
  case markdown(String)
  case table([String], [[String]])
  case figure(title: String, file: String)
  case mermaid(String)
}
