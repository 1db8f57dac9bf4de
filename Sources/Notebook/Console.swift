import Foundation
import Report

/// Writes to the terminal, with ANSI colour only when allowed (a TTY, no `NO_COLOR`, no `--no-color`).
public struct Console: Sendable {
  /// Whether escape codes are emitted.
  public let color: Bool

  /// Creates a console; `color` false means plain text.
  public init(color: Bool) { self.color = color }

  /// Text styles the workbook uses.
  public enum Style: String, Sendable {
    case heading = "1;36"
    case bold = "1"
    case dim = "2"
    case think = "33"
    case good = "32"
    case bad = "31"
    case result = "1;32"
  }

  /// `text` wrapped in the style's escape codes (or unchanged without colour).
  public func styled(_ text: String, _ style: Style) -> String {
    color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
  }

  /// Markdown prose as the terminal shows it: emphasis and code as styles when this console has
  /// colour (plain text otherwise), wrapped to `width` columns (the terminal's, by default)
  /// without breaking words. See `TerminalText.render`.
  public func prose(_ markdown: String, width: Int? = nil, indent: String = "") -> String {
    TerminalText.render(markdown, width: width ?? TerminalText.terminalWidth(), color: color, indent: indent)
  }

  /// Writes to standard output.
  public func out(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// Writes to standard error.
  public func err(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }

  /// Whether colour is wanted: output is a terminal, `NO_COLOR` is unset or empty
  /// (https://no-color.org), and `TERM` is not `dumb` (a terminal that shows escape codes as text).
  public static func colorAllowed(environment: [String: String] = ProcessInfo.processInfo.environment,
                                  isTerminal: Bool = Console.isTerminal(1)) -> Bool {
    guard isTerminal else { return false }
    if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
    if environment["TERM"] == "dumb" { return false }
    return true
  }

  /// True when file descriptor `fd` is a terminal.
  public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}

/// Plain-text layout helpers shared by the terminal and the study page.
public enum TextLayout {
  /// Display width of a string in a monospaced terminal (one column per character; good
  /// enough for the Latin, Greek and box-drawing text the workbook prints).
  public static func width(_ s: String) -> Int { s.count }

  /// Pads `s` on the right (or left, for numbers) to `width` columns.
  public static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let gap = max(0, width - self.width(s))
    let spaces = String(repeating: " ", count: gap)
    return right ? spaces + s : s + spaces
  }

  /// True when a cell looks numeric (right-aligned in tables).
  public static func looksNumeric(_ s: String) -> Bool {
    let t = s.trimmingCharacters(in: .whitespaces)
    guard let first = t.first else { return false }
    return first.isNumber || ((first == "-" || first == "+" || first == "−" || first == ".") && t.dropFirst().first?.isNumber == true)
  }

  /// An aligned text table: header, a rule, then the rows; numeric columns right-aligned.
  public static func table(_ headers: [String], _ rows: [[String]]) -> String {
    let columns = max(headers.count, rows.map(\.count).max() ?? 0)
    var widths = [Int](repeating: 0, count: columns)
    var numeric = [Bool](repeating: true, count: columns)
    for (i, h) in headers.enumerated() { widths[i] = max(widths[i], width(h)) }
    for row in rows {
      for (i, cell) in row.enumerated() {
        widths[i] = max(widths[i], width(cell))
        if !cell.isEmpty && !looksNumeric(cell) { numeric[i] = false }
      }
    }
    func line(_ cells: [String]) -> String {
      (0..<columns).map { i in pad(i < cells.count ? cells[i] : "", widths[i], right: numeric[i]) }
        .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    var out = [String]()
    if !headers.isEmpty {
      out.append(line(headers))
      out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
    }
    out += rows.map(line)
    return out.joined(separator: "\n")
  }

  /// Markdown prose for the terminal, wrapped to `width` columns: emphasis and code as ANSI
  /// styles when `color` is true, as plain text otherwise (never raw `**` or backticks); list
  /// items, tables, quotes and code keep their line breaks. See `TerminalText.render`.
  public static func wrapProse(_ text: String, width: Int = 88, indent: String = "", color: Bool = false) -> String {
    TerminalText.render(text, width: width, color: color, indent: indent)
  }

  /// Kept for callers that prepare prose before `wrapProse`, which now renders the Markdown
  /// itself (`TerminalText`): the text is returned unchanged.
  public static func terminalProse(_ markdown: String) -> String { markdown }
}
