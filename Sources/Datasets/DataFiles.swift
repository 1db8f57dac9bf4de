import Foundation

/// A data file could not be found, read or understood.
///
/// The message is one line a learner can act on: what was looked for, where, and how to fix it.
public struct DataFileError: Error, CustomStringConvertible, Sendable {
  /// The complete message, without an `error:` prefix.
  public let message: String
  /// Creates an error with the message shown to the learner.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Finds and reads the workbook's data files (`names.txt`, `tinyshakespeare.txt`).
///
/// A learner may run a lecture from anywhere inside the checkout, from the built binary in
/// `.build/`, or with `--data DIR`; this tries those places in a fixed order and names every
/// folder it tried when the file is missing.
public enum DataFiles {
  /// The folders searched for `name`, in order: `dataDirectory` (from `--data`) alone when given;
  /// otherwise the working directory and its parents, the executable's folder and its parents,
  /// and the checkout this program was built from.
  public static func searchFolders(dataDirectory: String?, workingDirectory: String = FileManager.default.currentDirectoryPath,
                                   executable: String = CommandLine.arguments.first ?? "",
                                   sourceCheckout: String = #filePath) -> [URL] {
    if let dir = dataDirectory {
      return [URL(fileURLWithPath: dir, relativeTo: URL(fileURLWithPath: workingDirectory)).standardizedFileURL]
    }
    var folders: [URL] = []
    func addWithParents(_ start: URL) {
      var url = start.standardizedFileURL
      while true {
        if !folders.contains(url) { folders.append(url) }
        let parent = url.deletingLastPathComponent().standardizedFileURL
        if parent.path == url.path { break }
        url = parent
      }
    }
    addWithParents(URL(fileURLWithPath: workingDirectory))
    if !executable.isEmpty {
      let exe = URL(fileURLWithPath: executable, relativeTo: URL(fileURLWithPath: workingDirectory))
      addWithParents(exe.deletingLastPathComponent())
    }
    // Sources/Datasets/DataFiles.swift → the checkout root.
    let root = checkoutRoot(sourceCheckout)
    if !folders.contains(root) { folders.append(root) }
    return folders
  }

  /// The URL of data file `name`, or a `DataFileError` naming the places tried.
  public static func locate(_ name: String, dataDirectory: String? = nil) throws -> URL {
    let folders = searchFolders(dataDirectory: dataDirectory)
    for folder in folders {
      let url = folder.appendingPathComponent(name)
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
        return url
      }
    }
    if dataDirectory != nil {
      let tried = folders[0].appendingPathComponent(name).path
      throw DataFileError("\(name) not found at \(tried): pass --data with the folder that holds \(name) (the repository root has it)")
    }
    throw DataFileError(notFoundMessage(name, folders: folders))
  }

  /// The message for a data file found in none of `folders`: every folder tried, in order, and
  /// the `--data` fix (naming the checkout this program was built from when it still exists).
  static func notFoundMessage(_ name: String, folders: [URL], sourceCheckout: String = #filePath) -> String {
    let checkout = checkoutRoot(sourceCheckout)
    var message = "\(name) not found. Folders tried, in order:\n"
    message += folders.map { "  \($0.path)" + ($0.path == checkout.path ? "   (the checkout this program was built from)" : "") }
      .joined(separator: "\n")
    message += "\nFix: run from inside the checkout, or pass --data with the folder that holds \(name)"
    message += ", e.g. --data /path/to/zero-to-hero (the repository root has \(name))."
    return message
  }

  /// The checkout root, from this file's path (`Sources/Datasets/DataFiles.swift`).
  static func checkoutRoot(_ sourceCheckout: String = #filePath) -> URL {
    URL(fileURLWithPath: sourceCheckout).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().standardizedFileURL
  }

  /// The contents of data file `name` as text: must be readable, valid UTF-8 and not empty.
  public static func readText(_ name: String, dataDirectory: String? = nil) throws -> String {
    let url = try locate(name, dataDirectory: dataDirectory)
    let fromCheckout = dataDirectory == nil && url.deletingLastPathComponent().standardizedFileURL.path == checkoutRoot().path
    return try readText(at: url, fromCheckout: fromCheckout)
  }

  /// The contents of the file at `url` as text: must be readable, valid UTF-8 and not empty.
  /// `fromCheckout` (the file is the repository's own copy) makes the advice for a damaged file
  /// `git checkout -- name`; a learner's own file gets advice about their file instead.
  public static func readText(at url: URL, fromCheckout: Bool = false) throws -> String {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw DataFileError("cannot read \(url.path): \((error as NSError).localizedDescription); check the file's permissions")
    }
    let restore = fromCheckout
      ? "restore the repository's copy with `git checkout -- \(url.lastPathComponent)`"
      : "put text in it (save it as UTF-8), or point --data at another folder"
    guard let text = String(data: data, encoding: .utf8) else {
      throw DataFileError("\(url.path) is not valid UTF-8 text: \(restore)")
    }
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw DataFileError("\(url.path) is empty: \(restore)")
    }
    return text
  }
}
