import Foundation
import Random

/// The two-moons toy dataset: two interleaving half circles, one class each, with Gaussian noise.
///
/// Shaped like scikit-learn's `make_moons` (outer arc cos/sin over [0, π]; inner arc shifted to
/// (1 − cos, 0.5 − sin); shuffled; noise added to both coordinates), but drawn with CPython's
/// `random` generator: scikit-learn's exact points come from numpy's generator, so ours are our
/// own points, reproducible with `random.seed(seed)` in Python.
public struct TwoMoons: Sendable {
  /// The points, one `[x, y]` per example.
  public let points: [[Double]]
  /// The classes: −1 for the outer (upper) moon, +1 for the inner (lower) moon.
  public let labels: [Double]

  /// A dataset from given points and ±1 labels.
  public init(points: [[Double]], labels: [Double]) {
    require(points.count == labels.count, "TwoMoons: \(points.count) points but \(labels.count) labels")
    self.points = points
    self.labels = labels
  }

  /// `count` points (half on each moon, the extra one on the inner moon as scikit-learn does),
  /// shuffled with `rng.shuffle`, then each coordinate nudged by `rng.gauss(0, noise)`.
  public init(count: Int = 100, noise: Double = 0.1, rng: inout PythonRandom) {
    require(count >= 2, "TwoMoons: need at least 2 points, got \(count)")
    let outer = count / 2, inner = count - outer
    func angle(_ i: Int, _ n: Int) -> Double { n == 1 ? 0 : Double.pi * Double(i) / Double(n - 1) }
    var examples: [(x: Double, y: Double, label: Double)] = []
    for i in 0..<outer {
      let t = angle(i, outer)
      examples.append((Foundation.cos(t), Foundation.sin(t), -1))
    }
    for i in 0..<inner {
      let t = angle(i, inner)
      examples.append((1 - Foundation.cos(t), 0.5 - Foundation.sin(t), 1))
    }
    rng.shuffle(&examples)
    var points: [[Double]] = []
    for e in examples {
      let x = e.x + rng.gauss(mu: 0, sigma: noise)
      let y = e.y + rng.gauss(mu: 0, sigma: noise)
      points.append([x, y])
    }
    self.points = points
    self.labels = examples.map(\.label)
  }
}
