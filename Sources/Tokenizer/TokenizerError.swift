import Foundation

/// Why a tokenizer could not encode, decode, load or save.
///
/// Every message is one line naming what was wrong and where (a file and line, a token id, the
/// special token found in the text), without an `error:` prefix.
public enum TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The text contains a registered special token that the call did not allow (tiktoken raises here
  /// too: silently splitting "<|endoftext|>" into ordinary tokens hides a prompt-injection bug).
  case disallowedSpecialToken(String)
  /// A token id that is neither in the vocabulary nor a special token.
  case unknownToken(Int)
  /// A `.model` or `.tiktoken` file that is malformed at `line` (1-based; 0 for the whole file).
  case badFile(path: String, line: Int, message: String)
  /// A vocabulary file whose SHA-256 is not the published one.
  case checksumMismatch(path: String, expected: String, found: String)
  /// A training request that cannot be satisfied (for example a vocabulary smaller than 256).
  case invalidArgument(String)

  public var description: String {
    switch self {
    case .disallowedSpecialToken(let token):
      return "the text contains the special token \(token), which is not allowed here; pass it in allowedSpecial to encode it as one token, or use encodeOrdinary to treat it as plain text"
    case .unknownToken(let id):
      return "token id \(id) is not in the vocabulary"
    case .badFile(let path, let line, let message):
      return line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)"
    case .checksumMismatch(let path, let expected, let found):
      return "\(path) has SHA-256 \(found), expected \(expected): the file is damaged or not the published one; restore it (git checkout -- \(URL(fileURLWithPath: path).lastPathComponent))"
    case .invalidArgument(let message):
      return message
    }
  }
}

