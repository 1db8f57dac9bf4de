import Foundation

/// A grid of characters for terminal plots.
struct CharCanvas {
  let width: Int
  let height: Int
  private var cells: [Character]

  init(width: Int, height: Int, fill: Character = " ") {
    self.width = max(width, 1)
    self.height = max(height, 1)
    cells = Array(repeating: fill, count: self.width * self.height)
  }

  subscript(column: Int, row: Int) -> Character {
    get { cells[row * width + column] }
    set { if column >= 0, column < width, row >= 0, row < height { cells[row * width + column] = newValue } }
  }

  /// Draws a straight run of `ch` between two cells (Bresenham).
  mutating func line(_ c0: Int, _ r0: Int, _ c1: Int, _ r1: Int, _ ch: Character) {
    var (x, y) = (c0, r0)
    let dx = abs(c1 - c0), dy = -abs(r1 - r0)
    let sx = c0 < c1 ? 1 : -1, sy = r0 < r1 ? 1 : -1
    var err = dx + dy
    var guardSteps = 0
    while guardSteps <= dx - dy + 1 {
      self[x, y] = ch
      if x == c1 && y == r1 { break }
      let e2 = 2 * err
      if e2 >= dy { err += dy; x += sx }
      if e2 <= dx { err += dx; y += sy }
      guardSteps += 1
    }
  }

  /// Writes `text` starting at a cell (clipped to the canvas).
  mutating func write(_ text: String, column: Int, row: Int) {
    for (i, ch) in text.enumerated() { self[column + i, row] = ch }
  }

  func row(_ r: Int) -> String { String(cells[(r * width)..<((r + 1) * width)]) }
}

/// Text helpers for terminal layouts.
enum TextLayout {
  static func padLeft(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
  static func padRight(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
  static func truncate(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(max(n - 1, 0))) + (n > 0 ? "…" : "") }
  static func center(_ s: String, _ n: Int) -> String {
    let t = truncate(s, n)
    return String(repeating: " ", count: max(0, (n - t.count) / 2)) + t
  }
  static func trimTrailing(_ s: String) -> String {
    var t = Substring(s)
    while t.hasSuffix(" ") { t = t.dropLast() }
    return String(t)
  }
  /// Joins legend items into lines no wider than `width`.
  static func wrap(_ items: [String], width: Int, separator: String = "   ") -> [String] {
    var lines: [String] = []
    var current = ""
    for item in items {
      let candidate = current.isEmpty ? item : current + separator + item
      if candidate.count > width, !current.isEmpty { lines.append(current); current = item } else { current = candidate }
    }
    if !current.isEmpty { lines.append(current) }
    return lines.map { truncate($0, width) }
  }
}

/// The terminal counterpart of `PlotFrame`: y tick labels on the left, an axis corner, x tick
/// labels, axis label, legend and notes around a `CharCanvas` of the requested size.
struct AsciiPlot {
  let title: String
  let xLabel: String
  let yLabel: String
  let x: AxisScale
  let y: AxisScale
  let width: Int
  let yLabelWidth: Int
  var canvas: CharCanvas
  var legend: [(Character, String)] = []
  var notes: [String] = []

  init(title: String, xLabel: String, yLabel: String, x: AxisScale, y: AxisScale, width: Int, height: Int) {
    self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    let rows = max(height, 2)
    self.y = y.retargeted(max(2, rows / 3))
    self.yLabelWidth = min(self.y.labels.map(\.count).max() ?? 0, max(width / 3, 1))
    self.width = max(width, yLabelWidth + 4)
    let columns = self.width - yLabelWidth - 2
    self.x = x.retargeted(max(2, columns / 12))
    canvas = CharCanvas(width: columns, height: rows)
  }

  func column(_ v: Double) -> Int? {
    guard let f = x.fraction(v), f >= -1e-9, f <= 1 + 1e-9 else { return nil }
    return Int((f * Double(canvas.width - 1)).rounded())
  }

  func row(_ v: Double) -> Int? {
    guard let f = y.fraction(v), f >= -1e-9, f <= 1 + 1e-9 else { return nil }
    return Int(((1 - f) * Double(canvas.height - 1)).rounded())
  }

  mutating func point(_ px: Double, _ py: Double, _ ch: Character) {
    if let c = column(px), let r = row(py) { canvas[c, r] = ch }
  }

  /// Connects consecutive drawable points with `ch`; a nil point breaks the line.
  mutating func polyline(_ points: [(Double, Double)?], _ ch: Character) {
    var last: (Int, Int)? = nil
    for p in points {
      guard let (px, py) = p, let c = column(px), let r = row(py) else { last = nil; continue }
      if let (lc, lr) = last { canvas.line(lc, lr, c, r, ch) } else { canvas[c, r] = ch }
      last = (c, r)
    }
  }

  func render() -> String {
    var lines: [String] = []
    if !title.isEmpty { lines.append(TextLayout.center(title, width)) }
    if !yLabel.isEmpty { lines.append(TextLayout.truncate(yLabel, width)) }
    var tickRows: [Int: String] = [:]
    for (t, label) in zip(y.ticks, y.labels) {
      if let r = row(t), tickRows[r] == nil { tickRows[r] = TextLayout.truncate(label, yLabelWidth) }
    }
    for r in 0..<canvas.height {
      let label = tickRows[r] ?? ""
      lines.append(TextLayout.padLeft(label, yLabelWidth) + (tickRows[r] != nil ? " ┤" : " │") + canvas.row(r))
    }
    var axis = Array(String(repeating: "─", count: canvas.width))
    var labelLine = Array(String(repeating: " ", count: width))
    var nextFree = 0
    for (t, label) in zip(x.ticks, x.labels) {
      guard let c = column(t) else { continue }
      axis[c] = "┬"
      let start = max(0, min(yLabelWidth + 2 + c - label.count / 2, width - label.count))
      if start >= nextFree, start + label.count <= width {
        for (i, ch) in label.enumerated() { labelLine[start + i] = ch }
        nextFree = start + label.count + 1
      }
    }
    lines.append(String(repeating: " ", count: yLabelWidth + 1) + "└" + String(axis))
    lines.append(String(labelLine))
    if !xLabel.isEmpty {
      lines.append(String(repeating: " ", count: yLabelWidth + 2) + TextLayout.center(xLabel, canvas.width))
    }
    if legend.count > 1 {
      lines += TextLayout.wrap(legend.map { "\($0.0) \($0.1)" }, width: width)
    }
    lines += notes.map { TextLayout.truncate($0, width) }
    return lines.map(TextLayout.trimTrailing).joined(separator: "\n") + "\n"
  }
}
