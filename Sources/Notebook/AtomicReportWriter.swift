import Foundation
import Report

/// A study page cannot be written where `--report` points: what, why and what to do, in words.
public struct ReportLocationError: Error, CustomStringConvertible, Sendable {
  /// The complete message, without an `error:` prefix.
  public let message: String
  /// Creates an error with the message shown to the learner.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Writes a lecture's study page and figures so that an interrupted run changes nothing.
///
/// Each lecture owns one figures folder, `figures/LectureNN/`. A run writes its figures into a
/// hidden staging folder beside it (`figures/.LectureNN.new-PID`); at the end the page is written
/// to a temporary file, then, with Ctrl-C and SIGTERM held off, the staging folder is swapped in
/// with one rename (an atomic exchange where the system has one) and the page is renamed last.
/// Until that moment the committed page and its figures are untouched; Ctrl-C or SIGTERM during
/// the run removes the staging folder and exits (130 / 143), leaving the tree as it was.
///
/// The folder is checked before the first cell runs, so a read-only or missing location fails in
/// a second with a plain message instead of after the whole lecture.
final class AtomicReportWriter: @unchecked Sendable {
  /// The folder the page goes to (`Reports/`).
  let directory: URL
  /// The page's file name (`Lecture03-MLP.md`).
  let pageName: String
  /// The figures folder's name under `figures/` (`Lecture03`).
  let figuresName: String
  /// Where this run's figures go until the swap.
  let staging: URL
  private let lock = NSLock()
  private var finished = false
  private var signalSources: [DispatchSourceSignal] = []

  /// The committed figures folder, `directory/figures/LectureNN`.
  var figuresFolder: URL { directory.appendingPathComponent("figures").appendingPathComponent(figuresName) }

  /// Prepares a run: checks that `directory` can be written (creating it if needed), clears
  /// leftovers of runs that were killed outright, creates the staging folder, and arranges for
  /// Ctrl-C / SIGTERM to remove it.
  ///
  /// - Throws: `ReportLocationError` saying what could not be written, why, and what to do.
  init(directory: URL, pageName: String, figuresName: String) throws {
    self.directory = directory
    self.pageName = pageName
    self.figuresName = figuresName
    let figures = directory.appendingPathComponent("figures")
    staging = figures.appendingPathComponent(".\(figuresName).new-\(getpid())")
    try AtomicReportWriter.makeFolder(directory, shownAs: directory.path)
    try AtomicReportWriter.makeFolder(figures, shownAs: directory.path)
    // Leftovers of a run killed with SIGKILL (or a crash) are removed.
    if let names = try? FileManager.default.contentsOfDirectory(atPath: figures.path) {
      for name in names where name.hasPrefix(".\(figuresName).new-") || name.hasPrefix(".\(figuresName).old-") {
        try? FileManager.default.removeItem(at: figures.appendingPathComponent(name))
      }
    }
    if let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) {
      for name in names where name.hasPrefix(".\(pageName).new-") {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
      }
    }
    try AtomicReportWriter.makeFolder(staging, shownAs: directory.path)
    if access(directory.path, W_OK) != 0 {
      let code = errno
      try? FileManager.default.removeItem(at: staging)
      throw ReportLocationError(Self.advice(directory.path, errno: code))
    }
    installInterruptHandlers()
  }

  /// The file for figure `name` (e.g. `loss-curve.svg`) while the run is going, and its path
  /// relative to the page once committed.
  func figure(_ name: String) -> (url: URL, pagePath: String) {
    (staging.appendingPathComponent(name), "figures/\(figuresName)/\(name)")
  }

  /// Puts the run's figures and `page` in place: page written to a temporary file, figures
  /// folder swapped in with one rename, page renamed last; flat figure files of older layouts
  /// (`figures/LectureNN-*.svg`) are removed afterwards. Returns the page's URL.
  func commit(page: String) throws -> URL {
    let target = directory.appendingPathComponent(pageName)
    let temporary = directory.appendingPathComponent(".\(pageName).new-\(getpid())")
    do {
      try AtomicFile.write(page, to: temporary)
    } catch {
      abandon()
      throw ReportLocationError("could not write the study page: \(error)")
    }
    lock.lock()
    defer { lock.unlock() }
    let blocked = AtomicReportWriter.blockInterrupts()
    defer { AtomicReportWriter.restoreInterrupts(blocked) }
    let committed = figuresFolder
    do {
      if FileManager.default.fileExists(atPath: committed.path) {
        if AtomicReportWriter.exchange(staging.path, committed.path) {
          try? FileManager.default.removeItem(at: staging)  // now holds the old figures
        } else {
          let aside = committed.deletingLastPathComponent().appendingPathComponent(".\(figuresName).old-\(getpid())")
          try AtomicReportWriter.move(committed, aside)
          try AtomicReportWriter.move(staging, committed)
          try? FileManager.default.removeItem(at: aside)
        }
      } else {
        try AtomicReportWriter.move(staging, committed)
      }
      try AtomicReportWriter.move(temporary, target)
    } catch {
      unlink(temporary.path)
      try? FileManager.default.removeItem(at: staging)
      finished = true
      throw error
    }
    finished = true
    releaseInterruptHandlers()
    // The flat layout of earlier versions: figures/LectureNN-name.svg beside the page.
    let figures = directory.appendingPathComponent("figures")
    if let names = try? FileManager.default.contentsOfDirectory(atPath: figures.path) {
      for name in names where name.hasPrefix("\(figuresName)-") && name.hasSuffix(".svg") {
        try? FileManager.default.removeItem(at: figures.appendingPathComponent(name))
      }
    }
    return target
  }

  /// Removes the staging folder (the run failed): the committed page and figures stay as they were.
  func abandon() {
    lock.lock()
    defer { lock.unlock() }
    guard !finished else { return }
    finished = true
    try? FileManager.default.removeItem(at: staging)
    releaseInterruptHandlers()
  }

  /// Once the page is committed (or abandoned) the handlers go; a later quiz installs its own.
  private func releaseInterruptHandlers() {
    for source in signalSources { source.cancel() }
    signalSources.removeAll()
  }

  // MARK: - Signals

  /// Ctrl-C (SIGINT) and SIGTERM remove the staging folder, say that nothing was changed, and
  /// end the process with the shell's usual status (130, 143). While `commit` runs they wait.
  private func installInterruptHandlers() {
    for (signalNumber, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
      #if canImport(Darwin)
      signal(signalNumber, SIG_IGN)  // kqueue observes signals beside their handler; Linux's libdispatch installs its own
      #endif
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler { [self] in
        let wasFinished: Bool = lock.withLock {
          let was = finished
          if !was {
            finished = true
            try? FileManager.default.removeItem(at: staging)
          }
          return was
        }
        let note = wasFinished ? "" : "; the study page and figures in \(directory.path) were left as they were"
        FileHandle.standardError.write(Data("\ninterrupted\(note)\n".utf8))
        exit(status)
      }
      source.resume()
      signalSources.append(source)
    }
  }

  private static func blockInterrupts() -> sigset_t {
    var set = sigset_t(), old = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &set, &old)
    return old
  }

  private static func restoreInterrupts(_ old: sigset_t) {
    var old = old
    pthread_sigmask(SIG_SETMASK, &old, nil)
  }

  // MARK: - File system steps

  /// Swaps two paths in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`, macOS
  /// `renamex_np(RENAME_SWAP)`); false where the system has no such call.
  static func exchange(_ a: String, _ b: String) -> Bool {
    #if os(Linux)
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
    let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
    let renameExchange: UInt32 = 2
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    #elseif canImport(Darwin)
    return renamex_np(a, b, UInt32(RENAME_SWAP)) == 0
    #else
    return false
    #endif
  }

  private static func move(_ from: URL, _ to: URL) throws {
    if rename(from.path, to.path) != 0 {
      throw ReportLocationError("could not move \(from.path) to \(to.path): \(String(cString: strerror(errno)))")
    }
  }

  /// Creates `folder` and its parents, turning a failure into a message about `shownAs`.
  static func makeFolder(_ folder: URL, shownAs: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
      if !isDirectory.boolValue {
        throw ReportLocationError("cannot write the study page to \(shownAs): \(folder.path) is a file, not a folder. "
                                  + "Pass --report with a folder (it is created if missing), or --report alone for Reports/ in the checkout.")
      }
      return
    }
    var path = ""
    for component in folder.standardizedFileURL.pathComponents where component != "/" {
      path += "/" + component
      if mkdir(path, 0o755) != 0 && errno != EEXIST {
        throw ReportLocationError(advice(shownAs, errno: errno, creating: path == folder.path && folder.lastPathComponent.hasPrefix(".") ? nil : path))
      }
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
        throw ReportLocationError("cannot write the study page to \(shownAs): \(path) is a file, not a folder. "
                                  + "Pass --report with a folder (it is created if missing), or --report alone for Reports/ in the checkout.")
      }
    }
  }

  /// What went wrong and what to do, for `errno`.
  static func advice(_ shownAs: String, errno code: Int32, creating: String? = nil) -> String {
    let reason = String(cString: strerror(code))
    let todo: String
    switch code {
    case EACCES, EPERM:
      todo = "Make the folder writable (chmod u+w), or pass --report with a folder you can write to."
    case EROFS:
      todo = "That file system is read-only: pass --report with a folder on a writable disk."
    case ENOSPC, EDQUOT:
      todo = "The disk is full: free some space or pass --report with a folder on another disk."
    default:
      todo = "Pass --report with a folder you can write to (it is created if missing)."
    }
    let why = creating.map { "could not create the folder \($0) (\(reason))" } ?? reason
    return "cannot write the study page to \(shownAs): \(why). \(todo)"
  }
}
