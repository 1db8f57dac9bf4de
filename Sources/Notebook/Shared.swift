/// What a cell returned, for the cells after it: state shared between cells without top-level
/// variables and dummy initial values.
///
///     let data = nb.cell("The data", "…") { c in
///       try Names(text: nb.readText("names.txt"))
///     }
///     nb.cell("Counting", "…") { c in
///       let names = data.value      // the Names the first cell built
///     }
///
/// Cells run in order, so a later cell always finds the value (also with `--cell N`, which runs
/// the earlier cells silently). Reading it from an earlier cell is a programming error that stops
/// the lecture with a message naming both cells.
@MainActor
public final class Shared<T> {
  /// The producing cell's number and title (for the error message).
  public let cell: Int
  public let title: String
  private var stored: T?

  init(cell: Int, title: String) {
    self.cell = cell
    self.title = title
  }

  func store(_ value: T) { stored = value }

  /// The value the cell returned.
  public var value: T {
    guard let v = stored else {
      fatalError("cell \(cell) (\"\(title)\") has not run yet: a cell can only use what earlier cells returned")
    }
    return v
  }
}

/// Waits for Enter between cells and before think answers (`--pause`). End of input (Ctrl-D, or
/// input that is not a terminal running out) ends the pausing and the lecture runs on.
final class Pauser {
  let console: Console
  /// True once input has ended.
  private(set) var stopped = false

  init(console: Console) { self.console = console }

  /// Waits for Enter with `prompt` on standard error; false at end of input.
  func wait(_ prompt: String) {
    guard !stopped else { return }
    console.err(console.styled(prompt, .dim))
    if readLine() == nil {
      stopped = true
      console.err("\n")
    }
  }

  func waitForNextCell() { wait("── Enter: next cell ── ") }
}
