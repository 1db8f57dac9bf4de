import Foundation
import Testing
import TestSupport
import ZeroToHero

/// Lecture 4's step-0 numbers and parameter counts, read from the lecture's own `--fast` run (no
/// copy of the lecture's code here): each comparison the lecture prints puts this run's value next
/// to PyTorch's or the notebook's, and each of the reference numbers must appear as *our*
/// value, equal to the reference. Its knobs are checked too.
@Suite(.serialized) struct Lecture04Tests {
  /// The lecture's `--fast --quiet` output (run once).
  static let output: String = {
    (try? LectureRunner.run("Lecture04BatchNorm", ["--fast", "--quiet", "--no-color"]).stdout) ?? ""
  }()

  /// (ours, reference) from "what: OURS (source: REF ✓)" lines and from table rows "what OURS REF ✓".
  static func comparisons(_ text: String) -> [(what: String, ours: String, reference: String, ok: Bool)] {
    var rows: [(String, String, String, Bool)] = []
    for line in text.split(separator: "\n").map(String.init) {
      if let m = line.firstMatch(of: #/^(.+?): ([0-9.]+%?)\s+\((?:PyTorch|notebook): ([0-9.]+%?) (✓|✗)\)$/#) {
        rows.append((String(m.output.1), String(m.output.2), String(m.output.3), m.output.4 == "✓"))
      } else if let m = line.firstMatch(of: #/^(.+?)\s{2,}([0-9.]+%?)\s+([0-9.]+%?)\s+(✓|✗)$/#) {
        rows.append((String(m.output.1).trimmingCharacters(in: .whitespaces), String(m.output.2), String(m.output.3), m.output.4 == "✓"))
      }
    }
    return rows
  }

  @Test func everyComparisonHolds() {
    let rows = Self.comparisons(Self.output)
    #expect(rows.count >= 10, "expected the lecture's comparisons in its output")
    for row in rows {
      #expect(row.ok && row.ours == row.reference, "\(row.what): ours \(row.ours), reference \(row.reference)")
    }
  }

  /// The step-0 numbers, each printed as this run's own value.
  @Test func stepZeroNumbersAndCountsAreOurs() {
    let ours = Set(Self.comparisons(Self.output).filter(\.ok).map(\.ours))
    for number in ["27.8817", "3.3221", "3.3135", "3.3179", "60.95%", "0.98%", "8.14%", "12097", "47024", "46497"] {
      #expect(ours.contains(number), "\(number) is not among this run's compared values")
    }
  }

  @Test func badKnobIsAUsageError() throws {
    let run = try LectureRunner.run("Lecture04BatchNorm", ["--set", "gain=-1"])
    #expect(run.status == 2)
  }
}
