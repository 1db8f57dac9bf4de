import Testing
import Kernels

/// Deterministic values in [-1, 1) (a fixed LCG, so failures reproduce).
func testValues(_ count: Int, seed: UInt64) -> [Float] {
  var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
  return (0..<count).map { _ in
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Float(state >> 40) / Float(1 << 23) - 1
  }
}

/// One sgemm problem with its own storage (possibly padded leading dimensions).
struct GEMMCase: CustomStringConvertible {
  var transA = false, transB = false
  var m: Int, n: Int, k: Int
  var alpha: Float = 1, beta: Float = 0
  var padding = 0

  var description: String {
    "m=\(m) n=\(n) k=\(k) transA=\(transA) transB=\(transB) alpha=\(alpha) beta=\(beta) pad=\(padding)"
  }
  var lda: Int { (transA ? m : k) + padding }
  var ldb: Int { (transB ? k : n) + padding }
  var ldc: Int { n + padding }
  var a: [Float] { testValues(max(1, (transA ? k : m) * lda), seed: 11) }
  var b: [Float] { testValues(max(1, (transB ? n : k) * ldb), seed: 12) }
  var c0: [Float] { testValues(max(1, m * ldc), seed: 13) }

  /// C computed by `sgemm` with `threads` threads and the given micro-kernel variant.
  func fast(threads: Int, kernel: GEMMKernel = .selected) -> [Float] {
    var c = c0
    let a = self.a, b = self.b
    sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
          beta: beta, c: &c, ldc: ldc, threads: threads, kernel: kernel)
    return c
  }

  /// C computed by the scalar statement of the kernels' exact arithmetic.
  func exact() -> [Float] {
    var c = c0
    let a = self.a, b = self.b
    sgemmKernelReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                         b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
    return c
  }

  /// C computed by the reference triple loop.
  func reference() -> [Float] {
    var c = c0
    let a = self.a, b = self.b
    sgemmReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                   b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
    return c
  }

  /// Largest |fast − reference| relative to the scale of the terms summed (k values of size ≤ 1).
  func maxError(threads: Int = 1) -> Float {
    let f = fast(threads: threads), r = reference()
    var worst: Float = 0
    for i in 0..<f.count { worst = max(worst, abs(f[i] - r[i])) }
    return worst / (Float(max(k, 1)) * abs(alpha) + abs(beta) + 1)
  }
}

/// Odd shapes that exercise every edge: tiles cut in m and n, k across block boundaries, tiny sizes.
let oddShapes: [(Int, Int, Int)] = [
  (1, 1, 1), (7, 13, 5), (33, 65, 17), (100, 3, 250), (6, 32, 1), (8, 32, 300), (13, 1, 7),
  (1, 200, 30), (32, 200, 30), (32, 27, 200), (65, 97, 513), (2, 70, 3),
]

@Suite("sgemm matches the reference loop")
struct GEMMTests {
  @Test("all transpose combinations on odd shapes",
        arguments: [(false, false), (false, true), (true, false), (true, true)])
  func transposes(_ flags: (Bool, Bool)) {
    for (m, n, k) in oddShapes {
      let problem = GEMMCase(transA: flags.0, transB: flags.1, m: m, n: n, k: k)
      #expect(problem.maxError() < 1e-6, "\(problem)")
    }
  }

  @Test("alpha and beta: overwrite, accumulate, scale")
  func alphaBeta() {
    for (alpha, beta) in [(Float(1), Float(1)), (2.5, 0), (-0.5, 1), (1, -2), (0, 0.5), (0, 0), (3, 0.25)] {
      for (m, n, k) in [(7, 13, 5), (33, 65, 300), (1, 1, 1), (9, 27, 40), (20, 50, 33)] {
        let problem = GEMMCase(transA: m == 7, transB: k == 300, m: m, n: n, k: k, alpha: alpha, beta: beta)
        #expect(problem.maxError() < 1e-6, "\(problem)")
      }
    }
  }

  @Test("beta 0 overwrites NaN garbage in C, also when k is 0")
  func betaZeroIgnoresGarbage() {
    let (m, n, k) = (9, 40, 3)
    let a = testValues(m * k, seed: 1), b = testValues(k * n, seed: 2)
    var c = [Float](repeating: .nan, count: m * n)
    sgemm(transA: false, transB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
    #expect(c.allSatisfy { !$0.isNaN })
    var c2 = [Float](repeating: .nan, count: m * n)
    sgemm(transA: false, transB: false, m: m, n: n, k: 0, a: a, lda: 1, b: b, ldb: n, c: &c2, ldc: n)
    #expect(c2.allSatisfy { $0 == 0 })
  }

  @Test("leading dimensions larger than the matrices (views into bigger buffers)")
  func paddedLeadingDimensions() {
    for (transA, transB) in [(false, false), (false, true), (true, false), (true, true)] {
      for (m, n, k) in [(7, 13, 5), (33, 65, 17), (12, 64, 260)] {
        let problem = GEMMCase(transA: transA, transB: transB, m: m, n: n, k: k, beta: 1, padding: 5)
        #expect(problem.maxError() < 1e-6, "\(problem)")
        // The padding columns of C stay untouched.
        let c = problem.fast(threads: 1), c0 = problem.c0
        var untouched = true
        for i in 0..<m { for j in n..<problem.ldc where c[i * problem.ldc + j] != c0[i * problem.ldc + j] { untouched = false } }
        #expect(untouched, "\(problem)")
      }
    }
  }

  @Test("1, 2 and 3 threads give bit-identical results")
  func threadCountDoesNotChangeResults() {
    // Large enough (> 8 Mflop) for sgemm to actually split the work.
    let shapes = [(256, 256, 256), (301, 70, 200), (70, 301, 290), (6000, 27, 27), (27, 27, 6000)]
    for (m, n, k) in shapes {
      for (transA, transB) in [(false, false), (true, true)] {
        let problem = GEMMCase(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, beta: 1)
        let single = problem.fast(threads: 1)
        #expect(single == problem.fast(threads: 2), "\(problem)")
        #expect(single == problem.fast(threads: 3), "\(problem)")
      }
    }
    #expect(GEMMCase(m: 256, n: 256, k: 256).maxError(threads: 2) < 1e-6)
  }
}
