#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Markdown prose shown in a terminal: emphasis and code rendered as ANSI styles (or as plain
/// text when colour is off), paragraphs wrapped to the terminal's width without breaking a word.
///
/// One home for this, shared by the notebook's cells, the quiz and `Workbook`: a study page keeps
/// its Markdown; the terminal shows what the Markdown means, never raw `**`, `*` or backticks.
public enum TerminalText {
  /// The ANSI styles inline Markdown maps to. Each span switches its own attribute off at its
  /// end (22, 23, 39), so a span inside an outer style (a heading, say) keeps the outer style.
  enum Span {
    static let bold = ("\u{1B}[1m", "\u{1B}[22m")
    static let italic = ("\u{1B}[3m", "\u{1B}[23m")
    static let code = ("\u{1B}[36m", "\u{1B}[39m")
  }

  // MARK: - Width

  /// Columns `text` takes in a monospaced terminal: ANSI escape sequences take none, every other
  /// character one (good enough for the Latin, Greek, maths and box-drawing text printed here).
  public static func width(_ text: String) -> Int {
    var columns = 0
    var inEscape = false
    for scalar in text.unicodeScalars {
      if inEscape {
        // A CSI sequence ends with a letter (`m` for styles, `K` for erase-line).
        if (0x40...0x7E).contains(scalar.value) && scalar != "[" { inEscape = false }
        continue
      }
      if scalar == "\u{1B}" { inEscape = true; continue }
      // Combining marks and zero-width characters take no column of their own.
      if scalar.properties.generalCategory == .nonspacingMark || scalar.value == 0x200B { continue }
      columns += 1
    }
    return columns
  }

  /// `text` without ANSI escape sequences.
  public static func stripANSI(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    var inEscape = false
    for scalar in text.unicodeScalars {
      if inEscape {
        if (0x40...0x7E).contains(scalar.value) && scalar != "[" { inEscape = false }
        continue
      }
      if scalar == "\u{1B}" { inEscape = true; continue }
      out.append(scalar)
    }
    return String(out)
  }

  /// The width to wrap to: the terminal's columns when `fd` is a terminal (or `$COLUMNS` when
  /// set), else `fallback`; never more than `maximum` (long lines are hard to read) nor less
  /// than 20.
  public static func terminalWidth(fd: Int32 = 1, fallback: Int = 88, maximum: Int = 100,
                                   environment: [String: String]? = nil) -> Int {
    var columns = 0
    #if canImport(Glibc) || canImport(Darwin)
    if isatty(fd) == 1 {
      var size = winsize()
      if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 { columns = Int(size.ws_col) }
    }
    #endif
    if columns <= 0 {
      let env = environment ?? currentEnvironment()
      if let text = env["COLUMNS"], let n = Int(text), n > 0 { columns = n }
    }
    if columns <= 0 { columns = fallback }
    return max(20, min(maximum, columns))
  }

  private static func currentEnvironment() -> [String: String] {
    var env: [String: String] = [:]
    if let value = getenv("COLUMNS") { env["COLUMNS"] = String(cString: value) }
    return env
  }

  // MARK: - Inline Markdown

  /// Renders inline Markdown as terminal text: `**bold**`/`__bold__` bold, `*italic*`/`_italic_`
  /// italic, `` `code` `` in the code colour, `[text](url)` as `text (url)` (`text` alone for
  /// an in-page `#anchor`), `\*` as a literal `*`. With `color` false the same text comes out
  /// with no markup at all.
  ///
  /// Delimiters follow the CommonMark flanking idea closely enough for prose: an opening `*` or
  /// `_` is followed by a non-space and not preceded by a letter or digit, a closing one the
  /// reverse, so `zero_grad`, `2 * 3` and `a*b` stay as they are.
  public static func renderInline(_ markdown: String, color: Bool) -> String {
    let chars = Array(markdown)
    var out = ""
    var i = 0
    func isWordChar(_ index: Int) -> Bool {
      index >= 0 && index < chars.count && (chars[index].isLetter || chars[index].isNumber)
    }
    func isSpace(_ index: Int) -> Bool {
      index < 0 || index >= chars.count || chars[index].isWhitespace
    }
    /// Index of the closing delimiter `delim` (a run of `count` equal characters) at or after `from`.
    func closing(_ delim: Character, count: Int, from: Int) -> Int? {
      var j = from
      while j + count <= chars.count {
        if chars[j] == "\\" { j += 2; continue }
        if chars[j] == "`" {  // emphasis never closes inside a code span
          if let end = chars[(j + 1)...].firstIndex(of: "`") { j = end + 1; continue }
        }
        if (0..<count).allSatisfy({ chars[j + $0] == delim }),
           !isSpace(j - 1), !isWordChar(j + count), j + count >= chars.count || chars[j + count] != delim,
           j > from {
          return j
        }
        j += 1
      }
      return nil
    }
    func wrap(_ inner: String, _ style: (String, String)) -> String {
      color ? style.0 + inner + style.1 : inner
    }
    while i < chars.count {
      let c = chars[i]
      if c == "\\", i + 1 < chars.count, chars[i + 1].isPunctuation || chars[i + 1].isSymbol {
        out.append(chars[i + 1]); i += 2; continue
      }
      if c == "`" {
        var run = 0
        while i + run < chars.count && chars[i + run] == "`" { run += 1 }
        // Find a closing run of the same length.
        var j = i + run
        var found: Int?
        while j < chars.count {
          if chars[j] == "`" {
            var r = 0
            while j + r < chars.count && chars[j + r] == "`" { r += 1 }
            if r == run { found = j; break }
            j += r
          } else {
            j += 1
          }
        }
        if let end = found {
          var code = String(chars[(i + run)..<end])
          if code.hasPrefix(" ") && code.hasSuffix(" ") && code.count >= 2 && code.contains(where: { $0 != " " }) {
            code = String(code.dropFirst().dropLast())
          }
          out += wrap(code, Span.code)
          i = end + run
          continue
        }
        out += String(repeating: "`", count: run); i += run; continue
      }
      if c == "*" || c == "_" {
        let double = i + 1 < chars.count && chars[i + 1] == c
        let count = double ? 2 : 1
        let opens = !isWordChar(i - 1) && !isSpace(i + count) && (i + count >= chars.count || chars[i + count] != c)
        if opens, let end = closing(c, count: count, from: i + count) {
          let inner = renderInline(String(chars[(i + count)..<end]), color: color)
          out += wrap(inner, double ? Span.bold : Span.italic)
          i = end + count
          continue
        }
        out.append(c); i += 1; continue
      }
      if c == "[", let close = chars[(i + 1)...].firstIndex(of: "]"), close + 1 < chars.count, chars[close + 1] == "(",
         let paren = chars[(close + 2)...].firstIndex(of: ")") {
        let text = renderInline(String(chars[(i + 1)..<close]), color: color)
        let url = String(chars[(close + 2)..<paren])
        out += url.hasPrefix("#") || url.isEmpty ? text : "\(text) (\(url))"
        i = paren + 1
        continue
      }
      if c == "<" {
        // `<br>` is a line break; other inline HTML tags (`<sub>`, `<kbd>`) are dropped.
        let rest = String(chars[i..<min(chars.count, i + 12)]).lowercased()
        if rest.hasPrefix("<br>") || rest.hasPrefix("<br/>") || rest.hasPrefix("<br />") {
          out.append("\n")
          i += rest.hasPrefix("<br>") ? 4 : rest.hasPrefix("<br/>") ? 5 : 6
          continue
        }
      }
      out.append(c)
      i += 1
    }
    return out
  }

  // MARK: - Blocks

  /// Renders Markdown prose for the terminal, wrapped to `width` columns.
  ///
  /// Paragraphs are joined and wrapped; list items (`- `, `* `, `1. `) wrap with a hanging
  /// indent; headings are shown bold without their `#`; quotes get a `│ ` bar; fenced code keeps
  /// its lines (indented two spaces, fences dropped); tables keep their lines. `indent` starts
  /// every line (e.g. `"│ "` for a boxed aside).
  public static func render(_ markdown: String, width: Int = 88, color: Bool, indent: String = "") -> String {
    var out: [String] = []
    var paragraph: [String] = []
    var inCode = false
    func flush() {
      guard !paragraph.isEmpty else { return }
      out += wrap(renderInline(paragraph.joined(separator: " "), color: color), width: width, indent: indent)
      paragraph.removeAll()
    }
    for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = String(raw)
      let trimmed = line.trimmingSpaces()
      if trimmed.hasPrefix("```") { flush(); inCode.toggle(); continue }
      if inCode {
        out.append(indent + "  " + (color ? Span.code.0 + line + Span.code.1 : line))
        continue
      }
      if trimmed.isEmpty { flush(); out.append(indent.trimmingTrailingSpaces()); continue }
      if trimmed.hasPrefix("|") {
        flush()
        out.append(indent + renderInline(line, color: color))
        continue
      }
      if trimmed.hasPrefix("#") {
        flush()
        let text = String(trimmed.drop(while: { $0 == "#" })).trimmingSpaces()
        let rendered = renderInline(text, color: color)
        out += wrap(color ? Span.bold.0 + rendered + Span.bold.1 : rendered, width: width, indent: indent)
        continue
      }
      if trimmed.hasPrefix(">") {
        flush()
        let text = String(trimmed.dropFirst()).trimmingSpaces()
        out += wrap(renderInline(text, color: color), width: width, indent: indent + "│ ")
        continue
      }
      if let marker = listMarker(trimmed) {
        flush()
        let leading = String(line.prefix(while: { $0 == " " }))
        let body = String(trimmed.dropFirst(marker.count))
        let bullet = marker == "* " ? "- " : marker
        out += wrap(renderInline(body, color: color), width: width, indent: indent + leading + bullet,
                    hangingIndent: indent + leading + String(repeating: " ", count: bullet.count))
        continue
      }
      if line.hasPrefix("    ") {  // indented code
        flush()
        out.append(indent + line)
        continue
      }
      paragraph.append(trimmed)
    }
    flush()
    while let last = out.last, last.trimmingSpaces().isEmpty || last == indent.trimmingTrailingSpaces() { out.removeLast() }
    while let first = out.first, first.trimmingSpaces().isEmpty { out.removeFirst() }
    return out.joined(separator: "\n")
  }

  /// The list marker a line starts with (`- `, `* `, `+ `, `12. `), or nil.
  static func listMarker(_ line: String) -> String? {
    for marker in ["- ", "* ", "+ "] where line.hasPrefix(marker) { return marker }
    let digits = line.prefix(while: \.isNumber)
    if !digits.isEmpty, digits.count <= 3 {
      let rest = line.dropFirst(digits.count)
      if rest.hasPrefix(". ") || rest.hasPrefix(") ") { return String(digits) + String(rest.prefix(2)) }
    }
    return nil
  }

  /// Greedy word wrap of one paragraph (which may hold ANSI styles and `\n` breaks) to `width`
  /// columns. The first line starts with `indent`, later ones with `hangingIndent` (default
  /// `indent`). Words are never broken: a word longer than a line gets a line of its own.
  public static func wrap(_ text: String, width: Int, indent: String = "", hangingIndent: String? = nil) -> [String] {
    let hanging = hangingIndent ?? indent
    var lines: [String] = []
    var current = ""
    var currentWidth = 0
    var prefix = indent
    func emit() {
      lines.append(prefix + current)
      prefix = hanging
      current = ""
      currentWidth = 0
    }
    for (n, hardLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if n > 0 { emit() }
      for word in hardLine.split(separator: " ", omittingEmptySubsequences: true) {
        let w = self.width(String(word))
        let room = width - self.width(prefix)
        if current.isEmpty {
          current = String(word); currentWidth = w
        } else if currentWidth + 1 + w <= room {
          current += " " + word; currentWidth += 1 + w
        } else {
          emit()
          current = String(word); currentWidth = w
        }
      }
    }
    if !current.isEmpty || lines.isEmpty || text.hasSuffix("\n") { emit() }
    return lines.map { $0.trimmingTrailingSpaces() }
  }
}

extension String {
  /// Without leading and trailing spaces and tabs.
  fileprivate func trimmingSpaces() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
  }

  /// Without trailing spaces.
  fileprivate func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while let l = s.last, l == " " { s.removeLast() }
    return String(s)
  }
}
