import Foundation

/// Small, generic building blocks for GitHub-flavoured Markdown study pages. Each returns a
/// string; the notebook runtime composes the page (blocks are separated by blank lines).
public enum Markdown {
  /// Column alignment in `table`.
  public enum Alignment: Sendable { case left, center, right }

  /// Backslash-escapes characters that Markdown would interpret (`*`, `_`, `[`, `<`, `|`, …) and
  /// line starts that would become headings, lists or quotes, so `text` shows literally.
  public static func escape(_ text: String) -> String {
    let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "~", "&", "!"]
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var out = ""
      for ch in line { if special.contains(ch) { out.append("\\") }; out.append(ch) }
      // "- item", "+ item", "1. item", "1) item", "= underline" at the start of a line
      if let first = out.first, first == "-" || first == "+" || first == "=" {
        out = "\\" + out
      } else if let dot = out.firstIndex(where: { !$0.isNumber }), dot != out.startIndex,
                out[dot] == "." || out[dot] == ")", out[out.startIndex..<dot].allSatisfy(\.isASCII) {
        out.insert("\\", at: dot)
      }
      lines.append(out)
    }
    return lines.joined(separator: "\n")
  }

  /// The longest run of consecutive backticks in `text`.
  static func longestBacktickRun(_ text: String) -> Int {
    var longest = 0, current = 0
    for ch in text {
      if ch == "`" { current += 1; longest = max(longest, current) } else { current = 0 }
    }
    return longest
  }

  /// Inline code whose delimiter is longer than any backtick run inside (padded with spaces when
  /// the code starts or ends with a backtick, as CommonMark requires).
  public static func inlineCode(_ code: String) -> String {
    let fence = String(repeating: "`", count: longestBacktickRun(code) + 1)
    let flat = code.replacingOccurrences(of: "\n", with: " ")
    let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
    return fence + pad + flat + pad + fence
  }

  /// A fenced code block; the fence is at least three backticks and longer than any run inside.
  public static func codeBlock(_ code: String, language: String = "") -> String {
    let fence = String(repeating: "`", count: max(3, longestBacktickRun(code) + 1))
    var body = code
    while body.hasSuffix("\n") { body.removeLast() }
    return "\(fence)\(language)\n\(body)\n\(fence)"
  }

  /// An ATX heading (`level` clamped to 1…6); the text is escaped.
  public static func heading(_ text: String, level: Int) -> String {
    String(repeating: "#", count: min(max(level, 1), 6)) + " " + escape(text).replacingOccurrences(of: "\n", with: " ")
  }

  /// GitHub's anchor for a heading: lowercased, punctuation removed (letters, digits, marks,
  /// `_`, `-` and spaces kept), spaces turned into `-`. Duplicate headings: use `SlugGenerator`.
  public static func slug(_ heading: String) -> String {
    var out = ""
    for scalar in heading.lowercased().unicodeScalars {
      let p = scalar.properties
      if scalar == " " { out.append("-") }
      else if scalar == "-" || scalar == "_" || p.isAlphabetic || p.generalCategory == .decimalNumber
                || p.generalCategory == .letterNumber || p.generalCategory == .otherNumber
                || p.generalCategory == .nonspacingMark || p.generalCategory == .spacingMark
                || p.generalCategory == .enclosingMark || p.generalCategory == .connectorPunctuation {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// A table with columns padded to equal width; `|` in cells is escaped and newlines become
  /// `<br>`. Rows shorter than the header are padded with empty cells.
  public static func table(headers: [String], rows: [[String]], alignments: [Alignment]? = nil) -> String {
    let columns = max(headers.count, rows.map(\.count).max() ?? 0)
    guard columns > 0 else { return "" }
    func cell(_ s: String) -> String {
      s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "|", with: "\\|")
        .replacingOccurrences(of: "\n", with: "<br>")
    }
    let head = (0..<columns).map { $0 < headers.count ? cell(headers[$0]) : "" }
    let body = rows.map { row in (0..<columns).map { $0 < row.count ? cell(row[$0]) : "" } }
    let align = (0..<columns).map { i in alignments.flatMap { i < $0.count ? $0[i] : nil } ?? .left }
    let widths = (0..<columns).map { c in max(3, ([head[c]] + body.map { $0[c] }).map(\.count).max() ?? 0) }
    func line(_ cells: [String]) -> String {
      "| " + zip(cells, zip(widths, align)).map { text, wa in
        wa.1 == .right ? TextLayout.padLeft(text, wa.0) : TextLayout.padRight(text, wa.0)
      }.joined(separator: " | ") + " |"
    }
    let rule = "|" + zip(widths, align).map { w, a -> String in
      switch a {
      case .left: return " " + String(repeating: "-", count: w) + " "
      case .right: return " " + String(repeating: "-", count: w - 1) + ": "
      case .center: return " :" + String(repeating: "-", count: w - 2) + ": "
      }
    }.joined(separator: "|") + "|"
    return ([line(head), rule] + body.map(line)).joined(separator: "\n")
  }

  /// A collapsible block; `body` is Markdown (blank lines around it so GitHub renders it).
  /// The summary is HTML-escaped.
  public static func details(summary: String, body: String, open: Bool = false) -> String {
    "<details\(open ? " open" : "")><summary>\(htmlEscape(summary))</summary>\n\n\(body)\n\n</details>"
  }

  /// An image reference (`![alt](path)`), e.g. an SVG figure next to the page.
  public static func image(alt: String, path: String) -> String {
    let safeAlt = alt.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "[", with: "\\[")
      .replacingOccurrences(of: "]", with: "\\]")
    let safePath = path.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "(", with: "%28")
      .replacingOccurrences(of: ")", with: "%29")
    return "![\(safeAlt)](\(safePath))"
  }

  /// A link to a heading on the same page.
  public static func anchorLink(_ text: String, slug: String) -> String { "[\(escape(text))](#\(slug))" }

  /// A nested bullet list of links to `headings` (indented by level relative to the shallowest),
  /// with GitHub's duplicate numbering (`loss`, `loss-1`, …).
  public static func tableOfContents(_ headings: [(level: Int, text: String)]) -> String {
    let base = headings.map(\.level).min() ?? 1
    var slugs = SlugGenerator()
    return headings.map { h in
      String(repeating: "  ", count: max(h.level - base, 0)) + "- " + anchorLink(h.text, slug: slugs.slug(h.text))
    }.joined(separator: "\n")
  }

  /// Escapes `&`, `<`, `>`, `"` for HTML contexts (`<summary>`, attributes).
  public static func htmlEscape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}

/// Produces GitHub's heading anchors for a whole page: the second "Loss" heading is `loss-1`.
public struct SlugGenerator: Sendable {
  private var seen: [String: Int] = [:]
  private var used: Set<String> = []

  /// A fresh generator (one per page).
  public init() {}

  /// The anchor of the next heading with this text.
  public mutating func slug(_ heading: String) -> String {
    let base = Markdown.slug(heading)
    var candidate = base
    var n = seen[base] ?? 0
    while used.contains(candidate) { n += 1; candidate = "\(base)-\(n)" }
    seen[base] = n
    used.insert(candidate)
    return candidate
  }
}
