import Foundation

/// "Nice" axis ticks: multiples of 1, 2 or 5 × 10^k on linear axes, powers of ten on log axes.
public enum Ticks {
  /// The 1-2-5 step that splits `span` into about `target` intervals.
  public static func niceStep(span: Double, target: Int = 6) -> Double {
    guard span.isFinite, span > 0 else { return 1 }
    let raw = span / Double(max(target, 1))
    let magnitude = pow(10, floor(Foundation.log10(raw)))
    let normalized = raw / magnitude
    let factor: Double = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10
    return factor * magnitude
  }

  /// Ticks that are integer multiples of a nice step and lie inside `lo...hi`.
  public static func linear(_ lo: Double, _ hi: Double, target: Int = 6) -> [Double] {
    guard lo.isFinite, hi.isFinite else { return [] }
    let (a, b) = lo <= hi ? (lo, hi) : (hi, lo)
    if a == b { return [a] }
    let step = niceStep(span: b - a, target: target)
    let first = (a / step - 1e-9).rounded(.up)
    let last = (b / step + 1e-9).rounded(.down)
    guard first <= last, last - first < 1000 else { return [] }
    var ticks: [Double] = []
    var k = first
    while k <= last {
      let v = k * step
      ticks.append(abs(v) < step * 1e-9 ? 0 : v)
      k += 1
    }
    return ticks
  }

  /// Tick values for a log10 axis spanning the exponents `loExponent...hiExponent`: powers of ten
  /// (every n-th decade if there are many), else 1-2-5 multiples, else linear ticks.
  public static func log10(loExponent lo: Double, hiExponent hi: Double) -> [Double] {
    guard lo.isFinite, hi.isFinite, lo <= hi else { return [] }
    let first = Int((lo - 1e-9).rounded(.up)), last = Int((hi + 1e-9).rounded(.down))
    if last - first + 1 >= 2 {
      let stride = max(1, Int((Double(last - first + 1) / 8).rounded(.up)))
      return Swift.stride(from: first, through: last, by: 1).filter { ($0 - first) % stride == 0 }.map { pow(10, Double($0)) }
    }
    for mantissas in [[1.0, 2, 5], [1.0, 2, 3, 4, 5, 6, 7, 8, 9]] {
      var values: [Double] = []
      for e in Int(lo.rounded(.down))...Int(hi.rounded(.up)) {
        for m in mantissas {
          let v = m * pow(10, Double(e))
          let ex = Foundation.log10(v)
          if ex >= lo - 1e-9 && ex <= hi + 1e-9 { values.append(v) }
        }
      }
      if values.count >= 3 || (mantissas.count > 3 && values.count >= 2) { return values }
    }
    return linear(pow(10, lo), pow(10, hi), target: 4).filter { $0 > 0 }
  }

  /// Labels for linear ticks: as many decimals as the step needs, scientific for extreme magnitudes.
  public static func labels(_ ticks: [Double]) -> [String] {
    guard ticks.count >= 2 else { return ticks.map { NumberFormat.compact($0) } }
    let step = abs(ticks[1] - ticks[0])
    let biggest = ticks.map(abs).max() ?? 0
    if biggest >= 1e6 || (step < 1e-4 && biggest < 1e-3) {
      let digits = max(1, Int(Foundation.log10(biggest / step).rounded(.up)) + 1)
      return ticks.map { NumberFormat.scientific($0, significant: min(digits, 6)) }
    }
    let decimals = max(0, Int((-Foundation.log10(step) - 1e-9).rounded(.up)))
    return ticks.map { NumberFormat.fixed($0, decimals: min(decimals, 12)) }
  }

  /// Labels for log-axis ticks (values, not exponents): compact numbers such as `0.001`, `1e-5`.
  public static func logLabels(_ ticks: [Double]) -> [String] {
    ticks.map { NumberFormat.compact($0, significant: 3) }
  }
}

/// One axis of a cartesian plot: its domain (in log10 space for a log axis), ticks and labels.
struct AxisScale: Sendable {
  var lo: Double
  var hi: Double
  var log: Bool = false
  /// Draw high values at the start (rows of an image grow downwards).
  var inverted: Bool = false
  var ticks: [Double] = []
  var labels: [String] = []

  /// Where `v` falls along the axis, 0 at `lo` and 1 at `hi`; nil if it cannot be drawn.
  func fraction(_ v: Double) -> Double? {
    guard v.isFinite, !log || v > 0 else { return nil }
    let t = log ? Foundation.log10(v) : v
    let f = hi > lo ? (t - lo) / (hi - lo) : 0.5
    return inverted ? 1 - f : f
  }

  /// An axis fitted to `values` (already filtered: finite, positive on a log axis), padded by
  /// `pad` × span on each side; `extra` values (guide lines, zero baselines) are included too.
  static func fit(_ values: [Double], log: Bool = false, pad: Double = 0.05, target: Int = 6) -> AxisScale {
    let transformed = log ? values.map { Foundation.log10($0) } : values
    var lo = transformed.min() ?? 0, hi = transformed.max() ?? 1
    if transformed.isEmpty { (lo, hi) = (0, 1) }
    if hi - lo <= max(abs(lo), abs(hi)) * 1e-12 {
      let center = (lo + hi) / 2
      let half = log ? 0.5 : (center == 0 ? 1 : abs(center) * 0.1)
      (lo, hi) = (center - half, center + half)
    } else {
      let span = hi - lo
      (lo, hi) = (lo - pad * span, hi + pad * span)
    }
    return exact(lo, hi, log: log, target: target)
  }

  /// An axis over exactly `lo...hi` (exponents for a log axis) with nice ticks.
  static func exact(_ lo: Double, _ hi: Double, log: Bool = false, target: Int = 6) -> AxisScale {
    var axis = AxisScale(lo: lo, hi: hi, log: log)
    if log {
      axis.ticks = Ticks.log10(loExponent: lo, hiExponent: hi)
      axis.labels = Ticks.logLabels(axis.ticks)
    } else {
      axis.ticks = Ticks.linear(lo, hi, target: target)
      axis.labels = Ticks.labels(axis.ticks)
    }
    return axis
  }

  /// A categorical axis: one tick per label at 0, 1, 2, … with half a slot of room on each side.
  static func categories(_ names: [String]) -> AxisScale {
    var axis = AxisScale(lo: -0.5, hi: Double(max(names.count, 1)) - 0.5, ticks: names.indices.map(Double.init), labels: names)
    axis.isCategorical = true
    return axis
  }

  /// The same domain with about `target` ticks (the terminal has room for fewer labels).
  func retargeted(_ target: Int) -> AxisScale {
    guard !log, labels.count == ticks.count, !isCategorical else { return self }
    var axis = self
    axis.ticks = Ticks.linear(lo, hi, target: target)
    axis.labels = Ticks.labels(axis.ticks)
    return axis
  }

  /// Whether the labels are names rather than numbers.
  var isCategorical = false
}
