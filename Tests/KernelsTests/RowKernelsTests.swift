import Foundation
import Kernels
import Testing

@Suite("row-wise softmax and sums")
struct RowKernelsTests {
  /// Shapes with rows shorter than, equal to and longer than one vector, as in the lectures.
  static let shapes = [(1, 1), (3, 5), (4, 16), (5, 27), (2, 65), (32, 200)]

  @Test("softmax rows sum to 1 and match a Double computation", arguments: shapes)
  func softmax(_ shape: (Int, Int)) {
    let (rows, cols) = shape
    let x = testValues(rows * cols, seed: 5).map { $0 * 20 }
    var y = [Float](repeating: 0, count: rows * cols)
    softmaxRows(x, &y, rows: rows, cols: cols)
    for i in 0..<rows {
      let row = x[(i * cols)..<((i + 1) * cols)].map(Double.init)
      let m = row.max()!
      let total = row.map { Foundation.exp($0 - m) }.reduce(0, +)
      var sum: Float = 0
      for j in 0..<cols {
        let expected = Foundation.exp(row[j] - m) / total
        #expect(abs(Double(y[i * cols + j]) - expected) <= 4e-6 * max(expected, 1e-30) + 1e-38)
        sum += y[i * cols + j]
      }
      #expect(abs(sum - 1) < 1e-5)
    }
  }

  @Test("log-softmax matches log of the Double softmax; in place works", arguments: shapes)
  func logSoftmax(_ shape: (Int, Int)) {
    let (rows, cols) = shape
    var x = testValues(rows * cols, seed: 6).map { $0 * 30 }
    let original = x
    logSoftmaxRows(x, &x, rows: rows, cols: cols)
    for i in 0..<rows {
      let row = original[(i * cols)..<((i + 1) * cols)].map(Double.init)
      let m = row.max()!
      let logTotal = Foundation.log(row.map { Foundation.exp($0 - m) }.reduce(0, +))
      for j in 0..<cols {
        #expect(abs(Double(x[i * cols + j]) - (row[j] - m - logTotal)) < 1e-5 * (1 + abs(row[j] - m)))
      }
    }
  }

  @Test("softmax of huge logits stays finite; NaN poisons only its row")
  func softmaxExtremes() {
    let x: [Float] = [1000, 1000, -1000, 0, .nan, 1]
    var y = [Float](repeating: 0, count: 6)
    softmaxRows(x, &y, rows: 2, cols: 3)
    #expect(y[0] == 0.5 && y[1] == 0.5 && y[2] == 0)
    #expect(y[3...].allSatisfy { $0.isNaN })
  }

  @Test("sumRows and sumColumns match plain loops", arguments: shapes)
  func sums(_ shape: (Int, Int)) {
    let (rows, cols) = shape
    let x = testValues(rows * cols, seed: 7)
    var r = [Float](repeating: .nan, count: rows)
    sumRows(x, &r, rows: rows, cols: cols)
    for i in 0..<rows {
      let expected = x[(i * cols)..<((i + 1) * cols)].map(Double.init).reduce(0, +)
      #expect(abs(Double(r[i]) - expected) < 1e-5 * Double(cols))
    }
    var c = [Float](repeating: 1, count: cols)
    sumColumns(x, &c, rows: rows, cols: cols, accumulate: true)
    for j in 0..<cols {
      var expected: Float = 1
      for i in 0..<rows { expected += x[i * cols + j] }
      #expect(c[j] == expected)  // same order of additions: bit-identical
    }
    sumColumns(x, &c, rows: rows, cols: cols)
    #expect(abs(c[0] - (0..<rows).map { x[$0 * cols] }.reduce(0, +)) < 1e-5)
  }
}
