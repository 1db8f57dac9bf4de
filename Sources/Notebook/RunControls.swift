/// The runtime's own flags, taken out of the command line before the common flags are parsed:
/// `--pause`, `--cell N` and `--set NAME=VALUE` (repeatable).
public struct RunControls: Sendable, Equatable {
  /// `--pause`: wait for Enter after every cell and before each "pause and think" answer.
  public var pause = false
  /// `--cell N`: run cells 1…N, print only cell N (earlier cells run silently).
  public var cell: Int?
  /// `--set NAME=VALUE` assignments in the order given (checked against the lecture's knobs).
  public var settings: [(name: String, value: String)] = []

  /// No runtime flags.
  public init() {}

  public static func == (a: RunControls, b: RunControls) -> Bool {
    a.pause == b.pause && a.cell == b.cell
      && a.settings.map { "\($0.name)=\($0.value)" } == b.settings.map { "\($0.name)=\($0.value)" }
  }

  /// The flags for `--help`.
  public static let flagHelp: [(String, String)] = [
    ("--set NAME=VALUE", "change one of the lecture's knobs for this run (listed below); repeatable"),
    ("--pause", "wait for Enter after each cell and before each \"pause and think\" answer"),
    ("--cell N", "run the lecture up to cell N and print only cell N"),
  ]

  /// Removes the runtime flags from `arguments`, returning them and what is left for
  /// `RunOptions.parse`.
  ///
  /// - Throws: `UsageError` for a missing or malformed value.
  public static func extract(from arguments: [String]) throws(UsageError) -> (RunControls, [String]) {
    var controls = RunControls()
    var rest: [String] = []
    var i = 0
    while i < arguments.count {
      let arg = arguments[i]
      var name = arg, inline: String?
      if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
        name = String(arg[..<eq])
        inline = String(arg[arg.index(after: eq)...])
      }
      func value() throws(UsageError) -> String {
        if let v = inline { return v }
        guard i + 1 < arguments.count, !arguments[i + 1].hasPrefix("--") else {
          throw UsageError("\(name) needs a value")
        }
        i += 1
        return arguments[i]
      }
      switch name {
      case "--pause":
        if inline != nil { throw UsageError("--pause takes no value") }
        controls.pause = true
      case "--cell":
        let text = try value()
        guard let n = Int(text), n > 0 else { throw UsageError("--cell needs a cell number (1, 2, …), got '\(text)'") }
        controls.cell = n
      case "--set":
        let text = try value()
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
          throw UsageError("--set needs NAME=VALUE (e.g. --set lr=0.05), got '\(text)'")
        }
        controls.settings.append((String(text[..<eq]), String(text[text.index(after: eq)...])))
      default:
        rest.append(arg)
      }
      i += 1
    }
    return (controls, rest)
  }
}
