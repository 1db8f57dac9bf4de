import Foundation

/// Saving and loading trained tokenizers in minbpe's text format.
///
/// `NAME.model` (read back by `load`, and by minbpe's `Tokenizer.load`):
///
///     minbpe v1                      the format and its version
///     <split regex>                  empty for the basic tokenizer
///     <number of special tokens>
///     <special> <id>                 one line per special token
///     <left> <right>                 one line per merge, in order; merge i makes token 256 + i
///
/// `NAME.vocab` (for people, never read back): one line per token, `[bytes] -> id` for the 256
/// bytes and `[left][right] -> [merged] id` for merges, bytes shown as text with control
/// characters escaped (minbpe's `render_token`).
extension BytePairTokenizer {
  /// The first line of a `.model` file.
  public static let modelHeader = "minbpe v1"

  /// The `.model` file's text.
  public func modelText() throws -> String {
    guard wholeTokens == nil else {
      throw TokenizerError.invalidArgument("a tiktoken vocabulary is saved as its .tiktoken file, not as a .model")
    }
    var lines = [BytePairTokenizer.modelHeader, pattern.regex, String(specialTokens.count)]
    for (name, id) in specialTokens.sorted(by: { $0.value < $1.value }) { lines.append("\(name) \(id)") }
    for merge in merges { lines.append("\(merge.left) \(merge.right)") }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The `.vocab` file's text.
  public func vocabularyListing() -> String {
    var lines: [String] = []
    let madeBy = Dictionary(uniqueKeysWithValues: merges.map { ($0.id, $0) })
    for id in 0..<ordinaryCount {
      let shown = BytePairTokenizer.render(bytes(of: id) ?? [])
      if let merge = madeBy[id] {
        lines.append("[\(BytePairTokenizer.render(bytes(of: merge.left) ?? []))][\(BytePairTokenizer.render(bytes(of: merge.right) ?? []))] -> [\(shown)] \(id)")
      } else {
        lines.append("[\(shown)] \(id)")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A token's bytes as printable text: invalid UTF-8 → U+FFFD, control characters → `\uXXXX`.
  public static func render(_ bytes: [UInt8]) -> String {
    var out = ""
    for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
      if scalar.properties.generalCategory == .control {
        out += "\\u" + String(String(scalar.value, radix: 16).reversed()).padding(toLength: 4, withPad: "0", startingAt: 0).reversed()
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// Writes `PREFIX.model` and `PREFIX.vocab` (each atomically: a crash leaves the old file).
  public func save(prefix: String) throws {
    for (suffix, text) in [(".model", try modelText()), (".vocab", vocabularyListing())] {
      let url = URL(fileURLWithPath: prefix + suffix)
      do { try Data(text.utf8).write(to: url, options: .atomic) } catch {
        throw TokenizerError.badFile(path: url.path, line: 0, message: "cannot write: \((error as NSError).localizedDescription)")
      }
    }
  }

  /// Loads a `.model` file written by `save` (or by minbpe).
  public static func load(modelFile url: URL) throws -> BytePairTokenizer {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw TokenizerError.badFile(path: url.path, line: 0, message: "cannot read: \((error as NSError).localizedDescription)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw TokenizerError.badFile(path: url.path, line: 0, message: "not UTF-8 text (is this a .model file?)")
    }
    return try parseModel(text, path: url.path)
  }

  /// Parses the text of a `.model` file (`path` names it in errors).
  public static func parseModel(_ text: String, path: String) throws -> BytePairTokenizer {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    func fail(_ line: Int, _ message: String) -> TokenizerError { .badFile(path: path, line: line, message: message) }
    guard let header = lines.first else { throw fail(1, "empty file; expected the header \"\(modelHeader)\"") }
    guard header == modelHeader else {
      if header.hasPrefix("minbpe ") {
        throw fail(1, "unsupported version \"\(header)\"; this program reads \"\(modelHeader)\"")
      }
      throw fail(1, "expected the header \"\(modelHeader)\", found \"\(header.prefix(40))\" (is this a .model file?)")
    }
    guard lines.count >= 2 else { throw fail(2, "file ends before the split pattern line (truncated?)") }
    guard let pattern = SplitPattern(regex: lines[1]) else {
      throw fail(2, "unknown split pattern \"\(lines[1].prefix(60))\"; expected an empty line, GPT-2's or GPT-4's pattern")
    }
    guard lines.count >= 3 else { throw fail(3, "file ends before the special-token count (truncated?)") }
    guard let specialCount = Int(lines[2]), specialCount >= 0 else {
      throw fail(3, "expected the number of special tokens, found \"\(lines[2].prefix(40))\"")
    }
    var specials: [String: Int] = [:]
    for k in 0..<specialCount {
      let n = 4 + k
      guard n <= lines.count else { throw fail(n, "file ends after \(k) of \(specialCount) special tokens (truncated?)") }
      let parts = lines[n - 1].split(separator: " ")
      guard parts.count == 2, let id = Int(parts[1]), id >= 0 else {
        throw fail(n, "expected `<special-token> <id>`, found \"\(lines[n - 1].prefix(60))\"")
      }
      guard specials.updateValue(id, forKey: String(parts[0])) == nil else { throw fail(n, "special token \(parts[0]) appears twice") }
    }
    var merges: [Merge] = []
    for n in (4 + specialCount)...max(4 + specialCount, lines.count) where n <= lines.count {
      let parts = lines[n - 1].split(separator: " ", omittingEmptySubsequences: false)
      let id = 256 + merges.count
      guard parts.count == 2, let left = Int(parts[0]), let right = Int(parts[1]) else {
        throw fail(n, "expected a merge `<left-id> <right-id>`, found \"\(lines[n - 1].prefix(60))\"")
      }
      guard (0..<id).contains(left), (0..<id).contains(right) else {
        throw fail(n, "merge makes token \(id) from \(left) and \(right), but only tokens 0…\(id - 1) exist before it")
      }
      merges.append(Merge(left: left, right: right, id: id))
    }
    do {
      return try BytePairTokenizer(pattern: pattern, merges: merges, specialTokens: specials)
    } catch let error as TokenizerError {
      throw fail(0, error.description)
    }
  }
}
