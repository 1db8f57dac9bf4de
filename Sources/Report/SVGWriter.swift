/// Builds a standalone SVG document element by element with inline attributes only, so the file
/// renders anywhere (GitHub's image viewer included). Coordinates are written with two decimals.
struct SVGWriter {
  let width: Double
  let height: Double
  let title: String
  private(set) var body: [String] = []

  init(width: Double, height: Double, title: String) {
    self.width = width
    self.height = height
    self.title = title
  }

  private static func c(_ x: Double) -> String { NumberFormat.coord(x) }

  /// Appends raw markup (already escaped).
  mutating func raw(_ element: String) { body.append(element) }

  mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                     stroke: String? = nil, strokeWidth: Double = 1, opacity: Double? = nil) {
    var s = "<rect x=\"\(Self.c(x))\" y=\"\(Self.c(y))\" width=\"\(Self.c(width))\" height=\"\(Self.c(height))\" fill=\"\(fill)\""
    if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(Self.c(strokeWidth))\"" }
    if let opacity { s += " fill-opacity=\"\(Self.c(opacity))\"" }
    body.append(s + "/>")
  }

  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                     width: Double = 1, dash: String? = nil) {
    var s = "<line x1=\"\(Self.c(x1))\" y1=\"\(Self.c(y1))\" x2=\"\(Self.c(x2))\" y2=\"\(Self.c(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.c(width))\""
    if let dash { s += " stroke-dasharray=\"\(dash)\"" }
    body.append(s + "/>")
  }

  /// A path from `d` (build it with `pathData`).
  mutating func path(_ d: String, fill: String = "none", stroke: String? = nil, strokeWidth: Double = 1.5,
                     fillOpacity: Double? = nil, dash: String? = nil, name: String? = nil) {
    var s = "<path d=\"\(d)\" fill=\"\(fill)\""
    if let fillOpacity { s += " fill-opacity=\"\(Self.c(fillOpacity))\"" }
    if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(Self.c(strokeWidth))\" stroke-linejoin=\"round\" stroke-linecap=\"round\"" }
    if let dash { s += " stroke-dasharray=\"\(dash)\"" }
    if let name { s += " data-series=\"\(xmlEscape(name))\"" }
    body.append(s + "/>")
  }

  mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil, strokeWidth: Double = 1) {
    var s = "<circle cx=\"\(Self.c(cx))\" cy=\"\(Self.c(cy))\" r=\"\(Self.c(r))\" fill=\"\(fill)\""
    if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(Self.c(strokeWidth))\"" }
    body.append(s + "/>")
  }

  enum Anchor: String { case start, middle, end }

  /// Text whose vertical centre is at `y` (`dy="0.35em"` instead of `dominant-baseline`, which
  /// some renderers ignore).
  mutating func text(_ string: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .middle,
                     bold: Bool = false, fill: String = "#222222", rotate: Double? = nil) {
    var s = "<text x=\"\(Self.c(x))\" y=\"\(Self.c(y))\" dy=\"0.35em\" font-size=\"\(Self.c(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\""
    if bold { s += " font-weight=\"bold\"" }
    if let rotate { s += " transform=\"rotate(\(Self.c(rotate)) \(Self.c(x)) \(Self.c(y)))\"" }
    body.append(s + ">\(xmlEscape(string))</text>")
  }

  /// Starts a group (`<g>`), e.g. for the markers of one series.
  mutating func beginGroup(_ attributes: String = "") { body.append(attributes.isEmpty ? "<g>" : "<g \(attributes)>") }
  mutating func endGroup() { body.append("</g>") }

  /// The finished document.
  func document() -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.c(width))\" height=\"\(Self.c(height))\" viewBox=\"0 0 \(Self.c(width)) \(Self.c(height))\" role=\"img\" aria-label=\"\(xmlEscape(title))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
    out += "<title>\(xmlEscape(title))</title>\n"
    out += "<rect x=\"0\" y=\"0\" width=\"\(Self.c(width))\" height=\"\(Self.c(height))\" fill=\"#ffffff\"/>\n"
    for element in body { out += element + "\n" }
    out += "</svg>\n"
    return out
  }

  /// Path data `M x y L x y …` for runs of points; a nil point starts a new run.
  static func pathData(_ points: [(Double, Double)?]) -> String {
    var parts: [String] = []
    var penDown = false
    for p in points {
      guard let (x, y) = p else { penDown = false; continue }
      parts.append("\(penDown ? "L" : "M")\(c(x)) \(c(y))")
      penDown = true
    }
    return parts.joined(separator: " ")
  }

  /// Approximate width in pixels of `text` at `size` (average sans-serif glyph ≈ 0.6 em).
  static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.6 }
}

/// Escapes text for XML content and attribute values; drops control characters XML forbids.
func xmlEscape(_ text: String) -> String {
  var out = ""
  out.reserveCapacity(text.utf8.count)
  for scalar in text.unicodeScalars {
    switch scalar {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&apos;"
    case "\t", "\n", "\r": out.unicodeScalars.append(" ")
    default:
      if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
      out.unicodeScalars.append(scalar)
    }
  }
  return out
}
