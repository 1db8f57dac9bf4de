import Testing
@testable import Report

import Foundation

@Suite struct TerminalTextTests {
  @Test func plainRenderingDropsEveryMarkup() {
    let md = "A **bold** claim, an *aside*, _another_, and `zero_grad()` with a [link](https://x.org) and [anchor](#top)."
    #expect(TerminalText.renderInline(md, color: false)
            == "A bold claim, an aside, another, and zero_grad() with a link (https://x.org) and anchor.")
  }

  @Test func colourRenderingUsesAttributeSpecificResets() {
    #expect(TerminalText.renderInline("**b** *i* `c`", color: true)
            == "\u{1B}[1mb\u{1B}[22m \u{1B}[3mi\u{1B}[23m \u{1B}[36mc\u{1B}[39m")
    #expect(TerminalText.renderInline("**bold with *italic* inside**", color: false) == "bold with italic inside")
  }

  @Test func literalStarsAndUnderscoresStay() {
    for text in ["zero_grad and snake_case_name", "2 * 3 * 4", "a*b", "x ** 2", "5·ln 5 / 32", "\\*not emphasis\\*",
                 "`a*b` stays"] {
      let plain = TerminalText.renderInline(text, color: false)
      #expect(!plain.isEmpty)
      if text.hasPrefix("\\") { #expect(plain == "*not emphasis*") }
      else if text.hasPrefix("`") { #expect(plain == "a*b stays") }
      else { #expect(plain == text, "\(text) → \(plain)") }
    }
  }

  @Test func codeSpansKeepTheirContents() {
    #expect(TerminalText.renderInline("call `**kwargs`", color: false) == "call **kwargs")
    #expect(TerminalText.renderInline("``a ` b``", color: false) == "a ` b")
    #expect(TerminalText.renderInline("unclosed ` tick", color: false) == "unclosed ` tick")
  }

  @Test func widthIgnoresEscapes() {
    #expect(TerminalText.width("\u{1B}[1mbold\u{1B}[22m") == 4)
    #expect(TerminalText.width("é") == 1)
    #expect(TerminalText.stripANSI("\u{1B}[36mx\u{1B}[39m y") == "x y")
  }

  @Test func wrapNeverBreaksAWordAndRespectsTheWidth() {
    let words = (0..<60).map { i in String(repeating: "w", count: 1 + (i * 7) % 11) }
    let text = words.joined(separator: " ")
    for width in [20, 33, 50, 88] {
      let lines = TerminalText.wrap(text, width: width, indent: "  ")
      #expect(lines.allSatisfy { TerminalText.width($0) <= width })
      #expect(lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") == text)
    }
    let long = String(repeating: "x", count: 40)
    #expect(TerminalText.wrap("a \(long) b", width: 20) == ["a", long, "b"])
  }

  @Test func wrapCountsVisibleColumnsOnly() {
    let styled = TerminalText.renderInline("**aaaa** **bbbb** **cccc**", color: true)
    let lines = TerminalText.wrap(styled, width: 14)
    #expect(lines.count == 1)
  }

  @Test func blocksRenderForTheTerminal() {
    let md = """
      # Title with `code`

      First paragraph is **long** enough
      to be joined and wrapped.

      - item one has *several* words in it
      - item two
      1. numbered

      > a quote

      ```swift
      let x = a * b   // stays
      ```
      | a | **b** |
      """
    let out = TerminalText.render(md, width: 24, color: false)
    #expect(out == """
      Title with code

      First paragraph is long
      enough to be joined and
      wrapped.

      - item one has several
        words in it
      - item two
      1. numbered

      │ a quote

        let x = a * b   // stays
      | a | b |
      """)
    #expect(!out.contains("**") && !out.contains("`") && !out.contains("#"))
  }

  @Test func indentStartsEveryLine() {
    let out = TerminalText.render("one two three four five six", width: 12, color: false, indent: "│ ")
    #expect(out.split(separator: "\n").allSatisfy { $0.hasPrefix("│ ") })
  }

  @Test func terminalWidthFallsBackToColumnsThenDefault() {
    #expect(TerminalText.terminalWidth(fd: -1, fallback: 70, environment: [:]) == 70)
    #expect(TerminalText.terminalWidth(fd: -1, fallback: 70, environment: ["COLUMNS": "60"]) == 60)
    #expect(TerminalText.terminalWidth(fd: -1, fallback: 70, maximum: 100, environment: ["COLUMNS": "400"]) == 100)
    #expect(TerminalText.terminalWidth(fd: -1, fallback: 70, environment: ["COLUMNS": "5"]) == 20)
  }
}
