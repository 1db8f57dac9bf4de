import Foundation

/// One bar per label, starting at zero (negative values point down / left): per-parameter
/// statistics, per-layer saturation, probabilities of the next character.
public struct BarChart: Figure {
  /// Caption above the chart.
  public var title: String
  /// Label of the category axis.
  public var xLabel: String
  /// Label of the value axis.
  public var yLabel: String
  /// Category names.
  public var labels: [String]
  /// One value per label (NaN/±∞ are skipped and counted).
  public var values: [Double]
  /// SVG width in pixels.
  public var width: Double = FigureDefaults.svgWidth
  /// SVG height in pixels.
  public var height: Double = FigureDefaults.svgHeight

  /// A bar chart; `labels` and `values` pair up (the shorter count wins).
  public init(title: String, xLabel: String = "", yLabel: String = "", labels: [String], values: [Double]) {
    self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.labels = labels; self.values = values
  }

  private var count: Int { min(labels.count, values.count) }

  /// Number of bars not drawn because the value was NaN or ±∞.
  public var skippedCount: Int { values.prefix(count).filter { !$0.isFinite }.count }

  private var notes: [String] { skippedNote(skippedCount).map { [$0] } ?? [] }

  private func valueAxis(target: Int) -> AxisScale {
    let finite = values.prefix(count).filter(\.isFinite)
    let lo = min(finite.min() ?? 0, 0), hi = max(finite.max() ?? 1, 0)
    let span = hi > lo ? hi - lo : 1
    return AxisScale.exact(lo < 0 ? lo - 0.05 * span : 0, hi > 0 ? hi + 0.05 * span : (lo < 0 ? 0.05 * span : 1), target: target)
  }

  /// Vertical bars from a zero baseline (negative bars red), categories under the axis.
  public func svg() -> String {
    let x = AxisScale.categories(labels.prefix(count).map { TextLayout.truncate($0, 28) })
    let y = valueAxis(target: 7)
    var frame = PlotFrame(title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y, notes: notes, width: width, height: height)
    frame.showGrid = false
    var svg = frame.start()
    for t in y.ticks { if let p = frame.py(t) { svg.line(frame.left, p, frame.right, p, stroke: Palette.grid) } }
    let slot = (frame.right - frame.left) / Double(max(count, 1))
    for i in 0..<count where values[i].isFinite {
      guard let cx = frame.px(Double(i)), let y0 = frame.py(0), let y1 = frame.py(values[i]) else { continue }
      svg.rect(x: cx - slot * 0.4, y: min(y0, y1), width: slot * 0.8, height: abs(y1 - y0),
               fill: values[i] < 0 ? Palette.color(3) : Palette.color(0))
    }
    if let y0 = frame.py(0) { svg.line(frame.left, y0, frame.right, y0, stroke: Palette.axis) }
    return frame.finish(&svg)
  }

  /// Horizontal bars, one row per label, with the value printed after each bar.
  public func ascii(width: Int, height: Int) -> String {
    var lines: [String] = []
    if !title.isEmpty { lines.append(TextLayout.center(title, width)) }
    let names = labels.prefix(count).map { TextLayout.truncate($0, max(width / 4, 1)) }
    let nameWidth = names.map(\.count).max() ?? 0
    let texts = values.prefix(count).map { $0.isFinite ? NumberFormat.compact($0) : "skipped" }
    let textWidth = texts.map(\.count).max() ?? 0
    let barWidth = max(width - nameWidth - textWidth - 4, 4)
    let finite = values.prefix(count).filter(\.isFinite)
    let lo = min(finite.min() ?? 0, 0), hi = max(finite.max() ?? 0, 0)
    let span = hi > lo ? hi - lo : 1
    let zero = Int(((0 - lo) / span * Double(barWidth)).rounded())
    if !yLabel.isEmpty { lines.append(TextLayout.truncate(String(repeating: " ", count: nameWidth + 1) + yLabel, width)) }
    for i in 0..<count {
      var bar = Array(String(repeating: " ", count: barWidth + 1))
      if lo < 0 { bar[min(zero, barWidth)] = "│" }
      if values[i].isFinite {
        let end = Int(((values[i] - lo) / span * Double(barWidth)).rounded())
        let (a, b) = values[i] >= 0 ? (zero, end) : (end, zero)
        for c in a..<max(b, a) where c <= barWidth { bar[c] = "█" }
        if a == b { bar[min(a, barWidth)] = "▏" }
      }
      lines.append(TextLayout.trimTrailing(TextLayout.padLeft(names[i], nameWidth) + " " + String(bar) + " " + texts[i]))
    }
    if !xLabel.isEmpty { lines.append(TextLayout.truncate("(\(xLabel))", width)) }
    lines += notes.map { TextLayout.truncate($0, width) }
    return lines.joined(separator: "\n") + "\n"
  }
}
