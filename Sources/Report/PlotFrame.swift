import Foundation

/// One legend row: a coloured swatch and a name.
struct LegendEntry {
  enum Swatch { case line, dashed, box, dot }
  var name: String
  var color: String
  var swatch: Swatch = .line
}

/// The SVG scaffolding shared by cartesian figures: margins, title, grid, axes with ticks and
/// tick labels, axis labels, legend (outside the plot, on the right) and notes under the figure.
struct PlotFrame {
  var title: String
  var xLabel: String
  var yLabel: String
  var x: AxisScale
  var y: AxisScale
  var legend: [LegendEntry]
  var notes: [String]
  var width: Double
  var height: Double
  var showGrid = true
  /// Colour of the notes under the figure (warnings are red; summaries may be plain).
  var noteColor = "#a33333"

  // Plot area in pixels.
  private(set) var left: Double = 0
  private(set) var right: Double = 0
  private(set) var top: Double = 0
  private(set) var bottom: Double = 0
  private(set) var rotateXLabels = false

  static let tickFont: Double = 11
  static let labelFont: Double = 13
  static let titleFont: Double = 15
  static let legendFont: Double = 12

  init(title: String, xLabel: String, yLabel: String, x: AxisScale, y: AxisScale,
       legend: [LegendEntry] = [], notes: [String] = [], width: Double, height: Double,
       plotSize: (width: Double, height: Double)? = nil) {
    self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    self.x = x; self.y = y; self.legend = legend; self.notes = notes
    self.width = width; self.height = height
    let m = margins()
    if let plotSize {  // the figure wants a fixed plot area (images): size the document around it
      self.width = m.left + plotSize.width + m.right
      self.height = m.top + plotSize.height + m.bottom
    }
    left = m.left; top = m.top
    right = self.width - m.right
    bottom = self.height - m.bottom
    rotateXLabels = m.rotate
  }

  var showsLegend: Bool { legend.count > 1 }

  private func margins() -> (left: Double, right: Double, top: Double, bottom: Double, rotate: Bool) {
    let yTickWidth = (y.labels.map { SVGWriter.textWidth($0, size: Self.tickFont) }.max() ?? 0) + 10
    let left = 12 + (yLabel.isEmpty ? 0 : 22) + yTickWidth
    var right: Double = 20
    if showsLegend {
      right += 34 + (legend.map { SVGWriter.textWidth($0.name, size: Self.legendFont) }.max() ?? 0) + 10
    }
    let top: Double = title.isEmpty ? 14 : 40
    let widest = x.labels.map { SVGWriter.textWidth($0, size: Self.tickFont) }.max() ?? 0
    let approxPlotWidth = max(width - left - right, 50)
    let slot = approxPlotWidth / Double(max(x.ticks.count, 1))
    let rotate = x.isCategorical && widest + 4 > slot
    let xTickHeight = rotate ? min(widest, 140) * 0.6 + 22 : 22
    let bottom = 8 + xTickHeight + (xLabel.isEmpty ? 0 : 20) + Double(notes.count) * 15
    // rotated labels hang to the left of their tick: keep the first one inside the figure
    let leftForLabels = rotate ? (x.labels.first.map { SVGWriter.textWidth($0, size: Self.tickFont) } ?? 0) * 0.82 - slot / 2 + 10 : 0
    return (max(left, leftForLabels), right, top, bottom, rotate)
  }

  /// Pixel x of a data value (nil if it cannot be drawn on this axis).
  func px(_ v: Double) -> Double? { x.fraction(v).map { left + $0 * (right - left) } }
  /// Pixel y of a data value (nil if it cannot be drawn on this axis).
  func py(_ v: Double) -> Double? { y.fraction(v).map { bottom - $0 * (bottom - top) } }

  /// A writer with background, title and grid lines drawn; draw the data next, then `finish`.
  func start() -> SVGWriter {
    var svg = SVGWriter(width: width, height: height, title: title)
    if !title.isEmpty {
      svg.text(title, x: (left + right) / 2, y: 20, size: Self.titleFont, bold: true, fill: Palette.text)
    }
    if showGrid {
      for t in x.ticks { if let p = px(t) { svg.line(p, top, p, bottom, stroke: Palette.grid) } }
      for t in y.ticks { if let p = py(t) { svg.line(left, p, right, p, stroke: Palette.grid) } }
    }
    return svg
  }

  /// Draws axes, ticks, labels, legend and notes on top of the data and returns the document.
  func finish(_ svg: inout SVGWriter) -> String {
    svg.rect(x: left, y: top, width: right - left, height: bottom - top, fill: "none", stroke: Palette.axis)
    // y ticks
    for (t, label) in zip(y.ticks, y.labels) {
      guard let p = py(t) else { continue }
      svg.line(left - 5, p, left, p, stroke: Palette.axis)
      svg.text(label, x: left - 8, y: p, size: Self.tickFont, anchor: .end, fill: Palette.text)
    }
    // x ticks, thinned so labels never overlap
    let positions = x.ticks.compactMap { px($0) }
    var every = 1
    if !rotateXLabels, positions.count >= 2 {
      let widest = x.labels.map { SVGWriter.textWidth($0, size: Self.tickFont) }.max() ?? 0
      let spacing = abs(positions[1] - positions[0])
      if spacing > 0 { every = max(1, Int(((widest + 6) / spacing).rounded(.up))) }
    }
    for (i, (t, label)) in zip(x.ticks, x.labels).enumerated() {
      guard let p = px(t) else { continue }
      svg.line(p, bottom, p, bottom + 5, stroke: Palette.axis)
      guard i % every == 0 else { continue }
      if rotateXLabels {
        svg.text(label, x: p, y: bottom + 12, size: Self.tickFont, anchor: .end, fill: Palette.text, rotate: -35)
      } else {
        svg.text(label, x: p, y: bottom + 15, size: Self.tickFont, fill: Palette.text)
      }
    }
    let widest = x.labels.map { SVGWriter.textWidth($0, size: Self.tickFont) }.max() ?? 0
    let xTickHeight = rotateXLabels ? min(widest, 140) * 0.6 + 22 : 22
    if !xLabel.isEmpty {
      svg.text(xLabel, x: (left + right) / 2, y: bottom + 8 + xTickHeight + 6, size: Self.labelFont, fill: Palette.text)
    }
    if !yLabel.isEmpty {
      svg.text(yLabel, x: 18, y: (top + bottom) / 2, size: Self.labelFont, fill: Palette.text, rotate: -90)
    }
    if showsLegend {
      let x0 = right + 16
      for (i, entry) in legend.enumerated() {
        let yy = top + 10 + Double(i) * 20
        switch entry.swatch {
        case .line: svg.line(x0, yy, x0 + 24, yy, stroke: entry.color, width: 2.5)
        case .dashed: svg.line(x0, yy, x0 + 24, yy, stroke: entry.color, width: 1.5, dash: "5 3")
        case .box: svg.rect(x: x0 + 4, y: yy - 6, width: 16, height: 12, fill: entry.color, stroke: Palette.axis, strokeWidth: 0.5)
        case .dot: svg.circle(cx: x0 + 12, cy: yy, r: 5, fill: entry.color, stroke: Palette.axis, strokeWidth: 0.5)
        }
        svg.text(entry.name, x: x0 + 32, y: yy, size: Self.legendFont, anchor: .start, fill: Palette.text)
      }
    }
    for (i, note) in notes.enumerated() {
      svg.text(note, x: 10, y: height - 10 - Double(notes.count - 1 - i) * 15, size: Self.tickFont, anchor: .start, fill: noteColor)
    }
    return svg.document()
  }
}
