import Testing
@testable import Report

@Suite struct MarkdownTests {
  @Test func escapeNeutralisesMarkup() {
    #expect(Markdown.escape("a*b_c [x]") == "a\\*b\\_c \\[x\\]")
    #expect(Markdown.escape("<br> & |") == "\\<br\\> \\& \\|")
    #expect(Markdown.escape("# not a heading") == "\\# not a heading")
    #expect(Markdown.escape("- not a list") == "\\- not a list")
    #expect(Markdown.escape("1. not a list") == "1\\. not a list")
    #expect(Markdown.escape("loss 2.17 - fine") == "loss 2.17 - fine")
  }

  @Test func codeBlockFenceIsLongerThanAnyRunInside() {
    #expect(Markdown.codeBlock("let x = 1\n", language: "swift") == "```swift\nlet x = 1\n```")
    let nested = "```python\nprint(1)\n```"
    #expect(Markdown.codeBlock(nested) == "````\n\(nested)\n````")
    #expect(Markdown.inlineCode("a`b") == "``a`b``")
    #expect(Markdown.inlineCode("`x") == "`` `x ``")
  }

  @Test func tableColumnsAreAligned() {
    let table = Markdown.table(headers: ["init", "loss"], rows: [["kaiming", "3.3179"], ["a|b", "27.8817"]], alignments: [.left, .right])
    #expect(table == """
    | init    |    loss |
    | ------- | ------: |
    | kaiming |  3.3179 |
    | a\\|b    | 27.8817 |
    """)
    let center = Markdown.table(headers: ["x"], rows: [["multi\nline"]], alignments: [.center])
    #expect(center.contains("| :--------------: |") || center.contains(":-"))
    #expect(center.contains("multi<br>line"))
  }

  @Test func slugsMatchGitHub() {
    #expect(Markdown.slug("Loss & Accuracy") == "loss--accuracy")
    #expect(Markdown.slug("Cell 3: the MLP (Bengio et al. 2003)") == "cell-3-the-mlp-bengio-et-al-2003")
    #expect(Markdown.slug("snake_case and-dash") == "snake_case-and-dash")
    #expect(Markdown.slug("Überprüfung: Größe") == "überprüfung-größe")
    #expect(Markdown.slug("`code` *emph*") == "code-emph")
    var slugs = SlugGenerator()
    #expect(slugs.slug("Loss") == "loss")
    #expect(slugs.slug("Loss") == "loss-1")
    #expect(slugs.slug("Loss") == "loss-2")
  }

  @Test func tableOfContentsAndDetails() {
    let toc = Markdown.tableOfContents([(level: 2, text: "Cells"), (level: 3, text: "Loss"), (level: 3, text: "Loss")])
    #expect(toc == "- [Cells](#cells)\n  - [Loss](#loss)\n  - [Loss](#loss-1)")
    let details = Markdown.details(summary: "Trace <10 steps>", body: "text")
    #expect(details == "<details><summary>Trace &lt;10 steps&gt;</summary>\n\ntext\n\n</details>")
    #expect(Markdown.heading("Loss", level: 9) == "###### Loss")
    #expect(Markdown.image(alt: "loss [log]", path: "figs/loss (1).svg") == "![loss \\[log\\]](figs/loss%20%281%29.svg)")
  }
}

@Suite struct MermaidGraphTests {
  func sample() -> MermaidGraph {
    var g = MermaidGraph(direction: .leftToRight)
    g.addRecord("a", fields: ["a", "data 2.0000", "grad 6.0000"])
    g.addNode("mul", label: "*", shape: .circle)
    g.addNode("q", label: "say \"hi\" [x] <y> #1 & a|b")
    g.addEdge(from: "a", to: "mul")
    g.addEdge(from: "mul", to: "q", label: "x<y>")
    g.addEdge(from: "q", to: "end")
    return g
  }

  @Test func mermaidEscapesLabels() {
    let text = sample().mermaid()
    #expect(text.hasPrefix("```mermaid\nflowchart LR\n"))
    #expect(text.hasSuffix("\n```"))
    #expect(text.contains("n0[\"a #124; data 2.0000 #124; grad 6.0000\"]"))
    #expect(text.contains("n1((\"*\"))"))
    #expect(text.contains("n2[\"say #quot;hi#quot; [x] #lt;y#gt; #35;1 #amp; a#124;b\"]"))
    #expect(text.contains("n1 -->|\"x#lt;y#gt;\"| n2"))
    #expect(text.contains("n3[\"end\"]"), "unknown edge target becomes a node; reserved word is only a label")
    #expect(text.contains("n2 --> n3"))
    #expect(MermaidGraph.mermaidEscape("a\nb") == "a<br/>b")
  }

  @Test func dotOutputUsesRecordsAndEscapes() {
    var g = sample()
    g.direction = .topDown
    let dot = g.dot()
    #expect(dot.hasPrefix("digraph \"G\" {\n  rankdir=TB;"))
    #expect(dot.contains("n0 [label=\"{ a | data 2.0000 | grad 6.0000 }\", shape=record];"))
    #expect(dot.contains("n2 [label=\"say \\\"hi\\\" [x] <y> #1 & a|b\", shape=box];"))
    #expect(dot.contains("n1 -> n2 [label=\"x<y>\"];"))
    #expect(dot.hasSuffix("}"))
    #expect(MermaidGraph.recordFieldEscape("{a|b}") == "\\{a\\|b\\}")
    #expect(dot == g.dot(), "deterministic")
  }

  @Test func textTreeFollowsEdgesBackwards() {
    var g = MermaidGraph()
    g.addNode("a", label: "a 2.0"); g.addNode("b", label: "b -3.0")
    g.addNode("mul", label: "*", shape: .circle); g.addNode("e", label: "e -6.0")
    g.addNode("add", label: "+", shape: .circle); g.addNode("d", label: "d -4.0")
    g.addEdge(from: "a", to: "mul"); g.addEdge(from: "b", to: "mul"); g.addEdge(from: "mul", to: "e")
    g.addEdge(from: "e", to: "add"); g.addEdge(from: "a", to: "add"); g.addEdge(from: "add", to: "d")
    #expect(g.textTree(root: "d") == """
    d -4.0
    └── +
        ├── e -6.0
        │   └── *
        │       ├── a 2.0
        │       └── b -3.0
        └── ↑ a 2.0
    """)
    #expect(g.textTree(root: "missing") == "")
  }

  @Test func addNodeTwiceReplacesLabel() {
    var g = MermaidGraph()
    g.addNode("x", label: "old")
    g.addNode("x", label: "new", shape: .diamond)
    #expect(g.nodes.count == 1 && g.nodes[0].label == "new" && g.nodes[0].shape == .diamond)
  }
}
