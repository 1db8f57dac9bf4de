import Foundation
import Testing
import TestSupport
@testable import Tokenizer

/// Saving and loading minbpe's `.model` format, and clear errors for bad files.
@Suite struct ModelFileTests {
  @Test func saveAndLoad() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = String(TokenizerFixtures.shakespeare.prefix(30_000))
    for pattern in SplitPattern.allCases {
      let t = try BytePairTokenizer.train(text, vocabSize: 300, pattern: pattern, specialTokens: ["<|endoftext|>": 300])
      let prefix = dir.appendingPathComponent("shake-\(pattern)").path
      try t.save(prefix: prefix)
      let back = try BytePairTokenizer.load(modelFile: URL(fileURLWithPath: prefix + ".model"))
      #expect(back.merges == t.merges && back.pattern == pattern && back.specialTokens == t.specialTokens)
      #expect(back.encodeOrdinary(text) == t.encodeOrdinary(text))
      let vocab = try String(contentsOfFile: prefix + ".vocab", encoding: .utf8)
      #expect(vocab.split(separator: "\n").count == 300)
      #expect(vocab.contains("[\\u000a] 10"))
    }
  }

  @Test func badFiles() {
    func error(_ text: String) -> String {
      do { _ = try BytePairTokenizer.parseModel(text, path: "m.model") } catch { return "\(error)" }
      return "no error"
    }
    let gpt4 = SplitPattern.gpt4.regex
    #expect(error("") == "m.model:1: empty file; expected the header \"minbpe v1\"")
    #expect(error("minbpe v2\n\n0\n").hasPrefix("m.model:1: unsupported version \"minbpe v2\""))
    #expect(error("hello\n").hasPrefix("m.model:1: expected the header"))
    #expect(error("minbpe v1\n").hasPrefix("m.model:2: file ends before the split pattern"))
    #expect(error("minbpe v1\n[a-z]+\n0\n").hasPrefix("m.model:2: unknown split pattern"))
    #expect(error("minbpe v1\n\(gpt4)\n").hasPrefix("m.model:3: file ends"))
    #expect(error("minbpe v1\n\(gpt4)\nx\n").hasPrefix("m.model:3: expected the number of special tokens"))
    #expect(error("minbpe v1\n\(gpt4)\n2\n<|a|> 300\n").hasPrefix("m.model:5: file ends after 1 of 2 special tokens"))
    #expect(error("minbpe v1\n\n0\n97 98\n256 300\n").hasPrefix("m.model:5: merge makes token 257 from 256 and 300"))
    #expect(error("minbpe v1\n\n0\n97 98\n97\n").hasPrefix("m.model:5: expected a merge"))
    #expect(error("minbpe v1\n\n1\n<|a|> 5\n97 98\n").hasPrefix("m.model: special token <|a|> has id 5"))
    #expect(error("minbpe v1\n\n0\n97 98\n") == "no error")
  }

  @Test func missingFile() {
    #expect {
      _ = try BytePairTokenizer.load(modelFile: URL(fileURLWithPath: "/nonexistent/x.model"))
    } throws: { "\($0)".hasPrefix("/nonexistent/x.model: cannot read") }
  }
}
