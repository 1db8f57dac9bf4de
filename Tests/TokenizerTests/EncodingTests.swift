import Foundation
import Random
import Testing
import TestSupport
@testable import Tokenizer

/// Special tokens, decoding of invalid UTF-8, round trips, and the two merge loops agreeing.
@Suite struct EncodingTests {
  @Test func specialTokens() throws {
    let enc = TokenizerFixtures.gpt2
    #expect(throws: TokenizerError.disallowedSpecialToken("<|endoftext|>")) { try enc.encode("hi <|endoftext|> there") }
    #expect(try enc.encode("hi <|endoftext|>", allowedSpecial: .all).last == 50256)
    #expect(try enc.encode("<|endoftext|>", allowedSpecial: .only(["<|endoftext|>"])) == [50256])
    #expect(enc.encodeOrdinary("<|endoftext|>").count > 1)
    let gpt4 = TokenizerFixtures.cl100k_
    #expect(throws: TokenizerError.disallowedSpecialToken("<|fim_middle|>")) {
      try gpt4.encode("<|endoftext|>a<|fim_middle|>", allowedSpecial: .only(["<|endoftext|>"]))
    }
    #expect(try gpt4.encode("a<|endofprompt|>", allowedSpecial: .all).last == 100276)
    #expect(try gpt4.decode([100276]) == "<|endofprompt|>")
    // A trained tokenizer with its own special token.
    let t = try BytePairTokenizer.train("hello hello world", vocabSize: 260, pattern: .gpt4, specialTokens: ["<|end|>": 300])
    #expect(try t.encode("hello<|end|>", allowedSpecial: .all).last == 300)
    #expect(throws: TokenizerError.self) { try t.withSpecialTokens(["<|x|>": 100]) }
  }

  @Test func emptyAndInvalid() throws {
    let enc = TokenizerFixtures.gpt2
    #expect(try enc.encode("") == [])
    #expect(enc.encodeOrdinary("") == [])
    #expect(try enc.decode([]) == "")
    // 안 is three bytes, tokens 168 243 230 in GPT-2: half of it is not UTF-8.
    #expect(try enc.decode([168]) == "\u{FFFD}")
    #expect(try enc.decode([128]) == "\u{FFFD}")
    // Invalid UTF-8 is replaced as Python's bytes.decode("utf-8", "replace") does (one U+FFFD per
    // maximal invalid subpart): the counts below are Python's.
    let bytesToToken = enc.byteTokens
    let cases: [([UInt8], String)] = [
      ([0xE0, 0x80], "\u{FFFD}\u{FFFD}"), ([0xF0, 0x9F, 0x98], "\u{FFFD}"), ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),
      ([0xC0, 0xAF], "\u{FFFD}\u{FFFD}"), ([0xF4, 0x90, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
      ([0xE2, 0x82], "\u{FFFD}"), ([0x61, 0xF0, 0x9F, 0x98, 0x61], "a\u{FFFD}a"), ([0xFF, 0xFE], "\u{FFFD}\u{FFFD}"),
      ([0xF0, 0x80, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
    ]
    for (bytes, text) in cases { #expect(try enc.decode(bytes.map { bytesToToken[Int($0)] }) == text, "\(bytes)") }
    #expect(throws: TokenizerError.unknownToken(99_999)) { try enc.decode([99_999]) }
    #expect(throws: TokenizerError.unknownToken(-1)) { try enc.decode([-1]) }
  }

  /// Random Unicode strings and random bytes round-trip through every tokenizer (fixed seed).
  @Test func roundTrips() throws {
    var rng = SplitMix64(seed: 7)
    let small = try BytePairTokenizer.train(String(TokenizerFixtures.shakespeare.prefix(20_000)), vocabSize: 300, pattern: .gpt2)
    let basic = try BytePairTokenizer.train(String(TokenizerFixtures.shakespeare.prefix(20_000)), vocabSize: 300, pattern: .none)
    let tokenizers = [TokenizerFixtures.gpt2, TokenizerFixtures.cl100k_, small, basic]
    let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0x09...0x0D, 0xA0...0x2FF, 0xAC00...0xD7A3, 0x1F600...0x1F64F, 0x0600...0x06FF]
    for _ in 0..<200 {
      var s = String.UnicodeScalarView()
      for _ in 0..<Int(rng.next() % 60) {
        let r = ranges[Int(rng.next() % UInt64(ranges.count))]
        if let u = Unicode.Scalar(r.lowerBound + UInt32(rng.next() % UInt64(r.upperBound - r.lowerBound + 1))) { s.append(u) }
      }
      let text = String(s)
      for t in tokenizers { #expect(try t.decode(t.encodeOrdinary(text)) == text) }
    }
    // Random bytes: every id sequence of byte tokens decodes without crashing.
    for _ in 0..<100 {
      let ids = (0..<Int(rng.next() % 20)).map { _ in TokenizerFixtures.cl100k_.byteTokens[Int(rng.next() % 256)] }
      let bytes = try TokenizerFixtures.cl100k_.decodeBytes(ids)
      #expect(try TokenizerFixtures.cl100k_.decode(ids) == String(decoding: bytes, as: UTF8.self))
    }
  }

  /// The heap-based merge loop for long chunks gives the quadratic loop's tokens.
  @Test func longChunkMergeAgrees() {
    var rng = SplitMix64(seed: 3)
    let letters = Array("etaoinshrdlu".utf8)
    for enc in [TokenizerFixtures.gpt2, TokenizerFixtures.cl100k_] {
      for _ in 0..<50 {
        let bytes = (0..<Int(20 + rng.next() % 100)).map { _ in letters[Int(rng.next() % UInt64(letters.count))] }
        var a = ChunkEncoder(enc), b = ChunkEncoder(enc)
        var long: [Int32] = []
        bytes.withUnsafeBufferPointer { piece in
          a.mergeShort(piece)
          b.mergeLong(piece, into: &long)
        }
        #expect(a.parts == long)
      }
    }
  }

  /// A chunk longer than the short-chunk limit is still encoded as tiktoken would.
  @Test func veryLongWord() throws {
    let word = String(repeating: "abracadabra", count: 100)
    let enc = TokenizerFixtures.gpt2
    let ids = try enc.encode(word)
    #expect(try enc.decode(ids) == word)
    #expect(ids.count < word.utf8.count / 2)
  }
}
