import Foundation
import Testing
@testable import Notebook
@testable import Datasets

@Suite struct ProgressTests {
  @Test func plainLinesAtEachTenthWhenNotATerminal() {
    var lines = ""
    var now = 0.0
    let p = Progress("training", total: 50, isTerminal: false, write: { lines += $0 }, clock: { now })
    for step in 1...50 {
      now += 0.01
      p.update(step, "loss \(step)")
    }
    p.finish()
    let out = lines.split(separator: "\n")
    #expect(out.count == 11)
    #expect(out[0].hasPrefix("training: 5/50 (10%)"))
    #expect(out[0].contains("loss 5"))
    #expect(out[9].hasPrefix("training: 50/50 (100%)"))
    #expect(out[10].hasPrefix("training: done, 50 steps in"))
    #expect(!lines.contains("\u{1B}"))
  }

  @Test func aJumpOverSeveralTenthsPrintsOneLine() {
    var lines: [String] = []
    let p = Progress("eval", total: 10, isTerminal: false, write: { lines.append($0) }, clock: { 0 })
    p.update(3)
    p.update(4)
    p.update(10)
    #expect(lines.count == 3)
    #expect(lines[0].hasPrefix("eval: 3/10 (30%)"))
    #expect(lines[2].hasPrefix("eval: 10/10 (100%)"))
  }

  @Test func barOnATerminalAndALongRunEstimate() {
    var text = ""
    var now = 0.0
    let p = Progress("training", total: 1000, isTerminal: true, write: { text += $0 }, clock: { now })
    now = 10
    p.update(50)
    #expect(text.contains("this will take about 3:20"))
    #expect(text.contains("\r\u{1B}[K"))
    #expect(text.contains("5% 50/1000"))
  }

  @Test func durations() {
    #expect(Progress.duration(3.25) == "3.2s" || Progress.duration(3.25) == "3.3s")
    #expect(Progress.duration(75) == "1:15")
    #expect(Progress.duration(3725) == "1:02:05")
  }
}

@Suite struct SourceExtractorTests {
  @Test func findsTheTrailingClosureAfterProseWithBraces() {
    let source = #"""
      import ZeroToHero
      nb.cell("Title { not a brace }", """
        Prose with { braces } and "quotes" and \(interpolation("}")).
        """) { c in
        let s = "a } in a string"  // and a } in a comment
        if true {
          c.print(s)
        }
      }
      nb.cell("Next", "x") { _ in }
      """#
    let body = SourceExtractor.closureBody(in: source, fromLine: 2)
    #expect(body == """
      let s = "a } in a string"  // and a } in a comment
      if true {
        c.print(s)
      }
      """)
  }

  @Test func rawStringsAndOneLiners() {
    let source = ##"""
      nb.cell("A", #"raw { "quoted" } "#) { c in c.print(1) }
      """##
    #expect(SourceExtractor.closureBody(in: source, fromLine: 1) == "c.print(1)")
    #expect(SourceExtractor.closureBody(in: source, fromLine: 9) == nil)
  }

  @Test func aCellReturningAValueShowsNoSignature() {
    let source = """
      let N = nb.cell("Counts", "x") { c -> [[Int]] in
        var N = [[Int]]()
        return N
      }
      """
    #expect(SourceExtractor.closureBody(in: source, fromLine: 1) == "var N = [[Int]]()\nreturn N")
  }
}

@Suite struct LayoutTests {
  @Test func tablesAlignNumbersRight() {
    let t = TextLayout.table(["name", "loss"], [["train", "2.1234"], ["dev", "12.5"]])
    #expect(t == """
      name     loss
      ─────  ──────
      train  2.1234
      dev      12.5
      """)
  }

  @Test func proseWrapsParagraphsButKeepsLists() {
    let text = TextLayout.wrapProse("one two three\nfour five\n\n- item a\n- item b", width: 12)
    #expect(text == "one two\nthree four\nfive\n\n- item a\n- item b")
  }

  @Test func pageTablesRightAlignNumbers() {
    #expect(StudyPageWriter.table(["a", "b"], [["x|y", "1"]]) == "| a    |   b |\n| ---- | --: |\n| x\\|y |   1 |\n")
  }
}

@Suite struct DataFileTests {
  @Test func missingFileNamesThePathAndTheFix() {
    #expect {
      try DataFiles.locate("names.txt", dataDirectory: "/nonexistent-folder")
    } throws: { error in
      let message = "\(error)"
      return message.contains("/nonexistent-folder/names.txt") && message.contains("--data")
    }
  }

  @Test func findsTheRepositoryCopyFromASubfolder() throws {
    let url = try DataFiles.locate("names.txt")
    #expect(url.lastPathComponent == "names.txt")
    let folders = DataFiles.searchFolders(dataDirectory: nil, workingDirectory: "/work/x/y", executable: "")
    #expect(folders.prefix(3).map(\.path) == ["/work/x/y", "/work/x", "/work"])
  }

  @Test func badTextIsAClearError() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zth-data-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data([0xFF, 0xFE, 0x41]).write(to: dir.appendingPathComponent("names.txt"))
    #expect { try DataFiles.readText("names.txt", dataDirectory: dir.path) } throws: { "\($0)".contains("not valid UTF-8") }
    try Data("  \n".utf8).write(to: dir.appendingPathComponent("names.txt"))
    #expect { try DataFiles.readText("names.txt", dataDirectory: dir.path) } throws: { "\($0)".contains("is empty") }
    // Any letters make a vocabulary (a learner's own names, any case or script); a line with a
    // digit, a space or the reserved "." is reported with its line number.
    #expect(try Names(text: "emma\nOlivia\n").itos == [".", "O", "a", "e", "i", "l", "m", "v"])
    #expect { try Names(text: "emma\nmary ann\n") } throws: { "\($0)".contains("line 2") }
  }

  @Test func namesVocabularyAndContexts() throws {
    let names = try Names(text: "emma\nava\n")
    #expect(names.itos == [".", "a", "e", "m", "v"])
    #expect(names.encodeFramed("emma") == [0, 2, 3, 3, 1, 0])
    let (x, y) = names.contextExamples(["emma"], blockSize: 3)
    #expect(y == [2, 3, 3, 1, 0])
    #expect(Array(x[0..<3]) == [0, 0, 0])
    #expect(Array(x[12..<15]) == [3, 3, 1])
  }
}
