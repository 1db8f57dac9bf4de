import Foundation

/// A plot that renders both as a standalone SVG document (for the lecture's study page) and as
/// plain text (for the terminal), from the same data.
///
/// Every figure is a value type holding `[Double]` data; rendering is deterministic, so the same
/// figure always produces byte-identical output.
public protocol Figure: Sendable {
  /// The caption drawn above the figure (also the SVG `<title>`).
  var title: String { get }
  /// A standalone SVG document: `xmlns`, `viewBox`, width/height, white background and inline
  /// attributes only (no scripts, external fonts or CSS), so it renders on GitHub.
  func svg() -> String
  /// A text rendering at most `width` columns wide whose plotting grid has `height` rows.
  func ascii(width: Int, height: Int) -> String
}

extension Figure {
  /// The terminal rendering at the default size (72 columns, 18 plot rows).
  public func ascii() -> String { ascii(width: FigureDefaults.asciiWidth, height: FigureDefaults.asciiHeight) }

  /// Writes `svg()` to `path` as UTF-8, creating missing parent folders.
  public func writeSVG(toFile path: String) throws {
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(svg().utf8).write(to: url, options: .atomic)
  }
}

/// Default sizes shared by every figure kind.
public enum FigureDefaults {
  /// Default number of columns of `ascii()`.
  public static let asciiWidth = 72
  /// Default number of plot rows of `ascii()`.
  public static let asciiHeight = 18
  /// Default SVG width in pixels of the cartesian plots.
  public static let svgWidth: Double = 720
  /// Default SVG height in pixels of the cartesian plots.
  public static let svgHeight: Double = 420
}

/// Counts and removes non-finite values so a figure can report how many it skipped.
struct FiniteFilter {
  /// Number of NaN / infinite (or, on a log axis, non-positive) values seen so far.
  var skipped = 0

  /// Whether `v` can be drawn; counts it otherwise.
  mutating func accept(_ v: Double, positive: Bool = false) -> Bool {
    if !v.isFinite || (positive && v <= 0) { skipped += 1; return false }
    return true
  }
}

/// The note shown under a figure when some values could not be drawn.
func skippedNote(_ count: Int, reason: String = "non-finite") -> String? {
  count == 0 ? nil : "\(count) \(reason) value\(count == 1 ? "" : "s") skipped"
}
