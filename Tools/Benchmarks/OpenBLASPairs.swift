import Foundation
import ZeroToHero
#if canImport(Glibc)
import Glibc
#endif

// `Benchmarks --openblas LIB [N …]`: our `sgemm` and OpenBLAS's `cblas_sgemm` timed window by
// window, alternately, in one process, on C = A·B for N×N matrices (one thread each).
//
// Side by side in separate processes (`torch_reference.py` after `Benchmarks`), a machine whose
// speed drifts by 10–20% from one second to the next (a shared 2-vCPU VM: the other core's load,
// the host's neighbours) makes a ratio of two medians mostly noise. Here each of our windows has
// an OpenBLAS window right beside it, the order alternating, and the ratio is taken pair by pair:
// its median and quartiles say where we stand however the machine drifts. LIB is any OpenBLAS
// shared library, opened at run time (no link dependency): numpy's wheel ships one, e.g.
// `…/site-packages/numpy.libs/libscipy_openblas64_-….so` (64-bit-integer interface, `scipy_`
// prefix), or a system `libopenblas.so` (32-bit integers). Run it with `OPENBLAS_NUM_THREADS=1`
// and `OPENBLAS_CORETYPE` unset so that OpenBLAS picks its kernel for this CPU.

/// The two interfaces of `cblas_sgemm` found in OpenBLAS builds: 32-bit or 64-bit integers.
private typealias Sgemm32 = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>, Int32,
                                            UnsafePointer<Float>, Int32, Float, UnsafeMutablePointer<Float>, Int32) -> Void
private typealias Sgemm64 = @convention(c) (Int32, Int32, Int32, Int64, Int64, Int64, Float, UnsafePointer<Float>, Int64,
                                            UnsafePointer<Float>, Int64, Float, UnsafeMutablePointer<Float>, Int64) -> Void

/// Runs the paired comparison; returns the exit code (0, 1 when LIB cannot be used, 2 on usage).
func openBLASPairs(_ arguments: [String]) -> Int32 {
  guard let path = arguments.first, !path.hasPrefix("-") else {
    FileHandle.standardError.write(Data("usage: Benchmarks --openblas LIB [N ...]   (N: square sizes, default 512 1024)\n".utf8))
    return 2
  }
  var sizes: [Int] = []
  for word in arguments.dropFirst() {
    guard let n = Int(word), n > 0, n <= 8192 else {
      FileHandle.standardError.write(Data("error: size '\(word)' is not an integer in 1...8192\n".utf8)); return 2
    }
    sizes.append(n)
  }
  if sizes.isEmpty { sizes = [512, 1024] }
  guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
    FileHandle.standardError.write(Data("error: cannot open \(path): \(String(cString: dlerror()))\n".utf8)); return 1
  }
  // column-major C = A·B with row-major data: Cᵀ = Bᵀ·Aᵀ, i.e. RowMajor (101), NoTrans (111).
  let blas: (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  var interface = ""
  if let symbol = dlsym(library, "scipy_cblas_sgemm64_") ?? dlsym(library, "cblas_sgemm64_") {
    let f = unsafeBitCast(symbol, to: Sgemm64.self)
    blas = { n, a, b, c in let n = Int64(n); f(101, 111, 111, n, n, n, 1, a, n, b, n, 0, c, n) }
    interface = "64-bit integers"
  } else if let symbol = dlsym(library, "cblas_sgemm") {
    let f = unsafeBitCast(symbol, to: Sgemm32.self)
    blas = { n, a, b, c in let n = Int32(n); f(101, 111, 111, n, n, n, 1, a, n, b, n, 0, c, n) }
    interface = "32-bit integers"
  } else {
    FileHandle.standardError.write(Data("error: \(path) has no cblas_sgemm (nor scipy_cblas_sgemm64_)\n".utf8)); return 1
  }
  var core = "?"
  for name in ["scipy_openblas_get_corename64_", "openblas_get_corename"] {
    if let symbol = dlsym(library, name) {
      core = String(cString: unsafeBitCast(symbol, to: (@convention(c) () -> UnsafePointer<CChar>).self)())
      break
    }
  }
  let threads = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset"
  let cpu = CPUInfo.current
  print("# cpu: \(cpu.summary)")
  print("# ours: GEMM micro-kernel \(GEMMKernel.selected.rawValue), 1 thread | OpenBLAS: \(path) (\(interface)), core \(core), OPENBLAS_NUM_THREADS=\(threads)")
  if threads != "1" { print("# warning: set OPENBLAS_NUM_THREADS=1, or OpenBLAS may use every core") }
  AllocatorTuning.keepLargeBlocksInHeap()
  for n in sizes {
    let a = largeFloats(deterministicFloats(n * n, seed: 1)), b = largeFloats(deterministicFloats(n * n, seed: 2))
    let c = largeFloats([Float](repeating: 0, count: n * n))
    defer { a.deallocate(); b.deallocate(); c.deallocate() }
    let reps = max(2, Int(3e8 / (2 * Double(n) * Double(n) * Double(n))))
    let flops = 2 * Double(n) * Double(n) * Double(n) * Double(reps)
    func runOurs() -> Double {
      let start = DispatchTime.now().uptimeNanoseconds
      for _ in 0..<reps {
        sgemm(transA: false, transB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: c, ldc: n, threads: 1)
      }
      return flops / Double(DispatchTime.now().uptimeNanoseconds - start)
    }
    func runTheirs() -> Double {
      let start = DispatchTime.now().uptimeNanoseconds
      for _ in 0..<reps { blas(n, a, b, c) }
      return flops / Double(DispatchTime.now().uptimeNanoseconds - start)
    }
    for _ in 0..<2 { _ = runOurs(); _ = runTheirs() }
    // Forty pairs, the order alternating so that neither side always runs first.
    var ours: [Double] = [], theirs: [Double] = []
    for window in 0..<40 {
      if window % 2 == 0 {
        ours.append(runOurs()); theirs.append(runTheirs())
      } else {
        theirs.append(runTheirs()); ours.append(runOurs())
      }
    }
    let ratios = zip(ours, theirs).map { $0 / $1 }.sorted()
    func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
    print(String(format: "gemm-%d-t1  ours %.1f GFLOP/s (best %.1f)  OpenBLAS %.1f (best %.1f)  ratio of %d pairs: median %.3f, quartiles %.3f–%.3f",
                 n, median(ours), ours.max()!, median(theirs), theirs.max()!, ratios.count,
                 ratios[ratios.count / 2], ratios[ratios.count / 4], ratios[3 * ratios.count / 4]))
  }
  return 0
}
