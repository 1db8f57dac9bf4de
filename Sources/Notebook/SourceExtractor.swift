import Foundation

/// Finds the code of a cell in the lecture's own source file, so the study page shows exactly the
/// code that ran.
///
/// Starting at the line of the `nb.cell(` call, it skips the title and prose (string literals,
/// including multi-line and raw strings with `{` inside) and returns the body of the trailing
/// closure, dedented, without the `c in` parameter line.
public enum SourceExtractor {
  /// The body of the first closure starting at or after line `line` (1-based) of `source`.
  public static func closureBody(in source: String, fromLine line: Int) -> String? {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    guard line >= 1, line <= lines.count else { return nil }
    let text = Array(lines[(line - 1)...].joined(separator: "\n").unicodeScalars)
    var i = 0
    var depth = 0
    var bodyStart = -1
    var parens = 0
    while i < text.count {
      let c = text[i]
      if c == "/" && i + 1 < text.count && text[i + 1] == "/" {
        while i < text.count && text[i] != "\n" { i += 1 }
        continue
      }
      if c == "/" && i + 1 < text.count && text[i + 1] == "*" {
        var nest = 1
        i += 2
        while i < text.count && nest > 0 {
          if text[i] == "/" && i + 1 < text.count && text[i + 1] == "*" { nest += 1; i += 2; continue }
          if text[i] == "*" && i + 1 < text.count && text[i + 1] == "/" { nest -= 1; i += 2; continue }
          i += 1
        }
        continue
      }
      if c == "\"" || (c == "#" && nextIsStringStart(text, i)) {
        i = skipString(text, i)
        continue
      }
      if c == "(" { parens += 1 }
      if c == ")" { parens -= 1 }
      if c == "{" {
        if depth == 0 && bodyStart < 0 { bodyStart = i + 1 }
        depth += 1
      } else if c == "}" {
        depth -= 1
        if depth == 0 && bodyStart >= 0 {
          let body = String(String.UnicodeScalarView(text[bodyStart..<i]))
          return tidy(body)
        }
      }
      i += 1
    }
    return nil
  }

  static func nextIsStringStart(_ t: [Unicode.Scalar], _ i: Int) -> Bool {
    var j = i
    while j < t.count && t[j] == "#" { j += 1 }
    return j < t.count && t[j] == "\""
  }

  /// Index just past the string literal starting at `i` (handles `#` delimiters, `"""`, escapes
  /// and `\( … )` interpolations that themselves contain strings).
  static func skipString(_ t: [Unicode.Scalar], _ start: Int) -> Int {
    var i = start
    var hashes = 0
    while i < t.count && t[i] == "#" { hashes += 1; i += 1 }
    let multi = i + 2 < t.count && t[i] == "\"" && t[i + 1] == "\"" && t[i + 2] == "\""
    i += multi ? 3 : 1
    while i < t.count {
      if t[i] == "\\" {
        var j = i + 1
        var h = 0
        while h < hashes && j < t.count && t[j] == "#" { h += 1; j += 1 }
        if h == hashes {
          if j < t.count && t[j] == "(" {
            i = skipParens(t, j)
            continue
          }
          i = j + 1
          continue
        }
      }
      if t[i] == "\"" {
        let closeLen = multi ? 3 : 1
        if i + closeLen <= t.count && (0..<closeLen).allSatisfy({ t[i + $0] == "\"" }) {
          var j = i + closeLen
          var h = 0
          while h < hashes && j < t.count && t[j] == "#" { h += 1; j += 1 }
          if h == hashes { return j }
        }
      }
      if !multi && t[i] == "\n" { return i }
      i += 1
    }
    return i
  }

  /// Index just past the `)` matching the `(` at `i`, skipping nested strings.
  static func skipParens(_ t: [Unicode.Scalar], _ start: Int) -> Int {
    var depth = 0
    var i = start
    while i < t.count {
      if t[i] == "\"" || (t[i] == "#" && nextIsStringStart(t, i)) { i = skipString(t, i); continue }
      if t[i] == "(" { depth += 1 }
      if t[i] == ")" { depth -= 1; if depth == 0 { return i + 1 } }
      i += 1
    }
    return i
  }

  /// Drops the closure's parameter clause (`c in`), blank edges and the common indentation.
  static func tidy(_ body: String) -> String {
    var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if let first = lines.first {
      let trimmed = first.trimmingCharacters(in: .whitespaces)
      if let clause = trimmed.range(of: #"^([A-Za-z_][A-Za-z0-9_]*|\([^)]*\))(\s*->\s*[^{}]+?)?\s+in(\s+|$)"#, options: .regularExpression) {
        let rest = trimmed[clause.upperBound...].trimmingCharacters(in: .whitespaces)
        if rest.isEmpty { lines.removeFirst() } else { lines[0] = rest }
      } else if trimmed.isEmpty {
        lines.removeFirst()
      }
    }
    while let l = lines.first, l.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
    while let l = lines.last, l.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
    let indent = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
      .map { $0.prefix { $0 == " " }.count }.min() ?? 0
    return lines.map { $0.count >= indent ? String($0.dropFirst(indent)) : $0.trimmingCharacters(in: .whitespaces) }
      .joined(separator: "\n")
  }
}
