import Foundation
import Kernels
import Testing

/// The fused row kernels against their plain reference loops, and bit-identical across thread
/// counts (rows and element ranges split, never a reduction).
@Suite struct FusedKernelTests {
  /// Deterministic values in [-2, 2).
  static func values(_ n: Int, seed: Int) -> [Float] {
    (0..<n).map { Float((($0 &* 2_654_435_761 &+ seed &* 40_503) >> 7) % 4000) / 1000 - 2 }
  }

  @Test(arguments: [(3, 5), (4, 16), (7, 65), (2, 768)])
  func layerNormMatchesReference(_ shape: (Int, Int)) {
    let (rows, c) = shape
    let x = Self.values(rows * c, seed: 1), w = Self.values(c, seed: 2), b = Self.values(c, seed: 3)
    let g = Self.values(rows * c, seed: 4)
    var out = [Float](repeating: 0, count: rows * c), xhat = out, ref = out
    var rstd = [Float](repeating: 0, count: rows)
    layerNormForward(&out, xhat: &xhat, rstd: &rstd, x, weight: w, bias: b, rows: rows, cols: c, eps: 1e-5)
    layerNormForwardReference(&ref, x, weight: w, bias: b, rows: rows, cols: c, eps: 1e-5)
    for i in out.indices { #expect(abs(out[i] - ref[i]) <= 2e-5 * max(1, abs(ref[i])), "forward \(i)") }
    var dx = [Float](repeating: 0, count: rows * c), dw = [Float](repeating: 0, count: c), db = dw
    layerNormBackward(dx: &dx, dweight: &dw, dbias: &db, g, xhat: xhat, rstd: rstd, weight: w, rows: rows, cols: c)
    var rdx = dx, rdw = dw, rdb = db
    layerNormBackwardReference(dx: &rdx, dweight: &rdw, dbias: &rdb, g, x, weight: w, rows: rows, cols: c, eps: 1e-5)
    for i in dx.indices { #expect(abs(dx[i] - rdx[i]) <= 1e-4 * max(1, abs(rdx[i])), "dx \(i)") }
    for j in 0..<c {
      #expect(abs(dw[j] - rdw[j]) <= 1e-4 * max(1, abs(rdw[j])) && abs(db[j] - rdb[j]) <= 1e-5 * max(1, abs(rdb[j])))
    }
  }

  @Test(arguments: [(32, 10), (64, 27), (33, 100)])
  func batchNormMatchesReference(_ shape: (Int, Int)) {
    let (m, c) = shape
    let x = Self.values(m * c, seed: 5), w = Self.values(c, seed: 6), b = Self.values(c, seed: 7)
    var out = [Float](repeating: 0, count: m * c), xhat = out, ref = out
    var mean = [Float](repeating: 0, count: c), varU = mean, std = mean
    for unbiased in [true, false] {
      batchNormForward(&out, xhat: &xhat, mean: &mean, unbiasedVariance: &varU, std: &std, x, weight: w, bias: b,
                       rows: m, cols: c, eps: 1e-5, unbiasedNormalisation: unbiased)
      batchNormForwardReference(&ref, x, weight: w, bias: b, rows: m, cols: c, eps: 1e-5, unbiasedNormalisation: unbiased)
      for i in out.indices { #expect(abs(out[i] - ref[i]) <= 2e-5 * max(1, abs(ref[i])), "forward \(i)") }
    }
  }

  @Test func geluMatchesReference() {
    let x = Self.values(1000, seed: 8).map { $0 * 3 }
    var y = [Float](repeating: 0, count: x.count), ref = y
    geluForward(x, &y, count: x.count)
    geluForwardReference(x, &ref, count: x.count)
    for i in x.indices { #expect(abs(y[i] - ref[i]) <= 2e-6 * max(1, abs(ref[i])), "gelu(\(x[i]))") }
  }

  /// Every split kernel, run on 1 and 2 threads over inputs large enough to split.
  @Test func splitKernelsAreBitIdenticalForAnyThreadCount() {
    func run() -> [[Float]] {
      let (rows, c) = (600, 130)   // 78,000 elements: above the split threshold
      let x = Self.values(rows * c, seed: 9), g = Self.values(rows * c, seed: 10)
      let w = Self.values(c, seed: 11), b = Self.values(c, seed: 12)
      var results: [[Float]] = []
      var y = [Float](repeating: 0, count: rows * c), dx = y, xhat = y
      for log in [false, true] {
        softmaxForward(x, &y, rows: rows, cols: c, log: log)
        softmaxBackward(y, g, &dx, rows: rows, cols: c, log: log, accumulate: false)
        results += [y, dx]
      }
      let targets = (0..<rows).map { Int32($0 % c) }
      var probs = y
      let (total, used) = crossEntropyForward(x, targets: targets, probs: &probs, rows: rows, cols: c, ignoreIndex: 3)
      crossEntropyBackward(probs: probs, targets: targets, &dx, rows: rows, cols: c, scale: 0.5, ignoreIndex: 3, accumulate: false)
      results += [[total, Float(used)], probs, dx]
      var rstd = [Float](repeating: 0, count: rows), dw = [Float](repeating: 0, count: c), db = dw
      layerNormForward(&y, xhat: &xhat, rstd: &rstd, x, weight: w, bias: b, rows: rows, cols: c, eps: 1e-5)
      layerNormBackward(dx: &dx, dweight: &dw, dbias: &db, g, xhat: xhat, rstd: rstd, weight: w, rows: rows, cols: c)
      results += [y, dx, dw, db, rstd]
      var mean = dw, varU = dw, std = dw
      batchNormForward(&y, xhat: &xhat, mean: &mean, unbiasedVariance: &varU, std: &std, x, weight: w, bias: b,
                       rows: rows, cols: c, eps: 1e-5, unbiasedNormalisation: true)
      batchNormBackward(dx: &dx, dweight: &dw, dbias: &db, g, xhat: xhat, std: std, weight: w, rows: rows, cols: c,
                        unbiasedNormalisation: true)
      results += [y, dx, dw, db, mean, varU]
      geluForward(x, &y, count: x.count - 5)   // a ragged tail
      geluBackward(x, g, &dx, count: x.count - 5)
      results += [y, dx]
      var p = x
      causalSoftmaxRows(&p, rows: 600, t: 130, scale: 0.3)
      var d = g
      causalSoftmaxBackwardRows(&d, p, rows: 600, t: 130, scale: 0.3)
      results += [p, d]
      return results
    }
    let one = Parallelism.$threadCount.withValue(1) { run() }
    let two = Parallelism.$threadCount.withValue(2) { run() }
    #expect(one.count == two.count)
    for (k, (a, b)) in zip(one, two).enumerated() {
      #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "result \(k) differs between 1 and 2 threads")
    }
  }
}
