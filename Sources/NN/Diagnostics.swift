import Foundation
import Tensor

// Lecture 4's training diagnostics: activation statistics per layer (is tanh saturated?),
// gradient statistics, grad:data ratios per parameter and the update:data ratio over time.
// Everything is returned as plain numbers ([Double]) for the Report module's figures.

/// Mean, standard deviation (unbiased, as `torch.std`) and extremes of a tensor's values.
public struct TensorStats: Sendable, Equatable {
  /// Number of elements.
  public let count: Int
  /// Mean.
  public let mean: Double
  /// Unbiased standard deviation (÷(n−1); 0 for one element).
  public let std: Double
  /// Smallest value.
  public let min: Double
  /// Largest value.
  public let max: Double

  /// Statistics of `values` (computed in Double).
  public init(_ values: UnsafeBufferPointer<Float>) {
    count = values.count
    var s = 0.0, lo = Double.infinity, hi = -Double.infinity
    for x in values { let d = Double(x); s += d; lo = Swift.min(lo, d); hi = Swift.max(hi, d) }
    let m = count > 0 ? s / Double(count) : 0
    var ss = 0.0
    for x in values { let d = Double(x) - m; ss += d * d }
    mean = m
    std = count > 1 ? (ss / Double(count - 1)).squareRoot() : 0
    min = count > 0 ? lo : 0
    max = count > 0 ? hi : 0
  }

  /// Statistics of a tensor's elements.
  public init(_ t: Tensor) {
    self = t.withUnsafeBufferPointer { TensorStats($0) }
  }
}

/// Histogram data: `counts[i]` values fall in `[edges[i], edges[i+1])` (the last bin is closed).
public struct HistogramData: Sendable, Equatable {
  /// Per-bin counts, or densities (count / (total · bin width)) when made with `density: true`.
  public let counts: [Double]
  /// `bins + 1` bin edges.
  public let edges: [Double]
  /// Bin centres (for plotting `counts` against).
  public var centers: [Double] { (0..<counts.count).map { (edges[$0] + edges[$0 + 1]) / 2 } }

  /// `torch.histogram(t, bins, density)`: equal bins from the smallest to the largest value.
  public init(_ t: Tensor, bins: Int = 100, density: Bool = true) {
    require(bins > 0, "HistogramData: bins must be positive, got \(bins)")
    let values = t.scalars
    let lo = Double(values.min() ?? 0), hi0 = Double(values.max() ?? 0)
    let hi = hi0 > lo ? hi0 : lo + 1
    let width = (hi - lo) / Double(bins)
    edges = (0...bins).map { lo + Double($0) * width }
    var c = [Double](repeating: 0, count: bins)
    for v in values {
      let k = Swift.min(Int((Double(v) - lo) / width), bins - 1)
      c[Swift.max(k, 0)] += 1
    }
    if density && !values.isEmpty { for i in c.indices { c[i] /= Double(values.count) * width } }
    counts = c
  }
}

/// One layer's output statistics (lecture 4, "viz #1": `layer 2 (Tanh): mean -0.00, std 0.63, saturated: 2.78%`).
public struct ActivationReport: Sendable {
  /// Position of the layer in its `Sequential`.
  public let index: Int
  /// The layer's type name (`Tanh`).
  public let layer: String
  /// Statistics of the output.
  public let stats: TensorStats
  /// Fraction of outputs with |t| above the threshold (tanh saturation).
  public let saturation: Double
  /// Distribution of the outputs.
  public let histogram: HistogramData
}

/// One parameter's gradient statistics (lecture 4, "viz #3": `weight (30, 100) | mean … | std … | grad:data ratio …`).
public struct ParameterGradientReport: Sendable {
  /// The parameter's dotted name.
  public let name: String
  /// Its shape.
  public let shape: [Int]
  /// Statistics of the gradient.
  public let grad: TensorStats
  /// Statistics of the values.
  public let data: TensorStats
  /// `grad.std / data.std`.
  public var gradToDataRatio: Double { grad.std / data.std }
  /// Distribution of the gradient.
  public let histogram: HistogramData
}

/// The diagnostics lecture 4 plots.
public enum Diagnostics {
  /// Fraction of elements with |t| > `threshold` (lecture 4 uses 0.97 for its plots, 0.99 early on).
  public static func saturation(_ t: Tensor, threshold: Float = 0.97) -> Double {
    t.withUnsafeBufferPointer { b in b.isEmpty ? 0 : Double(b.reduce(0) { $0 + (Swift.abs($1) > threshold ? 1 : 0) }) / Double(b.count) }
  }

  /// Output statistics of the layers of `model` whose type is in `layerTypes` (default: Tanh), from
  /// its last forward pass; `model.recordsOutputs` must have been on.
  public static func activations(_ model: Sequential, layerTypes: [any Module.Type] = [Tanh.self],
                                 threshold: Float = 0.97, bins: Int = 100) -> [ActivationReport] {
    require(model.recordsOutputs && model.outputs.count == model.layers.count,
                 "Diagnostics.activations: turn on model.recordsOutputs and run a forward pass first")
    return zip(model.layers, model.outputs).enumerated().compactMap { i, pair in
      let (layer, out) = pair
      guard layerTypes.contains(where: { $0 == type(of: layer) }) else { return nil }
      return ActivationReport(index: i, layer: "\(type(of: layer))", stats: TensorStats(out),
                              saturation: saturation(out, threshold: threshold), histogram: HistogramData(out, bins: bins))
    }
  }

  /// Gradient statistics of the same layers' outputs after `backward()` (lecture 4, "viz #2").
  public static func activationGradients(_ model: Sequential, layerTypes: [any Module.Type] = [Tanh.self],
                                         bins: Int = 100) -> [ActivationReport] {
    require(model.recordsOutputs && model.outputs.count == model.layers.count,
                 "Diagnostics.activationGradients: turn on model.recordsOutputs and run forward and backward first")
    return zip(model.layers, model.outputs).enumerated().compactMap { i, pair in
      let (layer, out) = pair
      guard layerTypes.contains(where: { $0 == type(of: layer) }), let g = out.grad else { return nil }
      return ActivationReport(index: i, layer: "\(type(of: layer))", stats: TensorStats(g), saturation: 0,
                              histogram: HistogramData(g, bins: bins))
    }
  }

  /// Gradient statistics of every parameter with at least `minRank` dims that has a gradient
  /// (lecture 4 looks at the 2-D weights only).
  public static func parameterGradients(_ named: [(name: String, tensor: Tensor)], minRank: Int = 2,
                                        bins: Int = 100) -> [ParameterGradientReport] {
    named.compactMap { name, p in
      guard p.rank >= minRank, let g = p.grad else { return nil }
      return ParameterGradientReport(name: name, shape: p.shape, grad: TensorStats(g), data: TensorStats(p),
                                     histogram: HistogramData(g, bins: bins))
    }
  }

  /// `log10(std(lr·grad) / std(data))` for each parameter (nil for one without a gradient):
  /// how big an update is relative to the values; lecture 4's rule of thumb is about −3.
  public static func updateToDataRatios(_ parameters: [Tensor], learningRate: Double) -> [Double?] {
    parameters.map { p in
      guard let g = p.grad else { return nil }
      let gs = TensorStats(g).std * Swift.abs(learningRate)
      return log10(gs / TensorStats(p).std)
    }
  }
}

/// The update:data ratio of every parameter over training (lecture 4, "viz #4"): call
/// `record(learningRate:)` after `backward()` each step; `history[step][parameter]`.
public struct UpdateRatioTracker {
  /// The tracked parameters.
  public let parameters: [Tensor]
  /// One row per recorded step, one column per parameter (nil where a gradient was missing).
  public private(set) var history: [[Double?]] = []

  /// Tracks `parameters`.
  public init(_ parameters: [Tensor]) { self.parameters = parameters }

  /// Appends this step's ratios.
  public mutating func record(learningRate: Double) {
    history.append(Diagnostics.updateToDataRatios(parameters, learningRate: learningRate))
  }

  /// One parameter's ratio over the recorded steps (nil entries as NaN), ready for a line plot.
  public func series(_ index: Int) -> [Double] { history.map { $0[index] ?? .nan } }
}
