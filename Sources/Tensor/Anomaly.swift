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
  /// Number of NaN values in the output (infinities are counted separately in `infCount`).
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

/// A training loss became NaN or infinite: thrown by `Tensor.checkFinite`, naming the tensors
/// that hold bad values.
public struct NonFiniteLossError: Error, CustomStringConvertible, Sendable {
  /// The loss value (NaN or ±inf).
  public let loss: Float
  /// The training step at which it appeared.
  public let step: Int
  /// The checked tensors that contain NaN or ±inf, with how many bad values each holds.
  public let badTensors: [(name: String, count: Int)]

  public var description: String {
    var text = "the loss became \(loss) at step \(step): training diverged, so the run stops here. "
    if badTensors.isEmpty {
      text += "Every parameter is still finite, so the forward pass itself overflowed (exp of a large "
        + "logit, log of 0); `Tensor.withAnomalyDetection` names the op."
    } else {
      text += "Tensors holding NaN/inf: "
        + badTensors.map { "\($0.name) (\($0.count) values)" }.joined(separator: ", ")
        + ". A learning rate too large for this initialisation is the usual cause."
    }
    return text
  }
}

extension Tensor {
  /// Stops a training loop with a clear error when `loss` is NaN or ±inf.
  ///
  /// Checking one number per step costs nothing; only when it is bad are `tensors` (the
  /// parameters, by name) scanned, so the error says which of them went bad. The thrown
  /// `NonFiniteLossError` ends a lecture with exit status 1.
  public static func checkFinite(_ loss: Float, step: Int, tensors: [(String, Tensor)]) throws {
    guard !loss.isFinite else { return }
    let bad = tensors.compactMap { name, t -> (name: String, count: Int)? in
      let n = t.scalars.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
      return n > 0 ? (name, n) : nil
    }
    throw NonFiniteLossError(loss: loss, step: step, badTensors: bad)
  }
}
