import Foundation

/// Raw values of one histogram series (binned by the `Histogram`).
public struct HistogramSeries: Sendable, Equatable {
  /// Legend name.
  public var name: String
  /// The samples (NaN and ±∞ are skipped and counted).
  public var values: [Double]
  /// A named sample set.
  public init(_ name: String, values: [Double]) { self.name = name; self.values = values }
}

/// Precomputed bin heights of one histogram series (counts or densities).
public struct BinnedSeries: Sendable, Equatable {
  /// Legend name.
  public var name: String
  /// One height per bin: `counts.count == edges.count - 1`.
  public var counts: [Double]
  /// A named set of bin heights.
  public init(_ name: String, counts: [Double]) { self.name = name; self.counts = counts }
}

/// Overlaid histograms sharing one set of bins: activation and gradient distributions per layer.
public struct Histogram: Figure {
  /// Caption above the plot.
  public var title: String
  /// X axis label.
  public var xLabel: String
  /// Y axis label.
  public var yLabel: String
  /// Bin edges, ascending (`count + 1` edges for `count` bins).
  public private(set) var edges: [Double]
  /// Bin heights per series.
  public private(set) var binned: [BinnedSeries]
  /// Values that were not binned (NaN, ±∞).
  public private(set) var skippedCount: Int
  /// SVG width in pixels.
  public var width: Double = FigureDefaults.svgWidth
  /// SVG height in pixels.
  public var height: Double = FigureDefaults.svgHeight

  /// Bins `bins` equal-width intervals over the combined finite range of all series; heights are
  /// counts, or densities (integrating to 1 per series, as `torch.histogram(density=True)`).
  public init(title: String, xLabel: String = "value", yLabel: String = "count",
              series: [HistogramSeries], bins: Int = 50, density: Bool = false) {
    let binCount = max(bins, 1)
    var filter = FiniteFilter()
    let finite = series.map { s in s.values.filter { filter.accept($0) } }
    var lo = finite.compactMap { $0.min() }.min() ?? 0
    var hi = finite.compactMap { $0.max() }.max() ?? 1
    if !(hi > lo) { (lo, hi) = lo == 0 ? (-0.5, 0.5) : (lo - abs(lo) * 0.05, hi + abs(hi) * 0.05) }
    let w = (hi - lo) / Double(binCount)
    let edges = (0...binCount).map { $0 == binCount ? hi : lo + Double($0) * w }
    let binned = zip(series, finite).map { s, values -> BinnedSeries in
      var counts = [Double](repeating: 0, count: binCount)
      for v in values { counts[min(max(Int((v - lo) / w), 0), binCount - 1)] += 1 }
      if density, !values.isEmpty { counts = counts.map { $0 / (Double(values.count) * w) } }
      return BinnedSeries(s.name, counts: counts)
    }
    self.init(title: title, xLabel: xLabel, yLabel: density && yLabel == "count" ? "density" : yLabel,
              edges: edges, binned: binned)
    self.skippedCount = filter.skipped
  }

  /// A histogram from precomputed bins. Every series needs `edges.count - 1` heights.
  public init(title: String, xLabel: String = "value", yLabel: String = "count",
              edges: [Double], binned: [BinnedSeries]) {
    for s in binned where s.counts.count != max(edges.count - 1, 0) {
      preconditionFailure("Histogram: series '\(s.name)' has \(s.counts.count) bins but \(edges.count) edges")
    }
    self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    self.edges = edges; self.binned = binned; self.skippedCount = 0
  }

  private func axes(target: Int) -> (AxisScale, AxisScale) {
    let finiteEdges = edges.filter(\.isFinite)
    var x = AxisScale.exact(0, 1, target: target)
    if finiteEdges.count >= 2, let lo = finiteEdges.min(), let hi = finiteEdges.max(), hi > lo {
      let pad = (hi - lo) * 0.03  // keep the outer bars off the frame
      x = AxisScale.exact(lo - pad, hi + pad, target: target)
    }
    let top = binned.flatMap(\.counts).filter(\.isFinite).max() ?? 1
    let y = AxisScale.exact(0, top > 0 ? top * 1.05 : 1, target: target)
    return (x, y)
  }

  private var notes: [String] { skippedNote(skippedCount).map { [$0] } ?? [] }

  /// One closed step outline per series (filled bars for a single series), legend for several.
  public func svg() -> String {
    let (x, y) = axes(target: 7)
    let single = binned.count == 1
    let legend = binned.enumerated().map { LegendEntry(name: $0.element.name, color: Palette.color($0.offset), swatch: .box) }
    let frame = PlotFrame(title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y, legend: legend,
                          notes: notes, width: width, height: height)
    var svg = frame.start()
    for (i, s) in binned.enumerated() {
      guard let base = frame.py(0), edges.count >= 2 else { continue }
      // One closed step outline per series: up and across every bin, back down to the baseline.
      var points: [(Double, Double)?] = []
      for (b, c) in s.counts.enumerated() {
        guard let x0 = frame.px(edges[b]), let x1 = frame.px(edges[b + 1]) else { continue }
        let top = frame.py(c.isFinite ? c : 0) ?? base
        if points.isEmpty { points.append((x0, base)) }
        points.append((x0, top)); points.append((x1, top))
      }
      if let last = points.last ?? nil { points.append((last.0, base)) }
      svg.path(SVGWriter.pathData(points) + " Z", fill: Palette.color(i), stroke: Palette.color(i),
               strokeWidth: single ? 0.8 : 1.4, fillOpacity: single ? 0.75 : (binned.count == 2 ? 0.25 : 0.1), name: s.name)
      if single {  // thin separators make single-series bars readable
        for b in 1..<max(edges.count - 1, 1) where s.counts[b - 1] > 0 || s.counts[b] > 0 {
          if let xb = frame.px(edges[b]), let top = frame.py(max(s.counts[b - 1], s.counts[b])) {
            svg.line(xb, base, xb, top, stroke: "#ffffff", width: 0.6)
          }
        }
      }
    }
    return frame.finish(&svg)
  }

  /// Filled `█` bars for one series; one marker line through the bin centres per series otherwise.
  public func ascii(width: Int, height: Int) -> String {
    let (x, y) = axes(target: 6)
    var plot = AsciiPlot(title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y, width: width, height: height)
    let columns = plot.canvas.width
    guard edges.count >= 2 else { return plot.render() }
    for (i, s) in binned.enumerated() {
      // Height per terminal column: the largest bin overlapping it.
      var heights = [Double](repeating: 0, count: columns)
      for (b, c) in s.counts.enumerated() where c.isFinite {
        let c0 = plot.column(edges[b]) ?? 0, c1 = max((plot.column(edges[b + 1]) ?? columns - 1) - 1, c0)
        for col in c0...min(c1, columns - 1) { heights[col] = max(heights[col], c) }
      }
      if binned.count == 1 {
        for col in 0..<columns where heights[col] > 0 {
          guard let r = plot.row(heights[col]) else { continue }
          for rr in r..<plot.canvas.height { plot.canvas[col, rr] = "█" }
        }
      } else {  // several series: a line through the bin centres of each
        let centres: [(Double, Double)?] = s.counts.enumerated().map { b, c in
          c.isFinite ? ((edges[b] + edges[b + 1]) / 2, c) : nil
        }
        plot.polyline(centres, Palette.marker(i))
      }
    }
    plot.legend = binned.enumerated().map { (Palette.marker($0.offset), $0.element.name) }
    plot.notes = notes
    return plot.render()
  }
}
