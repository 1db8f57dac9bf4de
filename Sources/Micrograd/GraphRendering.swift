import Foundation

// Three pictures of the same expression graph: an indented tree for the terminal, Graphviz DOT
// (the lecture's `draw_dot`), and Mermaid for the Markdown study page. Every node shows its label,
// data and grad; an operation gets its own small node, as in the lecture's drawings.

/// `%.4f`, the precision of the lecture's graph drawings.
func fourDecimals(_ x: Double) -> String { String(format: "%.4f", x) }

extension Value {
  /// The graph below this node as an indented tree, output first:
  ///
  ///     o [tanh]  data 0.7071  grad 1.0000
  ///     └── n [+]  data 0.8814  grad 0.5000
  ///         ├── x1*w1 + x2*w2 [+]  data -6.0000  grad 0.5000
  ///
  /// A node reached a second time (shared, like `a` in `a + a`) is listed again with
  /// "(see above)" instead of repeating its subtree.
  public func treeDescription() -> String {
    func line(_ v: Value) -> String {
      var head = v.label
      if v.op != .leaf { head += head.isEmpty ? "[\(v.op)]" : " [\(v.op)]" }
      if head.isEmpty { head = "(leaf)" }
      return "\(head)  data \(fourDecimals(v.data))  grad \(fourDecimals(v.grad))"
    }
    var lines: [String] = []
    var shown: Set<ObjectIdentifier> = []
    // Explicit stack (no recursion): node, the prefix for its children, and its own branch glyph.
    var stack: [(node: Value, indent: String, branch: String)] = [(self, "", "")]
    while let (node, indent, branch) = stack.popLast() {
      let firstTime = shown.insert(ObjectIdentifier(node)).inserted
      let suffix = firstTime || node.children.isEmpty ? "" : "  (see above)"
      lines.append(indent + branch + line(node) + suffix)
      guard firstTime else { continue }
      let childIndent = indent + (branch == "├── " ? "│   " : branch.isEmpty ? "" : "    ")
      for (i, child) in node.children.enumerated().reversed() {
        let last = i == node.children.count - 1
        stack.append((child, childIndent, last ? "└── " : "├── "))
      }
    }
    return lines.joined(separator: "\n")
  }

  /// The graph as Graphviz DOT text, laid out left to right like the lecture's `draw_dot`: one
  /// record `{ label | data %.4f | grad %.4f }` per value and one small node per operation.
  /// Render it with `dot -Tsvg graph.dot > graph.svg`.
  public func dot() -> String {
    let order = topologicalOrder()
    var id: [ObjectIdentifier: Int] = [:]
    for (i, v) in order.enumerated() { id[ObjectIdentifier(v)] = i }
    var out = ["digraph G {", "  rankdir=LR;"]
    for (i, v) in order.enumerated() {
      let label = "{ \(dotEscape(v.label)) | data \(fourDecimals(v.data)) | grad \(fourDecimals(v.grad)) }"
      out.append("  n\(i) [shape=record, label=\"\(label)\"];")
      if v.op != .leaf {
        out.append("  n\(i)op [label=\"\(dotEscape(v.op.description))\"];")
        out.append("  n\(i)op -> n\(i);")
      }
    }
    for (i, v) in order.enumerated() {
      var seen: Set<Int> = []
      for child in v.children {
        let c = id[ObjectIdentifier(child)]!
        if seen.insert(c).inserted { out.append("  n\(c) -> n\(i)op;") }
      }
    }
    out.append("}")
    return out.joined(separator: "\n")
  }

  /// The graph as a Mermaid flowchart (left to right) for a Markdown page: value nodes as boxes
  /// `label | data | grad`, operations as circles.
  public func mermaid() -> String {
    let order = topologicalOrder()
    var id: [ObjectIdentifier: Int] = [:]
    for (i, v) in order.enumerated() { id[ObjectIdentifier(v)] = i }
    var out = ["flowchart LR"]
    for (i, v) in order.enumerated() {
      let name = v.label.isEmpty ? "" : mermaidEscape(v.label) + " | "
      out.append("  n\(i)[\"\(name)data \(fourDecimals(v.data)) | grad \(fourDecimals(v.grad))\"]")
      if v.op != .leaf {
        out.append("  n\(i)op((\"\(mermaidEscape(v.op.description))\"))")
        out.append("  n\(i)op --> n\(i)")
      }
    }
    for (i, v) in order.enumerated() {
      var seen: Set<Int> = []
      for child in v.children {
        let c = id[ObjectIdentifier(child)]!
        if seen.insert(c).inserted { out.append("  n\(c) --> n\(i)op") }
      }
    }
    return out.joined(separator: "\n")
  }
}

/// Escapes the characters that are syntax inside a DOT record label.
func dotEscape(_ s: String) -> String {
  var r = ""
  for ch in s {
    if "{}|<>\"\\".contains(ch) { r.append("\\") }
    r.append(ch)
  }
  return r
}

/// Escapes a double quote for a Mermaid label (Mermaid uses HTML-style entities).
func mermaidEscape(_ s: String) -> String {
  s.replacingOccurrences(of: "\"", with: "#quot;")
}
