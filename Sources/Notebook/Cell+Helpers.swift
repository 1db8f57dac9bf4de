import Foundation

// Helpers that keep plumbing out of cells: one way to time, one way to drive a progress display,
// one way to compare with a reference.

/// The outcome of `Cell.timed`: what the body returned (from its last run) and how long it took.
public struct Timing<T> {
  /// What the body returned on its last run.
  public let value: T
  /// Wall time of every run, in seconds.
  public let runs: [Double]
  /// CPU time of all runs together (all threads), in seconds.
  public let cpuSeconds: Double

  /// The median wall time of one run, in seconds.
  public var seconds: Double { runs.sorted()[runs.count / 2] }
  /// The median wall time of one run, in milliseconds.
  public var milliseconds: Double { seconds * 1000 }
}

extension Cell {
  /// Runs `body` `runs` times and reports its median wall time as a ⏱ line in the terminal
  /// (`⏱ moons step, tape engine: 0.412 ms (median of 50)`), never on the page. Use the returned
  /// `Timing` for derived figures (`c.timing("… \(a.seconds / b.seconds)× faster")`).
  ///
  /// The one timing helper of the workbook: wall time from a monotonic clock, plus process CPU
  /// time (on a shared machine wall time also counts waiting for a core; CPU time does not).
  @discardableResult
  public func timed<T>(_ label: String, runs: Int = 1, _ body: () throws -> T) rethrows -> Timing<T> {
    var times: [Double] = []
    let cpuStart = processCPUSeconds()
    var last: T? = nil
    for _ in 0..<max(1, runs) {
      let start = DispatchTime.now().uptimeNanoseconds
      last = try body()
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    let result = Timing(value: last!, runs: times, cpuSeconds: processCPUSeconds() - cpuStart)
    timing("\(label): \(Cell.duration(result.seconds))" + (times.count > 1 ? " (median of \(times.count))" : ""))
    return result
  }

  /// `0.412 ms`, `12.3 ms`, `1.52 s`.
  static func duration(_ seconds: Double) -> String {
    if seconds < 0.001 { return String(format: "%.4f ms", seconds * 1000) }
    if seconds < 0.01 { return String(format: "%.3f ms", seconds * 1000) }
    if seconds < 1 { return String(format: "%.1f ms", seconds * 1000) }
    return String(format: "%.2f s", seconds)
  }

  /// The steps of a training loop, `0..<count`, with a progress display on standard error
  /// (a bar on a terminal, a line per tenth in logs; never on the page):
  ///
  ///     for i in c.steps(200_000, "training") {
  ///       …
  ///       c.status("loss \(f4(loss.item()))")   // shown beside the bar
  ///     }
  ///
  /// The display finishes when the loop ends (also after a `break`, at the end of the cell).
  public func steps(_ count: Int, _ label: String = "training") -> StepSequence {
    finishOpenProgress()
    let driver = StepDriver(label: label, total: count, enabled: !silent && count > 0, quiet: options.verbosity == .quiet)
    openSteps = driver
    return StepSequence(count: max(0, count), driver: driver)
  }

  /// Text shown beside the progress bar of the running `steps` loop (e.g. the latest loss).
  public func status(_ text: String) { openSteps?.status = text }

  /// Ends a `steps` display that a `break` left open.
  func finishOpenProgress() {
    openSteps?.finish()
    openSteps = nil
  }

  /// Compares a number of this run with a reference (the notebook's printout, PyTorch, a
  /// paper) and prints one line: `loss at step 0: 27.8817   (PyTorch: 27.8817 ✓)`.
  ///
  /// References are recorded for the lecture's seed and settings. When this run uses another
  /// seed or changed a knob (`--seed`, `--set`) and `seedDependent` is true, the line says the
  /// reference does not apply instead of claiming a match or a mismatch.
  ///
  /// - Returns: true when the reference applies and the values are equal as printed.
  @discardableResult
  public func compare(_ what: String, ours: String, reference: String, source: String,
                      seedDependent: Bool = true) -> Bool {
    let applies = !seedDependent || usesLectureSettings
    let line: String
    var matched = false
    if applies {
      matched = ours == reference
      line = "\(what): \(ours)   (\(source): \(reference) \(matched ? "✓" : "✗ differs"))"
    } else {
      line = "\(what): \(ours)   (\(source)'s \(reference) is for seed \(lectureSeed) with the lecture's settings)"
    }
    append(.output(line + "\n"))
    out(line + "\n")
    return matched
  }

  /// `compare` for numbers, both printed with `decimals` decimals (the precision the source
  /// printed); equal when the printed forms are equal.
  @discardableResult
  public func compare(_ what: String, ours: Double, reference: Double, decimals: Int, source: String,
                      seedDependent: Bool = true) -> Bool {
    compare(what, ours: String(format: "%.\(decimals)f", ours), reference: String(format: "%.\(decimals)f", reference),
            source: source, seedDependent: seedDependent)
  }

  /// Several comparisons as one table: quantity, this run, the reference, ✓/✗. With another
  /// seed or changed knobs the reference column reads "seed N only" for seed-dependent rows.
  ///
  /// - Returns: how many rows matched.
  @discardableResult
  public func compare(_ rows: [Comparison], source: String) -> Int {
    var matched = 0
    let table = rows.map { row -> [String] in
      let applies = !row.seedDependent || usesLectureSettings
      guard applies else { return [row.what, row.ours, "(seed \(lectureSeed) only)", ""] }
      if row.ours == row.reference { matched += 1 }
      return [row.what, row.ours, row.reference, row.ours == row.reference ? "✓" : "✗"]
    }
    self.table(["", "this run", source, ""], table)
    return matched
  }
}

/// One row of `Cell.compare(_:source:)`: a quantity, this run's value and the reference's, both
/// as printed.
public struct Comparison: Sendable {
  public let what: String
  public let ours: String
  public let reference: String
  public let seedDependent: Bool

  /// A row comparing two printed values.
  public init(_ what: String, ours: String, reference: String, seedDependent: Bool = true) {
    self.what = what
    self.ours = ours
    self.reference = reference
    self.seedDependent = seedDependent
  }

  /// A row comparing two numbers printed with `decimals` decimals.
  public init(_ what: String, ours: Double, reference: Double, decimals: Int, seedDependent: Bool = true) {
    self.init(what, ours: String(format: "%.\(decimals)f", ours), reference: String(format: "%.\(decimals)f", reference),
              seedDependent: seedDependent)
  }
}

/// The steps of a `Cell.steps` loop: `0..<count`, advancing the progress display.
public struct StepSequence: Sequence {
  let count: Int
  let driver: StepDriver

  public func makeIterator() -> Iterator { Iterator(count: count, driver: driver) }

  /// Yields 0, 1, …, count − 1; reports step k done when asked for step k + 1.
  public struct Iterator: IteratorProtocol {
    let count: Int
    let driver: StepDriver
    var step = 0

    public mutating func next() -> Int? {
      if step > 0 { driver.done(step) }
      guard step < count else {
        driver.finish()
        return nil
      }
      defer { step += 1 }
      return step
    }
  }
}

/// The progress display behind one `steps` loop and the status text shown beside it.
///
/// The display appears only once the loop has run for `delay` seconds, so a loop of a few
/// milliseconds prints nothing at all; a long one shows its bar (or its lines in a log) from then on.
final class StepDriver {
  let label: String
  let total: Int
  let enabled: Bool
  let quiet: Bool
  var status = ""
  private var progress: Progress?
  private let start = DispatchTime.now().uptimeNanoseconds
  private var completed = 0
  private var finished = false
  /// Seconds before the display appears.
  static let delay = 0.5

  init(label: String, total: Int, enabled: Bool, quiet: Bool) {
    self.label = label
    self.total = total
    self.enabled = enabled
    self.quiet = quiet
  }

  func done(_ steps: Int) {
    completed = steps
    if progress == nil && enabled && Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 >= StepDriver.delay {
      progress = Progress(label, total: total, quiet: quiet)
    }
    progress?.update(steps, status)
  }

  func finish() {
    guard !finished else { return }
    finished = true
    progress?.finish(status, completed: completed)
  }
}
