import Foundation
import Testing
@testable import Micrograd

/// Every operation's backward rule, checked against a central finite difference
/// (f(x+h) − f(x−h)) / 2h of the forward pass.
@Suite struct ValueGradientTests {
  /// Builds `f` on leaves holding `inputs`, backpropagates, and compares each leaf's grad with the
  /// central difference of the forward value.
  func expectGradientsMatchFiniteDifferences(_ inputs: [Double], _ name: String,
                                            _ f: ([Value]) -> Value,
                                            sourceLocation: SourceLocation = #_sourceLocation) {
    let leaves = inputs.map { Value($0) }
    let out = f(leaves)
    out.backward()
    let h = 1e-5
    for i in inputs.indices {
      var plus = inputs, minus = inputs
      plus[i] += h
      minus[i] -= h
      let numeric = (f(plus.map { Value($0) }).data - f(minus.map { Value($0) }).data) / (2 * h)
      let analytic = leaves[i].grad
      let tolerance = 1e-7 * max(1, abs(numeric))
      #expect(abs(analytic - numeric) <= tolerance,
              "\(name): ∂/∂x\(i) analytic \(analytic) vs numeric \(numeric)", sourceLocation: sourceLocation)
    }
  }

  @Test func addMulSubNeg() {
    expectGradientsMatchFiniteDifferences([1.5, -2.25], "a+b") { $0[0] + $0[1] }
    expectGradientsMatchFiniteDifferences([1.5, -2.25], "a*b") { $0[0] * $0[1] }
    expectGradientsMatchFiniteDifferences([1.5, -2.25], "a-b") { $0[0] - $0[1] }
    expectGradientsMatchFiniteDifferences([1.5], "-a") { -$0[0] }
    expectGradientsMatchFiniteDifferences([1.5], "a*a") { $0[0] * $0[0] }
  }

  @Test func mixingWithPlainNumbers() {
    expectGradientsMatchFiniteDifferences([0.7], "2*a") { 2 * $0[0] }
    expectGradientsMatchFiniteDifferences([0.7], "a*2") { $0[0] * 2 }
    expectGradientsMatchFiniteDifferences([0.7], "a+1") { $0[0] + 1 }
    expectGradientsMatchFiniteDifferences([0.7], "1+a") { 1 + $0[0] }
    expectGradientsMatchFiniteDifferences([0.7], "1-a") { 1 - $0[0] }
    expectGradientsMatchFiniteDifferences([0.7], "a-1") { $0[0] - 1 }
    expectGradientsMatchFiniteDifferences([0.7], "a/2") { $0[0] / 2 }
    expectGradientsMatchFiniteDifferences([0.7], "3/a") { 3 / $0[0] }
  }

  @Test func divisionAndPowers() {
    expectGradientsMatchFiniteDifferences([1.3, -0.6], "a/b") { $0[0] / $0[1] }
    for k in [2.0, 3.0, -1.0, 0.5, -2.5] {
      expectGradientsMatchFiniteDifferences([1.7], "a**\(k)") { $0[0].pow(k) }
    }
  }

  @Test func transcendentalOps() {
    for x in [-1.2, 0.3, 2.0] {
      expectGradientsMatchFiniteDifferences([x], "exp") { $0[0].exp() }
      expectGradientsMatchFiniteDifferences([x], "tanh") { $0[0].tanh() }
      expectGradientsMatchFiniteDifferences([x], "relu") { $0[0].relu() }
    }
    expectGradientsMatchFiniteDifferences([0.4], "log") { $0[0].log() }
    expectGradientsMatchFiniteDifferences([3.5], "log") { $0[0].log() }
  }

  @Test func compositeExpression() {
    expectGradientsMatchFiniteDifferences([0.5, -1.5, 2.0], "mixed") { v in
      let (a, b, c) = (v[0], v[1], v[2])
      return ((a * b + c).tanh() * (a - c).exp() + (b * b + 1).log()) / (c.pow(2) + a.relu() + 1)
    }
  }

  @Test func reluIsZeroForNegativeInput() {
    let a = Value(-3)
    let y = a.relu()
    y.backward()
    #expect(y.data == 0)
    #expect(a.grad == 0)
  }

  @Test func tanhIsSafeForLargeInputs() {
    #expect(Value(400).tanh().data == 1)
    #expect(Value(-400).tanh().data == -1)
  }

  @Test func opLabelsMatchMicrograd() {
    let a = Value(2)
    #expect((a + a).op.description == "+")
    #expect((a * a).op.description == "*")
    #expect(a.pow(2).op.description == "**2")
    #expect(a.pow(-1).op.description == "**-1")
    #expect(a.pow(0.5).op.description == "**0.5")
    #expect(a.relu().op.description == "ReLU")
    #expect(a.tanh().op.description == "tanh")
    #expect(a.exp().op.description == "exp")
    #expect(a.description == "Value(data=2.0)")
  }
}
