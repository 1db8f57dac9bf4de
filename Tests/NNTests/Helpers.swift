import NN
import Random
import Tensor
import Testing

/// `|a − b| ≤ tol·max(1, |b|)` element-wise, with a message naming the first mismatch.
func expectClose(_ a: [Float], _ b: [Float], tol: Float = 1e-5, _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(a.count == b.count, "\(what): \(a.count) values vs \(b.count)", sourceLocation: sourceLocation)
  for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= tol * max(1, abs(y))) {
    Issue.record("\(what)[\(i)]: \(x) vs expected \(y)", sourceLocation: sourceLocation)
    return
  }
}

/// Deterministic test values in about [−1, 1].
func testValues(_ count: Int, seed: UInt64) -> [Float] {
  var g = TorchGenerator(seed: seed)
  return g.uniform(count, low: -1, high: 1)
}

/// Compares the gradients `backward()` writes into `inputs` with central finite differences of
/// `sum(f() · w)` for fixed random weights `w` (so every output element matters differently).
func checkGradients(_ inputs: [Tensor], tol: Float = 2e-2, step: Float = 1e-2, _ what: String = "",
                    sourceLocation: SourceLocation = #_sourceLocation, _ f: () -> Tensor) {
  let probe = f()
  let w = Tensor(testValues(probe.count, seed: 99), shape: probe.shape)
  for t in inputs { t.grad = nil }
  (f() * w).sum().backward()
  for (k, t) in inputs.enumerated() {
    guard let analytic = t.grad?.scalars else {
      Issue.record("\(what): input \(k) got no gradient", sourceLocation: sourceLocation)
      continue
    }
    var numeric = [Float](repeating: 0, count: t.count)
    for i in 0..<t.count {
      let orig = t.withUnsafeMutableBufferPointer { $0[i] }
      t.withUnsafeMutableBufferPointer { $0[i] = orig + step }
      let plus = Tensor.withNoGrad { (f() * w).sum().item() }
      t.withUnsafeMutableBufferPointer { $0[i] = orig - step }
      let minus = Tensor.withNoGrad { (f() * w).sum().item() }
      t.withUnsafeMutableBufferPointer { $0[i] = orig }
      numeric[i] = (plus - minus) / (2 * step)
    }
    expectClose(analytic, numeric, tol: tol, "\(what) input \(k) gradient", sourceLocation: sourceLocation)
  }
}
