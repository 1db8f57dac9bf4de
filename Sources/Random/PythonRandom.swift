// CPython's `random` module for integer seeds: the generator core of `Modules/_randommodule.c`
// (seeding, `random()`, `getrandbits`) and the pure-Python methods of `Lib/random.py` built on
// it (`_randbelow`, `shuffle`, `uniform`, `randint`, `choice`, `choices`, `gauss`).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `random.Random(seed)` for an integer seed: same draws, same results, call for call.
public struct PythonRandom: Sendable {
  /// The Mersenne Twister, seeded with `init_by_array` over the seed's 32-bit words.
  @usableFromInline var engine: MersenneTwister
  /// The second value of the last `gauss` pair (CPython's `gauss_next`).
  @usableFromInline var gaussNext: Double?

  /// `random.seed(seed)`: the absolute value of the seed, split into 32-bit words from the
  /// least significant, is the `init_by_array` key (0 gives the key [0]).
  public init(seed: Int) {
    var magnitude = seed.magnitude
    var key: [UInt32] = []
    repeat {
      key.append(UInt32(truncatingIfNeeded: magnitude))
      magnitude >>= 32
    } while magnitude != 0
    engine = MersenneTwister(key: key)
    gaussNext = nil
  }

  /// `random.random()`: a double in [0, 1) from 27 + 26 bits of two draws (`genrand_res53`).
  public mutating func random() -> Double {
    let a = Double(engine.next() >> 5)
    let b = Double(engine.next() >> 6)
    return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
  }

  /// `random.getrandbits(k)` for 0 ≤ k ≤ 64: k ≤ 32 keeps the top k bits of one draw; larger k
  /// fills 32-bit words from the least significant one, the last word keeping its top bits.
  public mutating func getrandbits(_ k: Int) -> UInt64 {
    require(k >= 0 && k <= 64, "getrandbits: k = \(k) is outside 0...64")
    if k == 0 { return 0 }
    if k <= 32 { return UInt64(engine.next() >> (32 - k)) }
    let low = UInt64(engine.next())
    let high = UInt64(engine.next() >> (64 - k))
    return high << 32 | low
  }

  /// `random._randbelow(n)`: k = bit length of n random bits, redrawn until below n (rejection,
  /// so every value is equally likely).
  public mutating func randbelow(_ n: Int) -> Int {
    require(n > 0, "randbelow: n must be positive, got \(n)")
    let k = Int.bitWidth - n.leadingZeroBitCount
    var r = getrandbits(k)
    while r >= UInt64(n) { r = getrandbits(k) }
    return Int(r)
  }

  /// `random.shuffle(x)`: Fisher–Yates from the end, swapping x[i] with x[randbelow(i + 1)].
  public mutating func shuffle<T>(_ array: inout [T]) {
    var i = array.count - 1
    while i >= 1 {
      let j = randbelow(i + 1)
      array.swapAt(i, j)
      i -= 1
    }
  }

  /// `random.uniform(a, b)`: a + (b − a)·random().
  public mutating func uniform(_ a: Double, _ b: Double) -> Double {
    a + (b - a) * random()
  }

  /// `random.randint(a, b)`: an integer in a...b, both ends included.
  public mutating func randint(_ a: Int, _ b: Int) -> Int {
    require(b >= a, "randint: empty range a = \(a) > b = \(b)")
    return a + randbelow(b - a + 1)
  }

  /// `random.choice(items)`: items[randbelow(count)].
  public mutating func choice<T>(_ items: [T]) -> T {
    require(!items.isEmpty, "choice: cannot choose from an empty array")
    return items[randbelow(items.count)]
  }

  /// `random.choices(range(n), weights)[0]`: the first index whose cumulative weight exceeds
  /// random()·total (`bisect_right` over the running sums, searching only the first n − 1).
  public mutating func choices(weights: [Double]) -> Int {
    require(!weights.isEmpty, "choices: no weights")
    var cumulative = [Double]()
    cumulative.reserveCapacity(weights.count)
    var total = 0.0
    for w in weights {
      total += w
      cumulative.append(total)
    }
    require(total > 0 && total.isFinite, "choices: total of weights must be positive and finite, got \(total)")
    let target = random() * total
    var lo = 0
    var hi = weights.count - 1
    while lo < hi {
      let mid = (lo + hi) / 2
      if target < cumulative[mid] { hi = mid } else { lo = mid + 1 }
    }
    return lo
  }

  /// `random.gauss(mu, sigma)`: Box–Muller on two `random()` draws, keeping the second value
  /// for the next call.
  public mutating func gauss(mu: Double = 0, sigma: Double = 1) -> Double {
    var z: Double
    if let next = gaussNext {
      z = next
      gaussNext = nil
    } else {
      let x2pi = random() * (2 * Double.pi)
      let g2rad = (-2.0 * log(1.0 - random())).squareRoot()
      z = cos(x2pi) * g2rad
      gaussNext = sin(x2pi) * g2rad
    }
    return mu + z * sigma
  }
}
