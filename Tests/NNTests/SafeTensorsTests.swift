import Foundation
import NN
import Random
import Tensor
import TestSupport
import Testing

/// The safetensors reader and writer, and GPT-2 weights in Hugging Face's layout, on tiny files we
/// write ourselves (no download is possible here).
@Suite struct SafeTensorsTests {
  static let tiny = GPT2Config(vocabSize: 50, blockSize: 8, layers: 2, heads: 2, embedding: 16)

  static func model(seed: UInt64 = 5) -> GPT2 {
    var g = TorchGenerator(seed: seed)
    return GPT2(tiny, generator: &g, matchTorchDraws: false)
  }

  static func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  /// A file from a header string and a buffer, as a hostile writer might make one.
  static func raw(_ header: String, _ buffer: [UInt8], length: UInt64? = nil) -> Data {
    var d = Data()
    withUnsafeBytes(of: (length ?? UInt64(header.utf8.count)).littleEndian) { d.append(contentsOf: $0) }
    d.append(contentsOf: Array(header.utf8))
    d.append(contentsOf: buffer)
    return d
  }

  static func floatBytes(_ v: [Float]) -> [UInt8] { v.withUnsafeBytes { Array($0) } }

  static func error(_ body: () throws -> Void) -> SafeTensorsError? {
    do { try body(); return nil } catch let e as SafeTensorsError { return e } catch { return nil }
  }

  @Test func writerLayoutAndReaderRoundTrip() throws {
    let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]), b = Tensor([-0.5], shape: [1])
    let bytes = SafeTensors.encode([("a", a), ("b\"q", b)], metadata: ["format": "pt"])
    let n = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    #expect((8 + Int(n)) % 8 == 0, "header padded to 8 bytes")
    #expect(bytes.count == 8 + Int(n) + 7 * 4)
    let header = String(decoding: bytes[8..<(8 + Int(n))], as: UTF8.self)
    #expect(header.hasPrefix("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"))
    let file = try SafeTensorsFile(data: Data(bytes))
    #expect(file.names == ["a", "b\"q"])
    #expect(file.metadata == ["format": "pt"])
    #expect(try file.floats("a") == [1, 2, 3, 4, 5, 6])
    #expect(try file.tensor("b\"q").shape == [1])
    #expect(file.entry("a")?.fileRange == (8 + Int(n))..<(8 + Int(n) + 24))
  }

  @Test func halfPrecisionAndDoubleAreConverted() throws {
    let f16: [Float16] = [1.5, -2, 0.25], f64: [Double] = [3.25, -1e-3]
    let bf16: [UInt16] = [0x3FC0, 0xC040]  // 1.5, -3
    var buffer: [UInt8] = []
    f16.withUnsafeBytes { buffer += $0 }
    bf16.withUnsafeBytes { buffer += $0 }
    f64.withUnsafeBytes { buffer += $0 }
    let header = #"{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[6,10]},"d":{"dtype":"F64","shape":[2],"data_offsets":[10,26]}}"#
    let file = try SafeTensorsFile(data: Self.raw(header, buffer))
    #expect(try file.floats("h") == [1.5, -2, 0.25])
    #expect(try file.floats("b") == [1.5, -3])
    #expect(try file.floats("d") == [3.25, Float(-1e-3)])
  }

  @Test func malformedFilesNameTheTensorOrOffset() {
    let ok = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
    #expect(Self.error { _ = try SafeTensorsFile(data: Data([1, 2, 3])) } == .truncatedHeader("the file has 3 bytes, fewer than the 8-byte header length"))
    let e1 = Self.error { _ = try SafeTensorsFile(data: Self.raw(ok, Self.floatBytes([1, 2]), length: 1000)) }
    #expect(e1?.description.contains("at byte 0 says 1000 bytes") == true, "\(String(describing: e1))")
    let e2 = Self.error { _ = try SafeTensorsFile(data: Self.raw("{\"w\": [1, 2", Self.floatBytes([1, 2]))) }
    #expect({ if case .badHeader(let m) = e2 { return m.contains("not valid JSON") } else { return false } }(), "\(String(describing: e2))")
    let e3 = Self.error { _ = try SafeTensorsFile(data: Self.raw(#"{"w":{"dtype":"F32","shape":[2]}}"#, [])) }
    #expect(e3?.description.contains("entry 'w' has no data_offsets") == true, "\(String(describing: e3))")
    let e4 = Self.error { _ = try SafeTensorsFile(data: Self.raw(#"{"w":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}}"#, Self.floatBytes([1, 2]))) }
    #expect(e4?.description.contains("unknown dtype 'Q7'") == true)
    // Truncated buffer: the file stops 4 bytes into w's data.
    let e5 = Self.error { _ = try SafeTensorsFile(data: Self.raw(ok, Self.floatBytes([1]))) }
    #expect(e5?.description.contains("tensor 'w': its data ends at byte") == true && e5?.description.contains("truncated") == true,
            "\(String(describing: e5))")
    // Size disagreeing with the shape.
    let e6 = Self.error { _ = try SafeTensorsFile(data: Self.raw(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, Self.floatBytes([1, 2]))) }
    #expect(e6?.description.contains("shape [3] of F32 needs 12") == true, "\(String(describing: e6))")
    // Overlap and gap.
    let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
    let e7 = Self.error { _ = try SafeTensorsFile(data: Self.raw(overlap, Self.floatBytes([1, 2]))) }
    #expect(e7?.description.contains("overlaps") == true, "\(String(describing: e7))")
    let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
    let e8 = Self.error { _ = try SafeTensorsFile(data: Self.raw(gap, Self.floatBytes([1, 2]))) }
    #expect(e8?.description.contains("gap") == true, "\(String(describing: e8))")
    // Integer data is refused by name.
    let ints = #"{"n":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}"#
    let file = try? SafeTensorsFile(data: Self.raw(ints, Self.floatBytes([1, 2])))
    #expect(Self.error { _ = try file?.floats("n") } == .unsupportedDType(tensor: "n", dtype: "I32"))
    #expect(Self.error { _ = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: "/nonexistent/x.safetensors")) }?.description.contains("cannot read") == true)
  }

  /// Our model written in Hugging Face's layout (Conv1D weights (in, out), `transformer.`
  /// prefix, a tied `lm_head.weight`, the old mask buffers) loads back into a fresh model that
  /// computes the same logits.
  @Test func huggingFaceRoundTrip() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = Self.model(seed: 5)
    let url = dir.appendingPathComponent("model.safetensors")
    var tensors = source.huggingFaceTensors(prefix: "transformer.", lmHead: true)
    tensors.append(("transformer.h.0.attn.bias", Tensor.ones([1, 1, 8, 8])))
    tensors.append(("transformer.h.1.attn.masked_bias", Tensor([-1e4], shape: [])))
    try SafeTensors.save(tensors, metadata: ["format": "pt"], to: url)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.safetensors"], "no temporary file left")

    let file = try SafeTensorsFile(contentsOf: url)
    #expect(file.entry("transformer.h.0.attn.c_attn.weight")?.shape == [16, 48])  // (in, out) on disk
    #expect(file.entry("transformer.h.0.mlp.c_proj.weight")?.shape == [64, 16])
    let ours = source.h[0].attn.cAttn.weight.scalars
    let disk = try file.floats("transformer.h.0.attn.c_attn.weight")
    #expect(disk[1] == ours[16] && disk[48] == ours[1], "transposed: disk[0][1] is ours[1][0], disk[1][0] is ours[0][1]")

    let loaded = try GPT2(huggingFace: url, heads: 2)  // 16 wide is no OpenAI size: heads are given
    #expect(loaded.config == Self.tiny)
    let x = IntTensor([3, 1, 4, 1, 5, 9, 2, 6], shape: [1, 8])
    #expect(source(x).scalars == loaded(x).scalars)
  }

  @Test func huggingFaceLoadWithConfigJSONAndPlainNames() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = Self.model(seed: 6)
    try source.saveHuggingFace(to: dir.appendingPathComponent("model.safetensors"))
    try Data(#"{"n_head": 2, "n_layer": 2, "n_embd": 16}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
    let loaded = try GPT2(huggingFace: dir)
    #expect(loaded.config == Self.tiny)
    for (a, b) in zip(source.namedParameters(), loaded.namedParameters()) {
      #expect(a.name == b.name && a.tensor.scalars == b.tensor.scalars, "\(a.name)")
    }
    let x = IntTensor([1, 2, 3, 49, 0, 7], shape: [1, 6])
    #expect(source(x).scalars == loaded(x).scalars)
  }

  @Test func headsComeFromTheArgumentOrTheOpenAIWidth() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("w.safetensors")
    try Self.model().saveHuggingFace(to: url)
    let e = Self.error { _ = try GPT2(huggingFace: url) }
    #expect(e?.description.contains("cannot tell the number of heads of a 16-wide model") == true, "\(String(describing: e))")
    #expect(try GPT2(huggingFace: url, heads: 4).config.heads == 4)
    let wide = GPT2Config(vocabSize: 10, blockSize: 4, layers: 0, heads: 12, embedding: 768)
    var g = TorchGenerator(seed: 1)
    try GPT2(wide, generator: &g, matchTorchDraws: false).saveHuggingFace(to: url)
    #expect(try GPT2(huggingFace: url).config == wide)
  }

  /// Every way a checkpoint can disagree with the model is an error naming the tensor, and the
  /// model is left as it was.
  @Test func loaderErrorsLeaveTheModelUnchanged() throws {
    let source = Self.model(seed: 5)
    let good = source.huggingFaceTensors()
    let target = Self.model(seed: 9)
    let before = target.parameters().map(\.scalars)
    func load(_ tensors: [(name: String, tensor: Tensor)]) -> SafeTensorsError? {
      Self.error { try target.load(safetensors: SafeTensorsFile(data: Data(SafeTensors.encode(tensors)))) }
    }
    #expect(load(good.filter { $0.name != "h.1.ln_2.bias" }) == .missingTensors(["h.1.ln_2.bias"]))
    #expect(load(good + [("h.0.attn.c_attn.extra", Tensor([1]))]) == .unexpectedTensors(["h.0.attn.c_attn.extra"]))
    #expect(load(good + [("transformer.wte.weight", source.wte.weight)]) == .unexpectedTensors(["transformer.wte.weight"]))
    // A Conv1D weight left in nn.Linear's (out, in) layout.
    let linearLayout = good.map { $0.name == "h.1.mlp.c_fc.weight" ? ($0.name, source.h[1].mlp.cFc.weight) : $0 }
    #expect(load(linearLayout) == .shapeMismatch(tensor: "h.1.mlp.c_fc.weight", expected: [16, 64], found: [64, 16]))
    #expect(load(good.map { $0.name == "wpe.weight" ? ($0.name, Tensor.zeros([4, 16])) : $0 })
            == .shapeMismatch(tensor: "wpe.weight", expected: [8, 16], found: [4, 16]))
    // An lm_head that is not the embedding.
    let untied = load(good + [("lm_head.weight", Tensor.zeros([50, 16]))])
    #expect(untied?.description.contains("lm_head.weight") == true && untied?.description.contains("ties") == true)
    // A truncated file.
    var bytes = SafeTensors.encode(good)
    bytes.removeLast(5)
    let truncated = Self.error { try target.load(safetensors: SafeTensorsFile(data: Data(bytes))) }
    #expect(truncated?.description.contains("tensor 'ln_f.bias'") == true && truncated?.description.contains("past the end") == true,
            "\(String(describing: truncated))")
    #expect(target.parameters().map(\.scalars) == before)
    // And the good file loads.
    try target.load(safetensors: SafeTensorsFile(data: Data(SafeTensors.encode(good))))
    #expect(target.parameters().map(\.scalars) == source.parameters().map(\.scalars))
  }
}

/// llm.c's `gpt2_124M.bin` writer: header and parameter order on a tiny model.
@Suite struct LLMCCheckpointTests {
  @Test func headerAndParameterOrder() throws {
    var g = TorchGenerator(seed: 11)
    let config = GPT2Config(vocabSize: 130, blockSize: 8, layers: 2, heads: 2, embedding: 16)
    let model = GPT2(config, generator: &g, matchTorchDraws: false)
    #expect(config.paddedVocabSize == 256)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("llmc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("gpt2_tiny.bin")
    try LLMC.saveModel(model, to: url)
    let data = try Data(contentsOf: url)
    let padded = config.withVocabulary(config.paddedVocabSize).parameterCount
    #expect(data.count == 1024 + 4 * padded)
    let ints = data.withUnsafeBytes { raw in (0..<256).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) } }
    #expect(Array(ints.prefix(8)) == [20240326, 3, 8, 130, 2, 2, 16, 256])
    #expect(ints.dropFirst(8).allSatisfy { $0 == 0 })
    let floats = data.withUnsafeBytes { raw in (0..<padded).map { raw.loadUnaligned(fromByteOffset: 1024 + 4 * $0, as: Float.self) } }
    let params = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor.scalars) })
    let layout = LLMC.parameterLayout(config)
    #expect(layout.map(\.name) == ["wte", "wpe", "ln1w", "ln1b", "qkvw", "qkvb", "attprojw", "attprojb",
                                   "ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb", "lnfw", "lnfb"])
    #expect(layout.reduce(0) { $0 + $1.count } == padded)
    var offset = 0
    for (name, count, sources) in layout {
      var expected = sources.flatMap { params[$0]! }
      if name == "wte" { expected += [Float](repeating: 0, count: count - expected.count) }
      #expect(Array(floats[offset..<(offset + count)]) == expected, "\(name)")
      offset += count
    }
    // Tokens.
    let tokensURL = dir.appendingPathComponent("tokens.bin")
    try LLMC.saveTokens([50256, 0, 17], to: tokensURL)
    let t = try Data(contentsOf: tokensURL)
    #expect(t.count == 1024 + 6)
    let tokenHeader = t.withUnsafeBytes { raw in (0..<3).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self) } }
    #expect(tokenHeader == [20240520, 1, 3])
    #expect(t.withUnsafeBytes { raw in (0..<3).map { Int(raw.loadUnaligned(fromByteOffset: 1024 + 2 * $0, as: UInt16.self)) } } == [50256, 0, 17])
    #expect(throws: SafeTensorsError.self) { try LLMC.saveTokens([70000], to: tokensURL) }
  }
}
