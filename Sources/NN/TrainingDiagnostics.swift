import Foundation
import Tensor

/// The reusable training diagnostic of lecture 4 (and lecture 6): one look at a network after a
/// forward and backward pass, as one aligned table.
///
/// - every activation layer: mean, std and the fraction saturated (|a| > `threshold`, 0.99 by
///   default as the course's helper; the lecture's plots use 0.97);
/// - every parameter with a gradient: the gradient's mean and std and the grad:data ratio
///   `std(grad) / std(data)`.
///
/// Activations are given by name (the single-layer cells pass `h`); `init(model:parameters:)`
/// reads a `Sequential`'s recorded outputs instead.
public struct DiagnosticTable: Sendable {
  /// One activation layer's line.
  public struct Activation: Sendable {
    /// The layer's name (`layer 2 (Tanh)`).
    public let name: String
    /// The output's shape.
    public let shape: [Int]
    /// Statistics of the output.
    public let stats: TensorStats
    /// Fraction of outputs with |a| above the threshold.
    public let saturation: Double
  }

  /// One parameter's line.
  public struct Parameter: Sendable {
    /// The parameter's name.
    public let name: String
    /// Its shape.
    public let shape: [Int]
    /// Statistics of its gradient.
    public let grad: TensorStats
    /// `std(grad) / std(data)` (infinite when the values are all equal, NaN when both are).
    public let gradToData: Double
  }

  /// The activation lines, in the order given.
  public let activations: [Activation]
  /// The parameter lines, in the order given (parameters without a gradient are left out).
  public let parameters: [Parameter]
  /// The saturation threshold used.
  public let threshold: Float

  /// Statistics of the named activations and of the gradients of the named parameters.
  public init(activations: [(name: String, tensor: Tensor)], parameters: [(name: String, tensor: Tensor)],
              threshold: Float = 0.99) {
    self.threshold = threshold
    self.activations = activations.map { name, a in
      Activation(name: name, shape: a.shape, stats: TensorStats(a), saturation: Diagnostics.saturation(a, threshold: threshold))
    }
    self.parameters = parameters.compactMap { name, p in
      guard let g = p.grad else { return nil }
      let gs = TensorStats(g)
      return Parameter(name: name, shape: p.shape, grad: gs, gradToData: gs.std / TensorStats(p).std)
    }
  }

  /// The outputs of `model`'s layers of the given types (recorded by its last forward pass:
  /// `recordsOutputs` must be on) and the gradients of `parameters`.
  public init(model: Sequential, parameters: [(name: String, tensor: Tensor)], layerTypes: [any Module.Type] = [Tanh.self],
              threshold: Float = 0.99) {
    if !(model.recordsOutputs && model.outputs.count == model.layers.count) {
      fatalError("DiagnosticTable: turn on model.recordsOutputs and run a forward pass first "
                 + "(\(model.outputs.count) outputs recorded for \(model.layers.count) layers)")
    }
    let named = zip(model.layers, model.outputs).enumerated().compactMap { i, pair -> (name: String, tensor: Tensor)? in
      let (layer, out) = pair
      guard layerTypes.contains(where: { $0 == type(of: layer) }) else { return nil }
      return ("layer \(i) (\(type(of: layer)))", out)
    }
    self.init(activations: named, parameters: parameters, threshold: threshold)
  }

  /// Column titles of `rows`.
  public var headers: [String] { ["", "name", "shape", "mean", "std", "saturated | grad:data"] }

  /// One row per activation, then one per parameter, formatted as the lecture prints them.
  public var rows: [[String]] {
    let shape = { (s: [Int]) in "(" + s.map(String.init).joined(separator: ", ") + (s.count == 1 ? ",)" : ")") }
    return activations.map { a in
      ["activation", a.name, shape(a.shape), String(format: "%+.2f", a.stats.mean), String(format: "%.2f", a.stats.std),
       String(format: "%.2f%%", a.saturation * 100)]
    } + parameters.map { p in
      ["gradient", p.name, shape(p.shape), String(format: "%+.6f", p.grad.mean), String(format: "%.6e", p.grad.std),
       String(format: "%.6e", p.gradToData)]
    }
  }

  /// The table as aligned text (columns padded to their widest cell), for printing outside a notebook.
  public var text: String {
    let all = [headers] + rows
    let widths = headers.indices.map { j in all.map { $0[j].count }.max() ?? 0 }
    return all.map { row in
      row.enumerated().map { j, cell in cell.padding(toLength: widths[j], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }.joined(separator: "\n") + "\n"
  }
}
