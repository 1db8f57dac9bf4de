import Foundation

/// A learning rate as a function of the step (0-based).
public protocol LearningRateSchedule: Sendable {
  /// The learning rate for `step`.
  func learningRate(at step: Int) -> Double
}

/// Piecewise-constant rates: lecture 3–6's `lr = 0.1 if i < 100000 else 0.01`.
public struct StepSchedule: LearningRateSchedule {
  /// Rate before the first boundary.
  public let initial: Double
  /// `(step, rate)`: from `step` on, the rate is `rate` (sorted by step).
  public let drops: [(step: Int, rate: Double)]

  /// `initial`, then each drop from its step on.
  public init(initial: Double, drops: [(step: Int, rate: Double)]) {
    self.initial = initial
    self.drops = drops.sorted { $0.step < $1.step }
  }

  /// The rate in force at `step`.
  public func learningRate(at step: Int) -> Double {
    drops.last { step >= $0.step }?.rate ?? initial
  }
}

/// Linear warmup then cosine decay to a floor (build-nanogpt's `get_lr`, lecture 10):
/// `max·(it+1)/warmup` for `it < warmup`; `min` after `maxSteps`; in between
/// `min + ½(1 + cos(π·(it − warmup)/(maxSteps − warmup)))·(max − min)`.
public struct CosineWarmupSchedule: LearningRateSchedule {
  /// Peak rate (6e-4 in lecture 10).
  public let maxLearningRate: Double
  /// Floor (6e-5).
  public let minLearningRate: Double
  /// Warmup steps (715).
  public let warmupSteps: Int
  /// Step where the decay reaches the floor (19,073).
  public let maxSteps: Int

  /// A warmup + cosine schedule.
  public init(maxLearningRate: Double, minLearningRate: Double, warmupSteps: Int, maxSteps: Int) {
    require(warmupSteps >= 0 && maxSteps > warmupSteps, "CosineWarmupSchedule: need 0 ≤ warmup (\(warmupSteps)) < maxSteps (\(maxSteps))")
    self.maxLearningRate = maxLearningRate
    self.minLearningRate = minLearningRate
    self.warmupSteps = warmupSteps
    self.maxSteps = maxSteps
  }

  /// build-nanogpt's `get_lr(it)`.
  public func learningRate(at it: Int) -> Double {
    if it < warmupSteps { return maxLearningRate * Double(it + 1) / Double(warmupSteps) }
    if it > maxSteps { return minLearningRate }
    let ratio = Double(it - warmupSteps) / Double(maxSteps - warmupSteps)
    let coeff = 0.5 * (1 + cos(Double.pi * ratio))
    return minLearningRate + coeff * (maxLearningRate - minLearningRate)
  }
}
