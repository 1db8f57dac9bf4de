extension RunOptions {
  /// With `--report` and no `--fast`, `--full` or `--steps`, the mode the committed page was
  /// made with (`committedFlags`, the lecture's `LectureInfo.reportArguments`: the one place that
  /// records it), and a note saying so; otherwise unchanged. So the README's "regenerate with
  /// `--report`" reproduces the committed page.
  public func applyingCommittedReportMode(_ committedFlags: [String]) -> RunOptions {
    guard writeReport, !modeWasGiven, steps == nil else { return self }
    var options = self
    if committedFlags.contains("--full") { options.mode = .full } else if committedFlags.contains("--fast") { options.mode = .fast }
    if options.mode != mode {
      options.notes.append("note: --report alone regenerates the committed page, made with \(committedFlags.joined(separator: " ")); "
                           + "add --fast for a quick look")
    }
    return options
  }
}
