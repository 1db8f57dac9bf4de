import Foundation
import Testing
import TestSupport

/// Lecture 1's printed numbers are checked by its snapshot (SnapshotTests) and its engine by
/// MicrogradTests; these run the built `Lecture01Micrograd` to check the runtime features a
/// learner uses on it: knobs, `--cell`, `--pause`, `--dot`, and their usage errors.
@Suite(.serialized) struct Lecture01Tests {
  @Test func dotFlagPrintsGraphviz() throws {
    let run = try LectureRunner.run("Lecture01Micrograd", ["--fast", "--no-color", "--quiet", "--dot"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("digraph G {"))
    #expect(run.stdout.contains("{ x1 | data 2.0000 | grad -1.5000 }"))
  }

  @Test func helpListsTheKnobsWithTheLectureValues() throws {
    let run = try LectureRunner.run("Lecture01Micrograd", ["--help"])
    #expect(run.status == 0)
    for text in ["--set NAME=VALUE", "--pause", "--cell N", "lr=0.1", "steps=20", "moons-steps=100", "moons-hidden=16"] {
      #expect(run.stdout.contains(text), "--help does not mention \(text)")
    }
  }

  /// A knob changes the computation, and the run says so before any number.
  @Test func knobsChangeTheRunAndSayWhatDiffers() throws {
    func finalLoss(_ run: LectureRunner.Output) -> Substring? {
      run.stdout.split(separator: "\n").first { $0.hasPrefix("loss after ") }
    }
    let standard = try LectureRunner.run("Lecture01Micrograd", ["--fast", "--quiet"])
    let changed = try LectureRunner.run("Lecture01Micrograd", ["--fast", "--quiet", "--set", "lr=0.05", "--set", "steps=30"])
    #expect(standard.status == 0 && changed.status == 0, "stderr: \(changed.stderr)")
    #expect(changed.stdout.hasPrefix("settings changed: lr=0.05 (lecture 0.1), steps=30 (lecture 20)\n"))
    #expect(!standard.stdout.contains("settings changed"))
    #expect(finalLoss(changed)?.hasPrefix("loss after 30 steps: ") == true)
    #expect(finalLoss(standard) != nil && finalLoss(standard) != finalLoss(changed))
    // --steps is the same knob.
    let steps = try LectureRunner.run("Lecture01Micrograd", ["--fast", "--quiet", "--steps", "30", "--set", "lr=0.05"])
    #expect(finalLoss(steps) == finalLoss(changed))
  }

  @Test(arguments: [["--set", "lr=fast"], ["--set", "nope=1"], ["--set", "moons-hidden=0"], ["--set", "lr"],
                    ["--cell", "99"], ["--cell", "0"], ["--cell", "3", "--report"]])
  func badRuntimeFlagsAreUsageErrors(_ arguments: [String]) throws {
    let run = try LectureRunner.run("Lecture01Micrograd", arguments)
    #expect(run.status == 2, "\(arguments) exited \(run.status)")
    #expect(run.stderr.hasPrefix("error: "))
    #expect(run.stdout.isEmpty)
  }

  /// `--cell 7` runs cells 1–6 silently (cell 7 reads what cell 6 returned) and prints only cell 7.
  @Test func cellPrintsOnlyTheChosenCell() throws {
    let run = try LectureRunner.run("Lecture01Micrograd", ["--fast", "--cell", "7"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stdout.contains("── 7. Backward one node at a time"))
    #expect(!run.stdout.contains("── 6.") && !run.stdout.contains("── 8.") && !run.stdout.contains("── 1."))
    #expect(run.stdout.contains("same leaf gradients as backward(): true"))
    #expect(!run.stdout.contains("Cell timings"))
  }

  /// `--pause` waits for Enter before think answers, solutions and the next cell; when input ends
  /// the lecture runs on to the end.
  @Test func pauseWaitsForEnterAndRunsOnAtEndOfInput() throws {
    let run = try LectureRunner.run("Lecture01Micrograd", ["--fast", "--pause"], input: "\n\n\n")
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stderr.contains("Enter: show the answer"))
    #expect(run.stderr.contains("Enter: next cell"))
    #expect(run.stdout.contains("── 18. "))
  }
}
