import Foundation
import ZeroToHero

/// Kernel workloads: square float32 GEMM on 1 and 2 threads, and the vectorised exp/tanh.
/// Names match `../shared/bench/torch_reference.py` (`gemm-<n>-t<threads>`, `vexp-1m`, `vtanh-1m`).
func kernelWorkloads() -> [Workload] { gemmWorkloads() + vectorMathWorkloads() }

/// `gemm-<n>-t<threads>`: C = A·B for n×n matrices filled with small deterministic values.
func gemmWorkloads() -> [Workload] {
  var list: [Workload] = []
  for n in [128, 256, 512, 1024] {
    for threads in [1, 2] {
      let reps = max(1, (1 << 27) / (n * n * n))
      list.append(Workload(
        name: "gemm-\(n)-t\(threads)", config: "\(n)x\(n) float32, \(threads) thread\(threads == 1 ? "" : "s")",
        threads: threads, flops: 2 * Double(n * n * n), warmup: 2, repsPerWindow: min(10, reps + 1)
      ) {
        let a = deterministicFloats(n * n, seed: 1)
        let b = deterministicFloats(n * n, seed: 2)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        c.initialize(repeating: 0, count: n * n)
        return {
          a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
              sgemm(transA: false, transB: false, m: n, n: n, k: n, a: pa.baseAddress!, lda: n,
                    b: pb.baseAddress!, ldb: n, c: c, ldc: n, threads: threads)
            }
          }
          // Keep the result live so the work cannot be discarded.
          if c[n * n / 2].isNaN { print("nan") }
        }
      })
    }
  }
  return list
}

/// `vexp-1m` and `vtanh-1m`: one million floats in [-10, 10].
func vectorMathWorkloads() -> [Workload] {
  let count = 1 << 20
  func make(_ name: String, _ kernel: @escaping (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Workload {
    Workload(name: name, config: "1M float32 in [-10, 10], 1 thread", repsPerWindow: 20) {
      let x = deterministicFloats(count, seed: 3).map { $0 * 10 }
      let y = UnsafeMutablePointer<Float>.allocate(capacity: count)
      y.initialize(repeating: 0, count: count)
      return {
        x.withUnsafeBufferPointer { kernel($0.baseAddress!, y, count) }
        if y[count / 2].isNaN { print("nan") }
      }
    }
  }
  return [
    make("vexp-1m") { vexp($0, $1, count: $2) },
    make("vtanh-1m") { vtanh($0, $1, count: $2) },
  ]
}

/// `count` values in [-1, 1) from a fixed linear congruential sequence (no dependency on Random).
func deterministicFloats(_ count: Int, seed: UInt64) -> [Float] {
  var state = seed &* 6364136223846793005 &+ 1442695040888963407
  return (0..<count).map { _ in
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Float(state >> 40) / Float(1 << 23) - 1
  }
}
