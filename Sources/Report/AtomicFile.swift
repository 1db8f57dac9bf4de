import Foundation

/// Writes files so that a reader (or a later run) sees either the old contents or the new ones,
/// never half a file: the bytes go to a temporary file in the same folder, are flushed to disk,
/// and a single `rename` puts them in place. A run stopped by Ctrl-C or SIGTERM at any moment
/// leaves at most a stray `.tmp-*` file, never a truncated target.
public enum AtomicFile {
  /// Writes `data` to `url` atomically (temporary file beside it, `fsync`, `rename`).
  ///
  /// - Throws: `AtomicFile.Failure`, whose message says what could not be written and why.
  public static func write(_ data: Data, to url: URL) throws {
    let folder = url.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd < 0 { throw Failure(path: url.path, errno: errno) }
    var written = 0
    let ok: Bool = data.withUnsafeBytes { buffer in
      while written < buffer.count {
        let n = Foundation.write(fd, buffer.baseAddress! + written, buffer.count - written)
        if n < 0 { if errno == EINTR { continue }; return false }
        written += n
      }
      return true
    }
    let writeErrno = errno
    if !ok || fsync(fd) != 0 {
      let code = ok ? errno : writeErrno
      close(fd)
      unlink(temporary.path)
      throw Failure(path: url.path, errno: code)
    }
    close(fd)
    if rename(temporary.path, url.path) != 0 {
      let code = errno
      unlink(temporary.path)
      throw Failure(path: url.path, errno: code)
    }
  }

  /// Writes `text` as UTF-8 to `url` atomically.
  public static func write(_ text: String, to url: URL) throws {
    try write(Data(text.utf8), to: url)
  }

  /// A file could not be written: the path and the operating system's reason, in words.
  public struct Failure: Error, CustomStringConvertible, Sendable {
    /// The file that could not be written.
    public let path: String
    /// The `errno` value.
    public let code: Int32
    /// Creates a failure for `path` with `errno`.
    public init(path: String, errno: Int32) {
      self.path = path
      self.code = errno
    }
    /// The reason in plain words (`strerror`), e.g. "Permission denied".
    public var reason: String { String(cString: strerror(code)) }
    public var description: String { "could not write \(path): \(reason)" }
  }
}
