import Testing
import Kernels

/// Shapes that reach every path of the blocked driver for both tile shapes: ragged tiles in m and
/// n (not multiples of 6, 8, 16 or 32), several k-blocks (k > 256, ragged last block), B read in
/// place (≤ 2 tiles of rows), A packed (≥ 4 B panels), strips of A copied (≥ 4 panels) or read in
/// place, several B blocks with a ragged last panel (n = 530), the two-dispatch parallel path
/// (large blocks, split by rows or by panels) and the whole-product-per-thread path (k much larger
/// than m and n).
let variantShapes: [(Int, Int, Int)] = [
  (1, 1, 1), (5, 15, 3), (6, 16, 256), (8, 32, 257), (7, 33, 300), (12, 100, 40), (13, 17, 600),
  (50, 70, 513), (97, 65, 31), (1, 200, 30), (32, 27, 200), (200, 200, 200), (40, 40, 3000),
  (30, 530, 300), (64, 64, 64),
]

@Suite("every GEMM kernel variant gives bit-identical results")
struct GEMMKernelVariantTests {
  @Test("each variant equals the scalar statement of the kernels' arithmetic, with ==",
        arguments: GEMMKernel.allCases)
  func equalsKernelReference(_ kernel: GEMMKernel) {
    for (m, n, k) in variantShapes {
      for (transA, transB) in [(false, false), (false, true), (true, false), (true, true)] {
        let problem = GEMMCase(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75, beta: 1)
        let exact = problem.exact()
        #expect(problem.fast(threads: 1, kernel: kernel) == exact, "\(kernel) \(problem)")
        #expect(problem.fast(threads: 2, kernel: kernel) == exact, "\(kernel) \(problem) 2 threads")
      }
    }
  }

  @Test("alpha, beta and padded leading dimensions: every variant equals the reference, with ==",
        arguments: GEMMKernel.allCases)
  func alphaBetaPadding(_ kernel: GEMMKernel) {
    for (alpha, beta) in [(Float(1), Float(0)), (2.5, 0), (-0.5, 1), (1, -2), (3, 0.25)] {
      for (m, n, k) in [(7, 13, 5), (33, 65, 300), (19, 70, 40)] {
        for padding in [0, 3] {
          let problem = GEMMCase(transA: m == 7, transB: k == 300, m: m, n: n, k: k, alpha: alpha, beta: beta,
                                 padding: padding)
          #expect(problem.fast(threads: 1, kernel: kernel) == problem.exact(), "\(kernel) \(problem)")
        }
      }
    }
  }

  @Test("the variants agree with each other on a product big enough to use every thread")
  func variantsAgree() {
    let problem = GEMMCase(transA: false, transB: true, m: 150, n: 260, k: 520, alpha: 1, beta: 0)
    let results = GEMMKernel.allCases.map { problem.fast(threads: 2, kernel: $0) }
    for r in results.dropFirst() { #expect(r == results[0]) }
  }

  @Test("the selected variant matches the instruction set the package was compiled for")
  func selection() {
    switch KernelISA.compiled {
    case .avx512: #expect(GEMMKernel.selected == .tile8x32)
    case .avx2, .arm64, .generic: #expect(GEMMKernel.selected == .tile6x16)
    }
  }

  @Test("the compile-time instruction set agrees with what CPUID reports for the running CPU")
  func compiledISAMatchesCPU() {
    let features = CPUInfo.current.features
    switch KernelISA.compiled {
    case .avx512: #expect(features.contains("avx512f"), "\(features)")
    case .avx2: #expect(features.contains("avx2") && features.contains("fma") && !features.contains("avx512f"),
                        "\(features)")
    case .arm64, .generic: break
    }
    #expect(!CPUInfo.current.model.isEmpty)
  }
}
