import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Lecture 3's executable: flags and the names files a learner may bring. Its numbers are
/// checked by its snapshot test; its data and batches by MakemoreTests.
@Suite struct Lecture03Tests {
  @Test func badFlagIsAUsageError() throws {
    let run = try LectureRunner.run("Lecture03MLP", ["--seed"])
    #expect(run.status == 2)
  }
}
