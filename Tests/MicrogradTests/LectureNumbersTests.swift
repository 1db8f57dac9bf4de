import Foundation
import Testing
@testable import Micrograd

/// The numbers printed in the lecture's notebooks and the micrograd repo (see LECTURES.md, L1).
@Suite struct LectureNumbersTests {
  func relativelyClose(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
  }

  /// a=2, b=−3, c=10, e=a·b, d=e+c, f=−2, L=d·f.
  @Test func expressionL() {
    let a = Value(2, label: "a"), b = Value(-3, label: "b"), c = Value(10, label: "c")
    let e = a * b, d = e + c, f = Value(-2, label: "f")
    let L = d * f
    #expect(L.description == "Value(data=-8.0)")
    L.backward()
    #expect([L.grad, f.grad, d.grad, c.grad, e.grad, a.grad, b.grad] == [1, 4, -2, -2, -2, 6, -4])

    // One step along the gradient, then the forward pass again.
    for leaf in [a, b, c, f] { leaf.data += 0.01 * leaf.grad }
    let L2 = (a * b + c) * f
    #expect(abs(L2.data - -7.286496) < 1e-12)
  }

  /// The tanh neuron: x1=2, x2=0, w1=−3, w2=1, b=6.8813735870195432.
  func neuron(brokenUpTanh: Bool) -> (o: Value, x1: Value, x2: Value, w1: Value, w2: Value, b: Value) {
    let x1 = Value(2, label: "x1"), x2 = Value(0, label: "x2")
    let w1 = Value(-3, label: "w1"), w2 = Value(1, label: "w2")
    let b = Value(6.8813735870195432, label: "b")
    let n = x1 * w1 + x2 * w2 + b
    let o: Value
    if brokenUpTanh {
      let e = (2 * n).exp()
      o = (e - 1) / (e + 1)
    } else {
      o = n.tanh()
    }
    return (o, x1, x2, w1, w2, b)
  }

  @Test func tanhNeuron() {
    let (o, x1, x2, w1, w2, b) = neuron(brokenUpTanh: false)
    #expect(o.data == 0.7071067811865476)
    o.backward()
    #expect(abs(x1.grad - -1.5) < 1e-12)
    #expect(abs(w1.grad - 1.0) < 1e-12)
    #expect(abs(x2.grad - 0.5) < 1e-12)
    #expect(w2.grad == 0)
    #expect(abs(b.grad - 0.5) < 1e-12)
    #expect(1 - o.data * o.data == 0.4999999999999999)
  }

  @Test func tanhFromExpAndDivisionGivesTheSameGradients() {
    let plain = neuron(brokenUpTanh: false)
    let broken = neuron(brokenUpTanh: true)
    plain.o.backward()
    broken.o.backward()
    #expect(abs(broken.o.data - plain.o.data) < 1e-15)
    for (p, q) in [(plain.x1, broken.x1), (plain.x2, broken.x2), (plain.w1, broken.w1), (plain.w2, broken.w2), (plain.b, broken.b)] {
      #expect(abs(p.grad - q.grad) < 1e-12)
    }
    // The intermediate nodes of the lecture's drawing: (e+1)**-1 = 0.1464 with grad 4.8284.
    let order = broken.o.topologicalOrder()
    let reciprocal = order.first { $0.op == .pow(-1) }!
    #expect(String(format: "%.4f", reciprocal.data) == "0.1464")
    #expect(String(format: "%.4f", reciprocal.grad) == "4.8284")
    let e = order.first { $0.op == .exp }!
    #expect(String(format: "%.4f %.4f", e.data, e.grad) == "5.8284 0.0429")
  }

  @Test func nodeUsedTwiceAccumulates() {
    let a = Value(3, label: "a")
    let b = a + a
    b.backward()
    #expect(a.grad == 2)

    let a2 = Value(3, label: "a")
    (a2 + a2).backward(.overwrite)
    #expect(a2.grad == 1, "the lecture's bug: = instead of += loses one share")

    let x = Value(-2), y = Value(3)
    let d = x * y, e = x + y, f = d * e
    f.backward()
    #expect([x.grad, y.grad, d.grad, e.grad] == [-3, -8, 1, -6])
  }

  @Test func gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
    let a = Value(3)
    let y = a * a
    y.backward()
    #expect(a.grad == 6)
    y.backward()
    #expect(a.grad == 12)
    y.zeroGrad()
    y.backward()
    #expect(a.grad == 6)
  }

  /// micrograd's test_sanity_check.
  @Test func sanityCheck() {
    let x = Value(-4)
    let z = 2 * x + 2 + x
    let q = z.relu() + z * x
    let h = (z * z).relu()
    let y = h + q + q * x
    y.backward()
    #expect(y.data == -20)
    #expect(x.grad == 46)
  }

  /// micrograd's README / test_more_ops expression.
  @Test func readmeExpression() {
    let a = Value(-4), b = Value(2)
    var c = a + b
    var d = a * b + b.pow(3)
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    let e = c - d
    let f = e.pow(2)
    var g = f / 2.0
    g += 10.0 / f
    g.backward()
    #expect(relativelyClose(g.data, 24.70408163265306))
    #expect(relativelyClose(a.grad, 138.83381924198252))
    #expect(relativelyClose(b.grad, 645.5772594752186))
    #expect(String(format: "%.4f %.4f %.4f", g.data, a.grad, b.grad) == "24.7041 138.8338 645.5773")
  }

  /// d/dx of 3x² − 4x + 5: slope 14 at x = 3 and −22 at x = −3, by backward().
  @Test func polynomialDerivative() {
    for (x0, slope) in [(3.0, 14.0), (-3.0, -22.0)] {
      let x = Value(x0)
      let y = 3 * x.pow(2) - 4 * x + 5
      y.backward()
      #expect(x.grad == slope)
    }
  }
}
