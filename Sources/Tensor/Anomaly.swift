import Foundation

/// What anomaly detection found: an op produced NaN or ±inf.
public struct AnomalyReport: Sendable, CustomStringConvertible {
  /// The op that produced the bad values (`"log"`, `"matmul"`, `"crossEntropy"`).
  public let op: String
  /// Shapes of the op's inputs.
  public let inputShapes: [[Int]]
  /// Shape of the op's output.
  public let outputShape: [Int]
  /// Labels of the inputs (their `name`, or nil).
  public let inputLabels: [String?]
  /// Number of NaN and infinite values in the output.
  public let nanCount: Int
  /// Number of ±inf values in the output.
  public let infCount: Int

  /// One paragraph a learner can act on.
  public var description: String {
    let inputs = zip(inputShapes, inputLabels).map { shape, label in
      (label.map { "'\($0)' " } ?? "") + describe(shape)
    }.joined(separator: ", ")
    return "anomaly detected: op '\(op)' produced \(nanCount) NaN and \(infCount) infinite value(s) in its output of shape "
      + "\(describe(outputShape)) from input(s) \(inputs). Typical causes: log of 0 or of a negative number, "
      + "exp overflow (subtract the max before exp), division by zero, or a learning rate so large that the "
      + "parameters diverged."
  }
}

extension Tensor {
  /// The reaction to an anomaly, or nil when detection is off (the default).
  @TaskLocal static var anomalyHandler: (@Sendable (AnomalyReport) -> Void)? = nil

  /// The default reaction: print the report to standard error and exit with status 1.
  public static let stopOnAnomaly: @Sendable (AnomalyReport) -> Void = { report in
    FileHandle.standardError.write(Data(("error: " + report.description + "\n").utf8))
    exit(1)
  }

  /// Runs `body` checking the output of every op for NaN/inf (PyTorch's
  /// `torch.autograd.set_detect_anomaly`, forward side). On a bad value `handler` is called with a
  /// report naming the op, its input shapes and labels; the default prints a clear message to
  /// standard error and exits with status 1. Tests pass a recording handler.
  public static func withAnomalyDetection<R>(handler: @escaping @Sendable (AnomalyReport) -> Void = stopOnAnomaly,
                                             _ body: () throws -> R) rethrows -> R {
    try $anomalyHandler.withValue(handler) { try body() }
  }

  /// Checks `self` (the output of `op`) when anomaly detection is on.
  @inline(__always)
  func checkAnomaly(_ op: String, _ a: Tensor? = nil, _ b: Tensor? = nil) {
    guard let handler = Tensor.anomalyHandler else { return }
    reportAnomalies(op, [a, b].compactMap { $0 }, handler)
  }

  /// Checks `self` (the output of `op` with several inputs) when anomaly detection is on.
  func checkAnomaly(_ op: String, inputs: [Tensor]) {
    guard let handler = Tensor.anomalyHandler else { return }
    reportAnomalies(op, inputs, handler)
  }

  /// Counts NaN/inf in `self` and calls `handler` when there are any.
  private func reportAnomalies(_ op: String, _ inputs: [Tensor], _ handler: (AnomalyReport) -> Void) {
    var nan = 0, inf = 0
    let c = contiguous()
    for i in 0..<c.count {
      let v = c.pointer[i]
      if v.isNaN { nan += 1 } else if v.isInfinite { inf += 1 }
    }
    if nan + inf > 0 {
      handler(AnomalyReport(op: op, inputShapes: inputs.map(\.shape), outputShape: shape,
                            inputLabels: inputs.map(\.name), nanCount: nan, infCount: inf))
    }
  }
}
