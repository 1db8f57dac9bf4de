import Kernels
import Tensor
import Testing

/// Element-wise and row ops split across threads above a size threshold; values and gradients
/// must be bit-identical for any thread count.
@Suite struct ThreadSplitTests {
  @Test func elementWiseAndRowOpsAreBitIdenticalForAnyThreadCount() {
    let (rows, c) = (700, 97)   // 67,900 elements: above the split threshold
    func run() -> [[UInt32]] {
      let x = Tensor((0..<(rows * c)).map { Float(($0 * 7919) % 2000) / 500 - 2 }, shape: [rows, c]).requiringGrad()
      let bias = Tensor((0..<c).map { Float($0 % 13) / 7 }).requiringGrad()
      let perRow = Tensor((0..<rows).map { Float($0 % 11) + 1 }, shape: [rows, 1]).requiringGrad()
      let h = ((x * 1.5 + bias) / perRow - x.exp() * 0.01).tanh()
      let s = h.sigmoid() + h.softmax(dim: -1) + h.logSoftmax(dim: 1)
      let targets = IntTensor((0..<rows).map { $0 % c })
      let loss = crossEntropy(s, targets) + (s * s).mean()
      loss.backward()
      var acc = Tensor.zeros([rows, c])
      acc += x.detach()
      acc.addInPlace(h.detach(), scale: 0.5)
      return [h, s, loss, x.grad!, bias.grad!, perRow.grad!, acc].map { $0.scalars.map(\.bitPattern) }
    }
    let one = Parallelism.$threadCount.withValue(1) { run() }
    let two = Parallelism.$threadCount.withValue(2) { run() }
    for (k, (a, b)) in zip(one, two).enumerated() { #expect(a == b, "result \(k) differs between 1 and 2 threads") }
  }

  @Test func batchedMatmulSharesWholeMatricesWithoutChangingBits() {
    // Attention-sized products (16 matrices of 32×16 · 16×32, below sgemm's own split) are shared
    // out whole between threads; a broadcast operand's gradient sums in batch order on one thread.
    func run() -> [[UInt32]] {
      let q = Tensor((0..<(16 * 32 * 16)).map { Float(($0 * 7919) % 997) / 500 - 1 }, shape: [16, 32, 16]).requiringGrad()
      let k = Tensor((0..<(16 * 32 * 16)).map { Float(($0 * 104_729) % 991) / 500 - 1 }, shape: [16, 32, 16]).requiringGrad()
      let shared = Tensor((0..<(32 * 24)).map { Float(($0 * 31) % 89) / 40 - 1 }, shape: [32, 24]).requiringGrad()
      let wei = q.matmul(k.transpose(-2, -1))          // (16, 32, 32), no broadcast
      let out = wei.matmul(shared)                       // (16, 32, 24), `shared` broadcast over the batch
      (out * out).mean().backward()
      return [wei, out, q.grad!, k.grad!, shared.grad!].map { $0.scalars.map(\.bitPattern) }
    }
    let one = Parallelism.$threadCount.withValue(1) { run() }
    for threads in [2, 3] {
      let many = Parallelism.$threadCount.withValue(threads) { run() }
      for (i, (a, b)) in zip(one, many).enumerated() { #expect(a == b, "result \(i) differs between 1 and \(threads) threads") }
    }
  }
}
