// Lecture 1: The spelled-out intro to neural networks and backpropagation (building micrograd).
//
// Read it top to bottom like the notebook: derivatives by nudging, a `Value` that remembers how it
// was computed, the chain rule by hand and then automated, a neuron, a tiny MLP trained by
// gradient descent, and micrograd's two-moons demo on a faster graph store.
//
//   swift run Lecture01Micrograd [--verbose] [--fast] [--dot] [--report] [--quiz] [--set lr=0.05]

import Foundation
import ZeroToHero

// The scalar engine's types, named as in micrograd. (Spelled out so that a tensor library with
// its own `MLP` or `Neuron` imported through ZeroToHero can never make these names ambiguous.)
typealias Value = Micrograd.Value
typealias Neuron = Micrograd.Neuron
typealias MLP = Micrograd.MLP

let nb = Notebook(.micrograd, extraFlags: [
  ExtraFlag("--dot", help: "also print the neuron's expression graph as Graphviz DOT (pipe into `dot -Tsvg`)"),
])

// Knobs: change them for a run with `--set name=value` (`--help` lists them).
let lr = nb.knob("lr", 0.1, "learning rate of the four-example training", in: 0.0001...10)
let steps = nb.knob("steps", standard: 20, fast: 20, full: 50, "training steps on the four examples", in: 1...100_000)
let moonsSteps = nb.knob("moons-steps", 100, "training steps of the two-moons demo", in: 1...10_000)
let moonsHidden = nb.knob("moons-hidden", 16, "neurons in each of the moons MLP's two hidden layers", in: 1...256)

/// The lecture's first expression: a = 2, b = −3, c = 10, e = a·b, d = e + c, f = −2, L = d·f.
func makeL() -> (L: Value, a: Value, b: Value, c: Value, d: Value, e: Value, f: Value) {
  let a = Value(2.0, label: "a"), b = Value(-3.0, label: "b"), c = Value(10.0, label: "c")
  let e = a * b; e.label = "e"
  let d = e + c; d.label = "d"
  let f = Value(-2.0, label: "f")
  let L = d * f; L.label = "L"
  return (L, a, b, c, d, e, f)
}

/// The lecture's neuron: inputs x1 = 2, x2 = 0, weights w1 = −3, w2 = 1, bias b = 6.88137…
/// (chosen so that n = 0.8814 and tanh(n) = 1/√2). `brokenUp` writes tanh as (e^{2n} − 1)/(e^{2n} + 1).
func makeNeuron(brokenUp: Bool = false) -> (o: Value, n: Value, leaves: [Value]) {
  let x1 = Value(2.0, label: "x1"), x2 = Value(0.0, label: "x2")
  let w1 = Value(-3.0, label: "w1"), w2 = Value(1.0, label: "w2")
  let b = Value(6.8813735870195432, label: "b")
  let x1w1 = x1 * w1; x1w1.label = "x1*w1"
  let x2w2 = x2 * w2; x2w2.label = "x2*w2"
  let sum = x1w1 + x2w2; sum.label = "x1*w1 + x2*w2"
  let n = sum + b; n.label = "n"
  let o: Value
  if brokenUp {
    let twoN = 2 * n; twoN.label = "2n"
    let e = twoN.exp(); e.label = "e"
    let top = e - 1; top.label = "e - 1"
    let bottom = e + 1; bottom.label = "e + 1"
    o = top / bottom
  } else {
    o = n.tanh()
  }
  o.label = "o"
  return (o, n, [x1, w1, x2, w2, b])
}

// MARK: - Part 1: derivatives

nb.cell("Derivative of a simple function", """
  Everything in this lecture rests on one question: *if I nudge an input a little, how much does the
  output move, and in which direction?* That ratio is the derivative. Take the parabola
  f(x) = 3x² − 4x + 5. We can answer the question without any calculus: evaluate f at x and at
  x + h for a small h, and divide the rise by the run, (f(x + h) − f(x)) / h.

  At x = 3 the function is climbing, so the slope is positive; calculus says f′(x) = 6x − 4 = 14.
  At x = −3 it is falling (f′ = −22). At x = 2/3 the parabola bottoms out and the slope is zero.
  Watch how the numerical slope approaches these values as h shrinks, and what happens when h gets
  *too* small.
  """) { c in
  func f(_ x: Double) -> Double { 3 * (x * x) - 4 * x + 5 }
  c.print("f(3.0) =", f(3.0))
  c.figure(LinePlot(title: "f(x) = 3x² − 4x + 5", xLabel: "x", yLabel: "f(x)",
                    xs: (0..<40).map { -5 + 0.25 * Double($0) }, ys: (0..<40).map { f(-5 + 0.25 * Double($0)) }),
           name: "parabola")
  var rows: [[String]] = []
  for (x, exact, label) in [(3.0, 14.0, "3"), (-3.0, -22.0, "-3"), (2.0 / 3.0, 0.0, "2/3")] {
    for h in [0.001, 0.0001, 0.000001] {
      let slope = (f(x + h) - f(x)) / h
      rows.append([label, "\(h)", "\(slope)", "\(exact)"])
    }
  }
  c.table(["x", "h", "(f(x+h) − f(x))/h", "6x − 4"], rows)
  c.worked("f′(3)", formula: "6x − 4", substituted: "6·3 − 4", result: "\(6 * 3.0 - 4)")
  c.note("Now keep shrinking h at x = 3. The estimate improves down to about h = 1e-8, then gets *worse*:")
  let tiny = [1e-8, 1e-10, 1e-12, 1e-14, 1e-15]
  c.table(["h", "(f(3+h) − f(3))/h", "error"], tiny.map { h in
    let slope = (f(3 + h) - f(3)) / h
    return ["\(h)", "\(slope)", String(format: "%.1e", abs(slope - 14))]
  })
  c.think("Why does the estimate get worse, not better, when h goes below about 1e-8?", answer: """
    The forward difference has two errors pulling in opposite directions. For large h it measures the \
    slope of a chord, not the tangent: the error is about 3h here (the f″/2 · h term). For tiny h the \
    subtraction f(x + h) − f(x) cancels almost all significant digits of two nearly equal numbers \
    near 20, and the rounding error (about 1e-16 · 20 = 2e-15) is divided by h: at h = 1e-15 that is \
    an error of about 2, and this run's estimate is off by \(String(format: "%.1f", abs((f(3 + 1e-15) - f(3)) / 1e-15 - 14))). \
    Around h = 1e-8 the two errors are about equal (3e-8 each); below that the slope gets worse.
    """)
  c.think("Why does x = 2/3 with h = 1e-6 give about 3e-06 rather than exactly 0?", answer: """
    Because a forward difference measures the slope of a chord, not of the tangent. Expand the \
    parabola: f(x + h) − f(x) = (6x − 4)·h + 3h², so the ratio is (6x − 4) + 3h. At x = 2/3 the \
    first term is 0, leaving 3h = 3 · 1e-6 = 3e-06; this run printed \(rows[8][2]): its digits after 2.99 are \
    rounding error, because f(x + h) and f(x) agree in their first ten digits and the subtraction keeps only the rest. Halve h and the error halves: the error of a forward difference is proportional to h.
    """)
}

nb.cell("A function of three inputs", """
  Now the output depends on several inputs: d = a·b + c with a = 2, b = −3, c = 10. We ask the same
  question once per input, holding the others fixed: nudge one of them by h and see how d responds.
  These are the *partial derivatives*. Bumping c moves d one-for-one (∂d/∂c = 1); bumping a moves
  d by b per unit (∂d/∂a = b = −3): a is multiplied by b, so b sets the exchange rate; and
  symmetrically ∂d/∂b = a = 2.
  """) { c in
  let h = 0.0001
  let (a, b, cc) = (2.0, -3.0, 10.0)
  let d1 = a * b + cc
  c.print("d =", d1)
  var rows: [[String]] = []
  for input in ["c", "a", "b"] {
    let d2: Double
    switch input {
    case "a": d2 = (a + h) * b + cc
    case "b": d2 = a * (b + h) + cc
    default: d2 = a * b + (cc + h)
    }
    rows.append([input, "\(d1)", "\(d2)", "\((d2 - d1) / h)"])
  }
  c.worked("∂d/∂a", formula: "((a + h)·b + c − (a·b + c)) / h",
           substituted: "(\(a + h)·(\(b)) + \(cc) − (\(d1))) / \(h) = (\((a + h) * b + cc) − (\(d1))) / \(h)",
           result: "\(((a + h) * b + cc - d1) / h)")
  c.table(["bumped", "d1", "d2", "slope"], rows)
  c.think("Before reading the table: what should the slope be when you bump b?", answer: """
    d = a·b + c, so bumping b by h changes a·b by a·h and d by the same amount: ∂d/∂b = a = 2. \
    The table's b row shows \(rows[2][3]): 2 up to rounding in the last digits, because d1 and d2 are \
    both near 4 and their difference keeps only about 12 significant digits.
    """)
}

// MARK: - Part 2: a value that remembers how it was made

nb.cell("The Value object", """
  Nudging works, but it costs one extra evaluation per input, and a neural network has thousands
  of inputs (its weights). Backpropagation gets *all* the derivatives in one backward sweep, but it
  needs to know how the output was computed. So we wrap each number in a `Value` that remembers
  its `data`, which values it was made from (its children) and by which operation.

  Swift's operator overloading makes `a * b + c` build that record as it computes. `Value` is a
  class, not a struct, for a reason you will meet shortly: when one value feeds two others, both
  must refer to the *same* node. (Python raises to a power with a double-star operator; Swift has
  none, so here a power is `a.pow(2)`.)
  """) { c in
  let (L, _, _, _, d, _, _) = makeL()
  c.print(L)
  c.print("d.children =", d.children)
  c.print("d.op =", "\"\(d.op)\"")
  c.note("The whole expression, output at the top, each node with its data and (for now zero) grad:")
  c.print(L.treeDescription())
}

nb.cell("Backpropagation by hand: L = (a·b + c)·f", """
  We want ∂L/∂x for every node x: how much L changes per unit nudge of x. Start at the end:
  ∂L/∂L = 1. Since L = d·f, nudging d changes L by f per unit and nudging f changes it by d, so
  ∂L/∂d = f and ∂L/∂f = d.

  One step further back, d = e + c. Locally, a plus node passes a nudge through unchanged
  (∂d/∂c = ∂d/∂e = 1). The **chain rule** says how to combine the two: if L changes twice as fast
  as d, and d changes as fast as c, then L changes twice as fast as c. Rates multiply:
  ∂L/∂c = ∂L/∂d · ∂d/∂c. Each node only needs its *local* derivative and the gradient that arrived
  from above. A sum distributes the incoming gradient unchanged to its inputs; a product hands each
  input the incoming gradient times the *other* input.
  """) { c in
  let (L, a, b, cc, d, e, f) = makeL()
  L.grad = 1
  f.grad = d.data
  d.grad = f.data
  c.worked("∂L/∂f", formula: "d", substituted: "\(d.data)", result: "\(f.grad)")
  c.worked("∂L/∂d", formula: "f", substituted: "\(f.data)", result: "\(d.grad)")
  cc.grad = d.grad * 1
  e.grad = d.grad * 1
  c.worked("∂L/∂c", formula: "∂L/∂d · ∂d/∂c", substituted: "\(d.grad) · 1.0", result: "\(cc.grad)")
  c.worked("∂L/∂e", formula: "∂L/∂d · ∂d/∂e", substituted: "\(d.grad) · 1.0", result: "\(e.grad)")
  a.grad = e.grad * b.data
  b.grad = e.grad * a.data
  c.worked("∂L/∂a", formula: "∂L/∂e · ∂e/∂a = ∂L/∂e · b", substituted: "\(e.grad) · \(b.data)", result: "\(a.grad)")
  c.worked("∂L/∂b", formula: "∂L/∂e · ∂e/∂b = ∂L/∂e · a", substituted: "\(e.grad) · \(a.data)", result: "\(b.grad)")
  c.print(L.treeDescription())

  c.note("Check each one numerically: rebuild L with one leaf bumped by h = 0.001.")
  let h = 0.001
  func bumped(_ leaf: String) -> Double {
    var v = ["a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0]
    v[leaf]! += h
    let aa = Value(v["a"]!), bb = Value(v["b"]!), c3 = Value(v["c"]!), ff = Value(v["f"]!)
    return ((aa * bb + c3) * ff).data
  }
  let base = makeL().L.data
  var rows: [[String]] = []
  for (name, node) in [("a", a), ("b", b), ("c", cc), ("f", f)] {
    rows.append([name, "\((bumped(name) - base) / h)", "\(node.grad)"])
  }
  c.table(["leaf", "(L(x+h) − L(x))/h", "chain rule"], rows)
}

nb.cell("Letting backward() do it, then one step uphill", """
  What we just did by hand is mechanical, so `Value` does it: each operation knows its local
  derivative (its `propagateGrad`, micrograd's `_backward`), and `backward()` visits the nodes from
  the output back to the inputs, each passing its gradient on to its children.

  The gradient also tells us how to *change* the inputs. Move every leaf a small step in the
  direction of its gradient (x += 0.01 · ∂L/∂x) and L must go up: from −8 towards zero. This is
  the whole idea of training a neural network, run in reverse (there we step *against* the
  gradient of a loss, to make it smaller).
  """) { c in
  let (L, a, b, cc, d, e, f) = makeL()
  L.backward()
  let rows = [("L", L), ("f", f), ("d", d), ("c", cc), ("e", e), ("a", a), ("b", b)].map { [$0.0, "\($0.1.data)", "\($0.1.grad)"] }
  c.table(["node", "data", "grad from backward()"], rows)
  for leaf in [a, b, cc, f] { leaf.data += 0.01 * leaf.grad }
  c.table(["leaf", "data + 0.01 · grad"], [("a", a), ("b", b), ("c", cc), ("f", f)].map { [$0.0, "\($0.1.data)"] })
  let L2 = (a * b + cc) * f
  c.worked("L", formula: "(a·b + c)·f", substituted: "(\(a.data)·(\(b.data)) + \(cc.data))·(\(f.data))",
           result: "\(L2.data)")
  c.result("L after one step", "\(L2.data)")
}

// MARK: - Part 3: a neuron

let neuron = nb.cell("One neuron: tanh(x1·w1 + x2·w2 + b)", """
  A neuron multiplies each input by a weight, adds a bias, and squashes the sum through a
  non-linearity. We use tanh, which maps any number into (−1, 1): near 0 it is almost the identity,
  far out it flattens to ±1. The bias 6.8813735870195432 is chosen so the sum is n = 0.8814, where
  tanh(n) = 1/√2 ≈ 0.7071, which makes the numbers friendly.

  For backprop we need tanh's local derivative: if o = tanh(n) then do/dn = 1 − o². Here that is
  1 − 0.5 = 0.5. Everything below n then follows from the rules for + and ×: a plus node copies
  the gradient, a times node swaps the data of its two inputs. Notice w2.grad = 0: its input x2 is
  0, so wiggling w2 cannot change the output at all.
  """) { c in
  c.figure(LinePlot(title: "tanh(x)", xLabel: "x", yLabel: "tanh(x)", xs: (0..<50).map { -5 + 0.2 * Double($0) },
                    ys: (0..<50).map { Value(-5 + 0.2 * Double($0)).tanh().data }),
           name: "tanh")
  let (o, n, leaves) = makeNeuron()
  c.worked("n", formula: "x1·w1 + x2·w2 + b",
           substituted: "2.0·(−3.0) + 0.0·1.0 + 6.8813735870195432", result: "\(n.data)")
  c.print("o = tanh(n) =", o.data)
  c.worked("do/dn", formula: "1 − o²", substituted: "1 − \(o.data)²", result: "\(1 - o.data * o.data)")
  o.backward()
  c.table(["leaf", "data", "grad"], leaves.map { [$0.label, "\($0.data)", "\($0.grad)"] })
  c.mermaid(o.mermaid(), terminalText: o.treeDescription())
  if nb.flag("--dot") {
    c.print("Graphviz DOT of the neuron (render with `dot -Tsvg`):")
    c.print(o.dot())
  }
  c.result("o", "\(o.data)", headline: f4(o.data))
  c.result("x1.grad, w1.grad, x2.grad, w2.grad",
           leaves.filter { $0.label != "b" }.map { "\($0.grad)" }.joined(separator: ", "))
  c.worked("∂o/∂w1", formula: "do/dn · ∂n/∂w1 = (1 − o²) · x1",
           substituted: "\(f4(1 - o.data * o.data)) · \(leaves[0].data)", result: "\(leaves[1].grad)")
  return o
}

nb.cell("Backward one node at a time, in topological order", """
  In what order must the nodes pass on their gradients? A node may only pass its gradient on once
  it is *complete*, that is, once every node that uses it has already contributed. A topological
  order lists every node after all of its children. Walk it backwards, and each node is visited
  only after all of its users.

  We build that order with a depth-first search (with an explicit stack rather than recursion, so a
  graph a million nodes deep cannot overflow the call stack), then walk it in reverse, calling each
  node's `propagateGrad()`. That loop is all `backward()` does.
  """) { c in
  let (o, _, leaves) = makeNeuron()
  let order = o.topologicalOrder()
  c.print("topological order:", order.map(\.label).joined(separator: ", "))
  c.print("as values:", order)
  o.grad = 1
  var rows: [[String]] = []
  for node in order.reversed() where node.op != .leaf {
    node.propagateGrad()
    let passed = node.children.map { "\($0.label).grad = \(f4($0.grad))" }.joined(separator: ", ")
    rows.append([node.label, "\(node.op)", f4(node.grad), passed])
    c.trace("\(node.label) [\(node.op)] grad \(node.grad) → \(passed)")
  }
  c.table(["node", "op", "its grad", "after propagateGrad()"], rows)
  let reference = neuron.value.topologicalOrder().filter { $0.op == .leaf }
  let agree = zip(leaves, reference).allSatisfy { $0.grad == $1.grad }
  c.print("same leaf gradients as backward():", agree)
  c.think("What would go wrong if the loop walked the order forwards, leaves first?", answer: """
    A node would pass on its gradient before the nodes that use it had contributed theirs. The leaves \
    come first and have no children, so nothing would happen; then n would hand its grad (still 0) to \
    its operands, and only at the very end would o set n's grad, too late. Every leaf gradient would \
    stay 0, where the reverse walk gives \(leaves.map { f4($0.grad) }.joined(separator: ", ")).
    """)
}

nb.cell("A bug: a value used twice", """
  Take b = a + a. Then db/da = 2. But if each operation *assigned* its children's gradients
  (grad = …) instead of adding to them (grad += …), the second use of a would overwrite the first
  one's contribution, and we would get 1. When a value feeds several nodes, the chain rule says its
  gradient is the *sum* of the contributions along every path (the multivariable chain rule).
  So gradients accumulate, and that is also why they must be reset to zero before each new
  backward pass.
  """) { c in
  let a = Value(3.0, label: "a")
  let b = a + a; b.label = "b"
  b.backward(.overwrite)
  c.print("b = a + a with grad = … (the bug):  a.grad =", a.grad)
  a.grad = 0
  b.backward()
  c.print("b = a + a with grad += … (correct): a.grad =", a.grad)

  let x = Value(-2.0, label: "a"), y = Value(3.0, label: "b")
  let d = x * y; d.label = "d"
  let e = x + y; e.label = "e"
  let f = d * e; f.label = "f"
  f.backward()
  c.note("A second case: a = −2, b = 3, d = a·b, e = a + b, f = d·e. Both a and b feed both d and e.")
  c.print(f.treeDescription())
  c.worked("∂f/∂a", formula: "∂f/∂d · ∂d/∂a + ∂f/∂e · ∂e/∂a = e·b + d·1",
           substituted: "\(e.data)·\(y.data) + (\(d.data))·1", result: "\(x.grad)")
  c.result("a.grad, b.grad (f = (a·b)·(a + b))", "\(x.grad), \(y.grad)")
}

nb.cell("More operations, and tanh rebuilt from exp and ÷", """
  A `Value` should mix with plain numbers (`a + 1`, `2 * a`, `1 - a`): the number simply becomes a
  leaf node. With +, ×, a power by a constant and exp we can build subtraction (a + (−1)·b),
  division (a · b⁻¹) and tanh itself: tanh(n) = (e^{2n} − 1)/(e^{2n} + 1).

  The point of the exercise: *the level at which you define operations is up to you.* tanh as
  one node with derivative 1 − o², or as five nodes each with a trivial derivative: as long as
  every node knows its local derivative, backprop gives the same gradients at the leaves.
  """) { c in
  let a = Value(2.0, label: "a"), b = Value(4.0, label: "b")
  c.table(["expression", "result"], [
    ["a + 1", "\(a + 1)"], ["2 * a", "\(2 * a)"], ["1 - a", "\(1 - a)"], ["a / b", "\(a / b)"],
    ["a.pow(2)", "\(a.pow(2))"], ["a.exp()", "\(a.exp())"], ["-a", "\(-a)"],
  ])
  let (plain, _, plainLeaves) = makeNeuron()
  let (broken, _, brokenLeaves) = makeNeuron(brokenUp: true)
  plain.backward()
  broken.backward()
  c.print("o with tanh:", plain.data, "  o from exp and ÷:", broken.data)
  c.why("""
    The two columns agree to the last digit or two, not bit for bit: one tanh node rounds 1 − o² \
    once, five nodes round at every step. Rounded to 4 decimals (the lecture's drawing), both \
    give x1 −1.5000, w1 1.0000, x2 0.5000, w2 0.0000.
    """)
  c.table(["leaf", "grad (tanh node)", "grad (exp, +, ×, **−1)"],
          zip(plainLeaves, brokenLeaves).map { [$0.label, "\($0.grad)", "\($1.grad)"] })
  let inner = broken.topologicalOrder().filter { $0.op != .leaf && !["n", "x1*w1", "x2*w2", "x1*w1 + x2*w2"].contains($0.label) }
  c.table(["node", "op", "data", "grad"], inner.map { [$0.label.isEmpty ? "(e + 1)**-1" : $0.label, "\($0.op)", f4($0.data), f4($0.grad)] })
  c.mermaid(broken.mermaid(), terminalText: "(the full graph of the broken-up neuron is on the study page)")
}

nb.cell("The same neuron in the tensor engine", """
  Real libraries work on *tensors*, n-dimensional arrays of numbers, not on single scalars, so that
  one operation does a lot of arithmetic at once. The workbook's `Tensor` module (the engine of the
  later lectures, our stand-in for PyTorch) computes the same neuron with 1-element tensors, and its
  autograd gives the same gradients: each tensor op, too, knows its local derivative.

  One detail explains a puzzle in the notebook. Its PyTorch check printed o = 0.7071066904050358,
  not 0.7071067811865476. The reason: `torch.Tensor([6.8813735870195432])` stores the bias in
  float32 *before* `.double()` converts it, and float32 keeps only about 7 significant digits. Our
  tensors are float32 too. Round the bias to float32 and our scalar engine prints the notebook's
  PyTorch numbers exactly.
  """) { c in
  let x1 = Tensor([2.0]).requiringGrad(), x2 = Tensor([0.0]).requiringGrad()
  let w1 = Tensor([-3.0]).requiringGrad(), w2 = Tensor([1.0]).requiringGrad()
  let b = Tensor([Float(6.8813735870195432)]).requiringGrad()
  let n = x1 * w1 + x2 * w2 + b
  let o = n.tanh()
  o.backward()
  c.print("Tensor engine (float32): o =", o.item())
  let tensorGrads = [x2, w2, x1, w1].map { $0.grad!.item() }

  // The scalar engine with the bias rounded to float32, as `torch.Tensor([...]).double()` does.
  let roundedBias = Double(Float(6.8813735870195432))
  let vx1 = Value(2.0), vx2 = Value(0.0), vw1 = Value(-3.0), vw2 = Value(1.0), vb = Value(roundedBias)
  let vo = (vx1 * vw1 + vx2 * vw2 + vb).tanh()
  vo.backward()
  c.print("bias as float32:", roundedBias)
  c.print("Value engine, float32 bias: o =", vo.data)
  let (exact, _, exactLeaves) = makeNeuron()  // leaves: x1, w1, x2, w2, b
  exact.backward()
  c.table(["leaf", "Tensor (float32)", "Value, float32 bias", "Value, exact bias"], [
    ["x2", "\(tensorGrads[0])", "\(vx2.grad)", "\(exactLeaves[2].grad)"],
    ["w2", "\(tensorGrads[1])", "\(vw2.grad)", "\(exactLeaves[3].grad)"],
    ["x1", "\(tensorGrads[2])", "\(vx1.grad)", "\(exactLeaves[0].grad)"],
    ["w1", "\(tensorGrads[3])", "\(vw1.grad)", "\(exactLeaves[1].grad)"],
  ])
  let worst = zip(tensorGrads, [vx2.grad, vw2.grad, vx1.grad, vw1.grad]).map { abs(Double($0) - $1) }.max()!
  c.print("largest |Tensor − Value| gradient difference:", worst, "(float32 has about 7 significant digits)")
  c.result("o with a float32 bias (the notebook's PyTorch value)", "\(vo.data)")
}

// MARK: - Part 4: a neural-network library

let net = nb.cell("Neuron, Layer, MLP", """
  With a working `Value`, a neural network is just organisation. A `Neuron(nin)` holds nin
  weights and a bias, drawn uniformly from [−1, 1), and computes tanh(Σ wᵢxᵢ + b). A `Layer` is a
  list of neurons that all read the same inputs. An `MLP` (multi-layer perceptron) chains layers,
  each feeding the next. `MLP(3, [4, 4, 1])` has 3 inputs, two hidden layers of 4 neurons and one
  output: (3·4 + 4) + (4·4 + 4) + (4·1 + 1) = 41 parameters.

  The weights come from CPython's `random` generator re-implemented in Swift (`PythonRandom`), so
  with `random.seed(1337)` they are the very numbers Python would draw. (The notebook itself ran
  unseeded, so its printed output, 0.16578526021381612, cannot be reproduced.)
  """) { c in
  var rng = PythonRandom(seed: Int(nb.seed))
  let n = MLP(3, [4, 4, 1], style: .lecture, rng: &rng)
  let out = n([2.0, 3.0, -1.0])[0]
  c.print("n([2.0, 3.0, -1.0]) =", out)
  c.worked("parameters", formula: "(3·4 + 4) + (4·4 + 4) + (4·1 + 1)", substituted: "16 + 20 + 5",
           result: "\(n.parameters().count)")
  c.trace(n.description)
  c.print("the graph of that one forward pass has", out.topologicalOrder().count, "nodes")
  return n
}

nb.cell("Training on four examples, and the forgotten zero_grad", """
  Four inputs, four desired outputs (+1, −1, −1, +1). The loss measures how wrong the network is:
  the sum of squared differences between prediction and target. Training is a loop: forward pass,
  loss, backward pass, then move every parameter a little *against* its gradient (p −= 0.1·∂loss/∂p),
  because we want the loss to go down.

  There is a classic bug here. Gradients accumulate (`+=`), so if we do not reset them to zero
  before `backward()`, each step adds the new gradients to all the old ones: step k moves the
  weights by the sum of k gradients, so the effective step size keeps growing. Below, the same
  network trained twice from the same initial weights: once forgetting `zeroGrad()`, once with
  it. On a problem this small the runaway steps may even *look* better, driving the tanh outputs
  to exactly ±1; on a real problem the same bug overshoots and diverges, and it is hard to spot
  because nothing crashes.
  """) { c in
  let n = net.value
  let xs: [[Double]] = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
  let ys: [Double] = [1.0, -1.0, -1.0, 1.0]
  // A twin with the same initial weights, for the buggy run.
  var twinRNG = PythonRandom(seed: Int(nb.seed))
  let twin = MLP(3, [4, 4, 1], style: .lecture, rng: &twinRNG)
  func lossOf(_ model: MLP) -> Value {
    let ypred = xs.map { model($0)[0] }
    return zip(ys, ypred).map { ygt, yout in (yout - ygt).pow(2) }.reduce(Value(0), +)
  }
  c.worked("loss at step 0", formula: "Σ (ypred − ygt)²",
           substituted: zip(xs.map { n($0)[0].data }, ys).map { "(\(f4($0)) − (\($1)))²" }.joined(separator: " + "),
           result: f4(lossOf(n).data))
  var buggy: [Double] = [], fixed: [Double] = []
  for k in c.steps(steps, "four examples") {
    let badLoss = lossOf(twin)
    badLoss.backward()  // no zeroGrad(): last step's gradients are still there
    for p in twin.parameters() { p.data += -lr * p.grad }
    buggy.append(badLoss.data)

    let loss = lossOf(n)
    n.zeroGrad()
    loss.backward()
    for p in n.parameters() { p.data += -lr * p.grad }
    fixed.append(loss.data)
    c.trace("step \(k): loss \(loss.data)   (without zeroGrad: \(badLoss.data))")
  }
  let rises = (1..<buggy.count).map { buggy[$0] - buggy[$0 - 1] }
  let worstJump = rises.indices.max { rises[$0] < rises[$1] }.map { $0 + 1 } ?? 0
  let shown = Array(Set([0, 1, 2, 3, 4, 9, 14, worstJump - 1, worstJump, steps - 1].filter { $0 >= 0 && $0 < steps })).sorted()
  c.table(["step", "loss with zeroGrad()", "loss without it"], shown.map { ["\($0)", "\(fixed[$0])", "\(buggy[$0])"] })
  c.figure(LinePlot(title: "loss on the four examples", xLabel: "step", yLabel: "loss",
                    series: [Series("with zeroGrad()", ys: fixed), Series("forgetting zeroGrad()", ys: buggy)]),
           name: "four-examples-loss")
  let ypred = xs.map { n($0)[0].data }
  c.table(["target", "prediction"], zip(ys, ypred).map { ["\($0)", "\($1)"] })
  c.result("loss after \(steps) steps", "\(fixed.last!)")
  // page:hide
  let jump = rises.isEmpty || rises[worstJump - 1] <= 0
    ? "it never went back up in this run, which is luck"
    : "at step \(worstJump) it jumped from \(String(format: "%.2g", buggy[worstJump - 1])) back up to \(String(format: "%.2g", buggy[worstJump]))"
  // page:show
  c.think("The buggy run can look fine on a problem this easy (or even faster at first). Why is that no comfort?", answer: """
    Without zeroing, step k moves the weights by lr times the *sum* of all k gradients so far, so the \
    effective learning rate keeps growing. Here that \(buggy.last! < fixed.last! ? "happened to end well" : "did not even help"): \
    after \(steps) steps the buggy loss is \(String(format: "%.2g", buggy.last!)) against \(String(format: "%.2g", fixed.last!)) with zeroGrad(). \
    But look at its path: \(jump), the overshooting of steps that are too large. \
    Four examples and a bounded tanh output forgive huge steps; a real loss surface does not, and the \
    growing steps overshoot and diverge. Worse, nothing crashes, so the bug hides behind "training is \
    unstable" or "the learning rate needs tuning".
    """)
}

// MARK: - Part 5: the real micrograd

nb.cell("micrograd's README expression", """
  The micrograd repository ships a small check in its README: an expression that exercises every
  operation (+, ×, powers, ReLU, negation, division, values reused many times and `+=` rebinding).
  Its printed results are g = 24.7041, ∂g/∂a = 138.8338 and ∂g/∂b = 645.5773. Our engine builds the same graph
  (subtraction and division are made from +, × and powers exactly as micrograd makes them).

  Also from the repo: its test `test_sanity_check` (y = −20 and dy/dx = 46 at x = −4), and its
  picture of `random.seed(1337); Neuron(2)` with weights 0.2355 and 0.0665: the repo's neurons use
  ReLU and start with a zero bias.
  """) { c in
  let a = Value(-4.0), b = Value(2.0)
  var cc = a + b
  var d = a * b + b.pow(3)
  cc += cc + 1
  cc += 1 + cc + (-a)
  d += d * 2 + (b + a).relu()
  d += 3 * d + (b - a).relu()
  let e = cc - d
  let f = e.pow(2)
  var g = f / 2.0
  g += 10.0 / f
  g.backward()
  c.compare([
    Comparison("g (forward pass)", ours: g.data, reference: 24.7041, decimals: 4, seedDependent: false),
    Comparison("dg/da (backward pass)", ours: a.grad, reference: 138.8338, decimals: 4, seedDependent: false),
    Comparison("dg/db (backward pass)", ours: b.grad, reference: 645.5773, decimals: 4, seedDependent: false),
  ], source: "micrograd's README")
  c.trace("full precision: g = \(g.data), dg/da = \(a.grad), dg/db = \(b.grad)")
  c.result("g", String(format: "%.4f", g.data), headline: String(format: "%.4f", g.data))
  c.result("dg/da", String(format: "%.4f", a.grad))
  c.result("dg/db", String(format: "%.4f", b.grad))

  let x = Value(-4.0)
  let z = 2 * x + 2 + x
  let q = z.relu() + z * x
  let hh = (z * z).relu()
  let y = hh + q + q * x
  y.backward()
  c.print("test_sanity_check: y =", y.data, " dy/dx =", x.grad)
  c.compare("test_sanity_check", ours: "y = \(y.data), dy/dx = \(x.grad)", reference: "y = -20.0, dy/dx = 46.0",
            source: "micrograd's test (checked against PyTorch)", seedDependent: false)

  var seeded = PythonRandom(seed: 1337)  // micrograd's own seed, whatever --seed says
  let neuron = Neuron(2, rng: &seeded)
  let out = neuron([1.0, -2.0])
  out.backward()
  c.print("random.seed(1337); Neuron(2): w =", neuron.w.map(\.data), " b =", neuron.b.data)
  c.compare("weights to 4 decimals", ours: neuron.w.map { f4($0.data) }.joined(separator: ", "),
            reference: "0.2355, 0.0665", source: "the repo's picture", seedDependent: false)
  c.print("on x = [1, -2]: out =", f4(out.data), " w.grad =", neuron.w.map(\.grad))
}

// MARK: - Part 6: the two-moons demo

let moons = nb.cell("The two-moons demo", """
  micrograd's demo trains a real classifier: 100 points in two interleaving half-moons, labels
  −1 and +1. The network is the repo's `MLP(2, [16, 16, 1])`: two hidden layers of 16 ReLU neurons
  and a *linear* output neuron whose sign is the predicted class (337 parameters).

  The loss is a support-vector-machine "max-margin" loss: a point costs nothing once y·score ≥ 1
  (right side, with a margin), and costs 1 − y·score otherwise; we average it over the points and
  add a little L2 regularisation, 1e-4 · Σ p², which keeps the weights small. Training is plain
  gradient descent with a learning rate falling from 1.0 to 0.1 over 100 steps.

  The points here are our own: the same construction as scikit-learn's `make_moons(100, noise=0.1)`
  but drawn with CPython's `random` seeded like the demo, since scikit-learn's exact points come
  from numpy's generator. (The next cell replays the notebook on scikit-learn's own points.) The
  weights are exactly the demo's: `random.seed(1337)` then `MLP(2, [16, 16, 1])`.

  The training loop runs on the *tape* engine described in the last cell: the same graph stored as
  one array, so the same numbers come out faster. Its four steps are the ones you know: drop the
  last step's graph (which also zeroes the gradients), forward pass and loss, backward, update.
  """) { c in
  var dataRNG = PythonRandom(seed: Int(nb.seed))
  let data = TwoMoons(count: 100, noise: 0.1, rng: &dataRNG)
  c.figure(ScatterPlot(title: "two moons (our seeded points)", xLabel: "x", yLabel: "y",
                       xs: data.points.map { $0[0] }, ys: data.points.map { $0[1] },
                       groups: data.labels.map { $0 > 0 ? 1 : 0 }, groupNames: ["y = −1", "y = +1"]),
           name: "moons-data")
  var modelRNG = PythonRandom(seed: Int(nb.seed))
  let model = MLP(2, [moonsHidden, moonsHidden, 1], style: .repo, rng: &modelRNG)
  c.print("MLP(2, [\(moonsHidden), \(moonsHidden), 1]):", model.parameters().count, "parameters")
  c.trace(model.description)

  c.worked("loss of point 0 before training", formula: "relu(1 − y·score)",
           substituted: "relu(1 − (\(data.labels[0]))·(\(f4(model(data.points[0])[0].data))))",
           result: f4(max(0, 1 - data.labels[0] * model(data.points[0])[0].data)))

  var net = TapeMLP(copying: model)
  var losses: [Double] = [], accuracies: [Double] = []
  for k in c.steps(moonsSteps, "moons") {
    net.tape.truncate(to: net.parameterCount)                         // drop last step's graph and gradients
    let (loss, accuracy) = net.svmLoss(points: data.points, labels: data.labels)  // forward pass + loss
    net.tape.backward(from: loss)                                     // backward pass
    let rate = moonsLearningRate(step: k, steps: moonsSteps)          // 1.0 falling to 0.1
    net.tape.descend(firstNodes: net.parameterCount, learningRate: rate)  // p -= rate · p.grad
    losses.append(net.tape.data(loss))
    accuracies.append(accuracy)
    c.status("loss \(f4(losses[k]))")
  }
  let shown = Array(Set([0, 1, moonsSteps - 1] + stride(from: 0, to: moonsSteps, by: 10))).sorted()
  c.table(["step", "loss", "accuracy"], shown.map { ["\($0)", "\(losses[$0])", String(format: "%.0f%%", accuracies[$0] * 100)] })
  c.trace(losses.indices.map { "step \($0) loss \(losses[$0]), accuracy \(accuracies[$0] * 100)%" }.joined(separator: "\n"))
  c.figure(LinePlot(title: "moons: training loss", xLabel: "step", yLabel: "loss", xs: losses.indices.map(Double.init),
                    ys: losses, logY: true), name: "moons-loss")
  // page:hide
  // Decision boundary: the demo's plot range (data ± 1), scored on a grid.
  let xsAll = data.points.map { $0[0] }, ysAll = data.points.map { $0[1] }
  let xRange = (xsAll.min()! - 1)...(xsAll.max()! + 1), yRange = (ysAll.min()! - 1)...(ysAll.max()! + 1)
  let gx = DecisionBoundaryPlot.cellCenters(xRange, count: 64)
  let gy = DecisionBoundaryPlot.cellCenters(yRange, count: 40)
  let scores = gy.map { y in gx.map { x in net.predict([x, y])[0] } }
  c.figure(DecisionBoundaryPlot(title: "decision boundary after \(moonsSteps) steps", xRange: xRange, yRange: yRange,
                                scores: scores, xs: xsAll, ys: ysAll, labels: data.labels, contours: true,
                                xLabel: "x", yLabel: "y"), name: "moons-boundary")
  // page:show
  c.result("moons loss (step \(moonsSteps - 1))", "\(losses.last!)")
  c.result("moons accuracy", String(format: "%.0f%%", accuracies.last! * 100),
           headline: String(format: "%.0f%%", accuracies.last! * 100))
  c.think("The loss is a mean over the points plus 1e-4 · Σ p². Why can the loss stop falling while the accuracy is already 100%?", answer: """
    Accuracy only asks for the right sign; the loss also wants a margin (y·score ≥ 1) and small \
    weights. Once every point is past the margin, the data term is 0 and only the regularisation \
    is left: shrinking the weights lowers it, but shrinking them too much pulls points back inside \
    the margin. The two terms balance, which is where this run ends: loss \(f4(losses.last!)) at \
    \(String(format: "%.0f%%", accuracies.last! * 100)) accuracy.
    """)
  return (data: data, model: model)
}

nb.cell("Replaying the notebook's own run", """
  Our moons are our own, so the numbers above are not the notebook's. To check the engine against
  the notebook itself, the workbook also carries the demo's exact 100 points (scikit-learn's
  `make_moons` after `np.random.seed(1337)`, regenerated offline once) in
  `TwoMoons.scikitLearnDemo`. Same points, same `random.seed(1337)` weights, same loss and schedule:
  the losses below should match the notebook's printout to the last digit or two. (This replay
  always uses the notebook's seed, 1337, and the notebook's settings, whatever `--seed` and `--set` say.)
  """) { c in
  let data = TwoMoons.scikitLearnDemo
  var seeded = PythonRandom(seed: 1337)
  var replay = TapeMLP(copying: MLP(2, [16, 16, 1], style: .repo, rng: &seeded))
  var history: [LossAndAccuracy] = []
  for k in 0..<100 {
    history.append(replay.trainingStep(points: data.points, labels: data.labels, learningRate: moonsLearningRate(step: k)))
  }
  // The notebook's printed lines for a few steps: (step, loss, accuracy %).
  let printed: [(Int, Double, Double)] = [
    (0, 0.8958441028683222, 50), (1, 1.7235905336972022, 81), (2, 0.7429006313851131, 77),
    (10, 0.24507023853658053, 91), (20, 0.18977522856087634, 91), (40, 0.06016009895234464, 100),
    (60, 0.0325971115781023, 99), (80, 0.012318500800515763, 100), (99, 0.010978370135492717, 100),
  ]
  c.compare(printed.flatMap { step, loss, accuracy in [
    Comparison("step \(step) loss", ours: history[step].loss, reference: loss, decimals: 12, seedDependent: false),
    Comparison("step \(step) accuracy", ours: history[step].accuracy * 100, reference: accuracy, decimals: 0, seedDependent: false),
  ] }, source: "the notebook's printout")
  let worst = printed.map { abs(history[$0.0].loss - $0.1) / $0.1 }.max()!
  c.print("largest relative difference from the notebook's losses:", worst)
  c.result("notebook replay, step 99 loss", "\(history[99].loss)", headline: f4(history[99].loss))
}

nb.exercise("a gradient by three methods", """
  From the exercises that go with the video: for f(a, b, c) = −a³ + sin(3b) − 1/c + b^2.5 − a^0.5
  at (a, b, c) = (2, 3, 4), write the three partial derivatives by hand, then check them with a
  forward difference (f(x + h) − f(x))/h and a symmetric one (f(x + h) − f(x − h))/2h with h = 1e-6.
  Which of the two numerical estimates is closer, and why?
  """) { c in
  func f(_ a: Double, _ b: Double, _ cc: Double) -> Double {
    -Foundation.pow(a, 3) + Foundation.sin(3 * b) - 1.0 / cc + Foundation.pow(b, 2.5) - Foundation.pow(a, 0.5)
  }
  let (a, b, cc) = (2.0, 3.0, 4.0)
  // By hand: ∂f/∂a = −3a² − 0.5·a^−0.5, ∂f/∂b = 3·cos(3b) + 2.5·b^1.5, ∂f/∂c = 1/c².
  let analytic = [-3 * a * a - 0.5 * Foundation.pow(a, -0.5),
                  3 * Foundation.cos(3 * b) + 2.5 * Foundation.pow(b, 1.5),
                  1 / (cc * cc)]
  c.worked("∂f/∂a", formula: "−3a² − 0.5·a^−0.5", substituted: "−3·2² − 0.5·2^−0.5 = −12 − 0.353553…",
           result: "\(analytic[0])")
  c.worked("∂f/∂b", formula: "3·cos(3b) + 2.5·b^1.5", substituted: "3·cos(9) + 2.5·3^1.5 = 3·(\(f4(Foundation.cos(9.0)))) + 12.990381…",
           result: "\(analytic[1])")
  c.worked("∂f/∂c", formula: "1/c²", substituted: "1/4²", result: "\(analytic[2])")
  let h = 1e-6
  let bumps: [(Double, Double, Double)] = [(h, 0, 0), (0, h, 0), (0, 0, h)]
  var rows: [[String]] = []
  var errors: [(Double, Double)] = []
  for (i, name) in ["a", "b", "c"].enumerated() {
    let (da, db, dc) = bumps[i]
    let forward = (f(a + da, b + db, cc + dc) - f(a, b, cc)) / h
    let symmetric = (f(a + da, b + db, cc + dc) - f(a - da, b - db, cc - dc)) / (2 * h)
    rows.append(["∂f/∂\(name)", "\(analytic[i])", "\(forward)", "\(symmetric)"])
    errors.append((abs(forward - analytic[i]), abs(symmetric - analytic[i])))
  }
  c.table(["", "by hand", "forward difference", "symmetric difference"], rows)
  c.table(["", "|forward − by hand|", "|symmetric − by hand|"],
          zip(["∂f/∂a", "∂f/∂b", "∂f/∂c"], errors).map { [$0, String(format: "%.1e", $1.0), String(format: "%.1e", $1.1)] })
  c.note("""
    The symmetric difference is closer for \(errors.filter { $0.1 < $0.0 }.count) of the 3 inputs. Expanding f around x, \
    the forward difference is f′ + (h/2)·f″ + …: its error is proportional to h. In the symmetric one \
    the f″ terms of f(x + h) and f(x − h) cancel, leaving f′ + (h²/6)·f‴: an error proportional to h². \
    At h = 1e-6 that term is about 1e-12, so what is left of the symmetric error here \
    (\(errors.map { String(format: "%.0e", $0.1) }.joined(separator: ", "))) is mostly rounding in the subtraction.
    """)
}

nb.exercise("softmax and its loss on Values", """
  Also from the exercises: a classifier's loss on `Value`s. Turn the logits [0, 3, −2, 1] into
  probabilities with a softmax (exponentiate, divide by the sum), take the negative
  log-probability of the correct class, 3, and backpropagate. What gradient does each logit get?
  (The exercise checks the answer against PyTorch's `F.cross_entropy`; compare with p − onehot(3).)
  """) { c in
  let logits = [0.0, 3.0, -2.0, 1.0].map { Value($0) }
  let counts = logits.map { $0.exp() }
  let denominator = counts.dropFirst().reduce(counts[0], +)
  let probs = counts.map { $0 / denominator }
  let loss = -probs[3].log()
  loss.backward()
  c.print("softmax:", probs.map { f4($0.data) }.joined(separator: ", "))
  c.worked("loss", formula: "−log p[3]", substituted: "−log \(f4(probs[3].data))", result: "\(loss.data)")
  c.table(["logit", "grad from backward()", "p − onehot(3)"], logits.indices.map { i in
    ["\(i)", "\(logits[i].grad)", "\(probs[i].data - (i == 3 ? 1 : 0))"]
  })
  c.result("softmax NLL loss (logits [0, 3, −2, 1], label 3)", "\(loss.data)")
  c.note("""
    Each logit's gradient is its probability, minus 1 for the correct class: p − onehot(y). The \
    derivation: loss = −z₃ + log Σⱼ e^{zⱼ}, so ∂loss/∂zᵢ = e^{zᵢ}/Σⱼ e^{zⱼ} − [i = 3] = pᵢ − [i = 3]. \
    The backward pass through exp, sum, division and log finds the same numbers, to rounding.
    """)
}

nb.cell("How the graph is stored, and what it costs", """
  Every operation above made a new `Value`: an object on the heap, found through references. One
  moons step builds about 65,000 of them, and in Swift each one costs a memory allocation, reference
  counting on its operands (atomic, because objects may be shared between threads), a search
  through pointers to find the topological order, and a release when the graph is dropped.

  The *tape* stores the same graph differently: one array of nodes, where a node is just its index
  and its operands are indices of earlier nodes. An operation can only use nodes that already
  exist, so **creation order is already a topological order**: backward is one reverse sweep over
  the array, with no search. The parameters are the first nodes; after each step the tape is cut
  back to them, keeping its memory, so training allocates nothing. Same arithmetic, same numbers
  (checked below), but the machine is used the way it likes: contiguous memory, no pointer chasing.
  """) { c in
  let (data, original) = moons.value
  // Both engines from the same (initial) weights: same loss, same gradients?
  var tape = TapeMLP(copying: original)
  let (loss, _) = svmLoss(original, points: data.points, labels: data.labels)
  original.zeroGrad()
  loss.backward()
  tape.tape.truncate(to: tape.parameterCount)
  let (tapeLoss, _) = tape.svmLoss(points: data.points, labels: data.labels)
  tape.tape.backward(from: tapeLoss)
  let classNodes = loss.topologicalOrder().count
  let tapeNodes = tape.tape.count
  var worst = 0.0
  for (g, tg) in zip(original.parameters().map(\.grad), tape.parameterGrads) {
    worst = max(worst, abs(g - tg) / max(1, abs(g)))
  }
  c.print("loss, class engine:", loss.data)
  c.print("loss, tape engine: ", tape.tape.data(tapeLoss))
  c.print("largest relative difference over the \(original.parameters().count) gradients:", worst)
  c.print("graph nodes per step: \(classNodes) Value objects, \(tapeNodes) tape entries")
  c.why("""
    The two engines add up a shared node's gradient contributions in different orders (the class \
    engine in depth-first order, the tape in creation order), and floating-point addition is not \
    associative, so the last bit or two may differ. Python micrograd has the same effect: it keeps \
    children in a set, so its summation order changes from run to run.
    """)

  // Time one training step on each engine, this run, this machine.
  var copyRNG = PythonRandom(seed: Int(nb.seed))
  let classModel = MLP(2, [moonsHidden, moonsHidden, 1], style: .repo, rng: &copyRNG)
  var timedTape = TapeMLP(copying: original)
  let objects = c.timed("moons step, Value objects", runs: nb.byMode(standard: 3, fast: 1, full: 5)) {
    trainingStep(classModel, points: data.points, labels: data.labels, learningRate: 0.5)
  }
  let tapeTime = c.timed("moons step, tape", runs: nb.byMode(standard: 50, fast: 20, full: 200)) {
    timedTape.trainingStep(points: data.points, labels: data.labels, learningRate: 0.5)
  }
  c.timing(String(format: "the tape is %.0f× faster than the objects, on the same machine, in the same run",
                  objects.seconds / tapeTime.seconds))
  c.note("""
    For scale: \(ReferenceMeasurements.pythonMicrogradMoonsStep.sentence). The class engine counts more nodes than the tape because every \
    input coordinate and every plain number (the 1 in 1 − y·score, the 1e-4) becomes a leaf `Value`; \
    the tape folds them into its operations.
    """)
}

nb.run()
