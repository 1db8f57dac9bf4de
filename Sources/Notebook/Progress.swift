import Foundation

/// A progress display for long loops: a redrawn bar with rate and ETA on a terminal, or a plain
/// line at every tenth of the work when output is not a terminal (logs, CI, pipes).
///
/// It writes to standard error so it never mixes with a cell's captured output, and never
/// reaches the study page (its timings would make the page differ from run to run).
public final class Progress {
  /// What is being done, e.g. `training`.
  public let label: String
  /// Number of steps in all.
  public let total: Int
  private let isTerminal: Bool
  private let quiet: Bool
  private let write: (String) -> Void
  private let clock: () -> Double
  private let start: Double
  private var lastDraw: Double = -1
  private var nextTenth = 1
  private var estimated = false
  private var finished = false
  private var lastStep = 0

  /// Creates a progress display.
  ///
  /// - Parameters:
  ///   - isTerminal: redraw a bar in place (true) or print periodic plain lines (false).
  ///   - quiet: print no progress at all (`--quiet`), only the estimate of a long run.
  ///   - write: where text goes (standard error by default).
  ///   - clock: seconds from an arbitrary origin (injected by tests).
  public init(_ label: String, total: Int,
              isTerminal: Bool = Console.isTerminal(2) && ProcessInfo.processInfo.environment["TERM"] != "dumb",
              quiet: Bool = false,
              write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
              clock: @escaping () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
    self.label = label
    self.total = max(1, total)
    self.isTerminal = isTerminal
    self.quiet = quiet
    self.write = write
    self.clock = clock
    self.start = clock()
  }

  /// Reports that `step` of `total` steps are done; `message` (e.g. `loss 2.1342`) is shown beside.
  public func update(_ step: Int, _ message: @autoclosure () -> String = "") {
    lastStep = step
    let now = clock()
    let elapsed = now - start
    let fraction = Double(min(step, total)) / Double(total)
    let rate = elapsed > 0 ? Double(step) / elapsed : 0
    let eta = rate > 0 ? Double(total - step) / rate : 0
    // The estimate comes early (after 2% or two seconds, whichever is first) so that a run of
    // hours (`--steps 1000000000`) says so before the learner has waited for nothing.
    if !estimated && step > 0 && (fraction >= 0.02 && elapsed > 1 || elapsed > 2) {
      estimated = true
      let projected = elapsed / fraction
      if projected > 180 {
        let about = projected >= 36_000 ? String(format: "%.0f hours", projected / 3600) : Progress.duration(projected)
        write((isTerminal ? "\r\u{1B}[K" : "") + "\(label): this will take about \(about) (\(Progress.rate(rate)))\n")
      }
    }
    if quiet { return }
    if isTerminal {
      guard now - lastDraw >= 0.1 || step >= total else { return }
      lastDraw = now
      let width = 24
      let filled = Int(fraction * Double(width))
      let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
      let extra = message()
      write("\r\u{1B}[K\(label) \(bar) \(Int(fraction * 100))% \(step)/\(total)  \(Progress.rate(rate))  ETA \(Progress.duration(eta))"
            + (extra.isEmpty ? "" : "  \(extra)"))
    } else {
      // One line when a new tenth of the work is done (a jump over several tenths prints once).
      guard nextTenth <= 10 && step * 10 >= total * nextTenth else { return }
      while nextTenth <= 10 && step * 10 >= total * nextTenth { nextTenth += 1 }
      let extra = message()
      let percent = Int(fraction * 100)
      write("\(label): \(step)/\(total) (\(percent)%)  \(Progress.rate(rate))  ETA \(Progress.duration(eta))"
            + (extra.isEmpty ? "" : "  \(extra)") + "\n")
    }
  }

  /// Ends the display (clears the bar on a terminal) and reports the wall time. The loop is taken
  /// to have run all `total` steps unless `completed` says otherwise.
  public func finish(_ message: String = "", completed: Int? = nil) {
    guard !finished else { return }
    finished = true
    if quiet { return }
    lastStep = completed ?? total
    let elapsed = clock() - start
    let rate = elapsed > 0 ? Double(lastStep) / elapsed : 0
    let text = "\(label): done, \(lastStep) steps in \(Progress.duration(elapsed)) (\(Progress.rate(rate)))"
      + (message.isEmpty ? "" : "  \(message)")
    write(isTerminal ? "\r\u{1B}[K\(text)\n" : "\(text)\n")
  }

  /// `m:ss` or `h:mm:ss` for a number of seconds (`0.4s` below ten seconds).
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    if seconds < 10 { return String(format: "%.1fs", seconds) }
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }

  /// Steps per second, compactly.
  public static func rate(_ perSecond: Double) -> String {
    if perSecond >= 1000 { return String(format: "%.1fk it/s", perSecond / 1000) }
    if perSecond >= 10 { return String(format: "%.0f it/s", perSecond) }
    return String(format: "%.2f it/s", perSecond)
  }
}
