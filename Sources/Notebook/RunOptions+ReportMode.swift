extension RunOptions {
  /// With `--report` and no `--fast`, `--full` or `--steps`, the mode the committed page was
  /// made with (`committed`: the lecture's `LectureInfo.reportArguments`, which `Workbook report`
  /// also uses), and a note saying so; otherwise unchanged. So the README's "regenerate with
  /// `--report`" reproduces the committed page.
  public func applyingCommittedReportMode(_ committed: [String]) -> RunOptions {
    guard writeReport, !modeWasGiven, steps == nil else { return self }
    var options = self
    if committed.contains("--full") { options.mode = .full } else if committed.contains("--fast") { options.mode = .fast }
    if options.mode != mode {
      options.notes.append("note: --report alone regenerates the committed page, made with \(committed.joined(separator: " ")); "
                           + "add --fast for a quick look")
    }
    return options
  }
}
