import Foundation
import ZeroToHero

// Workbook: the series as a whole.
//   swift run Workbook list               lectures, one line each, with their commands
//   swift run Workbook quiz [LECTURE]     review the recall questions that are due (spaced repetition)
//   swift run Workbook report --all       regenerate every study page by running the lectures

let usage = """
  usage: swift run Workbook <command>

  commands:
    list                  the lectures with one-line summaries and how to run them
    quiz [LECTURE] [--all]
                          review the recall questions that are due today (Leitner boxes);
                          LECTURE (a number or name) limits it to one lecture, --all asks every question
    report --all [--fast] regenerate every study page under Reports/ by running the built lectures,
                          then the index Reports/README.md
    report LECTURE        regenerate one lecture's page (and the index)
    report --check        regenerate every page into a temporary folder with the committed settings
                          and list the pages that differ from Reports/ (exit 1 when any does)
    report --index        rewrite Reports/README.md from the pages present
    help                  this text

  Quiz progress is kept in ~/.zero-to-hero/quiz-state.json ($ZERO_TO_HERO_STATE overrides).
  Exit status: 0 ok, 1 runtime failure, 2 usage error.
  """

let console = Console(color: Console.colorAllowed())

func fail(_ message: String, status: Int32) -> Never {
  console.err("error: \(message)\n" + (status == 2 ? "Run `swift run Workbook help` for usage.\n" : ""))
  exit(status)
}

func listLectures() {
  for lecture in Curriculum.lectures {
    console.out(console.styled("\(lecture.paddedNumber)  \(lecture.title)", .bold) + "\n")
    if !lecture.summary.isEmpty { console.out(TextLayout.wrapProse(lecture.summary, width: 88, indent: "    ") + "\n") }
    console.out("    swift run \(lecture.executable)   ·   Reports/\(lecture.reportFileName)   ·   \(lecture.questions.count) quiz questions\n\n")
  }
}

func quiz(_ arguments: [String]) {
  var everything = false
  var chosen: LectureInfo?
  for arg in arguments {
    if arg == "--all" { everything = true; continue }
    if arg.hasPrefix("-") { fail("unknown flag '\(arg)' for quiz", status: 2) }
    guard let lecture = Curriculum.lecture(named: arg) else { fail("no lecture named '\(arg)'", status: 2) }
    chosen = lecture
  }
  let progress = QuizProgress(warn: { console.err($0 + "\n") })
  let pool = Curriculum.allQuestions.filter { chosen == nil || $0.lecture.id == chosen?.id }
  let due = everything ? pool : pool.filter { progress.isDue($0.question) }
  if due.isEmpty {
    let next = pool.compactMap { progress.schedule.cards[$0.question.id]?.due }.min()
    console.out("Nothing is due today." + (next.map { " Next review in \($0 - progress.day) day(s)." } ?? "") + "\n")
    return
  }
  progress.sayAnswersAreKeptOnInterrupt()
  let session = QuizSession(onAnswer: progress.record, color: console.color)
  let scope = chosen.map { "Lecture \($0.number)" } ?? "all lectures"
  _ = session.run(due.map(\.question), title: everything ? "Quiz, \(scope)" : "Review due today, \(scope)")
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { console.err("error: Workbook needs a command\n" + usage + "\n"); exit(2) }
arguments.removeFirst()
switch command {
case "list":
  if let extra = arguments.first { fail("list takes no arguments, got '\(extra)'", status: 2) }
  listLectures()
case "quiz": quiz(arguments)
case "report": report(arguments)
case "help", "--help", "-h": console.out(usage + "\n")
default: fail("unknown command '\(command)'", status: 2)
}
