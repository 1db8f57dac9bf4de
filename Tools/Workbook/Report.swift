import Foundation
import ZeroToHero

// `Workbook report`: regenerate study pages by running the lectures, check the committed ones,
// and write the reports index.

/// The folder holding the built executables (this program's own folder).
func buildFolder() -> URL {
  URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
}

/// The checkout's `Reports/` folder: found upwards from the working directory.
func reportsFolder() -> URL {
  var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
  while url.path != "/" {
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
      return url.appendingPathComponent("Reports")
    }
    url.deleteLastPathComponent()
  }
  return URL(fileURLWithPath: "Reports")
}

func report(_ arguments: [String]) {
  var all = false, fast = false, check = false, indexOnly = false
  var chosen: [LectureInfo] = []
  for arg in arguments {
    switch arg {
    case "--all": all = true
    case "--fast": fast = true
    case "--check": check = true
    case "--index": indexOnly = true
    default:
      if arg.hasPrefix("-") { fail("unknown flag '\(arg)' for report", status: 2) }
      guard let lecture = Curriculum.lecture(named: arg) else { fail("no lecture named '\(arg)'", status: 2) }
      chosen.append(lecture)
    }
  }
  let reports = reportsFolder()
  if indexOnly {
    writeIndex(in: reports)
    return
  }
  if check {
    if fast { fail("--check uses the committed settings; it cannot be combined with --fast", status: 2) }
    checkPages(chosen.isEmpty ? Curriculum.lectures : chosen, against: reports)
    return
  }
  if all { chosen = Curriculum.lectures }
  if chosen.isEmpty { fail("report needs --all, --check, --index or a lecture name", status: 2) }
  for lecture in chosen {
    runLecture(lecture, flags: (fast ? ["--fast"] : lecture.reportArguments) + ["--report", reports.path])
  }
  writeIndex(in: reports)
}

/// Builds the lectures whose executables are missing next to this one.
func ensureBuilt(_ lectures: [LectureInfo]) {
  let folder = buildFolder()
  let missing = lectures.filter { !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent($0.executable).path) }
  guard !missing.isEmpty else { return }
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

/// Runs one lecture with `flags` (plus `--quiet --no-color`), stopping on failure.
func runLecture(_ lecture: LectureInfo, flags: [String]) {
  ensureBuilt([lecture])
  let all = flags + ["--quiet", "--no-color"]
  console.out(console.styled("\(lecture.executable) \(all.joined(separator: " "))", .bold) + "\n")
  let process = Process()
  process.executableURL = buildFolder().appendingPathComponent(lecture.executable)
  process.arguments = all
  process.standardOutput = FileHandle.nullDevice
  let start = Date()
  do { try process.run() } catch { fail("could not run \(lecture.executable): \(error.localizedDescription)", status: 1) }
  process.waitUntilExit()
  if process.terminationStatus != 0 { fail("\(lecture.executable) exited with status \(process.terminationStatus)", status: 1) }
  console.out(String(format: "  done in %.1f s\n", Date().timeIntervalSince(start)))
}

/// Regenerates each lecture's page with its committed settings into a temporary folder and lists
/// the files (page and figures) that differ from the committed ones. Exits 1 when any differs.
func checkPages(_ lectures: [LectureInfo], against reports: URL) {
  let fm = FileManager.default
  let temp = fm.temporaryDirectory.appendingPathComponent("zth-report-check-\(ProcessInfo.processInfo.processIdentifier)")
  defer { try? fm.removeItem(at: temp) }
  var stale: [String] = []
  for lecture in lectures {
    let folder = temp.appendingPathComponent(lecture.executable)
    runLecture(lecture, flags: lecture.reportArguments + ["--report", folder.path])
    let files = (fm.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.contains(".") }.sorted()
    for file in files {
      let fresh = try? Data(contentsOf: folder.appendingPathComponent(file))
      let committed = try? Data(contentsOf: reports.appendingPathComponent(file))
      if fresh != committed { stale.append(committed == nil ? "\(file) (not committed)" : file) }
    }
    // Committed figures of this lecture that the lecture no longer makes.
    let figures = "figures/Lecture\(lecture.paddedNumber)"
    let committedFigures = (try? fm.contentsOfDirectory(atPath: reports.appendingPathComponent(figures).path)) ?? []
    for name in committedFigures.sorted() where !files.contains("\(figures)/\(name)") {
      stale.append("\(figures)/\(name) (no longer generated)")
    }
  }
  if stale.isEmpty {
    console.out("All \(lectures.count) page(s) match what the lectures generate.\n")
    return
  }
  console.out("These files differ from what the lectures generate now (regenerate with `swift run Workbook report LECTURE`):\n")
  for file in stale { console.out("  \(file)\n") }
  exit(1)
}

/// `Reports/README.md`: one row per lecture with its headline numbers (the page's "In brief" line).
func writeIndex(in directory: URL) {
  var md = "# Study pages\n\n"
  md += "One page per lecture, generated by running the lecture with `--report` (all at once: `swift run Workbook report --all`; "
  md += "`swift run Workbook report --check` lists pages that are out of date). "
  md += "Each page shows every cell's prose, the Swift code that ran, what it printed, its figures, exercises with folded solutions, "
  md += "a recall quiz, and what you can do afterwards.\n\n"
  var rows: [[String]] = []
  for lecture in Curriculum.lectures {
    let url = directory.appendingPathComponent(lecture.reportFileName)
    guard let page = try? String(contentsOf: url, encoding: .utf8) else {
      rows.append(["\(lecture.number)", Markdown.escape(lecture.title), "`swift run \(lecture.executable) --report`", "not generated yet"])
      continue
    }
    rows.append(["\(lecture.number)", "[\(Markdown.escape(lecture.title))](\(lecture.reportFileName))",
                 "`swift run \(lecture.executable)`", headlines(page)])
  }
  md += Markdown.table(headers: ["#", "lecture", "run it", "headline numbers"], rows: rows) + "\n"
  do {
    try Data(md.utf8).write(to: directory.appendingPathComponent("README.md"), options: .atomic)
    console.out("Index written to \(directory.appendingPathComponent("README.md").path)\n")
  } catch {
    fail("could not write the reports index: \(error.localizedDescription)", status: 1)
  }
}

/// The page's headline numbers, from its "In brief" line, joined by `<br>`.
func headlines(_ page: String) -> String {
  let prefix = "**In brief:** "
  guard let line = page.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return "" }
  return line.dropFirst(prefix.count).components(separatedBy: " · ").joined(separator: "<br>")
}
