import Foundation
import Quiz
import Report

/// Writes a lecture's study page (`Reports/LectureNN-Name.md`) and its SVG figures
/// (`Reports/figures/LectureNN/`, swapped in atomically with the page). The reports index is
/// written by `swift run Workbook report`.
///
/// Same seed, same page: nothing time- or machine-dependent goes into the files, so
/// re-generating a page gives a clean diff.
struct StudyPageWriter {
  let lecture: LectureInfo
  let options: RunOptions
  /// The lecture's knobs with this run's values.
  let knobs: [KnobInfo]
  /// The folder the page goes to.
  let directory: URL
  /// The checkout root (for links to sources and tests).
  let packageRoot: URL
  /// Stages figures and the page, and swaps them in at the end (see `AtomicReportWriter`).
  let atomic: AtomicReportWriter

  init(lecture: LectureInfo, options: RunOptions, knobs: [KnobInfo] = [], sourceFile: String?) throws {
    self.lecture = lecture
    self.options = options
    self.knobs = knobs
    let root = StudyPageWriter.findPackageRoot(sourceFile: sourceFile)
    packageRoot = root
    if let dir = options.reportDirectory {
      directory = URL(fileURLWithPath: dir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    } else {
      directory = root.appendingPathComponent("Reports")
    }
    atomic = try AtomicReportWriter(directory: directory, pageName: lecture.reportFileName,
                                    figuresName: "Lecture\(lecture.paddedNumber)")
  }

  /// The checkout root: two folders above the lecture's `main.swift` when that file exists,
  /// else the first folder upwards from the working directory holding Package.swift.
  static func findPackageRoot(sourceFile: String?) -> URL {
    let fm = FileManager.default
    if let file = sourceFile {
      let root = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      if fm.fileExists(atPath: root.appendingPathComponent("Package.swift").path) { return root }
    }
    var url = URL(fileURLWithPath: fm.currentDirectoryPath).standardizedFileURL
    while url.path != "/" {
      if fm.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
      url.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: fm.currentDirectoryPath)
  }

  /// Writes `figure` as SVG and returns its path relative to the page.
  func writeFigure(_ figure: any Figure, name: String) -> String? {
    let (url, file) = atomic.figure("\(name).svg")
    do {
      try AtomicFile.write(figure.svg(), to: url)
      return file
    } catch {
      FileHandle.standardError.write(Data("warning: could not write \(url.path): \(error.localizedDescription)\n".utf8))
      return nil
    }
  }

  /// Writes the page; returns its path.
  func writePage(_ records: [CellRecord]) throws -> String {
    let page = render(records)
    let url = try atomic.commit(page: page)
    return url.path
  }

  /// A path from the page's folder to a repo-relative path.
  ///
  /// Links are written as seen from the checkout's `Reports/` folder, where pages are committed,
  /// wherever this copy is written: a page generated into a temporary folder (`Workbook report
  /// --check`) is then byte-identical to the committed one.
  func link(_ repoPath: String) -> String {
    let target = packageRoot.appendingPathComponent(repoPath).standardizedFileURL.pathComponents
    let from = packageRoot.appendingPathComponent("Reports").standardizedFileURL.pathComponents
    var common = 0
    while common < min(target.count, from.count) && target[common] == from[common] { common += 1 }
    let ups = Array(repeating: "..", count: from.count - common)
    return (ups + target[common...]).joined(separator: "/")
  }

  func render(_ records: [CellRecord]) -> String {
    PageRenderer(writer: self, records: records).render()
  }

  /// A Markdown table whose numeric columns are right-aligned.
  static func table(_ headers: [String], _ rows: [[String]]) -> String {
    let columns = max(headers.count, rows.map(\.count).max() ?? 0)
    let alignments: [Markdown.Alignment] = (0..<columns).map { i in
      !rows.isEmpty && rows.allSatisfy { i >= $0.count || $0[i].isEmpty || TextLayout.looksNumeric($0[i]) } ? .right : .left
    }
    return Markdown.table(headers: headers, rows: rows, alignments: alignments) + "\n"
  }

  func render(_ block: CellBlock) -> String {
    switch block {
    case let .output(text):
      return Markdown.codeBlock(text.trimmingCharacters(in: .newlines), language: "text") + "\n\n"
    case let .trace(text):
      return Markdown.details(summary: "Step traces (--verbose)",
                              body: Markdown.codeBlock(text.trimmingCharacters(in: .newlines), language: "text")) + "\n\n"
    case let .why(text):
      return Markdown.details(summary: "Why?", body: text.trimmingCharacters(in: .whitespacesAndNewlines)) + "\n\n"
    case let .think(text, answer):
      return text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n", omittingEmptySubsequences: false)
        .enumerated().map { $0.offset == 0 ? "> **Pause and think.** \($0.element)" : "> \($0.element)" }
        .joined(separator: "\n") + "\n\n"
        + Markdown.details(summary: "Answer", body: answer.trimmingCharacters(in: .whitespacesAndNewlines)) + "\n\n"
    case let .markdown(text):
      return text.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n"
    case let .table(headers, rows):
      return StudyPageWriter.table(headers, rows) + "\n"
    case let .figure(title, file):
      return Markdown.image(alt: title, path: file) + "\n\n"
    case let .mermaid(source):
      return Markdown.codeBlock(source.trimmingCharacters(in: .newlines), language: "mermaid") + "\n\n"
    }
  }
}
