// Normal draws, following PyTorch's `normal_kernel` for CPU float32 tensors
// (`aten/src/ATen/native/cpu/DistributionTemplates.h`, `normal_fill` / `normal_fill_16_AVX2`).
//
// PyTorch chooses between two algorithms by tensor size:
// - fewer than 16 elements: one double-precision Box–Muller draw per element
//   (`at::normal_distribution<double>` in `aten/src/ATen/core/DistributionsHelper.h`), which
//   produces values in pairs and keeps the second one in the generator for the next draw —
//   even across calls, until the generator is reseeded;
// - 16 or more contiguous elements: fill the whole tensor with float32 uniforms first, then
//   transform it in blocks of 16 (element j pairs with j + 8) with float32 log/sincos
//   polynomials; a length that is not a multiple of 16 redraws and retransforms the last 16.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TorchGenerator {
  /// One standard normal from double Box–Muller, using and refilling the cached second value.
  public mutating func nextNormalDouble() -> Double {
    if let cached = cachedNormal {
      cachedNormal = nil
      return cached
    }
    let u1 = nextUnitDouble()
    let u2 = nextUnitDouble()
    // log1p(−u2) = log(1 − u2) without cancellation; 1 − u2 is never 0.
    let radius = (-2.0 * log1p(-u2)).squareRoot()
    let theta = 2.0 * Double.pi * u1
    cachedNormal = radius * sin(theta)
    return radius * cos(theta)
  }

  /// Fills `out` like `tensor.normal_(mean, std)` (and `torch.randn` for 0, 1) on a contiguous
  /// float32 tensor of `out.count` elements, choosing PyTorch's algorithm by size.
  public mutating func fillNormal(_ out: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
    fillNormal(out, doubleMean: Double(mean), doubleStd: Double(std))
  }

  /// `fillNormal` with the mean and standard deviation in double precision, as PyTorch receives
  /// them from Python: the < 16 path scales in double (so `std: 0.02` as a Float, which is not
  /// the double 0.02, could move a value by one ulp there); the vectorised path rounds them to
  /// float either way.
  public mutating func fillNormal(_ out: UnsafeMutableBufferPointer<Float>, doubleMean mean: Double, doubleStd std: Double) {
    guard let base = out.baseAddress else { return }
    let count = out.count
    if count < 16 {
      for i in 0..<count { base[i] = Float(nextNormalDouble() * std + mean) }
      return
    }
    let mean32 = Float(mean), std32 = Float(std)
    // PyTorch draws all the uniforms, then transforms the blocks. Drawing and transforming one
    // cache-sized chunk at a time gives the same values (each block only needs its own 16
    // uniforms, drawn in the same order) and touches memory once instead of three times.
    let fullBlocks = count / 16
    let chunk = NormalTransform.chunkSize
    var start = 0
    while start < fullBlocks * 16 {
      let length = min(chunk, fullBlocks * 16 - start)
      fillUnit(base + start, count: length)
      NormalTransform.blocks(base + start, blockCount: length / 16, mean: mean32, std: std32)
      start += length
    }
    if count % 16 != 0 {
      // The uniforms of the elements after the last full block, drawn as PyTorch does; they are
      // then overwritten by the redrawn last 16.
      fillUnit(base + start, count: count - start)
      let last = base + (count - 16)
      fillUnit(last, count: 16)
      NormalTransform.blocks(last, blockCount: 1, mean: mean32, std: std32)
    }
  }

  /// `torch.randn(count) * std + mean` as PyTorch computes it (`torch.empty(count).normal_(mean, std)`).
  public mutating func normal(_ count: Int, mean: Float = 0, std: Float = 1) -> [Float] {
    normal(count, doubleMean: Double(mean), doubleStd: Double(std))
  }

  /// `normal` with the mean and standard deviation in double precision, as PyTorch receives them
  /// (see `fillNormal(_:doubleMean:doubleStd:)`).
  public mutating func normal(_ count: Int, doubleMean mean: Double, doubleStd std: Double) -> [Float] {
    require(count >= 0, "normal: negative count \(count)")
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      fillNormal(buffer, doubleMean: mean, doubleStd: std)
      initialized = count
    }
  }
}

/// The Box–Muller transform of the vectorised path on blocks of 16 float32 uniforms.
public enum NormalTransform {
  /// Floats drawn and transformed together by the fast path (a multiple of 32; 4 KB stays in L1).
  @usableFromInline static let chunkSize = 1024

  /// Scalar reference: one block of 16 uniforms at `block` becomes 16 normals. Lane j < 8 gives
  /// u1 = 1 − block[j] (never 0) and block[j + 8] gives u2; r = √(−2 ln u1), θ = 2π u2,
  /// block[j] = r cos θ · std + mean and block[j + 8] = r sin θ · std + mean.
  public static func referenceBlock(_ block: UnsafeMutablePointer<Float>, mean: Float, std: Float) {
    for j in 0..<8 {
      let u1 = 1 - block[j]
      let u2 = block[j + 8]
      let radius = (-2 * CephesMath.log(u1)).squareRoot()
      let theta = CephesConstants.twoPi * u2
      let (sine, cosine) = CephesMath.sincos(theta)
      block[j] = mean.addingProduct(radius * cosine, std)
      block[j + 8] = mean.addingProduct(radius * sine, std)
    }
  }

  /// Transforms `blockCount` consecutive blocks of 16 starting at `base`, two blocks per
  /// `SIMD16<Float>` step.
  ///
  /// Two blocks a, b hold [a.u1 | a.u2 | b.u1 | b.u2] in runs of 8. The kernel wants all u1 in one
  /// vector and all u2 in another, so a cheap pass first swaps the middle runs of every 32 floats
  /// ([a.u1 | b.u1 | a.u2 | b.u2]), the kernel then works on whole 16-float vectors in place
  /// ([a.cos | b.cos | a.sin | b.sin]), and the same swap puts the results back in order. Doing
  /// the regrouping in the kernel itself instead (building vectors from 8-float halves) leads
  /// the compiler to split all the arithmetic into 8-lane halves, which is markedly slower.
  @inlinable
  public static func blocks(_ base: UnsafeMutablePointer<Float>, blockCount: Int, mean: Float, std: Float) {
    let pairs = blockCount / 2
    swapMiddleRuns(base, groups: pairs)
    regroupedPairs(base, count: pairs, mean: mean, std: std)
    swapMiddleRuns(base, groups: pairs)
    if blockCount % 2 != 0 {
      // A single block: run it through the pair kernel with a harmless second block.
      let b = blockCount - 1
      withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { scratch in
        let p = scratch.baseAddress!
        p.initialize(from: base + 16 * b, count: 16)
        (p + 16).initialize(repeating: 0.5, count: 16)
        pair(p, mean: mean, std: std)
        (base + 16 * b).update(from: p, count: 16)
      }
    }
  }

  /// Swaps floats 8..<16 with 16..<24 in each of `groups` consecutive groups of 32.
  @inlinable @inline(never)
  static func swapMiddleRuns(_ base: UnsafeMutablePointer<Float>, groups: Int) {
    let raw = UnsafeMutableRawPointer(base)
    for g in 0..<groups {
      let offset = g * 128
      let second = raw.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
      let third = raw.loadUnaligned(fromByteOffset: offset + 64, as: SIMD8<Float>.self)
      raw.storeBytes(of: third, toByteOffset: offset + 32, as: SIMD8<Float>.self)
      raw.storeBytes(of: second, toByteOffset: offset + 64, as: SIMD8<Float>.self)
    }
  }

  /// The kernel on `count` regrouped pairs of blocks: [u1 × 16 | u2 × 16] becomes
  /// [r cos θ · std + mean × 16 | r sin θ · std + mean × 16], two pairs per iteration so their
  /// long polynomial dependency chains can overlap.
  @inlinable @inline(never)
  static func regroupedPairs(_ base: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
    typealias V = SIMD16<Float>
    let raw = UnsafeMutableRawPointer(base)
    let meanV = V(repeating: mean)
    @inline(__always) func load(_ offset: Int) -> V { raw.loadUnaligned(fromByteOffset: offset, as: V.self) }
    @inline(__always) func store(_ v: V, _ offset: Int) { raw.storeBytes(of: v, toByteOffset: offset, as: V.self) }
    var k = 0
    while k + 2 <= count {
      let o = k * 128
      let u1a = 1 - load(o), u2a = load(o + 64)
      let u1b = 1 - load(o + 128), u2b = load(o + 192)
      let logA = CephesSIMD.log(u1a)
      let logB = CephesSIMD.log(u1b)
      let (sinA, cosA) = CephesSIMD.sincos(CephesConstants.twoPi * u2a)
      let (sinB, cosB) = CephesSIMD.sincos(CephesConstants.twoPi * u2b)
      let radiusA = CephesSIMD.squareRoot(-2 * logA)
      let radiusB = CephesSIMD.squareRoot(-2 * logB)
      store(meanV.addingProduct(radiusA * cosA, std), o)
      store(meanV.addingProduct(radiusA * sinA, std), o + 64)
      store(meanV.addingProduct(radiusB * cosB, std), o + 128)
      store(meanV.addingProduct(radiusB * sinB, std), o + 192)
      k += 2
    }
    if k < count {
      let o = k * 128
      let radius = CephesSIMD.squareRoot(-2 * CephesSIMD.log(1 - load(o)))
      let (sine, cosine) = CephesSIMD.sincos(CephesConstants.twoPi * load(o + 64))
      store(meanV.addingProduct(radius * cosine, std), o)
      store(meanV.addingProduct(radius * sine, std), o + 64)
    }
  }

  /// Two consecutive blocks (32 floats) at `p`.
  @inlinable @inline(__always)
  static func pair(_ p: UnsafeMutablePointer<Float>, mean: Float, std: Float) {
    let raw = UnsafeMutableRawPointer(p)
    let a1 = raw.loadUnaligned(as: SIMD8<Float>.self)
    let a2 = raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
    let b1 = raw.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
    let b2 = raw.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
    let u1 = 1 - SIMD16<Float>(lowHalf: a1, highHalf: b1)
    let u2 = SIMD16<Float>(lowHalf: a2, highHalf: b2)
    let radius = CephesSIMD.squareRoot(-2 * CephesSIMD.log(u1))
    let theta = CephesConstants.twoPi * u2
    let (sine, cosine) = CephesSIMD.sincos(theta)
    let meanV = SIMD16<Float>(repeating: mean)
    let first = meanV.addingProduct(radius * cosine, std)
    let second = meanV.addingProduct(radius * sine, std)
    raw.storeBytes(of: first.lowHalf, as: SIMD8<Float>.self)
    raw.storeBytes(of: second.lowHalf, toByteOffset: 32, as: SIMD8<Float>.self)
    raw.storeBytes(of: first.highHalf, toByteOffset: 64, as: SIMD8<Float>.self)
    raw.storeBytes(of: second.highHalf, toByteOffset: 96, as: SIMD8<Float>.self)
  }
}
