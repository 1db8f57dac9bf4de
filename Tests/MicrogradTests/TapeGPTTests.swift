import Foundation
import Micrograd
import Testing

/// The tape operations microgpt adds (`linear`, `sum`, the depth-first-order backward,
/// `cpythonPow`), checked against the one-op-at-a-time tape and against finite differences.
@Suite struct TapeGPTTests {
  /// A 3×4 matrix and 4 inputs (the 16 leaves, in that order), and a few ops on top: a small
  /// graph where nodes are shared by several consumers (as in attention).
  static let leafValues: [Double] = [-0.2, -0.09, 0.02, 0.13, 0.24, -0.15, -0.04, 0.07, 0.18, 0.29, -0.1, 0.01,
                                     0.5, -1.5, 2.0, 0.25]

  func graph(_ t: inout Tape, leaves: [Double] = leafValues, fused: Bool) -> (loss: Tape.Var, leaves: [Tape.Var]) {
    let weights = TapeMatrix(first: 0, rows: 3, cols: 4)
    var nodes: [Tape.Var] = []
    for v in leaves { nodes.append(t.leaf(v)) }
    var x: [Tape.Var] = []
    for i in 12..<16 { x.append(t.mul(nodes[i], nodes[i])) }  // inputs that are not leaves
    var y: [Tape.Var] = []
    if fused {
      y = t.linear(x, weights)
    } else {
      for r in 0..<3 {
        var acc = t.mul(weights[r, 0], x[0])
        for i in 1..<4 {
          let product = t.mul(weights[r, i], x[i])
          acc = t.add(acc, product)
        }
        y.append(acc)
      }
    }
    let e = y.map { t.exp($0) }
    let total = t.sum(e)
    let inverse = t.pow(total, -1)
    let p = t.mul(e[1], inverse)
    let logp = t.log(p)
    let sx = t.sum(x)
    let extra = t.mul(sx, y[2])  // x used again, after the linear
    let a = t.mul(logp, -1), b = t.mul(extra, 0.1)
    return (t.add(a, b), nodes)
  }

  @Test func linearRecordsTheSameValuesAndGradients() {
    var a = Tape(), b = Tape()
    let (la, va) = graph(&a, fused: false)
    let (lb, vb) = graph(&b, fused: true)
    #expect(a.count == b.count)
    #expect(a.data(la) == b.data(lb))
    a.backward(from: la)
    b.backwardInDepthFirstOrder(from: lb)
    for i in 0..<16 {
      #expect(abs(a.grad(va[i]) - b.grad(vb[i])) <= 1e-12 * max(1, abs(a.grad(va[i]))), "leaf \(i)")
    }
  }

  @Test func depthFirstBackwardMatchesFiniteDifferences() {
    var t = Tape()
    let (loss, leaves) = graph(&t, fused: true)
    t.backwardInDepthFirstOrder(from: loss)
    let h = 1e-6
    for i in 0..<16 {
      var up = Self.leafValues, down = Self.leafValues
      up[i] += h
      down[i] -= h
      var tu = Tape(), td = Tape()
      let lu = graph(&tu, leaves: up, fused: true).loss, ld = graph(&td, leaves: down, fused: true).loss
      let numeric = (tu.data(lu) - td.data(ld)) / (2 * h)
      let analytic = t.grad(leaves[i])
      #expect(abs(numeric - analytic) < 1e-6, "leaf \(i): \(analytic) vs numeric \(numeric)")
    }
  }

  @Test func cpythonPowIsTheCLibraryPow() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    let exponents = [2.0, 0.5, -1.0, -0.5, 3.0]
    let libraryPow: (Double, Double) -> Double = Foundation.pow  // a call, never rewritten
    var mismatches = 0
    for _ in 0..<20_000 {
      let x = libraryPow(10, 8 * next() - 6)
      for y in exponents where cpythonPow(x, y) != libraryPow(x, y) { mismatches += 1 }
    }
    #expect(mismatches == 0)
    #expect(cpythonPow(0, 2) == 0 && cpythonPow(0, 0.5) == 0)
  }
}
