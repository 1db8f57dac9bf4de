import Foundation
import Testing
import TestSupport
@testable import Tokenizer

/// GPT-2's and GPT-4's real vocabularies encode exactly as tiktoken does.
@Suite struct VocabularyTests {
  @Test func gpt2Fixture() throws {
    let enc = TokenizerFixtures.gpt2
    #expect(enc.ordinaryCount == 50256 && enc.vocabularySize == 50257)
    for c in TokenizerFixtures.small["gpt2"].array {
      let text = c["text"].string
      let ids = try enc.encode(text, allowedSpecial: .all)
      #expect(ids == c["ids"].ints, "\(text.debugDescription)")
      #expect(try enc.decode(ids) == text)
    }
    #expect(try enc.encode("Hello, I'm a language model,") == [15496, 11, 314, 1101, 257, 3303, 2746, 11])
    #expect(try enc.encode(" SolidGoldMagikarp").count == 1)
  }

  @Test func gpt2Shakespeare() throws {
    let ids = TokenizerFixtures.gpt2.encodeOrdinary(TokenizerFixtures.shakespeare)
    #expect(ids.count == TokenizerFixtures.small["gpt2_shakespeare_token_count"].int)
    #expect(ids.count == 338_025)
    #expect(Array(ids.prefix(64)) == TokenizerFixtures.small["gpt2_shakespeare_first_64"].ints)
    // Any thread count gives the same ids.
    #expect(TokenizerFixtures.gpt2.encodeOrdinary(TokenizerFixtures.shakespeare, threads: 1) == ids)
    #expect(TokenizerFixtures.gpt2.encodeOrdinary(TokenizerFixtures.shakespeare, threads: 5) == ids)
  }

  @Test func cl100kFixture() throws {
    let enc = TokenizerFixtures.cl100k_
    let f = TokenizerFixtures.cl100k
    #expect(enc.ordinaryCount == 100_256)
    for (name, id) in BytePairTokenizer.cl100kSpecialTokens { #expect(f["special_tokens"][name].int == id) }
    for c in f["cases"].array {
      let text = c["text"].string
      #expect(try enc.encode(text) == c["ids"].ints, "\(text.debugDescription)")
    }
    let special = f["special_case"]
    #expect(try enc.encode(special["text"].string, allowedSpecial: .all) == special["ids"].ints)
    let ids = enc.encodeOrdinary(TokenizerFixtures.shakespeare)
    #expect(ids.count == f["tinyshakespeare"]["tokens"].int && ids.count == 301_829)
    #expect(Array(ids.prefix(64)) == f["tinyshakespeare"]["first_64"].ints)
    #expect(Array(ids.suffix(16)) == f["tinyshakespeare"]["last_16"].ints)
  }

  /// cl100k_base's single-byte tokens are a permutation of the bytes, not the identity.
  @Test func cl100kByteShuffle() {
    let shuffle = TokenizerFixtures.cl100k_.byteTokens
    #expect(Set(shuffle) == Set(0..<256))
    #expect(shuffle != Array(0..<256))
    #expect(TokenizerFixtures.gpt2.byteTokens.count == 256)
    #expect(shuffle[Int(UInt8(ascii: "!"))] == 0)
  }

  /// minbpe's recover_merges: every multi-byte token comes from exactly one recovered merge, and
  /// encoding with those merges alone (minbpe's GPT4Tokenizer) agrees with tiktoken on the fixture.
  @Test func recoveredMerges() throws {
    let enc = TokenizerFixtures.gpt2
    let merges = enc.recoveredMerges()
    #expect(merges.count == 50_000)
    // GPT-2's byte tokens are shuffled too (220 is " ", 83 is "t"): its first merge is " t".
    #expect(merges.first == .init(left: 220, right: 83, id: 256))
    #expect(enc.bytes(of: 256) == Array(" t".utf8))
    for m in merges.prefix(2000) { #expect(enc.bytes(of: m.left)! + enc.bytes(of: m.right)! == enc.bytes(of: m.id)!) }
  }

  @Test func checksumIsChecked() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var data = try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("gpt2.tiktoken"))
    data[100] ^= 1
    try data.write(to: dir.appendingPathComponent("gpt2.tiktoken"))
    #expect {
      _ = try BytePairTokenizer.gpt2(dataDirectory: dir.path)
    } throws: { error in
      guard case .checksumMismatch(let path, _, _) = error as? TokenizerError else { return false }
      return path.hasSuffix("gpt2.tiktoken")
    }
  }

  @Test func malformedTiktokenFile() {
    func error(_ text: String) -> TokenizerError? {
      do { _ = try BytePairTokenizer.tiktoken(ranksFile: Array(text.utf8), path: "x.tiktoken", pattern: .gpt2, specialTokens: [:]) } catch {
        return error as? TokenizerError
      }
      return nil
    }
    #expect(error("QQ== 0\nQg== 2\n") == .badFile(path: "x.tiktoken", line: 2, message: "rank 2 out of order (expected 1: ranks must be 0, 1, 2, …)"))
    #expect(error("QQ== 0\n!!!! 1\n")?.description.hasPrefix("x.tiktoken:2:") == true)
    #expect(error("QQ==\n")?.description.hasPrefix("x.tiktoken:1:") == true)
    #expect(error("QQ== 0\n")?.description.contains("has no token of its own") == true)
  }
}

/// minbpe's exercise step 3: GPT-4's merges recovered from the ranks, bytes shuffled, encoded
/// with minbpe's own loop, give tiktoken's ids.
@Suite struct RecoveredMergesTests {
  @Test func minbpeGPT4Tokenizer() {
    let enc = TokenizerFixtures.cl100k_
    let merges = enc.recoveredMerges()
    #expect(merges.count == 100_256 - 256)
    let ranks = NaiveBPE.ranks(merges)
    for c in TokenizerFixtures.cl100k["cases"].array {
      let text = c["text"].string
      let ids = SplitPattern.gpt4.split(text).flatMap { NaiveBPE.encode(Array($0.utf8), ranks: ranks, byteTokens: enc.byteTokens) }
      #expect(ids == c["ids"].ints, "\(text.debugDescription)")
    }
  }
}
