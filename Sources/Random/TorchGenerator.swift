// PyTorch's CPU generator (`aten/src/ATen/CPUGeneratorImpl.cpp`): an MT19937 engine plus the
// cached second value of the double-precision Box–Muller transform. The draws of each
// distribution are specified in `aten/src/ATen/core/TransformationHelper.h` (bits → uniform),
// `aten/src/ATen/core/DistributionsHelper.h` (uniform/normal distribution objects) and
// `aten/src/ATen/native/cpu/DistributionTemplates.h` (the CPU kernels that fill tensors).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `torch.Generator().manual_seed(seed)`: MT19937 with PyTorch's CPU transforms, value for value.
///
/// Pass it `inout` to every function that draws; a copy forks the stream.
public struct TorchGenerator: Sendable {
  /// The Mersenne Twister that produces the raw 32-bit draws.
  @usableFromInline var engine: MersenneTwister
  /// The second value of the last double Box–Muller pair (PyTorch's `next_double_normal_sample`),
  /// consumed by the next scalar-path normal draw.
  @usableFromInline var cachedNormal: Double?
  /// The seed as given to `manualSeed` (PyTorch's `initial_seed()`).
  public private(set) var initialSeed: UInt64

  /// A generator seeded like `torch.Generator().manual_seed(seed)`; only the low 32 bits of the
  /// seed reach the engine, as in PyTorch.
  public init(seed: UInt64) {
    engine = MersenneTwister(seed: UInt32(truncatingIfNeeded: seed))
    cachedNormal = nil
    initialSeed = seed
  }

  /// Reseeds in place, like `generator.manual_seed(seed)`; also forgets the cached normal value.
  public mutating func manualSeed(_ seed: UInt64) {
    self = TorchGenerator(seed: seed)
  }

  // MARK: - Raw draws

  /// One 32-bit draw (PyTorch's `random()`).
  @inlinable
  public mutating func nextUInt32() -> UInt32 { engine.next() }

  /// One 64-bit draw from two 32-bit draws, the first being the high word (PyTorch's `random64()`).
  @inlinable
  public mutating func nextUInt64() -> UInt64 {
    let high = UInt64(engine.next())
    let low = UInt64(engine.next())
    return high << 32 | low
  }

  /// A float in [0, 1) from the low 24 bits of one 32-bit draw: what `torch.rand` stores in a
  /// float32 tensor (`uniform_real` in TransformationHelper.h keeps as many bits as the mantissa).
  @inlinable
  public mutating func nextUnitFloat() -> Float {
    Self.unitFloat(engine.next())
  }

  /// A double in [0, 1) from the low 53 bits of one 64-bit draw: the uniform that PyTorch's
  /// double-precision distributions (normal, exponential, bernoulli, multinomial) start from.
  @inlinable
  public mutating func nextUnitDouble() -> Double {
    Double(nextUInt64() & (1 << 53 - 1)) * 0x1p-53
  }

  /// The float32 uniform of one 32-bit draw.
  @inlinable @inline(__always)
  static func unitFloat(_ bits: UInt32) -> Float {
    Float(bits & 0xFF_FFFF) * 0x1p-24
  }

  // MARK: - Uniform

  /// Fills `out` like `tensor.uniform_(low, high)` (and `torch.rand` for 0, 1) on a contiguous
  /// float32 tensor: one 32-bit draw per element, `low + u·(high − low)` rounded once (PyTorch's
  /// kernel is compiled with FMA contraction).
  public mutating func fillUniform(_ out: UnsafeMutableBufferPointer<Float>, low: Float = 0, high: Float = 1) {
    guard let base = out.baseAddress, out.count > 0 else { return }
    let span = high - low
    if low == 0 && span == 1 {
      engine.fill(base, count: out.count) { Self.unitFloat($0) }
    } else {
      engine.fill(base, count: out.count) { low.addingProduct(Self.unitFloat($0), span) }
    }
  }

  /// `torch.empty(count).uniform_(low, high)` (or `torch.rand(count)`) as an array.
  public mutating func uniform(_ count: Int, low: Float = 0, high: Float = 1) -> [Float] {
    require(count >= 0, "uniform: negative count \(count)")
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      fillUniform(buffer, low: low, high: high)
      initialized = count
    }
  }

  /// Fills `out` with `torch.rand`'s float32 uniforms in [0, 1).
  @inlinable
  mutating func fillUnit(_ out: UnsafeMutablePointer<Float>, count: Int) {
    engine.fill(out, count: count) { Self.unitFloat($0) }
  }

  // MARK: - Integers

  /// `torch.randint(low, high, (count,))`: a draw modulo the span, plus `low`. Spans below 2³²
  /// use one 32-bit draw, larger spans a 64-bit draw (`random_from_to` in DistributionTemplates.h).
  public mutating func randint(low: Int, high: Int, count: Int) -> [Int] {
    require(high > low, "randint: empty range low \(low) >= high \(high)")
    require(count >= 0, "randint: negative count \(count)")
    let span = UInt64(high - low)
    var result = [Int]()
    result.reserveCapacity(count)
    for _ in 0..<count {
      let draw = span >= 1 << 32 ? nextUInt64() : UInt64(nextUInt32())
      result.append(low + Int(draw % span))
    }
    return result
  }

  /// `torch.randperm(n)` for the sizes PyTorch handles with its original algorithm
  /// (n < 2³²/20, `randperm_cpu` in `aten/src/ATen/native/TensorFactories.cpp`): start from the
  /// identity and, for each position i, swap in the element at i + (draw mod (n − i)).
  public mutating func randperm(_ n: Int) -> [Int] {
    require(n >= 0, "randperm: negative n \(n)")
    require(n < Int(UInt32.max) / 20, "randperm: n = \(n) is beyond the small-n algorithm reproduced here")
    var permutation = Array(0..<n)
    if n < 2 { return permutation }
    for i in 0..<(n - 1) {
      let offset = Int(nextUInt32() % UInt32(n - i))
      permutation.swapAt(i, i + offset)
    }
    return permutation
  }

  // MARK: - Bernoulli

  /// `torch.empty(count).bernoulli_(p)`: 1 where a 53-bit uniform falls below p, else 0.
  /// A dropout keep-mask with drop probability q is `bernoulli(count, p: 1 - q)`.
  public mutating func bernoulli(_ count: Int, p: Double) -> [Float] {
    require(count >= 0, "bernoulli: negative count \(count)")
    require(p >= 0 && p <= 1, "bernoulli: probability \(p) is outside [0, 1]")
    var result = [Float]()
    result.reserveCapacity(count)
    for _ in 0..<count { result.append(nextUnitDouble() < p ? 1 : 0) }
    return result
  }
}
