import Foundation
import Testing
import TestSupport

/// Prose about a run's outcome must be true in every mode, `--fast` included. A reader of the
/// earlier pages found sentences that contradicted the numbers printed right beside them in a
/// `--fast` run (lecture 2: "nearly the same" names next to noise; lecture 3: "much more
/// name-like" next to `hlklyn.`, "low temperature repeats real names" next to a table showing
/// the opposite, "not overfitting" for a train/dev gap). These runs check the prose itself, with
/// its full text (the `--quiet` snapshots leave most prose out).
@Suite(.serialized) struct TruthfulProseTests {
  /// Phrases that asserted an outcome without computing it; none may come back. (Lecture 3's
  /// "underfitting, not overfitting" stays: it is printed only beside a computed train–dev gap.)
  static let uncomputedClaims = [
    "nearly the same", "much more name-like", "barely better than 1/27",
    "low temperature repeats real names",
  ]

  @Test(arguments: ["Lecture02Bigram", "Lecture03MLP"])
  func fastRunMakesNoUncomputedClaims(_ executable: String) throws {
    let run = try LectureRunner.run(executable, ["--fast", "--no-color"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    for phrase in Self.uncomputedClaims {
      #expect(!run.stdout.lowercased().contains(phrase), "\(executable) --fast says \"\(phrase)\"")
    }
  }

  /// Lecture 3's temperature sentence must agree with its own counts, in `--fast` and in a run
  /// with another seed.
  @Test(arguments: [["--fast"], ["--fast", "--seed", "7"]])
  func temperatureSentenceAgreesWithItsCounts(_ flags: [String]) throws {
    let run = try LectureRunner.run("Lecture03MLP", flags + ["--no-color"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let pattern = #/T = 0\.5 gives (no more|more) real names than T = 1 \((\d+) vs (\d+)\)/#
    let match = try #require(run.stdout.firstMatch(of: pattern), "the temperature sentence is missing")
    let cold = Int(match.output.2)!, plain = Int(match.output.3)!
    #expect((match.output.1 == "more") == (cold > plain), "\(match.output.0)")
  }
}
