import Foundation
import Testing
@testable import Micrograd

@Suite struct GraphTests {
  func lecture() -> Value {
    let a = Value(2, label: "a"), b = Value(-3, label: "b"), c = Value(10, label: "c")
    let e = a * b; e.label = "e"
    let d = e + c; d.label = "d"
    let f = Value(-2, label: "f")
    let L = d * f; L.label = "L"
    L.backward()
    return L
  }

  @Test func topologicalOrderListsChildrenBeforeParents() {
    let L = lecture()
    let order = L.topologicalOrder()
    #expect(order.map(\.label) == ["a", "b", "e", "c", "d", "f", "L"])
    var position: [ObjectIdentifier: Int] = [:]
    for (i, v) in order.enumerated() { position[ObjectIdentifier(v)] = i }
    for v in order {
      for child in v.children { #expect(position[ObjectIdentifier(child)]! < position[ObjectIdentifier(v)]!) }
    }
  }

  @Test func treeShowsDataAndGradOnEveryNode() {
    let tree = lecture().treeDescription()
    let lines = tree.split(separator: "\n").map(String.init)
    #expect(lines.count == 7)
    #expect(lines[0] == "L [*]  data -8.0000  grad 1.0000")
    #expect(lines[1] == "├── d [+]  data 4.0000  grad -2.0000")
    #expect(lines[2] == "│   ├── e [*]  data -6.0000  grad -2.0000")
    #expect(lines[3] == "│   │   ├── a  data 2.0000  grad 6.0000")
    #expect(lines.last == "└── f  data -2.0000  grad 4.0000")
  }

  @Test func sharedNodeIsNotExpandedTwice() {
    let a = Value(1, label: "a")
    let b = a * 2
    let c = b + b
    let tree = c.treeDescription()
    #expect(tree.contains("(see above)"))
    #expect(tree.split(separator: "\n").count == 5)
  }

  @Test func dotHasRecordsOpNodesAndEdges() {
    let dot = lecture().dot()
    #expect(dot.hasPrefix("digraph G {"))
    #expect(dot.contains("rankdir=LR"))
    #expect(dot.contains("label=\"{ a | data 2.0000 | grad 6.0000 }\""))
    #expect(dot.contains("label=\"*\""))
    // 7 values, 3 ops: 3 op→value edges and 6 operand→op edges.
    #expect(dot.components(separatedBy: "->").count - 1 == 9)
  }

  @Test func mermaidIsAFlowchart() {
    let text = lecture().mermaid()
    #expect(text.hasPrefix("flowchart LR"))
    #expect(text.contains("[\"L | data -8.0000 | grad 1.0000\"]"))
    #expect(text.components(separatedBy: "-->").count - 1 == 9)
  }

  @Test func dotEscapesRecordSyntax() {
    #expect(dotEscape("a|b{c}") == "a\\|b\\{c\\}")
  }

  /// A chain far deeper than any recursion could walk: backward, rendering order and freeing
  /// must all be iterative.
  @Test func deepChainDoesNotOverflowTheStack() {
    let x = Value(1)
    var y = x
    for _ in 0..<300_000 { y = y + 1 }
    y.backward()
    #expect(x.grad == 1)
    #expect(y.data == 300_001)
    y = Value(0)  // drops the whole chain: deinit must not recurse
    #expect(y.data == 0)
  }
}
