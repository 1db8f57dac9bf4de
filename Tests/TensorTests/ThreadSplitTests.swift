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
}
