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
