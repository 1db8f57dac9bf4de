/// How much a lecture prints in the terminal. The study page is the same at every level.
public enum Verbosity: Int, Sendable, Comparable {
  /// Results only: printed values, tables, key results.
  case quiet = 0
  /// Prose and results (the default).
  case normal = 1
  /// Everything: step traces, shapes as they flow, per-step statistics, the "why" asides.
  case verbose = 2

  public static func < (a: Verbosity, b: Verbosity) -> Bool { a.rawValue < b.rawValue }
}

/// How long a lecture runs.
public enum RunMode: String, Sendable {
  /// Seconds: for tests and a first look; keeps the step-0 numbers the lecture prints.
  case fast
  /// About a minute or less on 2 cores; shows every cell (the default).
  case standard
  /// The notebook's full schedule.
  case full
}

/// The settings of one lecture run, from the command line.
public struct RunOptions: Sendable, Equatable {
  /// Terminal verbosity (`--quiet`, `--verbose`).
  public var verbosity: Verbosity = .normal
  /// The lecture's main generator seed, modulo 2^32 (`--seed N` replaces the default).
  public var seed: UInt64
  /// True when `--seed` was given.
  public var seedWasSet = false
  /// `--steps N`: overrides the number of training steps of the run's mode.
  public var steps: Int?
  /// `--fast`, `--full`, or the standard run.
  public var mode: RunMode = .standard
  /// True when `--fast` or `--full` was given.
  public var modeWasGiven = false
  /// `--report [DIR]`: write the study page (DIR nil means the package's `Reports/`).
  public var writeReport = false
  /// The folder given with `--report DIR`, if any.
  public var reportDirectory: String?
  /// `--quiz`: ask the recall questions at the end.
  public var quiz = false
  /// Colour in the terminal (off with `--no-color`, `NO_COLOR`, or when output is not a TTY).
  public var color = true
  /// `--threads N` (default: all cores).
  public var threads: Int
  /// `--data DIR`: where names.txt and tinyshakespeare.txt are.
  public var dataDirectory: String?
  /// `--help` / `-h`.
  public var help = false
  /// `--list`: list the cells and exit.
  public var list = false
  /// Lecture-specific boolean flags that were given (e.g. `--dot`).
  public var extraFlags: Set<String> = []
  /// Things the learner should know about how a flag was taken (printed on standard error
  /// before the run), e.g. `note: seed taken modulo 2^32: -1 → 4294967295`.
  public var notes: [String] = []

  /// Options with the lecture's default seed and every other setting at its default.
  public init(defaultSeed: UInt64, threads: Int) {
    self.seed = defaultSeed & 0xFFFF_FFFF
    self.threads = max(1, threads)
  }

  /// True with `--verbose`.
  public var isVerbose: Bool { verbosity == .verbose }

  /// The run as the header names it: `standard run`, `fast run (--fast)`, `full run (--full)`,
  /// or with `--steps N` `N steps (--steps N, …)`, which is never called a full or fast run.
  public var runDescription: String {
    let modeFlag = mode == .fast ? "--fast" : mode == .full ? "--full" : nil
    if let steps {
      return "\(steps) step\(steps == 1 ? "" : "s") (--steps \(steps)" + (modeFlag.map { "; other settings from \($0)" } ?? "") + ")"
    }
    switch mode {
    case .fast: return "fast run (--fast)"
    case .standard: return "standard run"
    case .full: return "full run (--full)"
    }
  }
}

/// A command-line mistake: printed as one line plus a pointer to `--help`, exit status 2.
public struct UsageError: Error, Equatable, CustomStringConvertible, Sendable {
  /// What was wrong, e.g. `unknown flag '--sed'`.
  public let message: String
  /// Creates a usage error.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// A flag a lecture adds to the common ones (boolean, e.g. `--dot`).
public struct ExtraFlag: Sendable, Equatable {
  /// The flag as typed, with its dashes.
  public let name: String
  /// One line for `--help`.
  public let help: String
  /// Creates a lecture flag.
  public init(_ name: String, help: String) {
    self.name = name
    self.help = help
  }
}

extension RunOptions {
  /// The common flags, for `--help`.
  public static let flagHelp: [(String, String)] = [
    ("--help, -h", "show this help: flags and the lecture's cells"),
    ("--list", "list the cells and exit"),
    ("--verbose", "also print step traces, shapes, per-step statistics and the \"why\" asides"),
    ("--quiet", "print results only"),
    ("--seed N", "replace the lecture's generator seed (taken modulo 2^32 as PyTorch does, -1 → 4294967295, with a note; derived seeds follow)"),
    ("--steps N", "train for N steps instead of the run mode's number"),
    ("--fast", "a run of a few seconds (keeps the step-0 numbers)"),
    ("--full", "the notebook's full schedule (an estimate is printed first when long)"),
    ("--report [DIR]", "write the Markdown study page and SVG figures (default: Reports/ in the checkout; with no --fast/--full/--steps, in the mode the committed page was made with)"),
    ("--quiz", "take the recall quiz at the end"),
    ("--no-color", "no colour (also when NO_COLOR is set or output is not a terminal)"),
    ("--threads N", "threads for the kernels (default: all cores); never changes a result"),
    ("--data DIR", "folder holding names.txt and tinyshakespeare.txt"),
  ]

  /// Parses `arguments` (without the program name).
  ///
  /// - Throws: `UsageError` for an unknown flag, a missing or bad value, or conflicting flags.
  public static func parse(_ arguments: [String], defaultSeed: UInt64, threads: Int,
                           extraFlags: [ExtraFlag] = [], environment: [String: String] = [:],
                           outputIsTerminal: Bool = true) throws(UsageError) -> RunOptions {
    var options = RunOptions(defaultSeed: defaultSeed, threads: threads)
    options.color = Console.colorAllowed(environment: environment, isTerminal: outputIsTerminal)
    var sawVerbose = false, sawQuiet = false, sawFast = false, sawFull = false
    var index = 0
    func value(for flag: String) throws(UsageError) -> String {
      guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") else {
        throw UsageError("\(flag) needs a value")
      }
      index += 1
      return arguments[index]
    }
    func positiveInt(_ text: String, for flag: String) throws(UsageError) -> Int {
      guard let n = Int(text), n > 0 else { throw UsageError("\(flag) needs a positive whole number, got '\(text)'") }
      return n
    }
    while index < arguments.count {
      var arg = arguments[index]
      var inlineValue: String?
      if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
        inlineValue = String(arg[arg.index(after: eq)...])
        arg = String(arg[..<eq])
      }
      func takeValue() throws(UsageError) -> String {
        if let v = inlineValue { return v }
        return try value(for: arg)
      }
      switch arg {
      case "--help", "-h": options.help = true
      case "--list": options.list = true
      case "--verbose", "-v": sawVerbose = true; options.verbosity = .verbose
      case "--quiet", "-q": sawQuiet = true; options.verbosity = .quiet
      case "--fast": sawFast = true; options.mode = .fast
      case "--full": sawFull = true; options.mode = .full
      case "--quiz": options.quiz = true
      case "--no-color", "--no-colour": options.color = false
      case "--seed":
        let text = try takeValue()
        options.seed = try parseSeed(text)
        options.seedWasSet = true
        if text != String(options.seed) { options.notes.append("note: seed taken modulo 2^32: \(text) → \(options.seed)") }
      case "--steps": options.steps = try positiveInt(try takeValue(), for: "--steps")
      case "--threads": options.threads = try positiveInt(try takeValue(), for: "--threads")
      case "--data":
        let dir = try takeValue()
        guard !dir.isEmpty else { throw UsageError("--data needs a folder") }
        options.dataDirectory = dir
      case "--report":
        options.writeReport = true
        if let v = inlineValue {
          options.reportDirectory = v
        } else if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") {
          index += 1
          options.reportDirectory = arguments[index]
        }
      default:
        if let extra = extraFlags.first(where: { $0.name == arg }), inlineValue == nil {
          options.extraFlags.insert(extra.name)
        } else if arg.hasPrefix("-") {
          throw UsageError("unknown flag '\(arguments[index])'")
        } else {
          throw UsageError("unexpected argument '\(arg)' (lectures take only flags)")
        }
      }
      index += 1
    }
    if sawVerbose && sawQuiet { throw UsageError("--verbose and --quiet cannot be used together") }
    if sawFast && sawFull { throw UsageError("--fast and --full cannot be used together") }
    options.modeWasGiven = sawFast || sawFull
    return options
  }

  /// A seed as PyTorch takes it: any whole number, reduced modulo 2^32 (negative numbers wrap).
  static func parseSeed(_ text: String) throws(UsageError) -> UInt64 {
    if let u = UInt64(text) { return u & 0xFFFF_FFFF }
    if let i = Int64(text) { return UInt64(bitPattern: i) & 0xFFFF_FFFF }
    if text.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isNumber) && !text.isEmpty {
      throw UsageError("--seed must lie between -2^63 and 2^64 - 1 (it is then taken modulo 2^32), got '\(text)'")
    }
    throw UsageError("--seed needs a whole number, got '\(text)'")
  }
}
