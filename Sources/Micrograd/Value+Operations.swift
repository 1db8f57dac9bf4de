import Foundation

// The forward pass: every operation makes a new node that remembers its operands.
// Subtraction, negation and division are built from + , * and ** exactly as micrograd builds them,
// so the graphs (and the gradients, to the last bit) are the same as the Python ones.

extension Value {
  /// `a + b`.
  public static func + (lhs: Value, rhs: Value) -> Value {
    Value(lhs.data + rhs.data, lhs, rhs, op: .add)
  }

  /// `a * b`.
  public static func * (lhs: Value, rhs: Value) -> Value {
    Value(lhs.data * rhs.data, lhs, rhs, op: .mul)
  }

  /// `a ** k` for a plain-number exponent (micrograd's `__pow__` accepts only int/float powers).
  public func pow(_ exponent: Double) -> Value {
    Value(Foundation.pow(data, exponent), self, op: .pow(exponent))
  }

  /// `e^a`.
  public func exp() -> Value {
    Value(Foundation.exp(data), self, op: .exp)
  }

  /// Natural logarithm `ln a` (a > 0).
  public func log() -> Value {
    Value(Foundation.log(data), self, op: .log)
  }

  /// `tanh a`, the squashing non-linearity of the lecture's neuron.
  public func tanh() -> Value {
    Value(lectureTanh(data), self, op: .tanh)
  }

  /// `max(0, a)`, the non-linearity of the micrograd repo's hidden layers.
  public func relu() -> Value {
    Value(data < 0 ? 0 : data, self, op: .relu)
  }

  // MARK: Mixing with plain numbers (Python's `other = Value(other)`, `__radd__`, `__rmul__`, …)

  /// `a + 1`: the number becomes a leaf node.
  public static func + (lhs: Value, rhs: Double) -> Value { lhs + Value(rhs) }
  /// `1 + a` (`__radd__`: `a + 1`).
  public static func + (lhs: Double, rhs: Value) -> Value { rhs + Value(lhs) }
  /// `a * 2`.
  public static func * (lhs: Value, rhs: Double) -> Value { lhs * Value(rhs) }
  /// `2 * a` (`__rmul__`: `a * 2`).
  public static func * (lhs: Double, rhs: Value) -> Value { rhs * Value(lhs) }

  /// `-a`, built as `a * -1`.
  public static prefix func - (operand: Value) -> Value { operand * -1 }
  /// `a - b`, built as `a + (-b)`.
  public static func - (lhs: Value, rhs: Value) -> Value { lhs + (-rhs) }
  /// `a - 1`, built as `a + (-1)`.
  public static func - (lhs: Value, rhs: Double) -> Value { lhs + (-rhs) }
  /// `1 - a` (`__rsub__`: `1 + (-a)`).
  public static func - (lhs: Double, rhs: Value) -> Value { lhs + (-rhs) }

  /// `a / b`, built as `a * b**-1`.
  public static func / (lhs: Value, rhs: Value) -> Value { lhs * rhs.pow(-1) }
  /// `a / 2`, built as `a * 2**-1` (the reciprocal of a plain number is a plain number).
  public static func / (lhs: Value, rhs: Double) -> Value { lhs * Foundation.pow(rhs, -1) }
  /// `2 / a` (`__rtruediv__`: `2 * a**-1`).
  public static func / (lhs: Double, rhs: Value) -> Value { lhs * rhs.pow(-1) }

  /// `a += b` rebinds `a` to a new node `a + b` (the old node stays in the graph).
  public static func += (lhs: inout Value, rhs: Value) { lhs = lhs + rhs }
  /// `a += 1`.
  public static func += (lhs: inout Value, rhs: Double) { lhs = lhs + rhs }
  /// `a -= b`.
  public static func -= (lhs: inout Value, rhs: Value) { lhs = lhs - rhs }
  /// `a *= b`.
  public static func *= (lhs: inout Value, rhs: Value) { lhs = lhs * rhs }
  /// `a *= 2`.
  public static func *= (lhs: inout Value, rhs: Double) { lhs = lhs * rhs }
}
