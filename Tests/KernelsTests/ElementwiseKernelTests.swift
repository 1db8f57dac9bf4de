import Kernels
import Testing

/// The element-wise kernels that replaced scalar loops must give the scalar loops' values in
/// every bit, including NaN, ±0 and infinities, on every length (vector body and ragged tail).
@Suite struct ElementwiseKernelTests {
  /// Values that exercise every branch: ±0, NaN, ±∞, tiny, negative, positive.
  func inputs(_ n: Int) -> [Float] {
    let special: [Float] = [0, -0.0, .nan, .infinity, -.infinity, 1e-40, -1e-40, -3.5, 2.25]
    return (0..<n).map { special[$0 % special.count] * ($0 % 2 == 0 ? 1 : Float($0) / 7) }
  }

  /// Same bits (NaN compares by bit pattern).
  func bits(_ x: [Float]) -> [UInt32] { x.map(\.bitPattern) }

  @Test("ReLU forward and backward equal max(x, 0) and g·(x > 0 ? 1 : 0) bit for bit", arguments: [1, 15, 16, 17, 45, 130])
  func reluEqualsScalar(_ n: Int) {
    let x = inputs(n), g = inputs(n + 3).suffix(n).map { $0 - 0.5 }
    var y = [Float](repeating: 7, count: n)
    reluForward(x, &y, count: n)
    #expect(bits(y) == bits(x.map { Swift.max($0, 0) }))
    var dx = [Float](repeating: 0, count: n)
    reluBackward(x, g, &dx, count: n, accumulate: false)
    let scalar = (0..<n).map { g[$0] * (x[$0] > 0 ? 1 : 0) }
    #expect(bits(dx) == bits(scalar))
    let before = dx
    reluBackward(x, g, &dx, count: n, accumulate: true)
    #expect(bits(dx) == bits((0..<n).map { before[$0] + g[$0] * (x[$0] > 0 ? 1 : 0) }))
  }

  @Test("vexp on a short row equals vexp on the same values inside a long one", arguments: [1, 5, 16, 17, 31])
  func expTailEqualsBody(_ n: Int) {
    let long = (0..<64).map { Float($0 % 23) / 3 - 4 }
    var all = [Float](repeating: 0, count: 64)
    vexp(long, &all, count: 64)
    // The same values as the tail of a short call (they go through the padded tail vector).
    var short = [Float](repeating: -1, count: n + 1)
    vexp(Array(long.prefix(n)), &short, count: n)
    #expect(Array(short.prefix(n)) == Array(all.prefix(n)))
    #expect(short[n] == -1, "nothing written past count")
  }

  @Test("fillRows copies the row into every row", arguments: [(1, 1), (3, 17), (512, 64), (5, 65)])
  func fillRowsCopies(_ rows: Int, _ cols: Int) {
    let row = (0..<cols).map { Float($0) - 0.5 }
    var out = [Float](repeating: .nan, count: rows * cols)
    fillRows(&out, rows: rows, cols: cols, with: row)
    #expect(out == Array(Array(repeating: row, count: rows).joined()))
  }
}
