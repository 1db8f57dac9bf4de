import Foundation

/// A small directed graph (nodes with labels and shapes, edges with optional labels) rendered as
/// a Mermaid flowchart (GitHub draws ```mermaid blocks) or as Graphviz DOT (lecture 1's `--dot`).
///
/// Nodes keep insertion order and get internal ids `n0, n1, …`, so any user id is allowed and
/// the output is deterministic.
public struct MermaidGraph: Sendable, Equatable {
  /// Layout direction.
  public enum Direction: String, Sendable { case leftToRight = "LR", topDown = "TD" }

  /// How a node is drawn.
  public enum Shape: Sendable, Equatable { case box, rounded, stadium, circle, diamond, record }

  /// A node: `fields` are the cells of a record node (a single field for other shapes).
  public struct Node: Sendable, Equatable {
    /// The caller's id.
    public var id: String
    /// The label parts; joined with " | " outside DOT record nodes.
    public var fields: [String]
    /// The drawing shape.
    public var shape: Shape
    /// The label as one string.
    public var label: String { fields.joined(separator: " | ") }
  }

  /// A directed edge between two caller ids.
  public struct Edge: Sendable, Equatable {
    /// Source node id.
    public var from: String
    /// Target node id.
    public var to: String
    /// Optional text on the edge.
    public var label: String?
  }

  /// Layout direction of the whole graph.
  public var direction: Direction
  /// Nodes in insertion order.
  public private(set) var nodes: [Node] = []
  /// Edges in insertion order.
  public private(set) var edges: [Edge] = []
  private var index: [String: Int] = [:]

  /// An empty graph.
  public init(direction: Direction = .leftToRight) { self.direction = direction }

  /// Adds a node, or replaces the label and shape of an existing one with the same id.
  public mutating func addNode(_ id: String, label: String, shape: Shape = .box) {
    set(Node(id: id, fields: [label], shape: shape))
  }

  /// Adds a record node (`{ a | data 2.0000 | grad 0.0000 }` in DOT; a box in Mermaid).
  public mutating func addRecord(_ id: String, fields: [String]) {
    set(Node(id: id, fields: fields, shape: .record))
  }

  /// Adds an edge; endpoints that do not exist yet become box nodes labelled with their id.
  public mutating func addEdge(from: String, to: String, label: String? = nil) {
    if index[from] == nil { addNode(from, label: from) }
    if index[to] == nil { addNode(to, label: to) }
    edges.append(Edge(from: from, to: to, label: label))
  }

  private mutating func set(_ node: Node) {
    if let i = index[node.id] { nodes[i] = node } else { index[node.id] = nodes.count; nodes.append(node) }
  }

  private func internalID(_ id: String) -> String { "n\(index[id] ?? 0)" }

  // MARK: Mermaid

  /// Escapes a label for a quoted Mermaid label: quotes, `<`, `>`, `#`, `&`, `|` and backticks
  /// become entity codes; newlines become `<br/>`.
  public static func mermaidEscape(_ text: String) -> String {
    var out = ""
    for ch in text {
      switch ch {
      case "#": out += "#35;"
      case "\"": out += "#quot;"
      case "<": out += "#lt;"
      case ">": out += "#gt;"
      case "&": out += "#amp;"
      case "|": out += "#124;"
      case "`": out += "#96;"
      case "\n": out += "<br/>"
      case "\r", "\t": out += " "
      default: out.append(ch)
      }
    }
    return out
  }

  /// The flowchart source without the fence.
  public func mermaidSource() -> String {
    var lines = ["flowchart \(direction.rawValue)"]
    for node in nodes {
      let label = "\"" + Self.mermaidEscape(node.label) + "\""
      let shaped: String
      switch node.shape {
      case .box, .record: shaped = "[\(label)]"
      case .rounded: shaped = "(\(label))"
      case .stadium: shaped = "([\(label)])"
      case .circle: shaped = "((\(label)))"
      case .diamond: shaped = "{\(label)}"
      }
      lines.append("  \(internalID(node.id))\(shaped)")
    }
    for edge in edges {
      let arrow = edge.label.map { "-->|\"\(Self.mermaidEscape($0))\"|" } ?? "-->"
      lines.append("  \(internalID(edge.from)) \(arrow) \(internalID(edge.to))")
    }
    return lines.joined(separator: "\n")
  }

  /// A ```mermaid fenced block for a Markdown page.
  public func mermaid() -> String { "```mermaid\n" + mermaidSource() + "\n```" }

  // MARK: Terminal

  /// An indented tree of everything flowing into `root`, following edges backwards (for an
  /// expression graph: the output, the op that made it, that op's inputs, …). A node reached a
  /// second time is printed as `↑ label` instead of being expanded again. Unknown root: "".
  public func textTree(root: String) -> String {
    guard index[root] != nil else { return "" }
    var incoming: [String: [String]] = [:]
    for edge in edges { incoming[edge.to, default: []].append(edge.from) }
    var lines: [String] = []
    var expanded: Set<String> = []
    func visit(_ id: String, prefix: String, childPrefix: String) {
      let label = nodes[index[id]!].label.replacingOccurrences(of: "\n", with: " ")
      if expanded.contains(id) { lines.append(prefix + "↑ " + label); return }
      expanded.insert(id)
      lines.append(prefix + label)
      let children = incoming[id] ?? []
      for (i, child) in children.enumerated() {
        let last = i == children.count - 1
        visit(child, prefix: childPrefix + (last ? "└── " : "├── "), childPrefix: childPrefix + (last ? "    " : "│   "))
      }
    }
    visit(root, prefix: "", childPrefix: "")
    return lines.joined(separator: "\n")
  }

  // MARK: Graphviz

  /// Escapes text for a double-quoted DOT string (`\`, `"`, newlines).
  public static func dotEscape(_ text: String) -> String {
    var out = ""
    for ch in text {
      switch ch {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      case "\r": continue
      default: out.append(ch)
      }
    }
    return out
  }

  /// Escapes one field of a DOT record label: also `{`, `}`, `|`, `<`, `>`.
  static func recordFieldEscape(_ text: String) -> String {
    var out = ""
    for ch in dotEscape(text) {
      if "{}|<>".contains(ch) { out.append("\\") }
      out.append(ch)
    }
    return out
  }

  /// Graphviz DOT source (`dot -Tsvg`), with `rankdir` from `direction`.
  public func dot(name: String = "G") -> String {
    var lines = ["digraph \"\(Self.dotEscape(name))\" {", "  rankdir=\(direction.rawValue == "LR" ? "LR" : "TB");",
                 "  node [fontname=\"Helvetica\", fontsize=11];", "  edge [fontname=\"Helvetica\", fontsize=10];"]
    for node in nodes {
      let attributes: String
      switch node.shape {
      case .record:
        attributes = "label=\"{ \(node.fields.map(Self.recordFieldEscape).joined(separator: " | ")) }\", shape=record"
      case .box: attributes = "label=\"\(Self.dotEscape(node.label))\", shape=box"
      case .rounded, .stadium: attributes = "label=\"\(Self.dotEscape(node.label))\", shape=box, style=rounded"
      case .circle: attributes = "label=\"\(Self.dotEscape(node.label))\", shape=circle"
      case .diamond: attributes = "label=\"\(Self.dotEscape(node.label))\", shape=diamond"
      }
      lines.append("  \(internalID(node.id)) [\(attributes)];")
    }
    for edge in edges {
      let label = edge.label.map { " [label=\"\(Self.dotEscape($0))\"]" } ?? ""
      lines.append("  \(internalID(edge.from)) -> \(internalID(edge.to))\(label);")
    }
    lines.append("}")
    return lines.joined(separator: "\n")
  }
}
