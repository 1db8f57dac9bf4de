import Testing
@testable import Random

/// Extra vectors from the executable model (`torch_cpu_rng_reference.py`, itself checked against
/// PyTorch) and from CPython 3.11: every size around the 16-block boundaries and the fast path's
/// 1024-float chunks, with a non-zero mean, followed by three more draws to check the stream
/// position; and getrandbits for every k.
@Suite struct ModelVectorTests {
  /// FNV-1a over the bit patterns, as the generator script computes it.
  static func fnv1a(_ values: [Float]) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for v in values {
      hash ^= UInt64(v.bitPattern)
      hash = hash &* 0x100_0000_01B3
    }
    return hash
  }

  @Test(arguments: ModelVectors.normalHashes.map(\.count))
  func normalThenUniform(count: Int) throws {
    let expected = try #require(ModelVectors.normalHashes.first { $0.count == count }).hash
    var g = TorchGenerator(seed: 7)
    let drawn = g.normal(count, doubleMean: 0.5, doubleStd: 2.0) + g.uniform(3)
    #expect(Self.fnv1a(drawn) == expected)
  }

  @Test(arguments: ModelVectors.uniformHashes.map(\.count))
  func uniformRange(count: Int) throws {
    let expected = try #require(ModelVectors.uniformHashes.first { $0.count == count }).hash
    var g = TorchGenerator(seed: 11)
    #expect(Self.fnv1a(g.uniform(count, low: -3, high: 5)) == expected)
  }

  @Test func getrandbitsForEveryWidth() {
    var r = PythonRandom(seed: 2024)
    #expect((1...64).map { r.getrandbits($0) } == ModelVectors.getrandbits)
  }

  @Test func fillNormalBufferMatchesArrayVersion() {
    var a = TorchGenerator(seed: 5)
    var b = TorchGenerator(seed: 5)
    var buffer = [Float](repeating: .nan, count: 1041)
    buffer.withUnsafeMutableBufferPointer { a.fillNormal($0, mean: 1, std: 3) }
    #expect(buffer == b.normal(1041, doubleMean: 1, doubleStd: 3))
  }
}
