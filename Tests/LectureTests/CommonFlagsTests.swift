import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Every lecture executable behaves the same way on the common flags: `--help` and `--list`
/// exit 0, a bad flag or value is a one-line error with exit status 2, a missing data folder is a
/// clear runtime error with exit status 1.
@Suite(.serialized) struct CommonFlagsTests {
  static let executables = Curriculum.lectures.map(\.executable)

  @Test(arguments: executables)
  func helpListsFlagsAndCells(_ executable: String) throws {
    let run = try LectureRunner.run(executable, ["--help"])
    #expect(run.status == 0)
    for flag in ["--verbose", "--quiet", "--seed N", "--steps N", "--fast", "--full", "--report [DIR]", "--quiz",
                 "--no-color", "--threads N", "--data DIR", "--list"] {
      #expect(run.stdout.contains(flag), "\(executable) --help does not mention \(flag)")
    }
    #expect(run.stdout.contains("cells:\n  1. "))
    let list = try LectureRunner.run(executable, ["--list"])
    #expect(list.status == 0)
    #expect(list.stdout.hasPrefix("1. "))
  }

  @Test(arguments: executables)
  func badFlagsAreUsageErrors(_ executable: String) throws {
    for args in [["--bogus"], ["--seed", "twelve"], ["--threads", "0"], ["--fast", "--full"], ["stray"]] {
      let run = try LectureRunner.run(executable, args)
      #expect(run.status == 2, "\(executable) \(args) exited \(run.status)")
      #expect(run.stderr.hasPrefix("error: "))
      #expect(run.stderr.contains("--help"))
      #expect(run.stdout.isEmpty)
    }
  }
}

@Suite(.serialized) struct WorkbookTests {
  @Test func listShowsEveryLecture() throws {
    let run = try LectureRunner.run("Workbook", ["list"])
    #expect(run.status == 0)
    for lecture in Curriculum.lectures {
      #expect(run.stdout.contains("swift run \(lecture.executable)"))
    }
  }

  @Test func usageErrors() throws {
    #expect(try LectureRunner.run("Workbook", ["frobnicate"]).status == 2)
    #expect(try LectureRunner.run("Workbook", ["report"]).status == 2)
    #expect(try LectureRunner.run("Workbook", ["quiz", "--nope"]).status == 2)
    #expect(try LectureRunner.run("Workbook", ["quiz", "99"]).status == 2)
  }

  @Test func quizEndsPolitelyAtEndOfInput() throws {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("zth-state-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: state) }
    let run = try LectureRunner.run("Workbook", ["quiz", "--all"], input: "",
                                    environment: ["ZERO_TO_HERO_STATE": state.path])
    #expect(run.status == 0)
    if Curriculum.allQuestions.isEmpty {
      #expect(run.stdout.contains("Nothing is due"))
    } else {
      #expect(run.stdout.contains("Quiz stopped. Score so far: 0/0"))
    }
  }

  @Test func corruptQuizStateIsSetAside() throws {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("zth-state-\(UUID().uuidString).json")
    defer {
      try? FileManager.default.removeItem(at: state)
      try? FileManager.default.removeItem(at: state.appendingPathExtension("corrupt"))
    }
    try Data("garbage".utf8).write(to: state)
    let run = try LectureRunner.run("Workbook", ["quiz"], input: "", environment: ["ZERO_TO_HERO_STATE": state.path])
    #expect(run.status == 0)
    #expect(run.stderr.contains("could not be read"))
    #expect(FileManager.default.fileExists(atPath: state.path + ".corrupt"))
  }
}

/// The study page depends only on the seed and the run mode: regenerating it (once with
/// `--verbose` on all cores, once with `--quiet --threads 1`) gives byte-identical files, figures
/// included. Lecture 3 trains with GEMMs split across threads, so this also checks that the
/// thread count never changes a number.
@Suite(.serialized) struct StudyPageDeterminismTests {
  @Test(arguments: ["Lecture01Micrograd", "Lecture03MLP"])
  func sameSeedSamePageWhateverTheVerbosityAndThreads(_ executable: String) throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("zth-det-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: base) }
    let first = base.appendingPathComponent("a"), second = base.appendingPathComponent("b")
    let a = try LectureRunner.run(executable, ["--fast", "--verbose", "--threads", "2", "--report", first.path])
    let b = try LectureRunner.run(executable, ["--fast", "--quiet", "--threads", "1", "--report", second.path])
    #expect(a.status == 0 && b.status == 0)
    #expect(a.stdout.count > b.stdout.count, "--verbose prints more than --quiet")
    let files = try FileManager.default.subpathsOfDirectory(atPath: first.path).sorted()
    let page = Curriculum.lecture(named: executable)?.reportFileName ?? "?"
    #expect(files.contains(page))
    #expect(files.contains { $0.hasPrefix("figures/") && $0.hasSuffix(".svg") })
    #expect(try FileManager.default.subpathsOfDirectory(atPath: second.path).sorted() == files)
    for file in files where file.contains(".") {
      let x = try Data(contentsOf: first.appendingPathComponent(file))
      let y = try Data(contentsOf: second.appendingPathComponent(file))
      #expect(x == y, "\(file) differs between runs")
    }
  }
}
