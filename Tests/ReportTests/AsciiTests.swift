import Foundation
import Testing
@testable import Report

@Suite struct AsciiTests {
  func lines(_ s: String) -> [String] { s.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

  @Test func linePlotRespectsWidthAndHeight() {
    let plot = LinePlot(title: "line", xLabel: "x", yLabel: "y", xs: [0, 1, 2, 3], ys: [0, 1, 2, 3])
    let text = plot.ascii(width: 40, height: 10)
    let rows = lines(text)
    #expect(rows.allSatisfy { $0.count <= 40 }, "\(rows.map(\.count))")
    #expect(rows.filter { $0.contains("┤") || $0.contains("│") }.count == 10, "10 plot rows")
    #expect(rows.first?.contains("line") == true)
    #expect(rows.contains { $0.contains("└") })
    // a rising diagonal: bottom-left and top-right corners of the grid are marked
    let grid = rows.filter { $0.contains("┤") || $0.contains("│") }
    #expect(grid.first?.hasSuffix("•") == true, "top row ends with the last point: \(grid.first ?? "")")
    #expect(grid.last?.contains("•") == true, "bottom row holds the first point")
    #expect(grid.last.map { Array($0).firstIndex(of: "•") ?? 99 } ?? 99 < 8, "…at the left")
    #expect(text == plot.ascii(width: 40, height: 10))
  }

  @Test func defaultSizeIs72By18() {
    let rows = lines(LinePlot(title: "t", ys: [1, 2, 3]).ascii())
    #expect(rows.allSatisfy { $0.count <= 72 })
    #expect(rows.filter { $0.contains("┤") || $0.contains("│") }.count == 18)
  }

  @Test func legendAndGuideAppear() {
    let plot = LinePlot(title: "r", series: [Series("W1", ys: [-2, -4]), Series("W2", ys: [-1, -3])], guides: [-3])
    let text = plot.ascii(width: 50, height: 9)
    #expect(text.contains("• W1") && text.contains("* W2"))
    #expect(text.contains("┄"))
  }

  @Test func histogramSingleSeriesFillsBars() {
    let h = Histogram(title: "h", series: [HistogramSeries("h", values: [0, 0, 0, 1])], bins: 2)
    let text = h.ascii(width: 30, height: 6)
    #expect(text.contains("█"))
    #expect(lines(text).allSatisfy { $0.count <= 30 })
  }

  @Test func heatmapShowsOneShadePerCellWithLabels() {
    let letters = [".", "a", "b"]
    let map = Heatmap(title: "N", values: [[0, 9, 0], [0, 0, 0], [9, 0, 4.5]], rowLabels: letters, columnLabels: letters)
    let rows = lines(map.ascii(width: 20, height: 5))
    #expect(rows[0].contains("N"))
    #expect(rows[1] == "  . a b")
    #expect(rows[2] == ".   @@")
    #expect(rows[3] == "a")
    #expect(rows[4] == "b @@  ==" || rows[4] == "b @@  ++", "\(rows[4])")
    #expect(rows.last?.hasPrefix("scale:") == true)
  }

  @Test func heatmapPrintsCellTextWhenItFits() {
    let map = Heatmap(title: "att", values: [[1, 0], [0.5, 0.5]], cellText: [["1.00", "0.00"], ["0.50", "0.50"]],
                      rowLabels: ["h", "e"], columnLabels: ["h", "e"])
    #expect(map.ascii(width: 40, height: 5) == "                  att\n     h    e\nh 1.00 0.00\ne 0.50 0.50\n")
    // too wide for the text: falls back to shading
    #expect(map.ascii(width: 8, height: 5).contains("scale:"))
  }

  @Test func divergingHeatmapShowsSigns() {
    let map = Heatmap(title: "", values: [[-4, -1, 0, 1, 4]], colorScale: .diverging)
    let rows = lines(map.ascii(width: 30, height: 4))
    #expect(rows[1] == "0 ≡≡--  ++##", "\(rows)")
  }

  @Test func heatmap27x27FitsTheDefaultWidth() {
    let values = (0..<27).map { i in (0..<27).map { j in Double(i * j) } }
    let letters = ["."] + "abcdefghijklmnopqrstuvwxyz".map(String.init)
    let rows = lines(Heatmap(title: "bigrams", values: values, rowLabels: letters, columnLabels: letters).ascii())
    #expect(rows.allSatisfy { $0.count <= 72 })
    #expect(rows.filter { letters.contains(String($0.prefix(1))) && ($0.count == 1 || $0.dropFirst().first == " ") }.count == 27)
    #expect(rows.contains { $0.hasPrefix("  . a b c") }, "column header")
  }

  /// Counts spanning four orders of magnitude (like the bigram matrix): on a linear scale the row
  /// of small counts would be blank; the log scale shades every non-zero cell, and only zeros stay blank.
  @Test func sparseCountsShadeOnALogScale() {
    let letters = ["a", "b", "c"]
    let map = Heatmap(title: "", values: [[5000, 2500, 0], [3, 1, 0], [0, 40, 0]], rowLabels: letters, columnLabels: letters)
    #expect(map.asciiLogScale)
    let rows = lines(map.ascii(width: 72, height: 5))
    let grid = rows.filter { letters.contains(String($0.prefix(1))) && $0.dropFirst().first == " " }
    #expect(grid.count == 3, "\(rows)")
    #expect(grid[1].dropFirst(2).hasPrefix("  ") == false, "row b is not blank: \(grid[1])")
    #expect(grid[1].filter { $0 != " " && $0 != "b" }.count == 4, "two non-zero cells, two characters each: \(grid[1])")
    #expect(grid.allSatisfy { $0.count <= 6 }, "the zero column stays blank: \(grid)")
    #expect(rows.contains { $0.contains("logarithmic") })
    // A matrix with a small range keeps the linear scale.
    #expect(!Heatmap(title: "", values: [[1, 2], [3, 4]]).asciiLogScale)
    #expect(!Heatmap(title: "", values: [[-4, 4]], colorScale: .diverging).asciiLogScale)
  }

  @Test func boolImageDrawsBlocks() {
    let image = BoolImage(title: "sat", grid: [[true, false], [false, true]])
    let rows = lines(image.ascii(width: 20, height: 4))
    #expect(rows[1] == "┌──┐")
    #expect(rows[2] == "│█ │")
    #expect(rows[3] == "│ █│")
    #expect(rows[4] == "└──┘")
    let wide = BoolImage(title: "wide", grid: [[Bool]](repeating: (0..<200).map { $0 % 2 == 0 }, count: 32))
    let wideRows = lines(wide.ascii())
    #expect(wideRows.allSatisfy { $0.count <= 72 })
    #expect(wideRows.filter { $0.hasPrefix("│") }.count == 32)
  }

  @Test func scatterPutsLabelsAtPoints() {
    let plot = ScatterPlot(title: "emb", xs: [0, 1], ys: [0, 1], labels: ["q", "e"])
    let grid = lines(plot.ascii(width: 30, height: 8)).filter { $0.contains("┤") || $0.contains("│") }
    #expect(grid.first?.hasSuffix("e") == true || grid.dropFirst().first?.hasSuffix("e") == true)
    #expect(grid.contains { $0.contains("q") })
  }

  @Test func barChartOneRowPerBar() {
    let chart = BarChart(title: "b", labels: ["pos", "neg"], values: [2, -1])
    let rows = lines(chart.ascii(width: 40, height: 10))
    #expect(rows.contains { $0.hasPrefix("pos") && $0.contains("█") && $0.hasSuffix(" 2") })
    #expect(rows.contains { $0.hasPrefix("neg") && $0.contains("█│") && $0.hasSuffix(" -1") })
    #expect(rows.allSatisfy { $0.count <= 40 })
  }

  @Test func decisionBoundaryMarksClasses() {
    let g = DecisionBoundaryPlot.cellCenters(0...1, count: 4)
    let plot = DecisionBoundaryPlot(title: "db", xRange: 0...1, yRange: 0...1, scores: g.map { _ in g.map { $0 - 0.5 } },
                                    xs: [0.1, 0.9], ys: [0.5, 0.5], labels: [-1, 1])
    let text = plot.ascii(width: 30, height: 8)
    #expect(text.contains("●") && text.contains("○") && text.contains("·"))
    #expect(lines(text).allSatisfy { $0.count <= 30 })
  }

  @Test func nonFiniteValuesAreReported() {
    let text = LinePlot(title: "n", ys: [1, .nan, 2, .infinity]).ascii(width: 40, height: 5)
    #expect(text.contains("2 non-finite values skipped"))
  }
}
