import Random
import Testing

/// Random's misuse messages survive the `-O` build the engine always uses.
@Suite struct RandomMisuseMessages {
  @Test func emptyRandintRangeNamesTheBounds() async throws {
    let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      var g = TorchGenerator(seed: 1)
      _ = g.randint(low: 5, high: 5, count: 3)
    }
    let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(stderr.contains("randint: empty range low 5 >= high 5"))
  }
}
