import Quiz

/// What the workbook knows about one lecture: its names, what it teaches, how it is run, and its
/// recall questions.
///
/// Lives in a library (not in the lecture's `main.swift`) so the lecture, `Workbook list`,
/// `Workbook quiz` and `Workbook report --all` all read the same facts.
public struct LectureInfo: Sendable, Identifiable {
  /// Position in the series (1 = micrograd, …); microgpt uses 11.
  public let number: Int
  /// Short CamelCase name used in file names: `Reports/Lecture01-Micrograd.md`.
  public let slug: String
  /// The executable target: `swift run Lecture01Micrograd`.
  public let executable: String
  /// The lecture's title as the video names it.
  public let title: String
  /// One line for `Workbook list` and the reports index.
  public let summary: String
  /// What a learner can do after working through it (shown at the top of the study page).
  public let objectives: [String]
  /// The notebook's main generator seed (`--seed` replaces it).
  public let defaultSeed: UInt64
  /// Test files that check this lecture's numbers (linked from the study page), repo-relative.
  public let tests: [String]
  /// Recall questions asked by `--quiz` and reviewed by `Workbook quiz`.
  public let questions: [Question]
  /// Flags `Workbook report --all` adds to `--report` for the committed page: `["--full"]` when
  /// the full schedule finishes within about ten minutes here, else none (the standard run).
  public let reportArguments: [String]

  /// Stable identifier: the executable name.
  public var id: String { executable }

  /// Two-digit number as used in names (`01`).
  public var paddedNumber: String { number < 10 ? "0\(number)" : "\(number)" }

  /// The study page's file name: `Lecture01-Micrograd.md`.
  public var reportFileName: String { "Lecture\(paddedNumber)-\(slug).md" }

  /// The lecture's source file, repo-relative.
  public var sourcePath: String { "Lectures/\(executable)/main.swift" }

  /// Creates the metadata of one lecture.
  public init(number: Int, slug: String, executable: String, title: String, summary: String,
              objectives: [String], defaultSeed: UInt64, tests: [String], questions: [Question],
              reportArguments: [String] = []) {
    self.number = number
    self.slug = slug
    self.executable = executable
    self.title = title
    self.summary = summary
    self.objectives = objectives
    self.defaultSeed = defaultSeed
    self.tests = tests
    self.questions = questions
    self.reportArguments = reportArguments
  }
}
