import Foundation

/// A matrix drawn as coloured cells with optional text in each cell: the 27×27 bigram counts
/// ("an" over "5438"), attention weights, weight matrices.
///
/// The SVG size follows from `cellSize`; `width`/`height` report it.
public struct Heatmap: Figure {
  /// Caption above the figure.
  public var title: String
  /// The matrix, `values[row][column]`; ragged rows are padded with NaN (drawn grey).
  public var values: [[Double]] { didSet { summarize() } }
  /// Optional text per cell, lines separated by `"\n"` (drawn centred in the cell).
  public var cellText: [[String]]?
  /// Names of the rows (left side); defaults to indices.
  public var rowLabels: [String]
  /// Names of the columns (top side); defaults to indices.
  public var columnLabels: [String]
  /// Value → colour mapping.
  public var colorScale: ColorScale
  /// Fixed colour range; nil uses the finite min…max (±max|v| for `.diverging`).
  public var range: ClosedRange<Double>?
  /// Draw a colour bar with ticks on the right.
  public var showColorBar: Bool
  /// Label under the matrix (what the columns are).
  public var xLabel: String
  /// Label left of the matrix (what the rows are).
  public var yLabel: String
  /// Side of one cell in SVG pixels.
  public var cellSize: Double

  /// A heatmap; `cellSize` defaults to room for the cell text, or ≈ 560 px for the whole matrix.
  public init(title: String, values: [[Double]], cellText: [[String]]? = nil,
              rowLabels: [String] = [], columnLabels: [String] = [], colorScale: ColorScale = .blues,
              range: ClosedRange<Double>? = nil, showColorBar: Bool = true,
              xLabel: String = "", yLabel: String = "", cellSize: Double? = nil) {
    self.title = title; self.values = values; self.cellText = cellText
    self.rowLabels = rowLabels; self.columnLabels = columnLabels; self.colorScale = colorScale
    self.range = range; self.showColorBar = showColorBar; self.xLabel = xLabel; self.yLabel = yLabel
    let rows = values.count, cols = values.map(\.count).max() ?? 0
    self.cellSize = 0
    summarize()
    if let size = cellSize {
      self.cellSize = size
    } else if let text = cellText {
      let longest = text.flatMap { $0.flatMap { $0.split(separator: "\n").map(\.count) } }.max() ?? 1
      self.cellSize = max(30, Double(longest) * 6 + 8)
    } else {
      self.cellSize = min(max(560 / Double(max(rows, cols, 1)), 3), 40)
    }
  }

  var rows: Int { values.count }
  /// Width of the widest row (cached, as are the finite extremes below).
  private(set) var columns = 0
  private var finiteMin: Double? = nil
  private var finiteMax: Double? = nil
  private var nonFinite = 0

  private mutating func summarize() {
    columns = values.map(\.count).max() ?? 0
    (finiteMin, finiteMax, nonFinite) = (nil, nil, 0)
    for row in values {
      nonFinite += columns - row.count
      for v in row {
        guard v.isFinite else { nonFinite += 1; continue }
        finiteMin = Swift.min(finiteMin ?? v, v)
        finiteMax = Swift.max(finiteMax ?? v, v)
      }
    }
  }

  func value(_ r: Int, _ c: Int) -> Double { c < values[r].count ? values[r][c] : .nan }

  /// Number of cells that are NaN or ±∞ (drawn grey).
  public var skippedCount: Int { nonFinite }

  var colorRange: ClosedRange<Double> {
    range ?? colorScale.range(of: [finiteMin, finiteMax].compactMap { $0 })
  }

  func fraction(_ v: Double) -> Double {
    let r = colorRange
    return r.upperBound > r.lowerBound ? (v - r.lowerBound) / (r.upperBound - r.lowerBound) : 1
  }

  /// Labels for `count` rows or columns: the given names, or indices; every `step`-th one so
  /// that labels are at least `spacing` pixels apart.
  static func axisLabels(_ names: [String], count: Int, cellSize: Double, spacing: (String) -> Double) -> [(Int, String)] {
    let all = names.isEmpty ? (0..<count).map(String.init) : Array(names.prefix(count))
    let needed = all.map(spacing).max() ?? 0
    var step = 1
    if needed > cellSize {
      let raw = Int((needed / max(cellSize, 0.01)).rounded(.up))
      step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].first { $0 >= raw } ?? raw
    }
    return stride(from: 0, to: all.count, by: step).map { ($0, all[$0]) }
  }

  /// Whether column names are drawn vertically (names wider than a cell).
  private var rotateColumnLabels: Bool {
    !columnLabels.isEmpty && cellSize >= 12
      && (columnLabels.prefix(columns).map { SVGWriter.textWidth($0, size: 11) }.max() ?? 0) > cellSize - 2
  }

  private var rowLabelList: [(Int, String)] { Self.axisLabels(rowLabels, count: rows, cellSize: cellSize) { _ in 13 } }

  private var columnLabelList: [(Int, String)] {
    let rotate = rotateColumnLabels
    return Self.axisLabels(columnLabels, count: columns, cellSize: cellSize) { rotate ? 13 : SVGWriter.textWidth($0, size: 11) + 4 }
  }

  private var layout: (left: Double, top: Double, right: Double, bottom: Double, rotateColumns: Bool) {
    let rowLabelWidth = rowLabelList.map { SVGWriter.textWidth($0.1, size: 11) }.max() ?? 0
    let colLabelWidth = columnLabelList.map { SVGWriter.textWidth($0.1, size: 11) }.max() ?? 0
    let rotate = rotateColumnLabels
    let left = 12 + (yLabel.isEmpty ? 0 : 22) + rowLabelWidth + 8
    let top = (title.isEmpty ? 12 : 40) + (rotate ? colLabelWidth + 10 : 18)
    var right: Double = 20
    if showColorBar {
      let labels = Ticks.labels(Ticks.linear(colorRange.lowerBound, colorRange.upperBound, target: 6))
      right += 16 + 8 + (labels.map { SVGWriter.textWidth($0, size: 11) }.max() ?? 0) + 8
    }
    let notes = skippedNote(skippedCount) == nil ? 0.0 : 15.0
    let bottom = 12 + (xLabel.isEmpty ? 0 : 24) + notes
    return (left, top, right, bottom, rotate)
  }

  /// SVG width in pixels (from `cellSize`, labels and colour bar).
  public var width: Double { let l = layout; return l.left + Double(columns) * cellSize + l.right }
  /// SVG height in pixels.
  public var height: Double { let l = layout; return l.top + Double(rows) * cellSize + l.bottom }

  /// Cells (one path per colour), optional cell text, row/column labels and colour bar.
  public func svg() -> String {
    let l = layout
    let w = width, h = height
    var svg = SVGWriter(width: w, height: h, title: title)
    let gridRight = l.left + Double(columns) * cellSize
    let gridBottom = l.top + Double(rows) * cellSize
    if !title.isEmpty { svg.text(title, x: (l.left + gridRight) / 2, y: 20, size: PlotFrame.titleFont, bold: true) }
    svg.beginGroup("shape-rendering=\"crispEdges\"")
    // Runs of equal colour in a row become one rectangle, and all rectangles of one colour one
    // path (colours are quantised to 256 levels), which keeps a 200×200 matrix well under 1 MB.
    var order: [String] = []
    var runs: [String: [String]] = [:]
    let size = NumberFormat.coord(cellSize)
    for r in 0..<rows {
      let colors = (0..<columns).map { cellColor(value(r, $0)) }
      var c = 0
      while c < columns {
        var end = c + 1
        while end < columns, colors[end] == colors[c] { end += 1 }
        if runs[colors[c]] == nil { order.append(colors[c]); runs[colors[c]] = [] }
        let w = NumberFormat.coord(Double(end - c) * cellSize)
        runs[colors[c]]!.append("M\(NumberFormat.coord(l.left + Double(c) * cellSize)) \(NumberFormat.coord(l.top + Double(r) * cellSize))h\(w)v\(size)h-\(w)z")
        c = end
      }
    }
    for color in order { svg.path(runs[color]!.joined(), fill: color) }
    svg.endGroup()
    if let text = cellText {
      let size = min(max(cellSize * 0.27, 5), 12)
      for r in 0..<min(rows, text.count) {
        for c in 0..<min(columns, text[r].count) where !text[r][c].isEmpty {
          let lines = text[r][c].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
          let v = value(r, c)
          let dark = v.isFinite && colorScale.color(at: fraction(v)).luminance < 0.5
          let cx = l.left + (Double(c) + 0.5) * cellSize, cy = l.top + (Double(r) + 0.5) * cellSize
          for (i, line) in lines.enumerated() {
            let dy = (Double(i) - Double(lines.count - 1) / 2) * size * 1.15
            svg.text(line, x: cx, y: cy + dy, size: size, fill: dark ? "#ffffff" : "#333333")
          }
        }
      }
    }
    svg.rect(x: l.left, y: l.top, width: gridRight - l.left, height: gridBottom - l.top, fill: "none", stroke: Palette.axis)
    for (r, name) in rowLabelList {
      svg.text(name, x: l.left - 6, y: l.top + (Double(r) + 0.5) * cellSize, size: 11, anchor: .end)
    }
    for (c, name) in columnLabelList {
      let x = l.left + (Double(c) + 0.5) * cellSize
      if l.rotateColumns {
        svg.text(name, x: x, y: l.top - 6, size: 11, anchor: .start, rotate: -90)
      } else {
        svg.text(name, x: x, y: l.top - 9, size: 11)
      }
    }
    if !xLabel.isEmpty { svg.text(xLabel, x: (l.left + gridRight) / 2, y: gridBottom + 16, size: PlotFrame.labelFont) }
    if !yLabel.isEmpty { svg.text(yLabel, x: 18, y: (l.top + gridBottom) / 2, size: PlotFrame.labelFont, rotate: -90) }
    if showColorBar { drawColorBar(&svg, x: gridRight + 16, top: l.top, bottom: max(gridBottom, l.top + 60)) }
    if let note = skippedNote(skippedCount) { svg.text(note, x: 10, y: h - 10, size: 11, anchor: .start, fill: "#a33333") }
    return svg.document()
  }

  private func cellColor(_ v: Double) -> String { v.isFinite ? colorScale.color(at: fraction(v)).hex : "#cccccc" }

  private func drawColorBar(_ svg: inout SVGWriter, x: Double, top: Double, bottom: Double) {
    let steps = 48
    let range = colorRange
    let h = (bottom - top) / Double(steps)
    for i in 0..<steps {
      let t = (Double(i) + 0.5) / Double(steps)
      svg.rect(x: x, y: bottom - Double(i + 1) * h, width: 16, height: h + 0.3, fill: colorScale.color(at: t).hex)
    }
    svg.rect(x: x, y: top, width: 16, height: bottom - top, fill: "none", stroke: Palette.axis, strokeWidth: 0.8)
    let ticks = Ticks.linear(range.lowerBound, range.upperBound, target: 6)
    for (t, label) in zip(ticks, Ticks.labels(ticks)) {
      let span = range.upperBound - range.lowerBound
      let f = span > 0 ? (t - range.lowerBound) / span : 0.5
      let y = bottom - f * (bottom - top)
      svg.line(x + 16, y, x + 20, y, stroke: Palette.axis)
      svg.text(label, x: x + 23, y: y, size: 11, anchor: .start)
    }
  }

  /// The cell texts as an aligned table (lines of a cell joined by spaces), when it fits.
  private func textTable(rowNames: [String], labelWidth: Int, width: Int, height: Int) -> [String]? {
    guard let text = cellText, rows <= max(height, 32) else { return nil }
    let cells = (0..<rows).map { r in
      (0..<columns).map { c in r < text.count && c < text[r].count ? text[r][c].split(separator: "\n").joined(separator: " ") : "" }
    }
    let colNames = columnLabels.isEmpty ? (0..<columns).map(String.init) : columnLabels
    let cellWidth = max(cells.flatMap { $0.map(\.count) }.max() ?? 0, colNames.prefix(columns).map(\.count).max() ?? 0) + 1
    guard labelWidth + cellWidth * columns <= width else { return nil }
    var out = [TextLayout.trimTrailing(String(repeating: " ", count: labelWidth)
      + (0..<columns).map { TextLayout.padLeft($0 < colNames.count ? colNames[$0] : "", cellWidth) }.joined())]
    for r in 0..<rows {
      let name = TextLayout.padLeft(TextLayout.truncate(r < rowNames.count ? rowNames[r] : "", labelWidth), labelWidth)
      out.append(TextLayout.trimTrailing(name + cells[r].map { TextLayout.padLeft($0, cellWidth) }.joined()))
    }
    if !xLabel.isEmpty || !yLabel.isEmpty {
      out.append(TextLayout.truncate("rows: \(yLabel.isEmpty ? "-" : yLabel), columns: \(xLabel.isEmpty ? "-" : xLabel)", width))
    }
    return out
  }

  /// True when the terminal shading uses a logarithmic scale: non-negative values whose largest is
  /// more than 100 times the smallest positive one (counts, probabilities). On a linear scale such
  /// a matrix is a few dark cells and blank rows; log(1 + v) keeps every non-zero cell visible.
  var asciiLogScale: Bool {
    guard colorScale != .diverging, let lo = finiteMin, let hi = finiteMax, lo >= 0, hi > 0 else { return false }
    return hi / smallestPositiveValue > 100
  }

  /// Where `v` falls between the colour range's ends on the terminal's scale (log or linear), 0…1.
  func asciiFraction(_ v: Double, log: Bool) -> Double {
    guard log else { return fraction(v) }
    let r = colorRange
    // Scale so that the smallest positive value lands at 1 before taking log(1 + ·).
    let unit = Swift.max(smallestPositiveValue, 1e-300)
    let top = Foundation.log1p(Swift.max(r.upperBound - r.lowerBound, 0) / unit)
    return top > 0 ? Foundation.log1p(Swift.max(v - r.lowerBound, 0) / unit) / top : 1
  }

  private var smallestPositiveValue: Double {
    var m = Double.infinity
    for row in values { for v in row where v.isFinite && v > 0 { m = Swift.min(m, v) } }
    return m.isFinite ? m : 1
  }

  /// The terminal character for a value: light → dark shades, or for `.diverging` the sign as
  /// `- = ≡` (negative) / `+ * #` (positive) by magnitude, blank near zero. `log` shades on the
  /// logarithmic scale of `asciiLogScale`; a non-zero value then never gets the blank shade.
  func shade(_ v: Double, log: Bool = false) -> Character {
    if log {
      let f = asciiFraction(v, log: true)
      if v > colorRange.lowerBound && f > 0 {
        return Self.shades[min(max(Int(f * Double(Self.shades.count - 1)) + 1, 1), Self.shades.count - 1)]
      }
      return Self.shades[0]
    }
    let f = fraction(v)
    if colorScale == .diverging {
      let m = abs(f - 0.5) * 2  // 0 at zero, 1 at ±max
      let level = m < 0.125 ? 0 : m < 0.375 ? 1 : m < 0.625 ? 2 : 3
      if level == 0 { return " " }
      return f > 0.5 ? (["+", "*", "#"] as [Character])[level - 1] : (["-", "=", "≡"] as [Character])[level - 1]
    }
    return Self.shades[min(max(Int(f * Double(Self.shades.count)), 0), Self.shades.count - 1)]
  }

  /// Shades from light to dark for the terminal.
  static let shades: [Character] = Array(" .:-=+*#%@")

  /// The cell texts as a table when they fit, else one shade character per cell (blocks averaged
  /// when the matrix is larger than `width` × `max(height, 32)`), with labels and a scale line.
  public func ascii(width: Int, height: Int) -> String {
    var lines: [String] = []
    if !title.isEmpty { lines.append(TextLayout.center(title, width)) }
    guard rows > 0, columns > 0 else { return lines.joined(separator: "\n") + "\n" }
    let rowNames = rowLabels.isEmpty ? (0..<rows).map(String.init) : rowLabels
    let labelWidth = min(rowNames.map(\.count).max() ?? 0, max(width / 4, 1))
    if let table = textTable(rowNames: rowNames, labelWidth: labelWidth, width: width, height: height) {
      return (lines + table).joined(separator: "\n") + "\n"
    }
    let available = max(width - labelWidth - 1, 1)
    let cellWidth = labelWidth + 1 + 2 * columns <= width ? 2 : 1
    let colGroup = max(1, (columns + available - 1) / available)
    let rowGroup = max(1, (rows + max(height, 32) - 1) / max(height, 32))
    let shownCols = (columns + colGroup - 1) / colGroup, shownRows = (rows + rowGroup - 1) / rowGroup
    let log = asciiLogScale
    // Column header: single-character names (or last digit of the index) when cells are not grouped.
    if colGroup == 1 {
      let names = columnLabels.isEmpty ? (0..<columns).map { String($0 % 10) } : columnLabels
      if names.allSatisfy({ $0.count == 1 }) {
        var header = String(repeating: " ", count: labelWidth + 1)
        for c in 0..<columns { header += TextLayout.padRight(c < names.count ? names[c] : " ", cellWidth) }
        lines.append(TextLayout.trimTrailing(header))
      }
    }
    for gr in 0..<shownRows {
      let r0 = gr * rowGroup, r1 = min(r0 + rowGroup, rows)
      let name = rowGroup == 1 ? (r0 < rowNames.count ? rowNames[r0] : "") : "\(r0)"
      var line = TextLayout.padLeft(TextLayout.truncate(name, labelWidth), labelWidth) + " "
      for gc in 0..<shownCols {
        let c0 = gc * colGroup, c1 = min(c0 + colGroup, columns)
        var sum = 0.0, n = 0
        for r in r0..<r1 { for c in c0..<c1 where value(r, c).isFinite { sum += value(r, c); n += 1 } }
        let ch: Character = n == 0 ? "?" : shade(sum / Double(n), log: log)
        line += String(repeating: ch, count: cellWidth)
      }
      lines.append(TextLayout.trimTrailing(line))
    }
    let range = colorRange
    var scale = colorScale == .diverging
      ? "scale: '≡' \(NumberFormat.compact(range.lowerBound)) … '-' … ' ' 0 … '+' … '#' \(NumberFormat.compact(range.upperBound))"
      : "scale: ' ' \(NumberFormat.compact(range.lowerBound)) … '@' \(NumberFormat.compact(range.upperBound))"
        + (log ? " (logarithmic: every non-zero cell shows)" : "")
    if rowGroup > 1 || colGroup > 1 { scale += " (blocks of \(rowGroup)×\(colGroup) averaged)" }
    lines.append(TextLayout.truncate(scale, width))
    if !xLabel.isEmpty || !yLabel.isEmpty {
      lines.append(TextLayout.truncate("rows: \(yLabel.isEmpty ? "-" : yLabel), columns: \(xLabel.isEmpty ? "-" : xLabel)", width))
    }
    if let note = skippedNote(skippedCount) { lines.append(TextLayout.truncate(note, width)) }
    return lines.joined(separator: "\n") + "\n"
  }
}
