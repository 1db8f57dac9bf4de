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
  /// Tokens per repetition, for a tokens/s column (training steps).
  var tokens: Int? = nil
  /// Print the process's peak resident memory after the workload (getrusage's high-water mark).
  var reportsPeakMemory = false
  /// Builds the state once and returns the closure timed for each repetition.
  let make: () -> () -> Void

  /// The same workload on `threads` threads, named with a `-tN` suffix (results are identical
  /// for any thread count; only the time changes).
  func onThreads(_ threads: Int) -> Workload {
    Workload(name: "\(name)-t\(threads)", config: "\(config), \(threads) threads", threads: threads, flops: flops,
             warmup: warmup, repsPerWindow: repsPerWindow, tokens: tokens, reportsPeakMemory: reportsPeakMemory, make: make)
  }
}

/// Where a measurement was taken: CPU, kernel variant and measured peak, stamped on every line so
/// figures from different machines are never compared by accident.
struct MachineStamp {
  /// The kernels' instruction set (`avx2`, `avx512`, `arm64`, `generic`).
  let isa: String
  /// The GEMM micro-kernel variant (`6x16-simd8`, …).
  let kernel: String
  /// The CPU model.
  let cpu: String
  /// The measured fp32 peak, when measured.
  let peak: MeasuredPeak?
}

/// A measured workload.
struct Measurement {
  let workload: Workload
  let medianMs: Double
  let minMs: Double
  /// Median CPU time of the timing thread per repetition (single-thread workloads only): time the
  /// thread actually ran, so less disturbed than wall-clock when other processes share the cores.
  let cpuMs: Double?
  /// Fastest window's CPU time of the timing thread per repetition (single-thread workloads).
  let cpuMinMs: Double?

  var gflops: Double? { workload.flops.map { $0 / (medianMs * 1e6) } }
  /// GFLOP/s from the thread's CPU time (single-thread workloads).
  var cpuGflops: Double? {
    guard let f = workload.flops, let t = cpuMs, t > 0 else { return nil }
    return f / (t * 1e6)
  }

  func line(_ stamp: MachineStamp) -> String {
    var s = "\(workload.name.padding(toLength: 24, withPad: " ", startingAt: 0)) "
    s += String(format: "median %10.4f ms  min %10.4f ms", medianMs, minMs)
    if let g = gflops {
      s += String(format: "  %7.1f GFLOP/s", g)
      if let p = stamp.peak?.gflops(threads: workload.threads) { s += String(format: " (%3.0f%% of peak)", 100 * g / p) }
      if let cg = cpuGflops, let f = workload.flops, let best = cpuMinMs {
        s += String(format: "  cpu-time %7.1f GFLOP/s (best %.1f)", cg, f / (best * 1e6))
      }
    } else if let t = cpuMs, let best = cpuMinMs {
      s += String(format: "  cpu-time %10.4f ms (best %.4f)", t, best)
    }
    if let n = workload.tokens { s += String(format: "  %.0f tokens/s", Double(n) / (medianMs / 1e3)) }
    if workload.reportsPeakMemory { s += String(format: "  peak RSS %.2f GB", peakResidentBytes() / 1e9) }
    return s + "  (\(workload.config))"
  }

  func json(_ stamp: MachineStamp) -> String {
    func esc(_ s: String) -> String { s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") }
    var s = "{\"name\":\"\(esc(workload.name))\",\"config\":\"\(esc(workload.config))\",\"threads\":\(workload.threads),"
    s += String(format: "\"median_ms\":%.5f,\"min_ms\":%.5f", medianMs, minMs)
    if let t = cpuMs { s += String(format: ",\"cpu_ms\":%.5f", t) }
    if let g = gflops {
      s += String(format: ",\"gflops\":%.1f", g)
      if let p = stamp.peak?.gflops(threads: workload.threads) {
        s += String(format: ",\"peak_gflops\":%.1f,\"peak_fraction\":%.3f", p, g / p)
      }
    }
    if let n = workload.tokens { s += String(format: ",\"tokens_per_s\":%.0f", Double(n) / (medianMs / 1e3)) }
    if workload.reportsPeakMemory { s += String(format: ",\"peak_rss_bytes\":%.0f", peakResidentBytes()) }
    s += ",\"isa\":\"\(esc(stamp.isa))\",\"kernel\":\"\(esc(stamp.kernel))\",\"cpu\":\"\(esc(stamp.cpu))\""
    return s + "}"
  }
}

/// The process's peak resident set size so far (getrusage's `ru_maxrss`, kilobytes on Linux), in bytes.
func peakResidentBytes() -> Double {
  var usage = rusage()
  #if os(Linux)
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  #else
  getrusage(RUSAGE_SELF, &usage)
  #endif
  return Double(usage.ru_maxrss) * 1024
}

/// CPU time consumed so far by the calling thread, in nanoseconds.
func threadCPUNanoseconds() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
  return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Times `workload`: warm-up, then `windows` timed windows of `repsPerWindow` repetitions each.
func measure(_ workload: Workload, windows: Int) -> Measurement {
  let step = workload.make()
  for _ in 0..<workload.warmup { step() }
  var times: [Double] = [], cpuTimes: [Double] = []
  for _ in 0..<windows {
    let cpuStart = threadCPUNanoseconds()
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<workload.repsPerWindow { step() }
    let end = DispatchTime.now().uptimeNanoseconds
    let cpuEnd = threadCPUNanoseconds()
    times.append(Double(end - start) / 1e6 / Double(workload.repsPerWindow))
    cpuTimes.append(Double(cpuEnd - cpuStart) / 1e6 / Double(workload.repsPerWindow))
  }
  times.sort()
  cpuTimes.sort()
  return Measurement(workload: workload, medianMs: times[times.count / 2], minMs: times[0],
                     cpuMs: workload.threads == 1 ? cpuTimes[cpuTimes.count / 2] : nil,
                     cpuMinMs: workload.threads == 1 ? cpuTimes[0] : nil)
}
