import NN
import Random
import Tensor
import Testing

/// NN's misuse messages survive the `-O` build the engine always uses (they name the layer and shapes).
@Suite struct NNMisuseMessages {
  @Test func linearOnTheWrongWidthNamesLayerAndShape() async throws {
    let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      var g = TorchGenerator(seed: 1)
      let layer = Linear(4, 3, generator: &g)
      _ = layer(Tensor.zeros([2, 5]))
    }
    let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(stderr.contains("Linear(4→3): input of shape [2, 5] does not end in 4 features"))
  }
}
