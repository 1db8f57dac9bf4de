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
    report --all [--fast] regenerate every study page under Reports/ by running the built lectures
    report LECTURE        regenerate one lecture's page
    tokenize [--gpt2 | --gpt4 | --model FILE] [TEXT | --file FILE]
                          show how a tokenizer cuts text: coloured tokens and their ids
    help                  this text

  Quiz progress is kept in ~/.zero-to-hero/quiz-state.json ($ZERO_TO_HERO_STATE overrides).
  Exit status: 0 ok, 1 runtime failure, 2 usage error.
  """

let console = Console(color: Console.isTerminal(1) && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)

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
  let url = ReviewSchedule.defaultURL()
  var schedule = ReviewSchedule.load(from: url) { console.err($0 + "\n") }
  let today = ReviewSchedule.today()
  let pool = Curriculum.allQuestions.filter { chosen == nil || $0.lecture.id == chosen?.id }
  let due = everything ? pool : pool.filter { schedule.isDue($0.question.id, day: today) }
  if due.isEmpty {
    let next = pool.compactMap { schedule.cards[$0.question.id]?.due }.min()
    console.out("Nothing is due today." + (next.map { " Next review in \($0 - today) day(s)." } ?? "") + "\n")
    return
  }
  let session = QuizSession(onAnswer: { question, correct in
    schedule.record(question.id, correct: correct, day: today)
    do { try schedule.save(to: url) } catch {
      console.err("warning: could not save quiz progress to \(url.path): \(error.localizedDescription)\n")
    }
  })
  _ = session.run(due.map(\.question), title: "Review: \(due.count) question\(due.count == 1 ? "" : "s") due")
}

/// The folder holding the built executables (this program's own folder).
func buildFolder() -> URL {
  URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
}

func report(_ arguments: [String]) {
  var all = false, fast = false
  var chosen: [LectureInfo] = []
  for arg in arguments {
    switch arg {
    case "--all": all = true
    case "--fast": fast = true
    default:
      if arg.hasPrefix("-") { fail("unknown flag '\(arg)' for report", status: 2) }
      guard let lecture = Curriculum.lecture(named: arg) else { fail("no lecture named '\(arg)'", status: 2) }
      chosen.append(lecture)
    }
  }
  if all { chosen = Curriculum.lectures }
  if chosen.isEmpty { fail("report needs --all or a lecture name", status: 2) }
  let folder = buildFolder()
  let missing = chosen.filter { !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent($0.executable).path) }
  if !missing.isEmpty {
    console.out("Building \(missing.map(\.executable).joined(separator: ", ")) …\n")
    let configuration = folder.lastPathComponent == "release" ? "release" : "debug"
    for lecture in missing {
      let build = Process()
      build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      build.arguments = ["swift", "build", "-c", configuration, "--product", lecture.executable]
      do { try build.run() } catch { fail("could not start `swift build`: \(error.localizedDescription)", status: 1) }
      build.waitUntilExit()
      if build.terminationStatus != 0 { fail("`swift build --product \(lecture.executable)` failed", status: 1) }
    }
  }
  for lecture in chosen {
    let flags = (fast ? ["--fast"] : lecture.reportArguments) + ["--report", "--quiet", "--no-color"]
    console.out(console.styled("\(lecture.executable) \(flags.joined(separator: " "))", .bold) + "\n")
    let process = Process()
    process.executableURL = folder.appendingPathComponent(lecture.executable)
    process.arguments = flags
    let start = Date()
    do { try process.run() } catch { fail("could not run \(lecture.executable): \(error.localizedDescription)", status: 1) }
    process.waitUntilExit()
    if process.terminationStatus != 0 { fail("\(lecture.executable) exited with status \(process.terminationStatus)", status: 1) }
    console.out(String(format: "  done in %.1f s\n", Date().timeIntervalSince(start)))
  }
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { console.out(usage + "\n"); exit(0) }
arguments.removeFirst()
switch command {
case "list":
  if let extra = arguments.first { fail("list takes no arguments, got '\(extra)'", status: 2) }
  listLectures()
case "quiz": quiz(arguments)
case "report": report(arguments)
case "tokenize": tokenize(arguments)
case "help", "--help", "-h": console.out(usage + "\n")
default: fail("unknown command '\(command)'", status: 2)
}
