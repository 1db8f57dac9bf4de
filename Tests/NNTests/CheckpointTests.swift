import Foundation
import NN
import Random
import Tensor
import Testing

@Suite struct CheckpointTests {
  func model(seed: UInt64) -> Sequential {
    var g = TorchGenerator(seed: seed)
    return Sequential([Linear(3, 4, generator: &g), BatchNorm1d(4), Tanh(), Linear(4, 2, bias: false, generator: &g)])
  }

  func expectError(_ expected: CheckpointError, _ bytes: [UInt8], into target: Sequential,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    let before = target.namedState().map { $0.tensor.scalars }
    do {
      try Checkpoint.load(target, bytes: bytes)
      Issue.record("loaded a bad checkpoint; expected \(expected)", sourceLocation: sourceLocation)
    } catch {
      #expect(error == expected, "\(error)", sourceLocation: sourceLocation)
      #expect(!error.description.isEmpty)
    }
    #expect(target.namedState().map { $0.tensor.scalars } == before, "nothing loaded", sourceLocation: sourceLocation)
  }

  @Test func roundTripThroughAFile() throws {
    let a = model(seed: 1), b = model(seed: 2)
    _ = a(Tensor(testValues(6, seed: 3), shape: [2, 3]))  // move the running statistics
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nn-test-\(UUID().uuidString).ckpt")
    defer { try? FileManager.default.removeItem(at: url) }
    try Checkpoint.save(a, to: url)
    try Checkpoint.load(b, from: url)
    for (x, y) in zip(a.namedState(), b.namedState()) {
      #expect(x.name == y.name && x.tensor.scalars == y.tensor.scalars)
    }
    let names = try Checkpoint.decode(Checkpoint.encode(a.namedState())).map(\.name)
    #expect(names == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "1.running_mean", "1.running_var"])
  }

  @Test func truncatedFile() {
    let bytes = Checkpoint.encode(model(seed: 1).namedState())
    let target = model(seed: 2)
    for cut in [4, 20, bytes.count / 2, bytes.count - 1] {
      let short = Array(bytes.prefix(cut))
      do {
        try Checkpoint.load(target, bytes: short)
        Issue.record("loaded a file cut at \(cut)")
      } catch {
        guard case .truncated = error else { Issue.record("cut at \(cut): \(error)"); continue }
      }
    }
  }

  @Test func badMagicVersionAndChecksum() {
    let bytes = Checkpoint.encode(model(seed: 1).namedState())
    var magic = bytes
    magic[0] = UInt8(ascii: "X")
    expectError(.badMagic, magic, into: model(seed: 2))
    var version = bytes
    version[8] = 9
    expectError(.unsupportedVersion(9), version, into: model(seed: 2))
    var data = bytes
    data[bytes.count - 10] ^= 0x40  // a bit of the last weight
    do {
      try Checkpoint.load(model(seed: 2), bytes: data)
      Issue.record("loaded a corrupt file")
    } catch {
      guard case .checksumMismatch = error else { Issue.record("\(error)"); return }
    }
  }

  @Test func mismatchedModels() {
    let source = model(seed: 1)
    let bytes = Checkpoint.encode(source.namedState())
    var g = TorchGenerator(seed: 3)
    let missingBias = Sequential([Linear(3, 4, generator: &g), BatchNorm1d(4), Tanh(), Linear(4, 2, generator: &g)])
    expectError(.missingTensors(["3.bias"]), bytes, into: missingBias)
    let extra = Checkpoint.encode(source.namedState() + [(name: "4.weight", tensor: Tensor([1]))])
    expectError(.unexpectedTensors(["4.weight"]), extra, into: model(seed: 2))
    let wider = Sequential([Linear(3, 5, generator: &g), BatchNorm1d(4), Tanh(), Linear(4, 2, bias: false, generator: &g)])
    expectError(.shapeMismatch(name: "0.weight", expected: [5, 3], found: [4, 3]), bytes, into: wider)
  }
}

@Suite struct CheckpointFormatTests {
  func model() -> Sequential {
    var g = TorchGenerator(seed: 5)
    return Sequential([Linear(3, 4, generator: &g), Tanh(), Linear(4, 2, generator: &g)])
  }

  @Test func savedFileIsWhatEncodeProducesAndNoTemporaryRemains() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("m.ckpt")
    let m = model()
    let opt = AdamW(m.parameters())
    let state = TrainingState(step: 12, generator: TorchGenerator(seed: 9), counters: ["position": 4096])
    try Checkpoint.save(m, optimizer: opt, training: state, to: url)
    try Checkpoint.save(m, optimizer: opt, training: state, to: url)   // overwrite in place
    #expect(try Data(contentsOf: url) == Data(Checkpoint.encode(m, optimizer: opt, training: state)))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["m.ckpt"])
    let loaded = try #require(try Checkpoint.load(model(), optimizer: AdamW(model().parameters()), from: url))
    #expect(loaded.step == 12 && loaded.counters == ["position": 4096])
    var g1 = try #require(loaded.generator), g2 = TorchGenerator(seed: 9)
    #expect(g1.randint(low: 0, high: 1000, count: 5) == g2.randint(low: 0, high: 1000, count: 5))
  }

  @Test func unwritableDirectoryIsAnIOError() {
    let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/m.ckpt")
    #expect(throws: CheckpointError.self) { try Checkpoint.save(model(), to: url) }
  }

  @Test func versionOneFilesStillLoad() throws {
    // A version-1 file written by hand: magic, version 1, one entry without a kind byte, CRC.
    let m = Sequential([Linear(weight: [1, 2], bias: nil, inFeatures: 2, outFeatures: 1, layout: .outByIn)])
    var body = Checkpoint.magic
    func u32(_ v: UInt32) { for k in 0..<4 { body.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
    u32(1); u32(1); u32(8); body += Array("0.weight".utf8); u32(2)
    for d in [1, 2] as [UInt64] { for k in 0..<8 { body.append(UInt8(truncatingIfNeeded: d >> (8 * k))) } }
    for x in [Float(5), -3] { u32(x.bitPattern) }
    let crc = crcOf(body)
    u32(crc)
    try Checkpoint.load(m, bytes: body)
    #expect(m.parameters()[0].scalars == [5, -3])
  }

  @Test func missingFileIsAnIOErrorNotACrash() {
    #expect(throws: CheckpointError.self) {
      try Checkpoint.load(model(), from: URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString).ckpt"))
    }
  }

  /// Plain bitwise CRC-32 (the reference for the slicing-by-8 one inside Checkpoint).
  func crcOf(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
      crc ^= UInt32(b)
      for _ in 0..<8 { crc = (crc & 1) != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }
    return crc ^ 0xFFFF_FFFF
  }
}
