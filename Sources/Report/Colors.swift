import Foundation

/// Series colours (matplotlib's "tab10"), used in order.
enum Palette {
  static let series = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                       "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
  static func color(_ i: Int) -> String { series[((i % series.count) + series.count) % series.count] }
  /// Terminal markers, one per series.
  static let markers: [Character] = ["•", "*", "+", "o", "x", "#", "@", "%", "&", "="]
  static func marker(_ i: Int) -> Character { markers[((i % markers.count) + markers.count) % markers.count] }
  static let text = "#222222"
  static let axis = "#444444"
  static let grid = "#e6e6e6"
}

/// An RGB colour with components in 0...1, printed as `#rrggbb`.
struct RGB: Equatable, Sendable {
  var r: Double, g: Double, b: Double

  init(_ r: Double, _ g: Double, _ b: Double) { (self.r, self.g, self.b) = (r, g, b) }

  /// Parses `#rrggbb`.
  init(hex: String) {
    let v = UInt32(hex.dropFirst(), radix: 16) ?? 0
    self.init(Double((v >> 16) & 0xff) / 255, Double((v >> 8) & 0xff) / 255, Double(v & 0xff) / 255)
  }

  var hex: String {
    func h(_ x: Double) -> String {
      let v = Int((min(max(x, 0), 1) * 255).rounded())
      let s = String(v, radix: 16)
      return s.count == 1 ? "0" + s : s
    }
    return "#" + h(r) + h(g) + h(b)
  }

  /// Relative luminance, to pick black or white text on a cell.
  var luminance: Double { 0.2126 * r + 0.7152 * g + 0.0722 * b }

  static func mix(_ a: RGB, _ b: RGB, _ t: Double) -> RGB {
    RGB(a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t)
  }
}

/// How a `Heatmap` maps values to colours.
public enum ColorScale: Sendable, Equatable {
  /// White → dark blue (matplotlib "Blues"): counts, probabilities, attention weights.
  case blues
  /// White → black.
  case grays
  /// Blue → white → red, centred on zero: signed values such as weights or gradients.
  case diverging

  private static let bluesStops = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"].map { RGB(hex: $0) }
  private static let graysStops = [RGB(1, 1, 1), RGB(0, 0, 0)]
  private static let divergingStops = ["#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b"].map { RGB(hex: $0) }

  private var stops: [RGB] {
    switch self {
    case .blues: return Self.bluesStops
    case .grays: return Self.graysStops
    case .diverging: return Self.divergingStops
    }
  }

  /// The colour at `t` in 0...1 (clamped), quantised to 256 levels so equal-looking cells merge.
  func color(at t: Double) -> RGB {
    let s = stops
    let q = (min(max(t.isFinite ? t : 0, 0), 1) * 255).rounded() / 255
    let x = q * Double(s.count - 1)
    let i = min(Int(x), s.count - 2)
    return RGB.mix(s[i], s[i + 1], x - Double(i))
  }

  /// The colour range for finite `values`: min…max, or symmetric ±max|v| for `.diverging`.
  func range(of values: [Double]) -> ClosedRange<Double> {
    let finite = values.filter(\.isFinite)
    guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
    if self == .diverging {
      let m = max(abs(lo), abs(hi))
      return m == 0 ? -1...1 : -m...m
    }
    return lo < hi ? lo...hi : (lo == 0 ? 0...1 : min(lo, 0)...max(hi, 0))
  }
}
