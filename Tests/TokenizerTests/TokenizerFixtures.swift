import Foundation
import TestSupport
@testable import Tokenizer

/// The tokenizer fixtures (tiktoken 0.14 and Python `regex` outputs), parsed once.
enum TokenizerFixtures {
  /// Parsed with Foundation's JSONSerialization: the fixtures hold strings with `\r` escapes,
  /// and their numbers are all integers.
  static func load(_ name: String) -> JSONValue {
    guard let json = try? Fixtures.json(name) else { preconditionFailure("cannot load \(name) from the TestSupport fixtures") }
    return convert(json)
  }

  static func convert(_ value: Any) -> JSONValue {
    switch value {
    case let s as String: return .string(s)
    case let n as NSNumber: return .number(n.doubleValue)
    case let a as [Any]: return .array(a.map(convert))
    case let o as [String: Any]: return .object(o.mapValues(convert))
    default: return .null
    }
  }

  static let small = load("tokenizer.json")
  static let full = load("tokenizer_full.json")
  static let cl100k = load("tokenizer_cl100k.json")

  /// tiny Shakespeare from the repository root.
  static let shakespeare: String = {
    let url = Fixtures.packageRoot.appendingPathComponent("tinyshakespeare.txt")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { preconditionFailure("cannot read \(url.path)") }
    return text
  }()

  /// The vocabularies, loaded once (checksums checked) from the repository root.
  static let gpt2: BytePairTokenizer = {
    do { return try BytePairTokenizer.gpt2(dataDirectory: Fixtures.packageRoot.path) } catch { preconditionFailure("\(error)") }
  }()
  static let cl100k_: BytePairTokenizer = {
    do { return try BytePairTokenizer.cl100k(dataDirectory: Fixtures.packageRoot.path) } catch { preconditionFailure("\(error)") }
  }()

  /// Training on all of tiny Shakespeare, GPT-4 split, vocab 512 (shared by several tests).
  static let shakespeareGPT4: BytePairTokenizer = {
    do { return try BytePairTokenizer.train(shakespeare, vocabSize: 512, pattern: .gpt4) } catch { preconditionFailure("\(error)") }
  }()
}
