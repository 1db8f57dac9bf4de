import Foundation

/// Locale-independent, deterministic number formatting for labels (same value → same text on
/// every machine): plain digits, `.` as decimal point, no grouping, never `-0`.
public enum NumberFormat {
  /// `x` with exactly `decimals` digits after the point, rounded half away from zero.
  /// Falls back to scientific notation when the value is too large for exact integer scaling.
  public static func fixed(_ x: Double, decimals: Int) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
    let d = min(max(decimals, 0), 15)
    var scale: Double = 1
    for _ in 0..<d { scale *= 10 }
    let scaled = (abs(x) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e18 else { return scientific(x, significant: 6) }
    let n = UInt64(scaled)
    if n == 0 { return d == 0 ? "0" : "0." + String(repeating: "0", count: d) }
    var digits = String(n)
    if d > 0 {
      if digits.count <= d { digits = String(repeating: "0", count: d - digits.count + 1) + digits }
      digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -d))
    }
    return (x < 0 ? "-" : "") + digits
  }

  /// Compact form: at most `significant` significant digits, trailing zeros trimmed, scientific
  /// notation (`2.5e-5`, `1.2e7`) outside 1e-4 ..< 1e6. Used for legends, colour bars, values.
  public static func compact(_ x: Double, significant: Int = 4) -> String {
    guard x.isFinite else { return fixed(x, decimals: 0) }
    if x == 0 { return "0" }
    let sig = min(max(significant, 1), 15)
    let e = Int(floor(log10(abs(x))))
    if e >= 6 || e < -4 { return scientific(x, significant: sig) }
    return trimZeros(fixed(x, decimals: max(0, sig - 1 - e)))
  }

  /// Scientific notation with at most `significant` digits in the mantissa: `1e-5`, `-2.5e7`.
  public static func scientific(_ x: Double, significant: Int = 4) -> String {
    guard x.isFinite else { return fixed(x, decimals: 0) }
    if x == 0 { return "0" }
    var e = Int(floor(log10(abs(x))))
    var m = x / pow(10, Double(e))
    var text = trimZeros(fixed(m, decimals: max(0, significant - 1)))
    if text == "10" || text == "-10" {  // rounding carried into the next decade
      e += 1; m /= 10
      text = trimZeros(fixed(m, decimals: max(0, significant - 1)))
    }
    return "\(text)e\(e)"
  }

  /// Removes trailing zeros after a decimal point ("2.500" → "2.5", "3.0" → "3").
  static func trimZeros(_ s: String) -> String {
    guard s.contains("."), !s.contains("e") else { return s }
    var t = Substring(s)
    while t.hasSuffix("0") { t = t.dropLast() }
    if t.hasSuffix(".") { t = t.dropLast() }
    return t == "-0" ? "0" : String(t)
  }

  /// A pixel coordinate for SVG: two decimals at most, trailing zeros trimmed.
  static func coord(_ x: Double) -> String { trimZeros(fixed(x, decimals: 2)) }
}
