import Quiz

/// What the workbook knows about one lecture: its names, what it teaches, how it is run, its
/// recall questions, the engine code its page shows, and where it leads.
///
/// The *type* lives in the runtime (Notebook) so that the runtime can read it without importing
/// any content; the *values* live in the Curriculum module (one file per lecture), which the
/// lecture executables, `Workbook list`, `Workbook quiz` and `Workbook report` all read.
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
  /// What a learner can do after working through it: listed at the top of the study page and
  /// again in its closing "You can now…" section, each with the quiz questions that check it.
  public let objectives: [Objective]
  /// The notebook's main generator seed (`--seed` replaces it).
  public let defaultSeed: UInt64
  /// Test files that check this lecture's numbers (linked from the study page), repo-relative.
  public let tests: [String]
  /// Recall questions asked by `--quiz` and reviewed by `Workbook quiz`.
  public let questions: [Question]
  /// Flags `Workbook report` adds to `--report` for the committed page (e.g. `["--full"]` when the
  /// full schedule finishes within about ten minutes here); `Workbook report --check` uses them too.
  public let reportArguments: [String]
  /// Engine code the page shows in "The code behind this lecture", when the engine is the lesson
  /// (lecture 1's `Value`); empty when everything taught is in the cells.
  public let codeBehind: [CodeExcerpt]
  /// The bridge to the next lecture, for the page's closing section (nil for the last lecture).
  public let next: NextLecture?

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
              objectives: [Objective], defaultSeed: UInt64, tests: [String], questions: [Question],
              reportArguments: [String] = [], codeBehind: [CodeExcerpt] = [], next: NextLecture? = nil) {
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
    self.codeBehind = codeBehind
    self.next = next
  }
}

/// A learning objective and the recall questions that check it.
///
/// Written as an imperative ("Estimate a derivative numerically …"); the closing section reads it
/// as "You can now estimate a derivative numerically …". A plain string literal is an objective
/// without questions (a test requires every lecture's objectives to name at least one).
public struct Objective: Sendable, Equatable, ExpressibleByStringLiteral {
  /// The objective, an imperative sentence.
  public let text: String
  /// Ids of the questions in the lecture's bank that check it.
  public let quiz: [String]

  /// An objective checked by the questions `quiz`.
  public init(_ text: String, quiz: [String]) {
    self.text = text
    self.quiz = quiz
  }

  /// An objective with no questions yet.
  public init(stringLiteral text: String) { self.init(text, quiz: []) }
}

/// A piece of engine source shown on the study page under "The code behind this lecture",
/// extracted from the file when the page is written, so it is the code that ran.
public struct CodeExcerpt: Sendable, Equatable {
  /// A heading for the excerpt (`Value: a number that remembers its graph`).
  public let title: String
  /// Markdown shown above the code: what to look for in it.
  public let prose: String
  /// The source file, repo-relative (`Sources/Micrograd/Value.swift`).
  public let file: String
  /// Declarations to show, each found by the start of its first line (`public final class Value`,
  /// `public func backward(`), with its doc comment and its body up to the matching brace. Empty
  /// means the whole file after its imports.
  public let declarations: [String]

  /// An excerpt of `file`: the given declarations, or the whole file when none are given.
  public init(_ title: String, file: String, declarations: [String] = [], prose: String = "") {
    self.title = title
    self.file = file
    self.declarations = declarations
    self.prose = prose
  }
}

/// Where the series goes next, for the closing section of a page.
public struct NextLecture: Sendable, Equatable {
  /// The next lecture's number.
  public let number: Int
  /// Its title.
  public let title: String
  /// Its study page's file name (`Lecture02-Bigram.md`), linked from the closing section.
  public let page: String
  /// Markdown: how this lecture's ideas carry over and what is new there.
  public let bridge: String

  /// A bridge to lecture `number`.
  public init(number: Int, title: String, page: String, bridge: String) {
    self.number = number
    self.title = title
    self.page = page
    self.bridge = bridge
  }
}
