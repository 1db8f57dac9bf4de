import Foundation
import Testing
import TestSupport
@testable import Tokenizer

/// `Workbook tokenize` as a learner runs it (no colour: the runner sets NO_COLOR and pipes output).
@Suite(.serialized) struct WorkbookTokenizeTests {
  @Test func gpt2AndGPT4() throws {
    let run = try LectureRunner.run("Workbook", ["tokenize", "Hello, I'm a language model,"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("gpt2: 8 tokens, 28 characters, 28 bytes"))
    #expect(run.stdout.contains("[Hello][,][ I]['m][ a][ language][ model][,]"))
    #expect(run.stdout.contains("ids: [15496, 11, 314, 1101, 257, 3303, 2746, 11]"))
    // Tokens that split a character are shown together; special tokens are single tokens.
    let gpt4 = try LectureRunner.run("Workbook", ["tokenize", "--gpt4", "(안녕하세요!)<|endoftext|>"])
    #expect(gpt4.status == 0)
    #expect(gpt4.stdout.contains("[(][안][녕][하세요][!)][<|endoftext|>]"))
    #expect(gpt4.stdout.contains("100257]"))
  }

  @Test func trainedModelAndErrors() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let t = try BytePairTokenizer.train(String(TokenizerFixtures.shakespeare.prefix(20_000)), vocabSize: 300, pattern: .gpt4)
    try t.save(prefix: dir.appendingPathComponent("s").path)
    let textFile = dir.appendingPathComponent("t.txt")
    try Data("First Citizen:\n".utf8).write(to: textFile)
    let run = try LectureRunner.run("Workbook", ["tokenize", "--model", dir.appendingPathComponent("s.model").path, "--file", textFile.path])
    #expect(run.status == 0)
    #expect(run.stdout.contains("ids: [" + t.encodeOrdinary("First Citizen:\n").map(String.init).joined(separator: ", ") + "]"))

    try Data("minbpe v1\n\n0\n97 98\n1000 2\n".utf8).write(to: dir.appendingPathComponent("bad.model"))
    let bad = try LectureRunner.run("Workbook", ["tokenize", "--model", dir.appendingPathComponent("bad.model").path, "x"])
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("bad.model:5: merge makes token 257"))
    #expect(try LectureRunner.run("Workbook", ["tokenize"]).status == 2)
    #expect(try LectureRunner.run("Workbook", ["tokenize", "--frob", "x"]).status == 2)
    #expect(try LectureRunner.run("Workbook", ["tokenize", "--model"]).status == 2)
    #expect(try LectureRunner.run("Workbook", ["tokenize", "--file", dir.appendingPathComponent("missing.txt").path]).status == 1)
  }
}
