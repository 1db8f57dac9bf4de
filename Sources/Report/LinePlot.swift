import Foundation

/// One named line of a `LinePlot`: y values against x values.
public struct Series: Sendable, Equatable {
  /// Legend name.
  public var name: String
  /// X coordinates (same count as `ys`).
  public var xs: [Double]
  /// Y coordinates.
  public var ys: [Double]
  /// Draw a dot at every point as well as the line.
  public var markers: Bool

  /// A series with explicit x values; extra values of the longer array are ignored.
  public init(_ name: String, xs: [Double], ys: [Double], markers: Bool = false) {
    self.name = name; self.xs = xs; self.ys = ys; self.markers = markers
  }

  /// A series against its index: x = 0, 1, 2, … (a loss per step).
  public init(_ name: String, ys: [Double], markers: Bool = false) {
    self.init(name, xs: ys.indices.map(Double.init), ys: ys, markers: markers)
  }

  /// The drawable points (both coordinates finite, y positive on a log axis), nil where the line
  /// breaks, and how many values were skipped.
  func points(logY: Bool) -> (points: [(Double, Double)?], skipped: Int) {
    var filter = FiniteFilter()
    var out: [(Double, Double)?] = []
    out.reserveCapacity(min(xs.count, ys.count))
    for i in 0..<min(xs.count, ys.count) {
      let okX = filter.accept(xs[i])
      let okY = okX && filter.accept(ys[i], positive: logY)
      out.append(okX && okY ? (xs[i], ys[i]) : nil)
    }
    return (out, filter.skipped)
  }
}

/// Lines against a shared x axis: loss curves, f(x), the learning-rate finder, update:data ratios.
///
/// Long series (more than 4,000 points, e.g. 200,000 training steps) are decimated for drawing by
/// keeping the first, minimum, maximum and last point of each of ~1,000 buckets, so the SVG stays
/// small while spikes remain visible.
public struct LinePlot: Figure {
  /// Caption above the plot.
  public var title: String
  /// X axis label.
  public var xLabel: String
  /// Y axis label.
  public var yLabel: String
  /// The lines, drawn in order with the tab10 colours.
  public var series: [Series]
  /// Logarithmic y axis (ticks at powers of ten); non-positive values are skipped.
  public var logY: Bool
  /// Horizontal dashed guide lines at these y values (e.g. −3 on the update:data ratio plot).
  public var guides: [Double]
  /// SVG width in pixels.
  public var width: Double = FigureDefaults.svgWidth
  /// SVG height in pixels.
  public var height: Double = FigureDefaults.svgHeight

  /// A plot of several series.
  public init(title: String, xLabel: String = "", yLabel: String = "", series: [Series],
              logY: Bool = false, guides: [Double] = []) {
    self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    self.series = series; self.logY = logY; self.guides = guides
  }

  /// A plot of one series (named after the y label).
  public init(title: String, xLabel: String = "", yLabel: String = "", xs: [Double], ys: [Double],
              markers: Bool = false, logY: Bool = false, guides: [Double] = []) {
    self.init(title: title, xLabel: xLabel, yLabel: yLabel,
              series: [Series(yLabel.isEmpty ? title : yLabel, xs: xs, ys: ys, markers: markers)],
              logY: logY, guides: guides)
  }

  /// A plot of one series against its index (x = 0, 1, 2, …), e.g. a loss per step.
  public init(title: String, xLabel: String = "", yLabel: String = "", ys: [Double],
              markers: Bool = false, logY: Bool = false, guides: [Double] = []) {
    self.init(title: title, xLabel: xLabel, yLabel: yLabel, xs: ys.indices.map(Double.init), ys: ys,
              markers: markers, logY: logY, guides: guides)
  }

  /// Number of values that could not be drawn (NaN, ±∞, or ≤ 0 on a log axis).
  public var skippedCount: Int { series.reduce(0) { $0 + $1.points(logY: logY).skipped } }

  private struct Prepared {
    var lines: [[(Double, Double)?]]
    var x: AxisScale
    var y: AxisScale
    var notes: [String]
  }

  private func prepare(target: Int) -> Prepared {
    var lines: [[(Double, Double)?]] = []
    var skipped = 0
    var xsAll: [Double] = [], ysAll: [Double] = []
    for s in series {
      let (points, n) = s.points(logY: logY)
      skipped += n
      let drawn = Self.decimate(points)
      lines.append(drawn)
      for p in drawn { if let (x, y) = p { xsAll.append(x); ysAll.append(y) } }
    }
    let guideValues = guides.filter { $0.isFinite && (!logY || $0 > 0) }
    var x = AxisScale.fit(xsAll, pad: 0.02, target: target)
    if xsAll.isEmpty { x = AxisScale.exact(0, 1, target: target) }
    let y = AxisScale.fit(ysAll + guideValues, log: logY, pad: 0.05, target: target)
    var notes: [String] = []
    if let note = skippedNote(skipped, reason: logY ? "non-finite or non-positive" : "non-finite") { notes.append(note) }
    return Prepared(lines: lines, x: x, y: y, notes: notes)
  }

  /// Keeps first/min/max/last of ~1,000 buckets when a series has more than 4,000 points.
  static func decimate(_ points: [(Double, Double)?]) -> [(Double, Double)?] {
    guard points.count > 4000 else { return points }
    let bucket = (points.count + 999) / 1000
    var out: [(Double, Double)?] = []
    var start = 0
    while start < points.count {
      let end = min(start + bucket, points.count)
      var kept: [Int] = []
      var minIndex: Int? = nil, maxIndex: Int? = nil
      var first: Int? = nil, last: Int? = nil
      var brokenRun = false
      for i in start..<end {
        guard let p = points[i] else { brokenRun = true; continue }
        if first == nil { first = i }
        last = i
        if minIndex == nil || p.1 < points[minIndex!]!.1 { minIndex = i }
        if maxIndex == nil || p.1 > points[maxIndex!]!.1 { maxIndex = i }
      }
      for i in [first, minIndex, maxIndex, last].compactMap({ $0 }) where !kept.contains(i) { kept.append(i) }
      kept.sort()
      out += kept.map { points[$0] }
      if brokenRun { out.append(nil) }
      start = end
    }
    return out
  }

  /// One `<path>` per series (breaks at skipped values), dashed guides, optional dot markers.
  public func svg() -> String {
    let p = prepare(target: 7)
    let legend = series.enumerated().map { LegendEntry(name: $0.element.name, color: Palette.color($0.offset)) }
    let frame = PlotFrame(title: title, xLabel: xLabel, yLabel: yLabel, x: p.x, y: p.y, legend: legend,
                          notes: p.notes, width: width, height: height)
    var svg = frame.start()
    for g in guides {
      if let y = frame.py(g) { svg.line(frame.left, y, frame.right, y, stroke: "#555555", width: 1.2, dash: "6 4") }
    }
    for (i, line) in p.lines.enumerated() {
      let color = Palette.color(i)
      let pixels: [(Double, Double)?] = line.map { point in
        guard let (x, y) = point, let px = frame.px(x), let py = frame.py(y) else { return nil }
        return (px, py)
      }
      svg.path(SVGWriter.pathData(pixels), stroke: color, strokeWidth: 1.6, name: series[i].name)
      if series[i].markers {
        svg.beginGroup("fill=\"\(color)\"")
        for case let (x, y)? in pixels { svg.raw("<circle cx=\"\(NumberFormat.coord(x))\" cy=\"\(NumberFormat.coord(y))\" r=\"2.8\"/>") }
        svg.endGroup()
      }
    }
    return frame.finish(&svg)
  }

  /// Series drawn with one marker character each, dotted `┄` guides, legend for several series.
  public func ascii(width: Int, height: Int) -> String {
    let p = prepare(target: 6)
    var plot = AsciiPlot(title: title, xLabel: xLabel, yLabel: yLabel, x: p.x, y: p.y, width: width, height: height)
    for g in guides {
      if let r = plot.row(g) { for c in 0..<plot.canvas.width { plot.canvas[c, r] = "┄" } }
    }
    for (i, line) in p.lines.enumerated() { plot.polyline(line, Palette.marker(i)) }
    plot.legend = series.enumerated().map { (Palette.marker($0.offset), $0.element.name) }
    plot.notes = p.notes
    return plot.render()
  }
}
