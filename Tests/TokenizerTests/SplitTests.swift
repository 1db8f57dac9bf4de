import Random
import Testing
import TestSupport
@testable import Tokenizer

/// The hand-written scanner gives Python `regex`'s chunks, and agrees with Swift Regex.
@Suite struct SplitTests {
  static let names: [(String, SplitPattern)] = [("split_gpt2", .gpt2), ("split_gpt4", .gpt4)]

  @Test(arguments: [SplitPattern.gpt2, .gpt4])
  func fixtureChunks(_ pattern: SplitPattern) {
    let key = pattern == .gpt2 ? "split_gpt2" : "split_gpt4"
    for c in TokenizerFixtures.small[key].array {
      let text = c["text"].string
      #expect(pattern.split(text) == c["chunks"].strings, "\(pattern) split of \(text.debugDescription)")
      #expect(RegexSplitter(pattern).split(text) == c["chunks"].strings, "Swift Regex \(pattern) split of \(text.debugDescription)")
    }
  }

  /// Cases beyond the fixture, each checked against the Python `regex` result written out by hand.
  @Test func edgeCases() {
    #expect(SplitPattern.gpt4.split("Hello've world123 how's are you!!!?   ")
            == ["Hello", "'ve", " world", "123", " how", "'s", " are", " you", "!!!?", "   "])
    // Contractions: any case for GPT-4, lower case only for GPT-2.
    #expect(SplitPattern.gpt4.split("WE'LL IT'S") == ["WE", "'LL", " IT", "'S"])
    #expect(SplitPattern.gpt2.split("WE'LL IT'S") == ["WE", "'", "LL", " IT", "'", "S"])
    // Numbers: 1–3 digits for GPT-4, any run for GPT-2; Unicode digits count.
    #expect(SplitPattern.gpt4.split("12345 ٣٤٥٦") == ["123", "45", " ", "٣٤٥", "٦"])
    #expect(SplitPattern.gpt2.split("12345 ٣٤٥٦") == ["12345", " ٣٤٥٦"])
    // Letters beyond ASCII, trailing whitespace runs, a lone space before a digit.
    #expect(SplitPattern.gpt2.split("Ωμέγα  \t") == ["Ωμέγα", "  \t"])
    #expect(SplitPattern.gpt4.split("x  \n\n y") == ["x", "  \n\n", " y"])
    #expect(SplitPattern.gpt4.split("a\u{00A0}b") == ["a", "\u{00A0}b"])
    #expect(SplitPattern.gpt4.split("") == [])
    // Python's regex case-folds ſ (long s) to s inside (?i:…); GPT-2's pattern is case-sensitive.
    #expect(SplitPattern.gpt4.split("'ſR") == ["'ſ", "R"])
    #expect(SplitPattern.gpt2.split("'ſR") == ["'", "ſR"])
    // U+FEFF (a format character) is a symbol; kept out of the random fixture because Foundation
    // drops a leading BOM when it reads a JSON string.
    for pattern in [SplitPattern.gpt2, .gpt4] {
      #expect(pattern.split("a\u{FEFF}\u{FEFF}b c\u{FEFF}") == ["a", "\u{FEFF}\u{FEFF}", "b", " c", "\u{FEFF}"])
    }
  }

  /// 600 random strings (letters and digits of several scripts, Unicode spaces, controls, combining
  /// marks, ſ and the Kelvin sign, runs of repeats) split by Python's `regex` module.
  @Test func randomAgainstPython() {
    for c in TokenizerFixtures.load("tokenizer_split_random.json")["cases"].array {
      let text = c["text"].string
      #expect(SplitPattern.gpt2.split(text) == c["gpt2"].strings, "gpt2 on \(text.debugDescription)")
      #expect(SplitPattern.gpt4.split(text) == c["gpt4"].strings, "gpt4 on \(text.debugDescription)")
    }
  }

  /// Random strings from a mixed alphabet: scanner == Swift Regex, and the chunks tile the text.
  @Test(arguments: [SplitPattern.gpt2, .gpt4])
  func randomAgainstRegex(_ pattern: SplitPattern) {
    // (ſ is left out: Python's regex folds it to "s" under (?i), Swift Regex does not.)
    let alphabet: [Unicode.Scalar] = Array("aZé'sStLlVvEeRrDdMm 0123\t\n\r.,!?(😉안٣\u{00A0}\u{2003}_-".unicodeScalars)
    var rng = SplitMix64(seed: 42)
    let regex = RegexSplitter(pattern)
    for _ in 0..<300 {
      var s = String.UnicodeScalarView()
      for _ in 0..<Int(rng.next() % 40) { s.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
      let text = String(s)
      let chunks = pattern.split(text)
      #expect(chunks.joined() == text)
      #expect(chunks == regex.split(text), "\(pattern) on \(text.debugDescription)")
    }
  }
}
