import Dispatch
import Foundation
import ZeroToHero

// The machine's measured fp32 peak: independent fused multiply-adds on twelve vector registers,
// enough to cover the FMA latency on both pipes of every CPU here, so the loop runs at the FMA
// units' throughput. `/proc/cpuinfo` does not give the boost clock (it says 2445 MHz on the Zen 3
// here), so a peak computed from it would be wrong; this one is what the cores actually sustain.

/// Measured fp32 peak in GFLOP/s on one thread and on two.
struct MeasuredPeak {
  let oneThread: Double
  let twoThreads: Double

  /// The peak for a workload on `threads` threads (two threads or more use the two-thread peak).
  func gflops(threads: Int) -> Double { threads <= 1 ? oneThread : twoThreads }

  /// Best of `trials` runs of about 30 ms each. One thread: timed by the thread's own CPU time
  /// (so other processes on the machine do not lower it). Two threads at once: by wall-clock (two
  /// virtual CPUs may share a core, which only wall-clock shows), so it is low on a busy machine.
  static func measure(trials: Int = 7) -> MeasuredPeak {
    let iterations = 2_000_000
    let flopsPerLoop = Double(iterations) * 12 * Double(fmaLanes) * 2
    var oneThreadTime = Double.infinity
    for _ in 0..<trials {
      let start = threadCPUNanoseconds()
      let sink = fmaLoop(iterations: iterations, seed: 0.5)
      if sink.isNaN { print("nan") }
      oneThreadTime = min(oneThreadTime, Double(threadCPUNanoseconds() - start) / 1e9)
    }
    var twoThreadTime = Double.infinity
    for _ in 0..<trials {
      let start = DispatchTime.now().uptimeNanoseconds
      DispatchQueue.concurrentPerform(iterations: 2) { _ in
        let sink = fmaLoop(iterations: iterations, seed: 0.5)
        if sink.isNaN { print("nan") }
      }
      twoThreadTime = min(twoThreadTime, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return MeasuredPeak(oneThread: flopsPerLoop / oneThreadTime / 1e9,
                        twoThreads: 2 * flopsPerLoop / twoThreadTime / 1e9)
  }
}

/// Lanes per vector register of the instruction set the package was compiled for.
let fmaLanes = KernelISA.compiled == .avx512 ? 16 : 8

/// `iterations` rounds of 12 independent vector FMAs (`acc += m·s`) on full-width registers:
/// `SIMD16<Float>` (zmm) on AVX-512, `SIMD8<Float>` (ymm on AVX2, two NEON registers on arm64).
@inline(never)
func fmaLoop(iterations: Int, seed: Float) -> Float {
  if fmaLanes == 16 { return fmaLoop16(iterations: iterations, seed: seed) }
  return fmaLoop8(iterations: iterations, seed: seed)
}

@inline(never)
func fmaLoop8(iterations: Int, seed: Float) -> Float {
  typealias V = SIMD8<Float>
  let m = V(repeating: seed), s = V(repeating: 1e-7)
  var a0 = V(repeating: 0), a1 = V(repeating: 1), a2 = V(repeating: 2), a3 = V(repeating: 3)
  var a4 = V(repeating: 4), a5 = V(repeating: 5), a6 = V(repeating: 6), a7 = V(repeating: 7)
  var a8 = V(repeating: 8), a9 = V(repeating: 9), a10 = V(repeating: 10), a11 = V(repeating: 11)
  for _ in 0..<iterations {
    a0.addProduct(m, s); a1.addProduct(m, s); a2.addProduct(m, s); a3.addProduct(m, s)
    a4.addProduct(m, s); a5.addProduct(m, s); a6.addProduct(m, s); a7.addProduct(m, s)
    a8.addProduct(m, s); a9.addProduct(m, s); a10.addProduct(m, s); a11.addProduct(m, s)
  }
  let sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11))
  return sum.sum()
}

@inline(never)
func fmaLoop16(iterations: Int, seed: Float) -> Float {
  typealias V = SIMD16<Float>
  let m = V(repeating: seed), s = V(repeating: 1e-7)
  var a0 = V(repeating: 0), a1 = V(repeating: 1), a2 = V(repeating: 2), a3 = V(repeating: 3)
  var a4 = V(repeating: 4), a5 = V(repeating: 5), a6 = V(repeating: 6), a7 = V(repeating: 7)
  var a8 = V(repeating: 8), a9 = V(repeating: 9), a10 = V(repeating: 10), a11 = V(repeating: 11)
  for _ in 0..<iterations {
    a0.addProduct(m, s); a1.addProduct(m, s); a2.addProduct(m, s); a3.addProduct(m, s)
    a4.addProduct(m, s); a5.addProduct(m, s); a6.addProduct(m, s); a7.addProduct(m, s)
    a8.addProduct(m, s); a9.addProduct(m, s); a10.addProduct(m, s); a11.addProduct(m, s)
  }
  let sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11))
  return sum.sum()
}
