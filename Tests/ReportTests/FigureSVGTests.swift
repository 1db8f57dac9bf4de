import Foundation
import Testing
@testable import Report

/// Parses `svg`, checks the document-level requirements every figure shares, and returns it.
func checkedSVG(_ figure: some Figure, sourceLocation: SourceLocation = #_sourceLocation) -> FlatXML {
  let svg = figure.svg()
  let xml = FlatXML(svg)
  #expect(xml.error == nil, "SVG is not well-formed XML: \(String(describing: xml.error))", sourceLocation: sourceLocation)
  let root = xml.root
  #expect(root?.name == "svg", sourceLocation: sourceLocation)
  #expect(root?.attributes["xmlns"] == "http://www.w3.org/2000/svg", sourceLocation: sourceLocation)
  #expect(root?.attributes["viewBox"]?.hasPrefix("0 0 ") == true, sourceLocation: sourceLocation)
  #expect(root?.attributes["width"] != nil && root?.attributes["height"] != nil, sourceLocation: sourceLocation)
  #expect(xml.all("rect").first?.attributes["fill"] == "#ffffff", "white background first", sourceLocation: sourceLocation)
  #expect(xml.all("title").first?.text == figure.title, sourceLocation: sourceLocation)
  #expect(xml.texts.contains(figure.title), "title drawn", sourceLocation: sourceLocation)
  #expect(!svg.contains("<script") && !svg.contains("<style") && !svg.contains("href"), sourceLocation: sourceLocation)
  #expect(svg == figure.svg(), "deterministic", sourceLocation: sourceLocation)
  return xml
}

/// Paths that draw a data series (they carry `data-series`).
func seriesPaths(_ xml: FlatXML) -> [XMLElementInfo] { xml.all("path").filter { $0.attributes["data-series"] != nil } }

@Suite struct FigureSVGTests {
  @Test func linePlotHasOnePathPerSeriesTicksAndLegend() {
    let plot = LinePlot(title: "loss <train & val>", xLabel: "step", yLabel: "loss",
                        series: [Series("train", ys: [3, 2.5, 2.2, 2.1]), Series("val", xs: [0, 3], ys: [3.1, 2.2], markers: true)])
    let xml = checkedSVG(plot)
    #expect(seriesPaths(xml).map { $0.attributes["data-series"] } == ["train", "val"])
    #expect(xml.texts.contains("step") && xml.texts.contains("loss"))
    #expect(xml.texts.contains("train") && xml.texts.contains("val"), "legend entries")
    #expect(xml.texts.contains("0.0") && xml.texts.contains("3.0"), "x tick labels: \(xml.texts)")
    #expect(xml.all("circle").count == 2, "markers for the val series")
  }

  @Test func singleSeriesHasNoLegendAndGuideIsDashed() {
    let plot = LinePlot(title: "ratio", xLabel: "step", yLabel: "log10", ys: [-2, -2.5, -3.5], guides: [-3])
    let xml = checkedSVG(plot)
    #expect(seriesPaths(xml).count == 1)
    #expect(!xml.texts.contains("log10 ") && xml.texts.filter { $0 == "log10" }.count == 1, "y label only, no legend")
    #expect(xml.all("line").contains { $0.attributes["stroke-dasharray"] != nil }, "guide line")
    #expect(xml.texts.contains("-3.0"))
  }

  @Test func logAxisSkipsNonPositiveAndCountsThem() {
    let plot = LinePlot(title: "log", xs: [0, 1, 2, 3, 4], ys: [1e-4, 0, -1, 1e2, .nan], logY: true)
    #expect(plot.skippedCount == 3)
    let xml = checkedSVG(plot)
    #expect(xml.texts.contains("0.0001") && xml.texts.contains("100"), "\(xml.texts)")
    #expect(xml.texts.contains { $0.hasPrefix("3 non-finite or non-positive values skipped") })
  }

  @Test func degenerateLinePlotsStillRender() {
    _ = checkedSVG(LinePlot(title: "empty", series: []))
    _ = checkedSVG(LinePlot(title: "one point", xs: [2], ys: [7]))
    _ = checkedSVG(LinePlot(title: "all nan", xs: [0, 1], ys: [.nan, .infinity]))
    _ = checkedSVG(LinePlot(title: "constant", ys: [5, 5, 5, 5]))
    _ = checkedSVG(LinePlot(title: "tiny", ys: [1e-12, 3e-12, 2e-12]))
    _ = checkedSVG(LinePlot(title: "log constant", ys: [3, 3], logY: true))
  }

  @Test func longSeriesAreDecimated() {
    let ys = (0..<50_000).map { sin(Double($0) / 1000) }
    let svg = LinePlot(title: "long", ys: ys).svg()
    #expect(svg.utf8.count < 120_000, "\(svg.utf8.count) bytes")
  }

  @Test func histogramBinsTheCombinedRange() {
    let h = Histogram(title: "acts", series: [HistogramSeries("a", values: [0, 0.5, 1, .nan]), HistogramSeries("b", values: [2, 3])], bins: 3)
    #expect(h.edges.first == 0 && h.edges.last == 3 && h.edges.count == 4)
    #expect(h.binned[0].counts == [2, 1, 0])
    #expect(h.binned[1].counts == [0, 0, 2])
    #expect(h.skippedCount == 1)
    let xml = checkedSVG(h)
    #expect(seriesPaths(xml).count == 2)
    #expect(xml.texts.contains("a") && xml.texts.contains("b"), "legend")
    #expect(xml.texts.contains("1 non-finite value skipped"))
  }

  @Test func histogramDensityIntegratesToOne() {
    let h = Histogram(title: "d", series: [HistogramSeries("x", values: (0..<100).map { Double($0 % 7) })], bins: 10, density: true)
    let width = h.edges[1] - h.edges[0]
    #expect(abs(h.binned[0].counts.reduce(0, +) * width - 1) < 1e-9)
    #expect(h.yLabel == "density")
    _ = checkedSVG(h)
  }

  @Test func precomputedAndDegenerateHistograms() {
    let pre = Histogram(title: "pre", edges: [-1, 0, 1], binned: [BinnedSeries("h", counts: [3, 5])])
    #expect(seriesPaths(checkedSVG(pre)).count == 1)
    _ = checkedSVG(Histogram(title: "constant", series: [HistogramSeries("c", values: [2, 2, 2])]))
    _ = checkedSVG(Histogram(title: "empty", series: [HistogramSeries("e", values: [])]))
  }

  @Test func heatmapHasPerCellTextAndLabels() {
    let letters = [".", "a", "b"]
    let counts: [[Double]] = [[0, 4410, 1306], [6640, 556, 541], [114, 321, 38]]
    let text = (0..<3).map { i in (0..<3).map { j in "\(letters[i])\(letters[j])\n\(Int(counts[i][j]))" } }
    let map = Heatmap(title: "bigrams", values: counts, cellText: text, rowLabels: letters, columnLabels: letters, showColorBar: false)
    let xml = checkedSVG(map)
    for i in 0..<3 { for j in 0..<3 {
      #expect(xml.texts.contains("\(letters[i])\(letters[j])"))
      #expect(xml.texts.contains(String(Int(counts[i][j]))))
    } }
    #expect(xml.texts.filter { $0 == "a" }.count == 2, "row and column label")
  }

  @Test func heatmapColorBarAndColors() {
    let map = Heatmap(title: "attention", values: [[1, 0], [0.5, 0.5]], xLabel: "key", yLabel: "query")
    let xml = checkedSVG(map)
    #expect(xml.texts.contains("1.0") && xml.texts.contains("0.0"), "colour bar ticks \(xml.texts)")
    let fills = Set((xml.all("rect") + xml.all("path")).compactMap { $0.attributes["fill"] })
    #expect(fills.contains("#f7fbff") && fills.contains("#08306b"), "white → dark blue")
    let nan = Heatmap(title: "nan", values: [[1, .nan], [2]], colorScale: .diverging)
    #expect(nan.skippedCount == 2)
    _ = checkedSVG(nan)
    _ = checkedSVG(Heatmap(title: "empty", values: []))
    _ = checkedSVG(Heatmap(title: "constant", values: [[3, 3], [3, 3]], colorScale: .grays))
  }

  @Test func scatterDrawsLabelledCircles() {
    let plot = ScatterPlot(title: "embeddings", xLabel: "dim 0", yLabel: "dim 1", xs: [0.1, -1, 1.2, .nan], ys: [0.3, 0.9, -1, 0], labels: ["a", "q", ".", "z"])
    #expect(plot.skippedCount == 1)
    let xml = checkedSVG(plot)
    #expect(xml.all("circle").count == 3)
    #expect(xml.texts.contains("a") && xml.texts.contains("q") && xml.texts.contains("."))
    #expect(!xml.texts.contains("z"))
    let grouped = checkedSVG(ScatterPlot(title: "g", xs: [0, 1, 2], ys: [0, 1, 0], groups: [0, 1, 1], groupNames: ["vowel", "consonant"]))
    #expect(grouped.texts.contains("vowel") && grouped.texts.contains("consonant"))
  }

  @Test func barChartHandlesNegativeValues() {
    let chart = BarChart(title: "ratios", xLabel: "param", yLabel: "ratio", labels: ["C", "W1", "W2"], values: [0.008, -0.049, 0.116])
    let xml = checkedSVG(chart)
    for name in ["C", "W1", "W2", "ratio", "param"] { #expect(xml.texts.contains(name)) }
    let bars = xml.all("rect").filter { $0.attributes["fill"] == "#1f77b4" || $0.attributes["fill"] == "#d62728" }
    #expect(bars.count == 3)
    #expect(bars.filter { $0.attributes["fill"] == "#d62728" }.count == 1, "one negative bar")
  }

  @Test func boolImageMergesRuns() {
    let grid = [[true, true, true, false, true], [false, false, false, false, false]]
    let image = BoolImage(title: "|h| > 0.99", grid: grid, xLabel: "neuron", yLabel: "example")
    #expect(image.trueCount == 4)
    let xml = checkedSVG(image)
    let white = xml.elements.filter { $0.name == "rect" && $0.attributes["fill"] == nil }
    #expect(white.count == 2, "runs: [0..3) and [4..5)")
    #expect(xml.texts.contains("neuron") && xml.texts.contains("example"))
    #expect(xml.texts.contains { $0.contains("4 of 10 cells") })
  }

  @Test func decisionBoundaryDrawsRegionsContourAndPoints() {
    let gx = DecisionBoundaryPlot.cellCenters(-1...1, count: 8), gy = DecisionBoundaryPlot.cellCenters(-1...1, count: 6)
    #expect(gx.count == 8 && abs(gx[0] - (-0.875)) < 1e-12)
    let scores = gy.map { y in gx.map { x in x + y } }
    let plot = DecisionBoundaryPlot(title: "moons", xRange: -1...1, yRange: -1...1, scores: scores,
                                    xs: [-0.5, 0.5], ys: [-0.5, 0.5], labels: [-1, 1], contours: true)
    let xml = checkedSVG(plot)
    #expect(xml.all("path").contains { $0.attributes["data-series"] == "score = 0" })
    #expect(xml.all("circle").filter { $0.attributes["stroke"] == "#000000" }.count == 2)
    #expect(xml.texts.contains("class +1") && xml.texts.contains("class −1"))
    #expect(!plot.zeroContour().isEmpty)
  }

  @Test func textIsEscapedForXML() {
    let plot = BarChart(title: "a < b & \"c\" > 'd'\u{1}", labels: ["<x>"], values: [1])
    let xml = FlatXML(plot.svg())
    #expect(xml.error == nil)
    #expect(xml.texts.contains("a < b & \"c\" > 'd'"))
    #expect(xml.texts.contains("<x>"))
  }
}
