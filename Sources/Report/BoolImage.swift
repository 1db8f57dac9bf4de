import Foundation

/// A black-and-white image of a boolean grid (`true` = white, as `imshow(..., cmap='gray')`):
/// the tanh saturation map, 32 examples × 200 neurons, white where |h| > 0.99.
public struct BoolImage: Figure {
  /// Caption above the image.
  public var title: String
  /// The grid, `grid[row][column]`; ragged rows are treated as `false` beyond their end.
  public var grid: [[Bool]]
  /// Label of the column axis.
  public var xLabel: String
  /// Label of the row axis.
  public var yLabel: String
  /// Side of one cell in SVG pixels (default: about 640 px across, at most 480 px high).
  public var cellSize: Double

  /// An image of `grid`.
  public init(title: String, grid: [[Bool]], xLabel: String = "", yLabel: String = "", cellSize: Double? = nil) {
    self.title = title; self.grid = grid; self.xLabel = xLabel; self.yLabel = yLabel
    let rows = grid.count, cols = grid.map(\.count).max() ?? 0
    self.cellSize = cellSize ?? min(max(640 / Double(max(cols, 1)), 1), 24, max(480 / Double(max(rows, 1)), 1))
  }

  var rows: Int { grid.count }
  var columns: Int { grid.map(\.count).max() ?? 0 }

  /// Number of `true` cells.
  public var trueCount: Int { grid.reduce(0) { $0 + $1.filter { $0 }.count } }

  private var summary: String {
    let total = rows * columns
    let percent = total == 0 ? 0 : 100 * Double(trueCount) / Double(total)
    return "white = true: \(trueCount) of \(total) cells (\(NumberFormat.fixed(percent, decimals: 2))%)"
  }

  private var frame: PlotFrame {
    var x = AxisScale.exact(-0.5, Double(max(columns, 1)) - 0.5, target: 8)
    x.ticks = x.ticks.filter { $0 >= 0 && $0 == $0.rounded() }; x.labels = Ticks.labels(x.ticks)
    var y = AxisScale.exact(-0.5, Double(max(rows, 1)) - 0.5, target: 5)
    y.ticks = y.ticks.filter { $0 >= 0 && $0 == $0.rounded() }; y.labels = Ticks.labels(y.ticks)
    y.inverted = true
    var frame = PlotFrame(title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y, notes: [summary],
                          width: 0, height: 0, plotSize: (Double(columns) * cellSize, Double(rows) * cellSize))
    frame.showGrid = false
    frame.noteColor = Palette.text
    return frame
  }

  /// White rects (one per horizontal run of `true`) on a black plot area, with row/column ticks.
  public func svg() -> String {
    let frame = self.frame
    var svg = frame.start()
    svg.rect(x: frame.left, y: frame.top, width: frame.right - frame.left, height: frame.bottom - frame.top, fill: "#000000")
    svg.beginGroup("fill=\"#ffffff\" shape-rendering=\"crispEdges\"")
    for (r, row) in grid.enumerated() {  // one rect per horizontal run of `true`
      var c = 0
      while c < row.count {
        guard row[c] else { c += 1; continue }
        var end = c + 1
        while end < row.count, row[end] { end += 1 }
        let x = NumberFormat.coord(frame.left + Double(c) * cellSize), y = NumberFormat.coord(frame.top + Double(r) * cellSize)
        svg.raw("<rect x=\"\(x)\" y=\"\(y)\" width=\"\(NumberFormat.coord(Double(end - c) * cellSize))\" height=\"\(NumberFormat.coord(cellSize))\"/>")
        c = end
      }
    }
    svg.endGroup()
    return frame.finish(&svg)
  }

  /// `█` for true and space for false inside a box; blocks are shaded ` ░▒▓█` by their fraction
  /// of `true` when the grid is wider than `width - 2` or taller than `max(height, 32)`.
  public func ascii(width: Int, height: Int) -> String {
    var lines: [String] = []
    if !title.isEmpty { lines.append(TextLayout.center(title, width)) }
    let columns = self.columns, rows = self.rows
    let maxCols = max(width - 2, 1), maxRows = max(height, 32)
    let colGroup = max(1, (columns + maxCols - 1) / maxCols), rowGroup = max(1, (rows + maxRows - 1) / maxRows)
    let shownCols = (columns + colGroup - 1) / colGroup, shownRows = (rows + rowGroup - 1) / rowGroup
    let shades: [Character] = [" ", "░", "▒", "▓", "█"]
    lines.append("┌" + String(repeating: "─", count: shownCols) + "┐")
    for gr in 0..<shownRows {
      var line = "│"
      for gc in 0..<shownCols {
        var on = 0, n = 0
        for r in (gr * rowGroup)..<min((gr + 1) * rowGroup, rows) {
          for c in (gc * colGroup)..<min((gc + 1) * colGroup, columns) {
            n += 1
            if c < grid[r].count, grid[r][c] { on += 1 }
          }
        }
        let f = n == 0 ? 0 : Double(on) / Double(n)
        line.append(on == 0 ? " " : on == n ? "█" : shades[min(max(Int((f * 3).rounded(.up)), 1), 3)])
      }
      lines.append(line + "│")
    }
    lines.append("└" + String(repeating: "─", count: shownCols) + "┘")
    var caption = "\(rows) rows (\(yLabel.isEmpty ? "rows" : yLabel)) × \(columns) columns (\(xLabel.isEmpty ? "columns" : xLabel))"
    if colGroup > 1 || rowGroup > 1 { caption += ", \(rowGroup)×\(colGroup) blocks shaded" }
    lines.append(TextLayout.truncate(caption, width))
    lines.append(TextLayout.truncate(summary, width))
    return lines.joined(separator: "\n") + "\n"
  }
}
