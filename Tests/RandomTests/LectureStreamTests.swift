import Foundation
import Testing
import TestSupport
@testable import Random

/// The draws the lectures print: bigram names (today's and the 2022 video's), makemore's split
/// shuffle, and microgpt's first parameters.
@Suite struct LectureStreamTests {
  /// names.txt at the repository root.
  static let words: [String] = {
    let url = Fixtures.packageRoot.appendingPathComponent("names.txt")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      preconditionFailure("cannot read \(url.path)")
    }
    return text.split(separator: "\n").map(String.init)
  }()

  /// Lecture 2's smoothed bigram probabilities: (N + 1) row-normalised, '.' = 0, a…z = 1…26.
  static func bigramProbabilities() -> [[Float]] {
    var counts = [[Int]](repeating: [Int](repeating: 0, count: 27), count: 27)
    func index(_ c: Character) -> Int { c == "." ? 0 : Int(c.asciiValue! - 96) }
    for word in words {
      let chars = ["."] + Array(word) + ["."]
      for (a, b) in zip(chars, chars.dropFirst()) { counts[index(a)][index(b)] += 1 }
    }
    return counts.map { row in
      let smoothed = row.map { Float($0 + 1) }
      let total = smoothed.reduce(0, +)  // integers below 2^24: exact in any order
      return smoothed.map { $0 / total }
    }
  }

  static func sampleNames(count: Int, draw: (inout TorchGenerator, [Float]) -> Int) -> [String] {
    let p = bigramProbabilities()
    var g = TorchGenerator(seed: 2_147_483_647)
    return (0..<count).map { _ in
      var name = ""
      var ix = 0
      repeat {
        ix = draw(&g, p[ix])
        name.append(ix == 0 ? "." : Character(Unicode.Scalar(UInt8(96 + ix))))
      } while ix != 0
      return name
    }
  }

  @Test func bigramSamples() throws {
    let c = try #require(TorchFixture.cases("bigram_samples").first)
    let names = Self.sampleNames(count: c.args["count"].int) { g, p in g.multinomial(p, numSamples: 1, replacement: true)[0] }
    #expect(names == c.values.strings)
  }

  @Test func bigramSamples2022Video() throws {
    let c = try #require(TorchFixture.cases("bigram_samples_2022_video").first)
    let names = Self.sampleNames(count: c.args["count"].int) { g, p in g.multinomialCumulative(p)[0] }
    #expect(names == c.values.strings)
  }

  @Test func namesShuffleHead() throws {
    let c = try #require(TorchFixture.cases("names_shuffle_head").first)
    var words = Self.words
    var r = PythonRandom(seed: Int(c.seed))
    r.shuffle(&words)
    #expect(Array(words.prefix(c.args["n"].int)) == c.values.strings)
  }

  /// microgpt: random.seed(42), shuffle the names, then the first parameter is gauss(0, 0.08).
  @Test func microgptFirstParameter() {
    var words = Self.words
    var r = PythonRandom(seed: 42)
    r.shuffle(&words)
    let first = r.gauss(mu: 0, sigma: 0.08)
    #expect(abs(first - -0.04273180935726127) < 1e-17)
    var u = PythonRandom(seed: 1337)
    #expect([u.uniform(-1, 1), u.uniform(-1, 1)] == [0.23550571390294128, 0.06653114721000164])
  }
}
