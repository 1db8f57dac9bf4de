import Foundation
import Testing
@testable import Random

/// The vectorised normal kernel against its scalar reference, on every input it can receive.
@Suite struct NormalKernelTests {
  /// Every float32 uniform the kernel can see is k·2⁻²⁴ for k < 2²⁴; the SIMD log (on 1 − u) and
  /// sincos (on 2π·u) must agree with the scalar reference, bit for bit. All 2²⁴ inputs agree
  /// (checked once, 4.6 s in a debug build); to keep the suite fast this test covers the first
  /// and last 2¹⁶ inputs (where the exponent of 1 − u and the octant change fastest) and every
  /// 97th block of 16 in between.
  @Test func simdMatchesScalarOnUniforms() {
    let total = 1 << 24
    var starts = Array(stride(from: 0, to: 1 << 16, by: 16))
    starts += Array(stride(from: 1 << 16, to: total - (1 << 16), by: 16 * 97))
    starts += Array(stride(from: total - (1 << 16), to: total, by: 16))
    var logMismatches = 0, sinMismatches = 0, cosMismatches = 0
    for k in starts {
      var u = SIMD16<Float>()
      for lane in 0..<16 { u[lane] = Float(k + lane) * 0x1p-24 }
      let logs = CephesSIMD.log(1 - u)
      let (s, c) = CephesSIMD.sincos(CephesConstants.twoPi * u)
      for lane in 0..<16 {
        if logs[lane].bitPattern != CephesMath.log(1 - u[lane]).bitPattern { logMismatches += 1 }
        let (rs, rc) = CephesMath.sincos(CephesConstants.twoPi * u[lane])
        if s[lane].bitPattern != rs.bitPattern { sinMismatches += 1 }
        if c[lane].bitPattern != rc.bitPattern { cosMismatches += 1 }
      }
    }
    #expect(logMismatches == 0)
    #expect(sinMismatches == 0)
    #expect(cosMismatches == 0)
  }

  @Test(arguments: [1, 2, 3, 7])
  func blockTransformMatchesReference(blocks: Int) {
    var g = TorchGenerator(seed: UInt64(blocks))
    let uniforms = g.uniform(16 * blocks)
    var fast = uniforms, slow = uniforms
    fast.withUnsafeMutableBufferPointer { NormalTransform.blocks($0.baseAddress!, blockCount: blocks, mean: 0.5, std: 3) }
    slow.withUnsafeMutableBufferPointer { p in
      for b in 0..<blocks { NormalTransform.referenceBlock(p.baseAddress! + 16 * b, mean: 0.5, std: 3) }
    }
    #expect(fast.map(\.bitPattern) == slow.map(\.bitPattern))
  }

  @Test func cephesFunctionsAreAccurate() {
    for x: Float in [0.001, 0.1, 0.5, 0.75, 0.999, 1] {
      #expect(abs(CephesMath.log(x) - Foundation.log(x)) <= 2 * Foundation.log(x).ulp + Float.ulpOfOne)
    }
    for x: Float in [0, 0.3, 1, 2, 3, 4, 5, 6.2] {
      let (s, c) = CephesMath.sincos(x)
      #expect(abs(s - Foundation.sin(x)) < 1e-6 && abs(c - Foundation.cos(x)) < 1e-6)
    }
  }
}
