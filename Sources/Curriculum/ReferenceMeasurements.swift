/// A figure that a lecture quotes but does not measure itself (another program, another machine),
/// kept in one place with the machine named, so that a page never presents it as this run's.
public struct ReferenceMeasurement: Sendable {
  /// What was measured (`one moons training step of Python micrograd 0.1.0 (CPython 3.11)`).
  public let what: String
  /// The median time, in milliseconds.
  public let milliseconds: Double
  /// The machine (`2 vCPUs of an Intel Xeon with AVX-512`).
  public let machine: String
  /// How it was measured (the script and its workload name).
  public let source: String

  /// One sentence for a page: `Python micrograd … took 1,828 ms on … (source; not measured by this run)`.
  public var sentence: String {
    "\(what) took \(ReferenceMeasurement.grouped(milliseconds)) ms on \(machine) (\(source); not measured by this run)"
  }

  static func grouped(_ x: Double) -> String {
    let whole = Int(x.rounded())
    guard whole >= 1000 else { return String(whole) }
    return "\(whole / 1000),\(String(format: "%03d", whole % 1000))"
  }
}

/// The reference figures the lectures quote. Keep them equal to the README's performance table
/// (they come from the same measurement), and update both together.
public enum ReferenceMeasurements {
  /// micrograd's moons step in Python: the README's `micrograd-moons-step` row.
  public static let pythonMicrogradMoonsStep = ReferenceMeasurement(
    what: "one moons training step (MLP 2-16-16-1, 100 points) in Python micrograd 0.1.0 on CPython 3.11",
    milliseconds: 1828,
    machine: "2 vCPUs of an Intel Xeon with AVX-512, the machine of the README's benchmark table",
    source: "`torch_reference.py micrograd`, median of 7")
}

extension ReferenceMeasurements {
  /// microgpt's first parameter, `wte[0][0]` after `random.seed(42)`, the shuffle and one
  /// `random.gauss(0, 0.08)`, as CPython 3.11 prints it (`../shared/fixtures/microgpt.json`).
  public static let microgptFirstParameter = -0.04273180935726127
  /// microgpt's loss at step 1 and at step 1000, printed with four decimals by the original.
  public static let microgptLossStep1 = 3.3660
  /// microgpt's loss at step 1000.
  public static let microgptLossStep1000 = 2.6497
  /// The original's 20 samples at temperature 0.5 after 1,000 steps (CPython 3.11).
  public static let microgptSamples = ["kamon", "ann", "karai", "jaire", "vialan", "karia", "yeran", "anna", "areli",
                                       "kaina", "konna", "keylen", "liole", "alerin", "earan", "lenne", "kana", "lara",
                                       "alela", "anton"]
  /// CPython 3.11's training time for microgpt's 1,000 steps on this project's machine.
  public static let microgptCPythonTraining = ReferenceMeasurement(
    what: "microgpt's 1,000 training steps in CPython 3.11.7",
    milliseconds: 321_064.8,
    machine: "2 cores of an AMD EPYC (Zen 3, AVX2)",
    source: "`../shared/bench/microgpt_reference.py`, one run")
}
