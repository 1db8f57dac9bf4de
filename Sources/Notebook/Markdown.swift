/// Small Markdown helpers for study pages (GitHub-flavoured).
enum Markdown {
  /// A fenced block whose fence is longer than any backtick run inside `text`.
  static func fenced(_ text: String, language: String) -> String {
    var longest = 0, run = 0
    for ch in text { if ch == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
    let fence = String(repeating: "`", count: max(3, longest + 1))
    return "\(fence)\(language)\n\(text)\n\(fence)\n"
  }

  /// Escapes characters that would break a table cell or inline text.
  static func escapeInline(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }

  /// A GitHub-style table.
  static func table(_ headers: [String], _ rows: [[String]]) -> String {
    let n = max(headers.count, rows.map(\.count).max() ?? 0)
    func line(_ cells: [String]) -> String {
      "| " + (0..<n).map { $0 < cells.count ? escapeInline(cells[$0]) : "" }.joined(separator: " | ") + " |"
    }
    let numeric = (0..<n).map { i in rows.allSatisfy { i >= $0.count || $0[i].isEmpty || TextLayout.looksNumeric($0[i]) } && !rows.isEmpty }
    let rule = "|" + numeric.map { $0 ? "---:|" : "---|" }.joined()
    return ([line(headers), rule] + rows.map(line)).joined(separator: "\n") + "\n"
  }

  /// GitHub's heading anchor: lower-case, punctuation dropped (except `-` and `_`), spaces to `-`.
  static func slug(_ heading: String) -> String {
    var out = ""
    for ch in heading.lowercased() {
      if ch.isLetter || ch.isNumber || ch == "-" || ch == "_" { out.append(ch) } else if ch == " " { out.append("-") }
    }
    return out
  }
}
