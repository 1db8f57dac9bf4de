import Foundation
import ZeroToHero

/// Kernel workloads: square float32 GEMM on 1 and 2 threads, and the vectorised exp/tanh.
/// Names match `../shared/bench/torch_reference.py` (`gemm-<n>-t<threads>`, `vexp-1m`, `vtanh-1m`).
func kernelWorkloads() -> [Workload] { gemmWorkloads() + lecture7GEMMWorkloads() + vectorMathWorkloads() + linearBackwardWorkloads() }

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
        let a = largeFloats(deterministicFloats(n * n, seed: 1))
        let b = largeFloats(deterministicFloats(n * n, seed: 2))
        let c = largeFloats([Float](repeating: 0, count: n * n))
        return {
          sgemm(transA: false, transB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: c, ldc: n,
                threads: threads)
          // Keep the result live so the work cannot be discarded.
          if c[n * n / 2].isNaN { print("nan") }
        }
      })
    }
  }
  return list
}

/// A copy of `values` in memory allocated as a tensor's is: 64-byte aligned, and from 4 MB on
/// backed by 2 MB pages where Linux allows it (`AllocatorTuning.adviseHugePages`, which numpy
/// also does for its arrays, so `gemm-1024`'s 4 MB matrices are on equal terms with the peer's).
/// Lives as long as the process (benchmark state).
func largeFloats(_ values: [Float]) -> UnsafeMutablePointer<Float> {
  let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, values.count) * 4, alignment: 64)
  AllocatorTuning.adviseHugePages(raw, byteCount: values.count * 4)
  let floats = raw.bindMemory(to: Float.self, capacity: values.count)
  floats.initialize(from: values, count: values.count)
  return floats
}

/// One sgemm call: sizes, transposes, leading dimensions and beta (what `l7-gemms-*` replay).
private struct GEMMCall {
  let transA: Bool, transB: Bool, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int, beta: Float
  var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

/// `l7-gemms-linear` and `l7-gemms-attention`: only the sgemm calls of one `l7-gpt-iter` step
/// (batch 16 × block 32 = 512 rows, n_embd 64, 4 layers; weights (in, out)), on one thread —
/// the floor for the step, and per-shape evidence for tuning the small-product path.
/// linear: per layer qkv 64→192, proj 64→64, MLP 64→256→64 (forward Y = X·W, backward dX = G·Wᵀ and
/// dW = Xᵀ·G), then the head 64→65. attention: 64 (batch, head) pairs per layer, head size 16:
/// Q·Kᵀ and P·V forward, dP = dY·Vᵀ, dV = Pᵀ·dY, dQ = dS·K, dK = dSᵀ·Q backward (strided views of qkv).
func lecture7GEMMWorkloads() -> [Workload] {
  let rows = 512, c = 64, t = 32, hs = 16
  var linear: [GEMMCall] = []
  for _ in 0..<4 {
    for (i, o, bias) in [(c, 3 * c, false), (c, c, true), (c, 4 * c, true), (4 * c, c, true)] {
      linear.append(GEMMCall(transA: false, transB: false, m: rows, n: o, k: i, lda: i, ldb: o, ldc: o, beta: bias ? 1 : 0))
      linear.append(GEMMCall(transA: false, transB: true, m: rows, n: i, k: o, lda: o, ldb: o, ldc: i, beta: 0))
      linear.append(GEMMCall(transA: true, transB: false, m: i, n: o, k: rows, lda: i, ldb: o, ldc: o, beta: 0))
    }
  }
  linear.append(GEMMCall(transA: false, transB: false, m: rows, n: 65, k: c, lda: c, ldb: 65, ldc: 65, beta: 1))
  linear.append(GEMMCall(transA: false, transB: true, m: rows, n: c, k: 65, lda: 65, ldb: 65, ldc: c, beta: 0))
  linear.append(GEMMCall(transA: true, transB: false, m: c, n: 65, k: rows, lda: c, ldb: 65, ldc: 65, beta: 0))
  let pair: [GEMMCall] = [
    GEMMCall(transA: false, transB: true, m: t, n: t, k: hs, lda: 3 * c, ldb: 3 * c, ldc: t, beta: 0),
    GEMMCall(transA: false, transB: false, m: t, n: hs, k: t, lda: t, ldb: 3 * c, ldc: c, beta: 0),
    GEMMCall(transA: false, transB: true, m: t, n: t, k: hs, lda: c, ldb: 3 * c, ldc: t, beta: 0),
    GEMMCall(transA: true, transB: false, m: t, n: hs, k: t, lda: t, ldb: c, ldc: 3 * c, beta: 0),
    GEMMCall(transA: false, transB: false, m: t, n: hs, k: t, lda: t, ldb: 3 * c, ldc: 3 * c, beta: 0),
    GEMMCall(transA: true, transB: false, m: t, n: hs, k: t, lda: t, ldb: 3 * c, ldc: 3 * c, beta: 0),
  ]
  let attention = Array(repeating: pair, count: 4 * 64).flatMap { $0 }
  func workload(_ name: String, _ what: String, _ calls: [GEMMCall]) -> Workload {
    Workload(name: name, config: what, flops: calls.reduce(0) { $0 + $1.flops }, warmup: 20, repsPerWindow: 20) {
      let size = 4 * rows * 4 * c  // large enough for every operand above
      let a = deterministicFloats(size, seed: 5), b = deterministicFloats(size, seed: 6)
      let out = UnsafeMutablePointer<Float>.allocate(capacity: size)
      out.initialize(repeating: 0, count: size)
      return {
        a.withUnsafeBufferPointer { pa in
          b.withUnsafeBufferPointer { pb in
            for call in calls {
              sgemm(transA: call.transA, transB: call.transB, m: call.m, n: call.n, k: call.k,
                    a: pa.baseAddress!, lda: call.lda, b: pb.baseAddress!, ldb: call.ldb,
                    beta: call.beta, c: out, ldc: call.ldc, threads: 1)
            }
          }
        }
        if out[size / 2].isNaN { print("nan") }
      }
    }
  }
  return [
    workload("l7-gemms-linear", "only the Linear sgemm calls of one l7-gpt-iter step (\(linear.count) calls, 1 thread)", linear),
    workload("l7-gemms-attention", "only the attention sgemm calls of one l7-gpt-iter step (\(attention.count) calls, 1 thread)", attention),
  ]
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
