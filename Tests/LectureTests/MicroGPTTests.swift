import Foundation
import Testing
import TestSupport

/// Runs the built `MicroGPT` as a learner would and checks it against CPython's run of the
/// original (`Tests/TestSupport/Fixtures/microgpt.json`): the data and parameter counts, the first
/// parameters, every one of the 1,000 step losses (bit for bit is the aim, 1e-12 the tolerance)
/// and the 20 samples.
@Suite(.serialized) struct MicroGPTTests {
  static func fixture() throws -> [String: Any] {
    try #require(try Fixtures.json("microgpt.json") as? [String: Any])
  }

  /// The numbers of the fixture's array `key`, parsed from the text with `Double(String)`
  /// (correctly rounded: JSONSerialization's parser may miss the last bit, and these are compared
  /// bit for bit).
  static func exactNumbers(_ key: String) throws -> [Double] {
    let text = try String(contentsOf: Fixtures.url("microgpt.json"), encoding: .utf8)
    let start = try #require(text.range(of: "\"\(key)\": [")).upperBound
    let end = try #require(text[start...].firstIndex(of: "]"))
    return try text[start..<end].split(separator: ",").map {
      try #require(Double($0.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
  }

  @Test func fullRunMatchesCPythonStepByStep() throws {
    let fixture = try Self.fixture()
    let run = try LectureRunner.run("MicroGPT", ["--no-color", "--losses"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let out = run.stdout
    #expect(out.contains("num docs: \(fixture["num_docs"] as? Int ?? -1)"))
    #expect(out.contains("vocab size: \(fixture["vocab_size"] as? Int ?? -1)"))
    #expect(out.contains("num params: \(fixture["num_params"] as? Int ?? -1)"))
    #expect(out.contains("parameter count = wte + wpe + lm_head + 4·(n_embd²) + fc1 + fc2"))
    #expect(out.contains("= 432 + 256 + 432 + 4·256 + 1024 + 1024"))

    // The first parameters, as CPython's repr prints them.
    let first = try Self.exactNumbers("first_params")
    let firstLine = try #require(out.split(separator: "\n").first { $0.hasPrefix("first parameters:") })
    let ours = firstLine.dropFirst("first parameters:".count).split(separator: ",").map {
      Double($0.trimmingCharacters(in: .whitespaces))!
    }
    #expect(ours == Array(first.prefix(ours.count)), "first parameters \(ours) vs CPython \(first)")

    // Every step's loss.
    let reference = try Self.exactNumbers("losses")
    var losses: [Int: Double] = [:]
    for line in out.split(separator: "\n") where line.hasPrefix("loss[") {
      let parts = line.dropFirst("loss[".count).split(separator: "]")
      let step = Int(parts[0])!
      losses[step] = Double(parts[1].dropFirst(" = ".count))!
    }
    #expect(losses.count == reference.count)
    var exact = 0, worst = 0.0
    for (k, expected) in reference.enumerated() {
      let ours = try #require(losses[k + 1], "no loss for step \(k + 1)")
      if ours == expected { exact += 1 }
      worst = max(worst, abs(ours - expected))
    }
    #expect(worst <= 1e-12, "largest difference from CPython's losses: \(worst)")
    #expect(exact == reference.count, "\(exact) of \(reference.count) losses are bit for bit CPython's")
    #expect(out.contains("step    1 / 1000 | loss 3.3660 | perplexity 28.96"))
    #expect(out.contains("step 1000 / 1000 | loss 2.6497"))

    // The 20 samples.
    let samples = try #require(fixture["samples"] as? [String])
    #expect(out.contains("samples: " + samples.joined(separator: " ") + "\n"))
    #expect(!out.contains("✗"))
  }

  @Test func workedExamplesPrintTheirNumbers() throws {
    let run = try LectureRunner.run("MicroGPT", ["--fast", "--no-color"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let out = run.stdout
    #expect(out.contains("rmsnorm([2, 4, 6]) = [0.463, 0.926, 1.389]"))
    #expect(out.contains("0.5           0.864  0.117  0.019"))
    #expect(out.contains("= 0.200"))  // the attention score q·k0 / √4
    #expect(out.contains("= 28.96"))  // e^3.366
    #expect(out.contains("t = 1: p = p − lr_t·m̂/(√v̂ + ε)"))
    // --fast trains fewer steps, so it must not claim the original's samples.
    #expect(out.contains("step  300 /  300"))
    #expect(out.contains("the original's 20 names need"))
  }

  @Test func verboseTracesTheFirstStep() throws {
    let run = try LectureRunner.run("MicroGPT", ["--fast", "--no-color", "--verbose", "--steps", "100"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stdout.contains("step 1: document \"yuheng\""))
    #expect(run.stdout.contains("perplexity e^loss = 28.96"))
    #expect(run.stdout.contains("attention weights per head"))
  }

  @Test func badKnobIsAUsageError() throws {
    let run = try LectureRunner.run("MicroGPT", ["--set", "temperature=0"])
    #expect(run.status == 2)
  }
}
