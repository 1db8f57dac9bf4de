// `torch.multinomial` on CPU, as PyTorch ≥ 2.1 computes it (`aten/src/ATen/native/Distributions.cpp`,
// `multinomial_out`, and `aten/src/ATen/native/cpu/MultinomialKernel.cpp`), plus the one-sample
// algorithm of torch ≤ 2.0 that the 2022 lecture videos printed.
//
// Two algorithms, chosen by the arguments:
// - one sample, or sampling without replacement: the "exponential race". Draw q_i ~ Exp(1) for
//   every category (q_i = −log(1 − u_i) from a 53-bit uniform, one draw per category in order,
//   rows one after another), then take argmax p_i / q_i, or the top n of p_i / q_i without
//   replacement. Category i wins with probability p_i / Σp (the Gumbel-max trick in exp form).
// - several samples with replacement: per row, the float32 cumulative sum normalised by its last
//   value (then forced to exactly 1), and for each sample a binary search for the first bucket
//   whose cumulative value is not below a 53-bit uniform.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TorchGenerator {
  /// `torch.multinomial(weights, numSamples, replacement)` on one row of non-negative weights
  /// (need not sum to 1).
  public mutating func multinomial(_ weights: [Float], numSamples: Int = 1, replacement: Bool = false) -> [Int] {
    weights.withUnsafeBufferPointer { multinomial($0, numSamples: numSamples, replacement: replacement) }
  }

  /// `torch.multinomial` on one row of weights held in a buffer (e.g. a row of a tensor).
  public mutating func multinomial(_ weights: UnsafeBufferPointer<Float>, numSamples: Int = 1, replacement: Bool = false) -> [Int] {
    multinomial(rows: weights, rowCount: 1, numSamples: numSamples, replacement: replacement)
  }

  /// `torch.multinomial` on a row-major (rowCount × categories) matrix of weights: numSamples
  /// indices per row, returned row after row (rowCount · numSamples values).
  public mutating func multinomial(rows weights: UnsafeBufferPointer<Float>, rowCount: Int, numSamples: Int = 1,
                                   replacement: Bool = false) -> [Int] {
    require(rowCount > 0 && weights.count % rowCount == 0,
                 "multinomial: \(weights.count) weights do not split into \(rowCount) rows")
    let categories = weights.count / rowCount
    require(categories > 0, "multinomial: rows have no categories")
    require(numSamples > 0, "multinomial: numSamples must be positive, got \(numSamples)")
    require(replacement || numSamples <= categories,
                 "multinomial: cannot draw \(numSamples) samples from \(categories) categories without replacement")
    for row in 0..<rowCount {
      var sum: Float = 0
      for i in 0..<categories {
        let w = weights[row * categories + i]
        require(w >= 0 && w.isFinite, "multinomial: weight \(w) at [\(row), \(i)] is negative or not finite")
        sum += w
      }
      require(sum > 0, "multinomial: row \(row) has zero total weight")
    }

    if replacement && numSamples > 1 {
      var result: [Int] = []
      result.reserveCapacity(rowCount * numSamples)
      for row in 0..<rowCount {
        let cumulative = Self.normalisedCumulative(UnsafeBufferPointer(rebasing: weights[(row * categories)..<((row + 1) * categories)]))
        for _ in 0..<numSamples { result.append(Self.bucket(of: nextUnitDouble(), in: cumulative)) }
      }
      return result
    }

    // Exponential race: all the exponential draws first (one tensor-wide exponential_), then
    // the ratios row by row.
    let exponentials = (0..<weights.count).map { _ in Float(-log(1 - nextUnitDouble())) }
    var result: [Int] = []
    result.reserveCapacity(rowCount * numSamples)
    for row in 0..<rowCount {
      let ratios = (0..<categories).map { i in weights[row * categories + i] / exponentials[row * categories + i] }
      if numSamples == 1 {
        var best = 0
        for i in 1..<categories where ratios[i] > ratios[best] { best = i }  // first maximum wins
        result.append(best)
      } else {
        // topk: largest ratios first; equal ratios keep index order.
        let order = ratios.indices.sorted { ratios[$0] > ratios[$1] || (ratios[$0] == ratios[$1] && $0 < $1) }
        result.append(contentsOf: order.prefix(numSamples))
      }
    }
    return result
  }

  /// torch ≤ 2.0's `multinomial(weights, 1)` repeated numSamples times: one 53-bit uniform per
  /// sample and a binary search in the normalised float32 cumulative sum. The 2022 lecture
  /// videos sampled their names this way (`mor.`, `axx.`, …).
  public mutating func multinomialCumulative(_ weights: [Float], numSamples: Int = 1) -> [Int] {
    require(!weights.isEmpty, "multinomialCumulative: no weights")
    require(weights.allSatisfy { $0 >= 0 && $0.isFinite }, "multinomialCumulative: weights must be non-negative and finite")
    let cumulative = weights.withUnsafeBufferPointer { Self.normalisedCumulative($0) }
    require(weights.reduce(0, +) > 0, "multinomialCumulative: zero total weight")
    return (0..<numSamples).map { _ in Self.bucket(of: nextUnitDouble(), in: cumulative) }
  }

  /// Running float32 sums divided by the total, the last forced to exactly 1.
  static func normalisedCumulative(_ weights: UnsafeBufferPointer<Float>) -> [Float] {
    var cumulative = [Float]()
    cumulative.reserveCapacity(weights.count)
    var sum: Float = 0
    for w in weights {
      sum += w
      cumulative.append(sum)
    }
    for i in cumulative.indices { cumulative[i] /= sum }
    cumulative[cumulative.count - 1] = 1
    return cumulative
  }

  /// The first index whose cumulative value is not below u (binary search).
  static func bucket(of u: Double, in cumulative: [Float]) -> Int {
    var lo = 0
    var hi = cumulative.count
    while hi > lo {
      let mid = lo + (hi - lo) / 2
      if Double(cumulative[mid]) < u { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }
}
