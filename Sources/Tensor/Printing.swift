import Foundation

// PyTorch's tensor printing (torch/_tensor_str.py) re-expressed: one number format for the whole
// tensor (integers as `3.`, fixed `%.4f`, or scientific `%.4e` when magnitudes are spread out),
// right-aligned to a common width, lines wrapped at 80 columns, and at most 3 leading/trailing
// items per dim once the tensor has more than 1000 elements. Learners compare these strings with
// the notebook's output, so the layout follows PyTorch's rules closely.

/// The shared number format of one printed tensor.
struct ScalarFormatter {
  var intMode = true
  var sciMode = false
  var width = 1

  init(_ values: [Float]) {
    let finite = values.filter { $0.isFinite && $0 != 0 }
    if finite.isEmpty { return }
    let absValues = finite.map { Swift.abs(Double($0)) }
    let (lo, hi) = (absValues.min()!, absValues.max()!)
    intMode = finite.allSatisfy { $0 == $0.rounded(.up) }
    if intMode {
      if hi / lo > 1000 || hi > 1e8 {
        sciMode = true
        for v in finite { width = Swift.max(width, String(format: "%.4e", Double(v)).count) }
      } else {
        for v in finite { width = Swift.max(width, String(format: "%.0f", Double(v)).count + 1) }
      }
    } else {
      if hi / lo > 1000 || hi > 1e8 || lo < 1e-4 {
        sciMode = true
        for v in finite { width = Swift.max(width, String(format: "%.4e", Double(v)).count) }
      } else {
        for v in finite { width = Swift.max(width, String(format: "%.4f", Double(v)).count) }
      }
    }
  }

  func format(_ v: Float) -> String {
    var s: String
    if v.isNaN {
      s = "nan"
    } else if v.isInfinite {
      s = v < 0 ? "-inf" : "inf"
    } else if sciMode {
      s = String(format: "%.4e", Double(v))
    } else if intMode {
      s = String(format: "%.0f", Double(v)) + "."
    } else {
      s = String(format: "%.4f", Double(v))
    }
    if s.count < width { s = String(repeating: " ", count: width - s.count) + s }
    return s
  }
}

extension Tensor: CustomStringConvertible {
  /// PyTorch's `repr`: `tensor([[ 1.5674, -0.2373], …])`, with `grad_fn=<…>` or
  /// `requires_grad=True` like PyTorch.
  public var description: String {
    let values = scalars
    let summarize = count > 1000
    let formatter = ScalarFormatter(summarize ? summarizedValues(values, shape) : values)
    let prefix = "tensor("
    var body: String
    if count == 0 {
      body = "[]"
    } else {
      body = Tensor.format(values, shape: shape, indent: prefix.count, summarize: summarize, formatter)
    }
    var suffixes: [String] = []
    if count == 0 && shape != [0] { suffixes.append("size=(\(shape.map(String.init).joined(separator: ", "))))") }
    if let fn = gradFnName, requiresGrad {
      suffixes.append("grad_fn=<\(fn)>")
    } else if requiresGrad {
      suffixes.append("requires_grad=True")
    }
    var out = prefix + body
    // PyTorch: len(s) - s.rfind("\n") + 1 (rfind is -1 without a newline).
    var lastLineLength = out.count - (out.lastIndex(of: "\n").map { out.distance(from: out.startIndex, to: $0) } ?? -1) + 1
    for s in suffixes {
      if lastLineLength + s.count + 2 > 80 {
        out += ",\n" + String(repeating: " ", count: prefix.count) + s
        lastLineLength = prefix.count + s.count
      } else {
        out += ", " + s
        lastLineLength += s.count + 2
      }
    }
    return out + ")"
  }

  /// The values with a header naming the tensor and its shape, for lecture output:
  /// `logits: shape [32, 27]` then the PyTorch-style values.
  public func pretty(name label: String? = nil) -> String {
    "\(label ?? name ?? "tensor"): shape \(describe(shape))\n\(description)"
  }

  /// The elements PyTorch shows when summarising (3 leading and trailing items per dim).
  private func summarizedValues(_ values: [Float], _ shape: [Int]) -> [Float] {
    if shape.isEmpty { return values }
    let n = shape[0]
    let inner = elementCount(Array(shape.dropFirst()))
    let rows = n > 6 ? Array(0..<3) + Array((n - 3)..<n) : Array(0..<n)
    return rows.flatMap { r in summarizedValues(Array(values[(r * inner)..<((r + 1) * inner)]), Array(shape.dropFirst())) }
  }

  /// Formats `values` (row-major, of `shape`) as nested brackets.
  static func format(_ values: [Float], shape: [Int], indent: Int, summarize: Bool, _ f: ScalarFormatter) -> String {
    if shape.isEmpty { return f.format(values[0]).trimmingCharacters(in: .whitespaces) }
    return nestedBrackets(values, shape: shape, indent: indent, summarize: summarize, itemWidth: f.width, format: f.format)
  }
}

/// PyTorch's layout of a tensor's values as nested brackets: rows wrapped at 80 columns,
/// blank lines between higher-dimensional blocks, and `...` for the middle of summarised
/// dimensions (first and last three kept). `format` writes one element in `itemWidth` columns.
private func nestedBrackets<T>(_ values: [T], shape: [Int], indent: Int, summarize: Bool, itemWidth: Int,
                       format: (T) -> String) -> String {
  let n = shape[0]
  if shape.count == 1 {
    let perLine = Swift.max(1, (80 - indent) / (itemWidth + 2))
    let items = summarize && n > 6
      ? values[0..<3].map(format) + [" ..."] + values[(n - 3)..<n].map(format)
      : values.map(format)
    var lines: [String] = []
    var i = 0
    while i < items.count {
      lines.append(items[i..<Swift.min(i + perLine, items.count)].joined(separator: ", "))
      i += perLine
    }
    return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
  }
  let sub = Array(shape.dropFirst())
  let inner = sub.reduce(1, *)
  func slice(_ r: Int) -> String {
    nestedBrackets(Array(values[(r * inner)..<((r + 1) * inner)]), shape: sub, indent: indent + 1,
                   summarize: summarize, itemWidth: itemWidth, format: format)
  }
  let parts = summarize && n > 6 ? (0..<3).map(slice) + ["..."] + ((n - 3)..<n).map(slice) : (0..<n).map(slice)
  return "[" + parts.joined(separator: "," + String(repeating: "\n", count: shape.count - 1)
                              + String(repeating: " ", count: indent + 1)) + "]"
}

extension IntTensor: CustomStringConvertible {
  /// PyTorch's `repr` of an integer tensor: `tensor([ 0,  5, 13])`.
  public var description: String {
    if shape.isEmpty { return "tensor(\(int32Scalars[0]))" }
    if count == 0 { return "tensor([], size=(\(shape.map(String.init).joined(separator: ", "))), dtype=torch.int64)" }
    let width = scalars.map { String($0).count }.max() ?? 1
    return "tensor(" + IntTensor.format(scalars, shape: shape, indent: 7, summarize: count > 1000, width: width) + ")"
  }

  static func format(_ values: [Int], shape: [Int], indent: Int, summarize: Bool, width: Int) -> String {
    nestedBrackets(values, shape: shape, indent: indent, summarize: summarize, itemWidth: width) { v in
      let s = String(v)
      return String(repeating: " ", count: Swift.max(0, width - s.count)) + s
    }
  }
}
