import Foundation
import ZeroToHero

/// `gpt2-linear-<in>x<out>-dx|dw`: one GPT-2 block Linear's backward products (1024 rows, (in, out)
/// layout) on one thread, to compare how fast dX and dW run.
func linearBackwardWorkloads() -> [Workload] {
  var list: [Workload] = []
  let m = 1024
  for (inF, outF) in [(768, 2304), (768, 768), (768, 3072), (3072, 768)] {
    for part in ["dx", "dw"] {
      list.append(Workload(name: "gpt2-linear-\(inF)x\(outF)-\(part)", config: "m \(m), one thread",
                           threads: 1, flops: 2 * Double(m * inF * outF), warmup: 1, repsPerWindow: 3) {
        let g = deterministicFloats(m * outF, seed: 1)
        let w = deterministicFloats(inF * outF, seed: 2)
        let x = deterministicFloats(m * inF, seed: 3)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: max(m * inF, inF * outF))
        return {
          g.withUnsafeBufferPointer { gp in w.withUnsafeBufferPointer { wp in x.withUnsafeBufferPointer { xp in
            if part == "dx" {
              sgemm(transA: false, transB: true, m: m, n: inF, k: outF, a: gp.baseAddress!, lda: outF,
                    b: wp.baseAddress!, ldb: outF, c: c, ldc: inF, threads: 1)
            } else {
              sgemm(transA: true, transB: false, m: inF, n: outF, k: m, a: xp.baseAddress!, lda: inF,
                    b: gp.baseAddress!, ldb: outF, c: c, ldc: outF, threads: 1)
            }
          } } }
          if c[7].isNaN { print("nan") }
        }
      })
    }
  }
  return list
}

