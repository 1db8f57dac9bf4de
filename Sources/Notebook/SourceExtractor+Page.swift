import Foundation

// What the study page shows of the source: cell code without its prose-only calls, and engine
// declarations for "The code behind this lecture".

extension SourceExtractor {
  /// Calls whose content the page already shows in full (as prose, a picture, a worked formula or a
  /// named result), so their source is left out of the cell's code block: `c.why`, `c.think`,
  /// `c.note`, `c.mermaid`, `c.figure`, `c.timing`, `c.worked`, `c.result`, `c.trace`, `c.shape`.
  /// (`c.print`, `c.table` and `c.compare` stay: they are the notebook's print statements.)
  public static let pageOnlyCalls = ["why", "think", "note", "mermaid", "figure", "timing", "worked", "result", "trace", "shape"]

  /// Marker lines: code between `// page:hide` and `// page:show` runs but is not shown.
  public static let hideMarker = "// page:hide"
  public static let showMarker = "// page:show"

  /// The cell's code as the page shows it: the closure body without prose-only calls and hidden
  /// regions, with runs of blank lines collapsed.
  public static func pageCode(in source: String, fromLine line: Int) -> String? {
    closureBody(in: source, fromLine: line).map(withoutDisplayCalls)
  }

  /// `code` without statements that start with `x.why(`, `x.think(`, … (see `pageOnlyCalls`) and
  /// without `// page:hide` … `// page:show` regions.
  public static func withoutDisplayCalls(_ code: String) -> String {
    let t = Array(code.unicodeScalars)
    var keep: [Unicode.Scalar] = []
    var i = 0
    var hiding = false
    while i < t.count {
      // At the start of a line: look at the line.
      var lineEnd = i
      while lineEnd < t.count && t[lineEnd] != "\n" { lineEnd += 1 }
      let line = String(String.UnicodeScalarView(t[i..<lineEnd]))
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed == hideMarker { hiding = true; i = lineEnd + 1; continue }
      if trimmed == showMarker { hiding = false; i = lineEnd + 1; continue }
      if hiding { i = lineEnd + 1; continue }
      if let open = displayCallParen(line) {
        // Skip the whole call (it may span lines and hold strings with parentheses).
        let start = i + line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: open)
        var end = skipParens(t, start)
        while end < t.count && t[end] != "\n" { end += 1 }
        i = end + 1
        continue
      }
      keep.append(contentsOf: t[i..<min(lineEnd + 1, t.count)])
      i = lineEnd + 1
    }
    var lines = String(String.UnicodeScalarView(keep)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var collapsed: [String] = []
    for l in lines {
      let blank = l.trimmingCharacters(in: .whitespaces).isEmpty
      if blank && (collapsed.last.map { $0.trimmingCharacters(in: .whitespaces).isEmpty } ?? true) { continue }
      collapsed.append(blank ? "" : l)
    }
    lines = collapsed
    while lines.last?.isEmpty == true { lines.removeLast() }
    return lines.joined(separator: "\n")
  }

  /// The index of the `(` of a prose-only call that starts `line`, if it does.
  static func displayCallParen(_ line: String) -> String.UnicodeScalarView.Index? {
    let pattern = #"^\s*[A-Za-z_][A-Za-z0-9_]*\.("# + pageOnlyCalls.joined(separator: "|") + #")\("#
    guard let match = line.range(of: pattern, options: .regularExpression) else { return nil }
    let paren = line.index(before: match.upperBound)
    return paren.samePosition(in: line.unicodeScalars)
  }

  /// A declaration of `source` whose first line starts with `prefix` (after indentation), with the
  /// doc comment and attributes above it and its body up to the matching brace, dedented. Nil when
  /// no line starts with `prefix`.
  public static func declaration(_ prefix: String, in source: String) -> String? {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let index = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }) else {
      return nil
    }
    var first = index
    while first > 0 {
      let above = lines[first - 1].trimmingCharacters(in: .whitespaces)
      guard above.hasPrefix("///") || above.hasPrefix("@") else { break }
      first -= 1
    }
    // The body: from the declaration line to its matching closing brace.
    let text = Array(lines[index...].joined(separator: "\n").unicodeScalars)
    var i = 0, depth = 0, sawBrace = false
    var endOffset = text.count
    scan: while i < text.count {
      let c = text[i]
      if c == "/" && i + 1 < text.count && text[i + 1] == "/" {
        while i < text.count && text[i] != "\n" { i += 1 }
        continue
      }
      if c == "\"" || (c == "#" && nextIsStringStart(text, i)) { i = skipString(text, i); continue }
      if c == "{" { depth += 1; sawBrace = true }
      if c == "}" {
        depth -= 1
        if depth == 0 && sawBrace { endOffset = i; break scan }
      }
      if c == "\n" && !sawBrace && depth == 0 {
        // A declaration without a body (a stored property, a one-line case): ends at the line.
        let rest = String(String.UnicodeScalarView(text[0..<i]))
        if !rest.hasSuffix(",") && !rest.hasSuffix("(") { endOffset = i - 1; break scan }
      }
      i += 1
    }
    let bodyLines = String(String.UnicodeScalarView(text[0...min(endOffset, text.count - 1)]))
      .split(separator: "\n", omittingEmptySubsequences: false).count
    return dedent(Array(lines[first..<(index + bodyLines)]))
  }

  /// The whole file after its `import` lines (and the blank lines around them), dedented.
  public static func fileBody(_ source: String) -> String {
    var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while let l = lines.first, l.hasPrefix("import ") || l.hasPrefix("@_exported import ") || l.trimmingCharacters(in: .whitespaces).isEmpty {
      lines.removeFirst()
    }
    while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
    return dedent(lines)
  }

  static func dedent(_ lines: [String]) -> String {
    let indent = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
      .map { $0.prefix { $0 == " " }.count }.min() ?? 0
    return lines.map { $0.count >= indent ? String($0.dropFirst(indent)) : $0.trimmingCharacters(in: .whitespaces) }
      .joined(separator: "\n")
  }
}
