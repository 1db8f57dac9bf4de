import Foundation

/// Points in the plane, optionally labelled (2-D character embeddings: a letter in each circle)
/// and coloured by group.
public struct ScatterPlot: Figure {
  /// Caption above the plot.
  public var title: String
  /// X axis label.
  public var xLabel: String
  /// Y axis label.
  public var yLabel: String
  /// X coordinates.
  public var xs: [Double]
  /// Y coordinates (same count as `xs`).
  public var ys: [Double]
  /// Optional text drawn at each point (inside a larger circle).
  public var labels: [String]?
  /// Optional group index per point (colour per group).
  public var groups: [Int]?
  /// Legend names of the groups (index = group).
  public var groupNames: [String]
  /// SVG width in pixels.
  public var width: Double = FigureDefaults.svgWidth
  /// SVG height in pixels.
  public var height: Double = 560

  /// A scatter plot; `labels` and `groups`, when given, have one entry per point.
  public init(title: String, xLabel: String = "", yLabel: String = "", xs: [Double], ys: [Double],
              labels: [String]? = nil, groups: [Int]? = nil, groupNames: [String] = []) {
    self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    self.xs = xs; self.ys = ys; self.labels = labels; self.groups = groups; self.groupNames = groupNames
  }

  private struct Point { var x: Double; var y: Double; var label: String?; var group: Int }

  private func points() -> (points: [Point], skipped: Int) {
    var filter = FiniteFilter()
    var out: [Point] = []
    for i in 0..<min(xs.count, ys.count) {
      guard filter.accept(xs[i]), filter.accept(ys[i]) else { continue }
      let label = labels.flatMap { i < $0.count ? $0[i] : nil }
      out.append(Point(x: xs[i], y: ys[i], label: label, group: groups.flatMap { i < $0.count ? $0[i] : nil } ?? 0))
    }
    return (out, filter.skipped)
  }

  /// Number of points not drawn because a coordinate was NaN or ±∞.
  public var skippedCount: Int { points().skipped }

  private var groupCount: Int { max((groups?.max() ?? 0) + 1, groupNames.count) }

  private func axes(target: Int, pad: Double) -> (AxisScale, AxisScale, [Point], [String]) {
    let (pts, skipped) = points()
    let x = AxisScale.fit(pts.map(\.x), pad: pad, target: target)
    let y = AxisScale.fit(pts.map(\.y), pad: pad, target: target)
    return (x, y, pts, skippedNote(skipped).map { [$0] } ?? [])
  }

  /// A circle per point (a larger one with white text when labelled), coloured by group.
  public func svg() -> String {
    let (x, y, pts, notes) = axes(target: 7, pad: 0.08)
    let legend = (0..<groupCount).map {
      LegendEntry(name: $0 < groupNames.count ? groupNames[$0] : "group \($0)", color: Palette.color($0), swatch: .dot)
    }
    let frame = PlotFrame(title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y,
                          legend: groups == nil ? [] : legend, notes: notes, width: width, height: height)
    var svg = frame.start()
    let labelled = labels != nil
    let radius = labelled ? max(9, Double((labels ?? []).map(\.count).max() ?? 1) * 4 + 5) : 4
    for p in pts {
      guard let cx = frame.px(p.x), let cy = frame.py(p.y) else { continue }
      svg.circle(cx: cx, cy: cy, r: radius, fill: Palette.color(p.group), stroke: labelled ? "#ffffff" : nil, strokeWidth: 0.8)
      if let label = p.label, !label.isEmpty {
        svg.text(label, x: cx, y: cy, size: 11, bold: true, fill: "#ffffff")
      }
    }
    return frame.finish(&svg)
  }

  /// Each point as its label's first character, or the group's marker.
  public func ascii(width: Int, height: Int) -> String {
    let (x, y, pts, notes) = axes(target: 6, pad: 0.05)
    var plot = AsciiPlot(title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y, width: width, height: height)
    for p in pts {
      let ch: Character = p.label?.first ?? (groups == nil ? "•" : Palette.marker(p.group))
      plot.point(p.x, p.y, ch)
    }
    if groups != nil {
      plot.legend = (0..<groupCount).map { (Palette.marker($0), $0 < groupNames.count ? groupNames[$0] : "group \($0)") }
    }
    plot.notes = notes
    return plot.render()
  }
}
