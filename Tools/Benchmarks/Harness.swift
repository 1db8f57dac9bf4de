import Foundation

/// One benchmark workload: a name matching `../shared/bench/torch_reference.py`, a one-line
/// description of its configuration, and a closure that runs one repetition.
struct Workload {
  /// Stable name used to compare runs over time (`gemm-512-t1`, `l3-mlp-step`, …).
  let name: String
  /// What exactly is measured (sizes, batch, threads).
  let config: String
  /// Threads the workload's kernels may use.
  var threads: Int = 1
  /// Floating-point operations per repetition, for a GFLOP/s column (nil when not meaningful).
  var flops: Double? = nil
  /// Repetitions to run before timing.
  var warmup: Int = 3
  /// Repetitions per timed window; the median over windows is reported.
  var repsPerWindow: Int = 10
  /// Builds the state once and returns the closure timed for each repetition.
  let make: () -> () -> Void
}

/// A measured workload.
struct Measurement {
  let workload: Workload
  let medianMs: Double
  let minMs: Double

  var gflops: Double? { workload.flops.map { $0 / (medianMs * 1e6) } }

  func line() -> String {
    var s = "\(workload.name.padding(toLength: 24, withPad: " ", startingAt: 0)) "
    s += String(format: "median %10.4f ms  min %10.4f ms", medianMs, minMs)
    if let g = gflops { s += String(format: "  %7.1f GFLOP/s", g) }
    return s + "  (\(workload.config))"
  }

  func json() -> String {
    func esc(_ s: String) -> String { s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") }
    var s = "{\"name\":\"\(esc(workload.name))\",\"config\":\"\(esc(workload.config))\",\"threads\":\(workload.threads),"
    s += String(format: "\"median_ms\":%.5f,\"min_ms\":%.5f", medianMs, minMs)
    if let g = gflops { s += String(format: ",\"gflops\":%.1f", g) }
    return s + "}"
  }
}

/// Times `workload`: warm-up, then `windows` timed windows of `repsPerWindow` repetitions each.
func measure(_ workload: Workload, windows: Int) -> Measurement {
  let step = workload.make()
  for _ in 0..<workload.warmup { step() }
  var times: [Double] = []
  for _ in 0..<windows {
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<workload.repsPerWindow { step() }
    let end = DispatchTime.now().uptimeNanoseconds
    times.append(Double(end - start) / 1e6 / Double(workload.repsPerWindow))
  }
  times.sort()
  return Measurement(workload: workload, medianMs: times[times.count / 2], minMs: times[0])
}
