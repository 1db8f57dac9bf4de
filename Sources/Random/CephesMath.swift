// Float32 log and sincos exactly as PyTorch's vectorised normal kernel computes them.
//
// `torch.randn` on ≥ 16 contiguous float32 elements runs Box–Muller with the cephes-derived
// polynomials of `aten/src/ATen/native/cpu/avx_mathfun.h` (`log256_ps`, `sincos256_ps`). Their
// results are not correctly rounded, so matching PyTorch bit for bit means evaluating the same
// polynomials in the same order, with a fused multiply-add exactly where the x86 build contracts
// `a * b + c` into one (`addingProduct` below) and separate roundings everywhere else.
//
// Two versions live here: a scalar one that reads like the reference and a `SIMD16<Float>` one
// used by the fast path; the tests check they agree on every possible input of the kernel.

/// The float32 constants of avx_mathfun, given by bit pattern: the C source writes them as
/// double literals converted to float, and the bit patterns pin down exactly that rounding.
@usableFromInline
enum CephesConstants {
  /// √½: mantissas below it are doubled so the log polynomial sees values near 1.
  @usableFromInline static let sqrtHalf = Float(bitPattern: 0x3F35_04F3)
  /// Coefficients of the log polynomial, highest degree first (7.0376836292e-2 … 3.3333331174e-1).
  @usableFromInline static let logPolynomial: [Float] = [
    0x3D90_21BB, 0xBDEB_D1B8, 0x3DEF_251A, 0xBDFE_5D4F, 0x3E11_E9BF,
    0xBE2A_AE50, 0x3E4C_CEAC, 0xBE7F_FFFC, 0x3EAA_AAAA,
  ].map { Float(bitPattern: $0) }
  /// ln 2 split in a small part (−2.12194440e-4) and an exact part (0.693359375).
  @usableFromInline static let ln2Low = Float(bitPattern: 0xB95E_8083)
  @usableFromInline static let ln2High = Float(bitPattern: 0x3F31_8000)
  /// 4/π (1.27323954473516), to find the octant.
  @usableFromInline static let fourOverPi = Float(bitPattern: 0x3FA2_F983)
  /// −π/4 in three parts (Cody–Waite reduction): −0.78515625, −2.4187564849853515625e-4,
  /// −3.77489497744594108e-8.
  @usableFromInline static let minusQuarterPi1 = Float(bitPattern: 0xBF49_0000)
  @usableFromInline static let minusQuarterPi2 = Float(bitPattern: 0xB97D_A000)
  @usableFromInline static let minusQuarterPi3 = Float(bitPattern: 0xB322_2169)
  /// Cosine polynomial: 2.443315711809948e-5, −1.388731625493765e-3, 4.166664568298827e-2.
  @usableFromInline static let cos0 = Float(bitPattern: 0x37CC_F5CE)
  @usableFromInline static let cos1 = Float(bitPattern: 0xBAB6_061A)
  @usableFromInline static let cos2 = Float(bitPattern: 0x3D2A_AAA5)
  /// Sine polynomial: −1.9515295891e-4, 8.3321608736e-3, −1.6666654611e-1.
  @usableFromInline static let sin0 = Float(bitPattern: 0xB94C_A1F9)
  @usableFromInline static let sin1 = Float(bitPattern: 0x3C08_839E)
  @usableFromInline static let sin2 = Float(bitPattern: 0xBE2A_AAA3)
  /// 2π rounded to float (PyTorch's `static_cast<float>(2.0 * M_PI)`).
  @usableFromInline static let twoPi = Float(bitPattern: 0x40C9_0FDB)
}

/// Scalar reference versions of avx_mathfun's `log` and `sincos` (one lane at a time).
public enum CephesMath {
  /// avx_mathfun's natural log for positive normal floats (as in the x86 build, with FMA); the
  /// normal kernel evaluates it on 1 − u, u a float32 uniform, so on (0, 1].
  public static func log(_ value: Float) -> Float {
    typealias C = CephesConstants
    let bits = value.bitPattern
    // Split value = m · 2^e with m in [0.5, 1).
    var e = Float(Int32(bitPattern: bits >> 23) - 0x7F) + 1
    var x = Float(bitPattern: (bits & ~0x7F80_0000) | 0x3F00_0000)
    // For m < √½ use 2m and e − 1 so that x − 1 lies in [√½ − 1, √2 − 1).
    let doubled: Float
    if x < C.sqrtHalf {
      doubled = x
      e = e - 1
    } else {
      doubled = 0
    }
    x = x - 1
    x = x + doubled
    let z = x * x
    let p = C.logPolynomial
    var y = p[0]
    for k in 1..<p.count { y = p[k].addingProduct(y, x) }
    y = y * x
    y = (e * C.ln2Low).addingProduct(y, z)
    y = y - z * 0.5
    x = x + y
    return x.addingProduct(e, C.ln2High)
  }

  /// avx_mathfun's simultaneous sine and cosine (as in the x86 build, with FMA), for
  /// |value| < 2²³ (the argument reduction, like the original, is only accurate for moderate
  /// arguments; the normal kernel only evaluates it on [0, 2π)).
  public static func sincos(_ value: Float) -> (sin: Float, cos: Float) {
    typealias C = CephesConstants
    var sinNegative = value.sign == .minus
    var x = abs(value)
    // Octant j (made even) and the reduced argument x − j·π/4.
    var j = Int32(x * C.fourOverPi)
    j = (j + 1) & ~1
    let y = Float(j)
    let swap = j & 4 != 0
    let useSinPolynomial = j & 2 == 0
    x = x.addingProduct(y, C.minusQuarterPi1)
    x = x.addingProduct(y, C.minusQuarterPi2)
    x = x.addingProduct(y, C.minusQuarterPi3)
    let cosNegative = ~(j - 2) & 4 != 0
    sinNegative = sinNegative != swap
    let z = x * x
    var c = C.cos0
    c = C.cos1.addingProduct(c, z)
    c = C.cos2.addingProduct(c, z)
    c = c * z
    c = (-(z * 0.5)).addingProduct(c, z)
    c = c + 1
    var s = C.sin0
    s = C.sin1.addingProduct(s, z)
    s = C.sin2.addingProduct(s, z)
    s = s * z
    s = x.addingProduct(s, x)
    let sine = useSinPolynomial ? s : c
    let cosine = useSinPolynomial ? c : s
    return (sinNegative ? -sine : sine, cosNegative ? -cosine : cosine)
  }
}

/// The same `log` and `sincos` on 16 lanes, operation for operation.
@usableFromInline
enum CephesSIMD {
  @usableFromInline typealias V = SIMD16<Float>
  @usableFromInline typealias U = SIMD16<UInt32>

  /// 2²³: adding it to a non-negative integer-valued float below 2²³ leaves that integer in the
  /// low mantissa bits (and subtracting it converts such bits back), exactly.
  @usableFromInline static let magic: Float = 0x1p23
  @usableFromInline static let magicBits: UInt32 = 0x4B00_0000

  /// `CephesMath.log` for positive normal lanes.
  @inlinable @inline(__always)
  static func log(_ value: V) -> V {
    typealias C = CephesConstants
    let bits = unsafeBitCast(value, to: U.self)
    // Biased exponent as an exact float, then e = (biased − 127) + 1.
    let biased = unsafeBitCast((bits &>> 23) | magicBits, to: V.self) - magic
    var e = (biased - 127) + 1
    var x = unsafeBitCast((bits & ~0x7F80_0000) | 0x3F00_0000, to: V.self)
    let small = x .< C.sqrtHalf
    let doubled = V(repeating: 0).replacing(with: x, where: small)
    e = e.replacing(with: e - 1, where: small)
    x = x - 1
    x = x + doubled
    let z = x * x
    var y = V(repeating: p0)
    y = V(repeating: p1).addingProduct(y, x)
    y = V(repeating: p2).addingProduct(y, x)
    y = V(repeating: p3).addingProduct(y, x)
    y = V(repeating: p4).addingProduct(y, x)
    y = V(repeating: p5).addingProduct(y, x)
    y = V(repeating: p6).addingProduct(y, x)
    y = V(repeating: p7).addingProduct(y, x)
    y = V(repeating: p8).addingProduct(y, x)
    y = y * x
    y = (e * C.ln2Low).addingProduct(y, z)
    y = y - z * 0.5
    x = x + y
    return x.addingProduct(e, C.ln2High)
  }

  // The log coefficients as scalar constants (an array lookup in the hot loop would not fold).
  @usableFromInline static let p0 = Float(bitPattern: 0x3D90_21BB)
  @usableFromInline static let p1 = Float(bitPattern: 0xBDEB_D1B8)
  @usableFromInline static let p2 = Float(bitPattern: 0x3DEF_251A)
  @usableFromInline static let p3 = Float(bitPattern: 0xBDFE_5D4F)
  @usableFromInline static let p4 = Float(bitPattern: 0x3E11_E9BF)
  @usableFromInline static let p5 = Float(bitPattern: 0xBE2A_AE50)
  @usableFromInline static let p6 = Float(bitPattern: 0x3E4C_CEAC)
  @usableFromInline static let p7 = Float(bitPattern: 0xBE7F_FFFC)
  @usableFromInline static let p8 = Float(bitPattern: 0x3EAA_AAAA)

  /// `CephesMath.sincos` for lanes in [0, 2²³) — the kernel only sees 2π·u with u in [0, 1).
  @inlinable @inline(__always)
  static func sincos(_ value: V) -> (sin: V, cos: V) {
    typealias C = CephesConstants
    var x = value
    // Octant as an integer in the low mantissa bits: truncate, then make even.
    let truncated = (x * C.fourOverPi).rounded(.towardZero)
    var j = unsafeBitCast(truncated + magic, to: U.self) & 0x007F_FFFF
    j = (j &+ 1) & ~1
    let y = unsafeBitCast(j | magicBits, to: V.self) - magic
    let sinSign = (j & 4) &<< 29
    let cosSign = (~(j &- 2) & 4) &<< 29
    // All-ones lanes where the octant uses the sine polynomial for sin ((j & 2) == 0). Built
    // with integer arithmetic: a `.==` on integer vectors is a per-lane loop in the stdlib.
    let sinPolynomialLanes = ((j & 2) &>> 1) &- 1
    x = x.addingProduct(y, C.minusQuarterPi1)
    x = x.addingProduct(y, C.minusQuarterPi2)
    x = x.addingProduct(y, C.minusQuarterPi3)
    let z = x * x
    var c = V(repeating: C.cos0)
    c = V(repeating: C.cos1).addingProduct(c, z)
    c = V(repeating: C.cos2).addingProduct(c, z)
    c = c * z
    c = (-(z * 0.5)).addingProduct(c, z)
    c = c + 1
    var s = V(repeating: C.sin0)
    s = V(repeating: C.sin1).addingProduct(s, z)
    s = V(repeating: C.sin2).addingProduct(s, z)
    s = s * z
    s = x.addingProduct(s, x)
    let sBits = unsafeBitCast(s, to: U.self), cBits = unsafeBitCast(c, to: U.self)
    let sine = (sBits & sinPolynomialLanes) | (cBits & ~sinPolynomialLanes)
    let cosine = (cBits & sinPolynomialLanes) | (sBits & ~sinPolynomialLanes)
    return (unsafeBitCast(sine ^ sinSign, to: V.self), unsafeBitCast(cosine ^ cosSign, to: V.self))
  }

  /// Correctly rounded square root of non-negative lanes (−0 stays −0, as in `vsqrtps`).
  ///
  /// `SIMD16.squareRoot()` becomes 16 scalar square roots, each guarded by a branch for negative
  /// inputs (C's errno rule); written as √|x| per lane the compiler emits vector `vsqrtps`.
  @inlinable @inline(__always)
  static func squareRoot(_ value: V) -> V {
    var root = V()
    for lane in 0..<16 { root[lane] = abs(value[lane]).squareRoot() }
    let signs = unsafeBitCast(value, to: U.self) & 0x8000_0000
    return unsafeBitCast(unsafeBitCast(root, to: U.self) | signs, to: V.self)
  }
}
