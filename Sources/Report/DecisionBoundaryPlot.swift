import Foundation

/// A two-class classifier's view of the plane: cells coloured by the sign of the score, the
/// zero-score contour, and the labelled training points on top (micrograd's moons demo).
public struct DecisionBoundaryPlot: Figure {
  /// Caption above the plot.
  public var title: String
  /// The x interval covered by the grid.
  public var xRange: ClosedRange<Double>
  /// The y interval covered by the grid.
  public var yRange: ClosedRange<Double>
  /// `scores[row][column]`, row 0 at the bottom (lowest y); score > 0 means the positive class.
  public var scores: [[Double]]
  /// X of the data points.
  public var xs: [Double]
  /// Y of the data points.
  public var ys: [Double]
  /// Class of each point by sign: > 0 positive, otherwise negative (micrograd's y ∈ {−1, 1}).
  public var labels: [Double]
  /// Draw the zero-score contour line.
  public var contours: Bool
  /// X axis label.
  public var xLabel: String
  /// Y axis label.
  public var yLabel: String
  /// SVG width in pixels.
  public var width: Double = 640
  /// SVG height in pixels.
  public var height: Double = 520

  /// A decision-boundary plot; `xs`, `ys` and `labels` have one entry per point.
  public init(title: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, scores: [[Double]],
              xs: [Double], ys: [Double], labels: [Double], contours: Bool = false,
              xLabel: String = "", yLabel: String = "") {
    self.title = title; self.xRange = xRange; self.yRange = yRange; self.scores = scores
    self.xs = xs; self.ys = ys; self.labels = labels; self.contours = contours
    self.xLabel = xLabel; self.yLabel = yLabel
  }

  /// The centres of `count` equal cells covering `range`: where to evaluate the scores.
  public static func cellCenters(_ range: ClosedRange<Double>, count: Int) -> [Double] {
    let step = (range.upperBound - range.lowerBound) / Double(max(count, 1))
    return (0..<max(count, 0)).map { range.lowerBound + (Double($0) + 0.5) * step }
  }

  static let negativeRegion = "#f6c2b0", positiveRegion = "#b7d6ea"
  static let negativePoint = "#c0392b", positivePoint = "#1f5fa8"

  private var rows: Int { scores.count }
  private var columns: Int { scores.map(\.count).max() ?? 0 }
  private func score(_ r: Int, _ c: Int) -> Double { c < scores[r].count ? scores[r][c] : .nan }

  /// Number of scores and point coordinates that are NaN or ±∞ (not drawn).
  public var skippedCount: Int {
    scores.reduce(0) { $0 + $1.filter { !$0.isFinite }.count }
      + (0..<min(xs.count, ys.count)).filter { !xs[$0].isFinite || !ys[$0].isFinite }.count
  }

  private var notes: [String] { skippedNote(skippedCount).map { [$0] } ?? [] }

  /// Class regions (one rect per run of equal sign), optional zero contour, then the points.
  public func svg() -> String {
    let x = AxisScale.exact(xRange.lowerBound, xRange.upperBound, target: 7)
    let y = AxisScale.exact(yRange.lowerBound, yRange.upperBound, target: 7)
    let legend = [LegendEntry(name: "class −1", color: Self.negativePoint, swatch: .dot),
                  LegendEntry(name: "class +1", color: Self.positivePoint, swatch: .dot)]
    var frame = PlotFrame(title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y, legend: legend,
                          notes: notes, width: width, height: height)
    frame.showGrid = false
    var svg = frame.start()
    let rows = self.rows, columns = self.columns
    let cw = (frame.right - frame.left) / Double(max(columns, 1)), ch = (frame.bottom - frame.top) / Double(max(rows, 1))
    svg.beginGroup("shape-rendering=\"crispEdges\"")
    for r in 0..<rows {  // runs of one class become one rect
      var c = 0
      while c < columns {
        let kind = regionColor(score(r, c))
        var end = c + 1
        while end < columns, regionColor(score(r, end)) == kind { end += 1 }
        svg.rect(x: frame.left + Double(c) * cw, y: frame.bottom - Double(r + 1) * ch,
                 width: Double(end - c) * cw, height: ch, fill: kind)
        c = end
      }
    }
    svg.endGroup()
    if contours {
      let segments = zeroContour()
      var d: [String] = []
      for (a, b) in segments {
        let ax = frame.left + a.0 * cw, ay = frame.bottom - a.1 * ch
        let bx = frame.left + b.0 * cw, by = frame.bottom - b.1 * ch
        d.append("M\(NumberFormat.coord(ax)) \(NumberFormat.coord(ay)) L\(NumberFormat.coord(bx)) \(NumberFormat.coord(by))")
      }
      if !d.isEmpty { svg.path(d.joined(separator: " "), stroke: "#333333", strokeWidth: 1.6, name: "score = 0") }
    }
    for i in 0..<min(xs.count, ys.count, labels.count) {
      guard let px = frame.px(xs[i]), let py = frame.py(ys[i]),
            px >= frame.left - 0.5, px <= frame.right + 0.5, py >= frame.top - 0.5, py <= frame.bottom + 0.5 else { continue }
      svg.circle(cx: px, cy: py, r: 4.5, fill: labels[i] > 0 ? Self.positivePoint : Self.negativePoint,
                 stroke: "#000000", strokeWidth: 0.7)
    }
    return frame.finish(&svg)
  }

  private func regionColor(_ s: Double) -> String {
    s.isFinite ? (s > 0 ? Self.positiveRegion : Self.negativeRegion) : "#dddddd"
  }

  /// Zero-level segments by marching squares over cell centres, in cell units (x right, y up).
  func zeroContour() -> [((Double, Double), (Double, Double))] {
    var segments: [((Double, Double), (Double, Double))] = []
    guard rows >= 2, columns >= 2 else { return [] }
    for r in 0..<(rows - 1) {
      for c in 0..<(columns - 1) {
        // corners counter-clockwise from bottom-left, at cell centres
        let corners = [(c, r), (c + 1, r), (c + 1, r + 1), (c, r + 1)]
        let v = corners.map { score($0.1, $0.0) }
        guard v.allSatisfy(\.isFinite) else { continue }
        var crossings: [(Double, Double)] = []
        for e in 0..<4 {
          let (a, b) = (e, (e + 1) % 4)
          guard (v[a] > 0) != (v[b] > 0) else { continue }
          let t = v[a] == v[b] ? 0.5 : v[a] / (v[a] - v[b])
          let x = Double(corners[a].0) + (Double(corners[b].0 - corners[a].0)) * t + 0.5
          let y = Double(corners[a].1) + (Double(corners[b].1 - corners[a].1)) * t + 0.5
          crossings.append((x, y))
        }
        if crossings.count == 2 { segments.append((crossings[0], crossings[1])) }
        if crossings.count == 4 { segments.append((crossings[0], crossings[1])); segments.append((crossings[2], crossings[3])) }
      }
    }
    return segments
  }

  /// The plane as `·` (score > 0) and space, with points as `●` (class +1) and `○` (class −1).
  public func ascii(width: Int, height: Int) -> String {
    let x = AxisScale.exact(xRange.lowerBound, xRange.upperBound, target: 6)
    let y = AxisScale.exact(yRange.lowerBound, yRange.upperBound, target: 6)
    var plot = AsciiPlot(title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y, width: width, height: height)
    let cols = plot.canvas.width, rowsShown = plot.canvas.height
    let rows = self.rows, columns = self.columns
    if rows > 0, columns > 0 {
      for rr in 0..<rowsShown {
        let fy = 1 - Double(rr) / Double(max(rowsShown - 1, 1))
        let r = min(max(Int(fy * Double(rows)), 0), rows - 1)
        for cc in 0..<cols {
          let c = min(max(Int(Double(cc) / Double(max(cols - 1, 1)) * Double(columns)), 0), columns - 1)
          let s = score(r, c)
          plot.canvas[cc, rr] = s.isFinite ? (s > 0 ? "·" : " ") : "?"
        }
      }
    }
    for i in 0..<min(xs.count, ys.count, labels.count) { plot.point(xs[i], ys[i], labels[i] > 0 ? "●" : "○") }
    plot.legend = [("●", "class +1"), ("○", "class −1"), ("·", "score > 0")]
    plot.notes = notes
    return plot.render()
  }
}
