import Foundation

// Number and shape formatting the lectures share: numbers printed the way the notebooks print
// them, so a learner can compare line by line.

/// `0.1377`: four decimals, PyTorch's default precision when it prints a tensor.
public func f4(_ x: Float) -> String { String(format: "%.4f", x) }

/// `0.1377`: four decimals (the precision of lecture 1's graph drawings).
public func f4(_ x: Double) -> String { String(format: "%.4f", x) }

/// `[0.1377, 0.0408, …]`: numbers in PyTorch's list style with `decimals` decimals, wrapped after
/// `perLine` values (continuation lines indented by one space, as PyTorch does); NaN and
/// infinities print as `nan`, `inf`, `-inf`.
public func torchList(_ xs: [Float], decimals: Int = 4, perLine: Int = .max) -> String {
  let items = xs.map { x -> String in
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    return String(format: "%.\(decimals)f", x)
  }
  var lines: [String] = []
  let step = max(1, perLine)
  for start in stride(from: 0, to: items.count, by: step) {
    lines.append(items[start..<min(start + step, items.count)].joined(separator: ", "))
  }
  return "[" + lines.joined(separator: ",\n ") + "]"
}

/// `(32, 3, 2)`: a shape as PyTorch prints it (`(27,)` for one dimension).
public func shapeText(_ shape: [Int]) -> String {
  "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "") + ")"
}

/// CPU seconds this process has used so far, all threads together. On a shared machine wall
/// time also counts the time spent waiting for a core; CPU time does not.
public func processCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Seconds elapsed since `start`, a `DispatchTime.now().uptimeNanoseconds` reading.
public func secondsSince(_ start: UInt64) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The wall time of one run of `body`, in milliseconds.
public func milliseconds(_ body: () -> Void) -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}
