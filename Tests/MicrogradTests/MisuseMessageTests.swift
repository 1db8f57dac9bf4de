import Micrograd
import Random
import Testing

/// Micrograd's misuse messages survive the `-O` build the engine always uses.
@Suite struct MicrogradMisuseMessages {
  @Test func neuronOnTheWrongInputCountSaysHowMany() async throws {
    let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      var rng = PythonRandom(seed: 1337)
      let n = Neuron(2, rng: &rng)
      _ = n([1.0, 2.0, 3.0])
    }
    let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(stderr.contains("Neuron: expected 2 inputs, got 3"))
  }
}
