// MT19937, the 32-bit Mersenne Twister of Matsumoto and Nishimura (1998).
//
// Both reference implementations we reproduce run this same engine and differ only in seeding:
// - PyTorch (`aten/src/ATen/core/MT19937RNGEngine.h`) seeds with the classic `init_genrand`
//   recurrence from the low 32 bits of the seed;
// - CPython (`Modules/_randommodule.c`) seeds with `init_by_array` over the 32-bit words of the
//   integer seed.
// Outputs are the tempered state words, one per draw, regenerating all 624 words at once
// ("twist") whenever they have been used up.

/// The MT19937 engine: 624 words of state, tempered 32-bit outputs.
///
/// A value type: copying a generator forks the stream (both copies continue identically).
public struct MersenneTwister: Sendable {
  /// Number of 32-bit words of state.
  @usableFromInline static let stateSize = 624
  /// Offset of the word mixed in by the twist (MT19937's `m`).
  @usableFromInline static let shift = 397

  /// The state words (always `stateSize` of them).
  @usableFromInline var state: [UInt32]
  /// Index of the next word to temper and return; `stateSize` means "twist first".
  @usableFromInline var index: Int

  /// Seeds like C++ `std::mt19937(seed)` and PyTorch's `mt19937(seed)` (`init_genrand`).
  public init(seed: UInt32) {
    var words = [UInt32](repeating: 0, count: Self.stateSize)
    words[0] = seed
    for i in 1..<Self.stateSize {
      let previous = words[i - 1]
      words[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
    }
    state = words
    index = Self.stateSize
  }

  /// Seeds like CPython's `init_by_array(key)` (`Modules/_randommodule.c`): the classic
  /// seeding from 19650218, then two passes folding the key words in.
  public init(key: [UInt32]) {
    require(!key.isEmpty, "MersenneTwister(key:): the key needs at least one word")
    self.init(seed: 19_650_218)
    let n = Self.stateSize
    var mt = state
    var i = 1
    var j = 0
    for _ in 0..<max(n, key.count) {
      let previous = mt[i - 1]
      mt[i] = (mt[i] ^ ((previous ^ (previous >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(truncatingIfNeeded: j)
      i += 1
      j += 1
      if i >= n { mt[0] = mt[n - 1]; i = 1 }
      if j >= key.count { j = 0 }
    }
    for _ in 0..<(n - 1) {
      let previous = mt[i - 1]
      mt[i] = (mt[i] ^ ((previous ^ (previous >> 30)) &* 1_566_083_941)) &- UInt32(i)
      i += 1
      if i >= n { mt[0] = mt[n - 1]; i = 1 }
    }
    mt[0] = 0x8000_0000  // guarantees a non-zero state
    state = mt
    index = n
  }

  /// The next tempered 32-bit output.
  @inlinable
  public mutating func next() -> UInt32 {
    if index >= Self.stateSize { twist() }
    let word = state[index]
    index += 1
    return Self.temper(word)
  }

  /// Regenerates all 624 state words.
  @usableFromInline
  mutating func twist() {
    state.withUnsafeMutableBufferPointer { Self.twist($0.baseAddress!) }
    index = 0
  }

  /// The twist on raw state words: word i mixes the top bit of word i, the low 31 bits of word
  /// i + 1 and word i + 397 (wrapping). Words are updated in order, so for i < 227 the far word
  /// is still old and for i ≥ 227 it is already new; 16 words at a time respect both, because
  /// each vector reads words i + 1 … i + 16 before storing words i … i + 15.
  @inlinable @inline(__always)
  static func twist(_ mt: UnsafeMutablePointer<UInt32>) {
    typealias W = SIMD16<UInt32>
    @inline(__always) func mix(_ current: UInt32, _ following: UInt32, _ far: UInt32) -> UInt32 {
      let y = (current & 0x8000_0000) | (following & 0x7FFF_FFFF)
      return far ^ (y >> 1) ^ ((0 &- (y & 1)) & 0x9908_B0DF)
    }
    @inline(__always) func mix(_ current: W, _ following: W, _ far: W) -> W {
      let y = (current & 0x8000_0000) | (following & 0x7FFF_FFFF)
      return far ^ (y &>> 1) ^ ((0 &- (y & 1)) & 0x9908_B0DF)
    }
    let raw = UnsafeMutableRawPointer(mt)
    @inline(__always) func load(_ i: Int) -> W { raw.loadUnaligned(fromByteOffset: 4 * i, as: W.self) }
    let n = stateSize, m = shift
    var i = 0
    while i + 16 <= n - m {
      raw.storeBytes(of: mix(load(i), load(i + 1), load(i + m)), toByteOffset: 4 * i, as: W.self)
      i += 16
    }
    while i < n - m {
      mt[i] = mix(mt[i], mt[i + 1], mt[i + m])
      i += 1
    }
    while i + 16 <= n - 1 {
      raw.storeBytes(of: mix(load(i), load(i + 1), load(i + m - n)), toByteOffset: 4 * i, as: W.self)
      i += 16
    }
    while i < n - 1 {
      mt[i] = mix(mt[i], mt[i + 1], mt[i + m - n])
      i += 1
    }
    mt[n - 1] = mix(mt[n - 1], mt[0], mt[m - 1])
  }

  /// MT19937's output tempering: improves equidistribution of the raw state word.
  @inlinable @inline(__always)
  static func temper(_ word: UInt32) -> UInt32 {
    var y = word
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  /// Writes the next `count` outputs, each passed through `transform`, to `out`: the same
  /// values as `count` calls of `next()`, but tempering whole runs of state words in a loop
  /// the compiler can vectorise.
  @inlinable @inline(__always)
  mutating func fill<T>(_ out: UnsafeMutablePointer<T>, count: Int, _ transform: (UInt32) -> T) {
    var position = index
    state.withUnsafeMutableBufferPointer { buffer in
      let mt = buffer.baseAddress!
      var done = 0
      while done < count {
        if position >= Self.stateSize {
          Self.twist(mt)
          position = 0
        }
        let run = min(Self.stateSize - position, count - done)
        let source = mt + position
        let target = out + done
        for k in 0..<run { target[k] = transform(Self.temper(source[k])) }
        position += run
        done += run
      }
    }
    index = position
  }
}
