import Kernels
import Testing

/// Kernels' misuse messages survive the `-O` build the engine always uses.
@Suite struct KernelsMisuseMessages {
  @Test func negativeSoftmaxShapeIsNamed() async throws {
    let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      let x = [Float](repeating: 0, count: 4)
      var y = x
      softmaxRows(x, &y, rows: -1, cols: 4)
    }
    let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(stderr.contains("softmaxRows: negative shape [-1, 4]"))
  }
}
