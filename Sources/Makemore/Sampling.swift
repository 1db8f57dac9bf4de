import Random

/// Sampling helpers for the cells where sampling is *not* the lesson (a baseline, a comparison
/// table, statistics over hundreds of names). Each lecture that teaches sampling writes its loop
/// out in a cell; these run the very same loop so the numbers agree.
public enum NameSampler {
  /// Draws one name from a bigram-style model: start at `.` (index 0), draw the next index from
  /// `row(current)` with `multinomial` (one sample, with replacement, as lecture 2 calls it) or
  /// with PyTorch ≤ 2.0's cumulative-sum algorithm, stop after drawing `.`.
  ///
  /// `maxLength` bounds a name from a model that rarely ends (e.g. a uniform model over a tiny
  /// vocabulary); the lecture's models end long before.
  public static func bigramName(_ g: inout TorchGenerator, itos: [Character], cumulative: Bool = false,
                                maxLength: Int = 10_000, row: (Int) -> [Float]) -> String {
    var name = ""
    var ix = 0
    while true {
      let p = row(ix)
      ix = cumulative ? g.multinomialCumulative(p)[0] : g.multinomial(p, numSamples: 1, replacement: true)[0]
      name.append(itos[ix])
      if ix == 0 || name.count >= maxLength { break }
    }
    return name
  }

  /// `count` names from one generator seeded with `seed` (see `bigramName`).
  public static func bigramNames(_ count: Int, seed: UInt64, itos: [Character], cumulative: Bool = false,
                                 row: (Int) -> [Float]) -> [String] {
    var g = TorchGenerator(seed: seed)
    return (0..<count).map { _ in bigramName(&g, itos: itos, cumulative: cumulative, row: row) }
  }

  /// Draws one name from a model that reads the last `blockSize` characters (lecture 3 on):
  /// the context starts as all `.`, `probabilities(context)` gives the distribution of the next
  /// character, the drawn index slides into the context, and `.` ends the name. Stops after
  /// `maxLength + 1` characters so an untrained model cannot loop for ever.
  public static func contextName(_ g: inout TorchGenerator, blockSize: Int, itos: [Character], maxLength: Int = 60,
                                 probabilities: ([Int]) -> [Float]) -> String {
    var context = [Int](repeating: 0, count: blockSize)
    var out = ""
    while true {
      let ix = g.multinomial(probabilities(context), numSamples: 1)[0]
      context = Array(context.dropFirst()) + [ix]
      out.append(itos[ix])
      if ix == 0 || out.count > maxLength { break }
    }
    return out
  }
}
