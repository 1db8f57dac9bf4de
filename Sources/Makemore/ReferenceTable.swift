import Foundation

/// The "ours vs PyTorch" table of a training run: our loss at each step PyTorch recorded, its
/// value and the difference. When the reference does not apply (another seed, another names
/// file) the table has our column only, so nothing is compared with numbers from another run.
public struct ReferenceTable: Sendable {
  /// Column titles.
  public let headers: [String]
  /// One row per recorded step, in step order.
  public let rows: [[String]]
  /// The largest |ours − reference| over the compared steps (nil when nothing was compared).
  public let largestDifference: Float?

  /// Builds the table from our losses by step and the reference's (`reference` nil: ours only).
  /// `steps` lists the steps to show; a step missing from `ours` is skipped.
  public init(steps: [Int], ours: [Int: Float], reference: [Int: Float]?, label: String = "PyTorch",
              decimals: Int = 4, stepTitle: String = "step") {
    let compared = reference != nil
    headers = [stepTitle, "loss (ours)"] + (compared ? [label, "Δ"] : [])
    var rows: [[String]] = []
    var worst: Float?
    for k in steps {
      guard let mine = ours[k] else { continue }
      var row = ["\(k)", Self.fixed(mine, decimals)]
      if let reference {
        if let theirs = reference[k] {
          let d = mine - theirs
          worst = Swift.max(worst ?? 0, Swift.abs(d))
          row += [Self.fixed(theirs, decimals), Self.scientific(d)]
        } else {
          row += ["", ""]
        }
      }
      rows.append(row)
    }
    self.rows = rows
    largestDifference = worst
  }

  static func fixed(_ x: Float, _ decimals: Int) -> String { String(format: "%.\(decimals)f", x) }

  static func scientific(_ d: Float) -> String { String(format: "%+.1e", d) }
}
