import Random

extension Names {
  /// makemore's split: `random.seed(seed); random.shuffle(words)`, then 80% / 10% / 10%
  /// (`n1 = int(0.8·n)`, `n2 = int(0.9·n)`). The seed stays 42 in every lecture so split sizes
  /// never change with `--seed`.
  public func split(seed: Int = 42) -> (train: [String], dev: [String], test: [String]) {
    var shuffled = words
    var rng = PythonRandom(seed: seed)
    rng.shuffle(&shuffled)
    let n1 = Int(0.8 * Double(shuffled.count))
    let n2 = Int(0.9 * Double(shuffled.count))
    return (Array(shuffled[..<n1]), Array(shuffled[n1..<n2]), Array(shuffled[n2...]))
  }
}
