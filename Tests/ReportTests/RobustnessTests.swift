import Foundation
import Testing
@testable import Report

/// Degenerate inputs must render (valid XML, bounded ASCII) instead of crashing.
@Suite struct RobustnessTests {
  static let awkward: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, 1e-300, -1e300, 5]

  static var figures: [any Figure] {
    [
      LinePlot(title: "awkward", xs: awkward, ys: awkward.reversed(), logY: true, guides: [.nan, -3, 0]),
      LinePlot(title: "", series: [Series("empty", ys: []), Series("one", xs: [1], ys: [1], markers: true)]),
      Histogram(title: "awkward", series: [HistogramSeries("a", values: awkward), HistogramSeries("none", values: [])], bins: 0),
      Histogram(title: "nan edges", edges: [.nan, 1], binned: [BinnedSeries("x", counts: [.infinity])]),
      Heatmap(title: "ragged", values: [[1, .nan, 3], [], [.infinity]], cellText: [["a"], [], ["b\nc\nd"]], rowLabels: ["only one"]),
      Heatmap(title: "all nan", values: [[.nan, .nan]], colorScale: .diverging, range: 0...0),
      ScatterPlot(title: "awkward", xs: awkward, ys: awkward, labels: ["", "a"], groups: [3, -1]),
      BarChart(title: "awkward", labels: awkward.map { "\($0)" }, values: awkward),
      BarChart(title: "empty", labels: [], values: []),
      BoolImage(title: "empty", grid: []),
      BoolImage(title: "ragged", grid: [[true], [], [false, true, true]]),
      DecisionBoundaryPlot(title: "degenerate", xRange: 0...0, yRange: -1...1, scores: [[.nan], [1, -1]], xs: [0, .nan], ys: [0, 1], labels: [1]),
      DecisionBoundaryPlot(title: "empty", xRange: 0...1, yRange: 0...1, scores: [], xs: [], ys: [], labels: [], contours: true),
    ]
  }

  @Test func everyFigureRendersAtAnySize() {
    for figure in Self.figures {
      let svg = figure.svg()
      let xml = FlatXML(svg)
      #expect(xml.error == nil, "\(figure.title): \(String(describing: xml.error))")
      let numeric = xml.elements.flatMap { $0.attributes.filter { $0.key != "aria-label" && $0.key != "data-series" }.map(\.value) }
      #expect(!numeric.contains { $0.contains("nan") || $0.contains("inf") }, "\(figure.title): non-finite coordinate in SVG")
      for (w, h) in [(72, 18), (20, 4), (1, 1), (0, 0), (200, 60)] {
        let text = figure.ascii(width: w, height: h)
        #expect(text.hasSuffix("\n"))
        if w >= 20 {
          let widest = text.split(separator: "\n").map(\.count).max() ?? 0
          #expect(widest <= w, "\(figure.title) at \(w)×\(h): a line has \(widest) columns")
        }
      }
    }
  }

  @Test func sameInputGivesByteIdenticalOutput() {
    for (a, b) in zip(Self.figures, Self.figures) {
      #expect(a.svg() == b.svg())
      #expect(a.ascii() == b.ascii())
    }
  }
}
