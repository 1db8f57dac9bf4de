/// The run mode each committed study page was generated with, by lecture executable: one small
/// table read by `LectureNN --report` (no mode given → the page's committed mode, so the README's
/// "regenerate with `--report`" reproduces the committed page) and by `Workbook report --all`.
///
/// A lecture whose full schedule finishes within about ten minutes here commits its `--full`
/// page; a lecture not listed commits its standard run. Add a row when a lecture is added.
public enum ReportModes {
  /// Flags giving the committed page's mode, by executable.
  public static let committed: [String: [String]] = [
    "Lecture01Micrograd": ["--full"],
    "Lecture02Bigram": ["--full"],
    "Lecture03MLP": ["--full"],
  ]

  /// The flags of `executable`'s committed page (empty: the standard run).
  public static func arguments(for executable: String) -> [String] { committed[executable] ?? [] }
}

extension RunOptions {
  /// With `--report` and no `--fast`, `--full` or `--steps`, the mode the committed page was
  /// made with (from `ReportModes`), and a note saying so; otherwise unchanged.
  public func applyingCommittedReportMode(of executable: String) -> RunOptions {
    guard writeReport, !modeWasGiven, steps == nil else { return self }
    var options = self
    let flags = ReportModes.arguments(for: executable)
    if flags.contains("--full") { options.mode = .full } else if flags.contains("--fast") { options.mode = .fast }
    if options.mode != mode {
      options.notes.append("note: --report alone regenerates the committed page, made with \(flags.joined(separator: " ")); "
                           + "add --fast for a quick look")
    }
    return options
  }
}
