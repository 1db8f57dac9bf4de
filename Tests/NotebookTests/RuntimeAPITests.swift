import Foundation
import Testing
@testable import Notebook

@Suite struct PageCodeTests {
  @Test func proseOnlyCallsAndHiddenRegionsLeaveTheCodeBlock() {
    let code = #"""
      let x = 1
      c.why("""
        Because (of "this").
        """)
      c.print(x)
      c.think("Why (really)?", answer: "\(x) reasons")
      c.worked("y", formula: "x + 1", substituted: "1 + 1",
               result: "\(x + 1)")
      c.result("x", "\(x)", headline: "1")

      // page:hide
      let plumbing = 3
      // page:show
      c.figure(LinePlot(title: "t", xs: [1], ys: [2]),
               name: "f")
      let y = x + 1  // c.why( in a comment is code
      """#
    #expect(SourceExtractor.withoutDisplayCalls(code) == """
      let x = 1
      c.print(x)

      let y = x + 1  // c.why( in a comment is code
      """)
  }

  @Test func declarationsComeWithTheirDocCommentAndBody() {
    let source = """
      import Foundation

      /// A thing.
      /// Two lines of doc.
      public final class Thing {
        let s = "a } brace in a string"
        func f() { }
      }

      extension Thing {
        /// Adds.
        @inline(__always)
        public func add(_ a: Int,
                        _ b: Int) -> Int {
          a + b
        }
        public var count: Int
      }
      """
    #expect(SourceExtractor.declaration("public final class Thing", in: source) == """
      /// A thing.
      /// Two lines of doc.
      public final class Thing {
        let s = "a } brace in a string"
        func f() { }
      }
      """)
    #expect(SourceExtractor.declaration("public func add(", in: source) == """
      /// Adds.
      @inline(__always)
      public func add(_ a: Int,
                      _ b: Int) -> Int {
        a + b
      }
      """)
    #expect(SourceExtractor.declaration("public var count", in: source) == "public var count: Int")
    #expect(SourceExtractor.declaration("public func missing", in: source) == nil)
    #expect(SourceExtractor.fileBody(source).hasPrefix("/// A thing."))
  }
}

@Suite struct RunControlsTests {
  @Test func extractsPauseCellAndSettings() throws {
    let (controls, rest) = try RunControls.extract(from: ["--fast", "--set", "lr=0.05", "--pause", "--cell=3", "--set=hidden=300", "--quiet"])
    #expect(rest == ["--fast", "--quiet"])
    #expect(controls.pause && controls.cell == 3)
    #expect(controls.settings.map { "\($0.name)=\($0.value)" } == ["lr=0.05", "hidden=300"])
  }

  @Test(arguments: [["--cell"], ["--cell", "0"], ["--cell", "x"], ["--set"], ["--set", "lr"], ["--set", "=3"], ["--pause=1"]])
  func badValuesAreUsageErrors(_ arguments: [String]) {
    #expect(throws: UsageError.self) { try RunControls.extract(from: arguments) }
  }
}

@Suite struct KnobTests {
  @Test func valuesComeFromSetAndAreChecked() {
    var board = KnobBoard(settings: [("hidden", "300"), ("lr", "0.05")])
    #expect(board.declare("hidden", lecture: 200, help: "h", allowed: 1...4096) == 300)
    #expect(board.declare("lr", lecture: 0.1, help: "l", allowed: nil) == 0.05)
    #expect(board.declare("steps", lecture: 10, help: "s", allowed: 1...100, override: 7) == 7)
    #expect(board.usageError == nil)
    #expect(board.changed.map(\.name) == ["hidden", "lr", "steps"])
    #expect(board.declared[0].lectureValue == "200" && board.declared[0].value == "300")
  }

  @Test func badValueAndUnknownNameAreUsageErrors() {
    var bad = KnobBoard(settings: [("hidden", "0")])
    #expect(bad.declare("hidden", lecture: 200, help: "h", allowed: 1...4096) == 200)
    #expect(bad.usageError?.message.contains("hidden must be a whole number from 1 to 4096") == true)
    var kind = KnobBoard(settings: [("lr", "fast")])
    _ = kind.declare("lr", lecture: 0.1, help: "l", allowed: nil)
    #expect(kind.usageError != nil)
    var unknown = KnobBoard(settings: [("hiden", "300")])
    _ = unknown.declare("hidden", lecture: 200, help: "h", allowed: nil)
    #expect(unknown.usageError?.message.contains("unknown knob 'hiden', did you mean 'hidden'? (knobs: hidden)") == true)
    #expect(KnobBoard.distance("lr", "lr") == 0 && KnobBoard.distance("", "ab") == 2 && KnobBoard.distance("steps", "step") == 1)
    var choice = KnobBoard(settings: [("init", "gauss")])
    #expect(choice.declare("init", lecture: "kaiming", help: "i", choices: ["kaiming", "randn"]) == "kaiming")
    #expect(choice.usageError?.message.contains("one of kaiming, randn") == true)
  }
}

@MainActor @Suite struct CellHelperTests {
  func cell(lectureSettings: Bool) -> Cell {
    Cell(number: 1, title: "t", options: RunOptions(defaultSeed: 7, threads: 1), console: Console(color: false),
         silent: true, usesLectureSettings: lectureSettings, lectureSeed: 7, figureSink: { _, _ in nil })
  }

  @Test func compareKnowsWhetherTheReferenceApplies() {
    let same = cell(lectureSettings: true)
    #expect(same.compare("loss", ours: 2.17014, reference: 2.1701, decimals: 4, source: "PyTorch"))
    #expect(!same.compare("loss", ours: "2.2", reference: "2.1", source: "PyTorch"))
    let other = cell(lectureSettings: false)
    #expect(!other.compare("loss", ours: "2.1", reference: "2.1", source: "PyTorch"))
    #expect(other.compare("fixed", ours: "2.1", reference: "2.1", source: "the README", seedDependent: false))
    #expect(other.blocks == [.output("""
      loss: 2.1   (PyTorch's 2.1 is for seed 7 with the lecture's settings)
      fixed: 2.1   (the README: 2.1 ✓)

      """)])
    let rows = [Comparison("a", ours: "1", reference: "1"), Comparison("b", ours: "2", reference: "3", seedDependent: false)]
    #expect(same.compare(rows, source: "ref") == 1)
    #expect(other.compare(rows, source: "ref") == 0)
  }

  @Test func stepsYieldEveryStepOnceAndTimedKeepsOffThePage() {
    let c = cell(lectureSettings: true)
    var seen: [Int] = []
    for i in c.steps(5) {
      seen.append(i)
      c.status("step \(i)")
    }
    #expect(seen == [0, 1, 2, 3, 4])
    for i in c.steps(10) where i == 3 { break }
    c.finishOpenProgress()
    let t = c.timed("sum", runs: 3) { (1...1000).reduce(0, +) }
    #expect(t.value == 500_500 && t.runs.count == 3 && t.seconds >= 0)
    #expect(c.blocks == [.markdown("*(Timings from the run are printed in the terminal only, so that this page is the same every time it is generated.)*")])
  }
}
