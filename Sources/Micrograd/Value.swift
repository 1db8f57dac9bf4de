import Foundation

/// One scalar in a computation graph: micrograd's `Value`.
///
/// A `Value` remembers the number it holds (`data`), the derivative of the final output with
/// respect to it (`grad`, filled in by `backward()`), the values it was computed from (`children`)
/// and the operation that combined them (`op`). That memory is the whole trick of autograd: after
/// the forward pass the graph is still there, so the chain rule can be applied node by node.
///
/// It is a class on purpose: the same node can feed several others (`b = a + a`), and every use
/// must add its share of gradient into the *same* `grad`. Identity matters, so this is not a value
/// type. (For speed, see `Tape`, which stores the same graph as parallel arrays.)
public final class Value: CustomStringConvertible {
  /// The number this node holds, computed in the forward pass.
  public var data: Double
  /// ∂(output)/∂(this node), accumulated by `backward()`; 0 until then.
  public var grad: Double = 0
  /// The first operand (nil for a leaf).
  public private(set) var lhs: Value?
  /// The second operand (nil for a leaf and for one-operand ops like `tanh`).
  public private(set) var rhs: Value?
  /// The operation that produced this node (`.leaf` for inputs and parameters).
  public let op: Op
  /// A name for printing graphs (`"a"`, `"x1*w1"`); empty by default.
  public var label: String
  /// Scratch flag for `topologicalOrder()` (set during the search, cleared before it returns):
  /// cheaper than a hash set of visited nodes.
  var visited = false

  /// A leaf: an input, a weight, or a constant.
  public init(_ data: Double, label: String = "") {
    self.data = data
    self.op = .leaf
    self.label = label
  }

  /// An interior node made by an operation on one or two operands.
  init(_ data: Double, _ lhs: Value, _ rhs: Value? = nil, op: Op) {
    self.data = data
    self.lhs = lhs
    self.rhs = rhs
    self.op = op
    self.label = ""
  }

  /// The nodes this one was computed from, in operand order (`a + a` lists `a` twice):
  /// micrograd's `_prev`. (Stored as two fields rather than an array: one allocation per node.)
  public var children: [Value] {
    switch (lhs, rhs) {
    case let (l?, r?): return [l, r]
    case let (l?, nil): return [l]
    default: return []
    }
  }

  /// `Value(data=-8.0)`, as the lecture's `__repr__` prints it.
  public var description: String { "Value(data=\(data))" }

  /// Frees a long chain without recursion: Swift would otherwise release child after child through
  /// nested `deinit` calls, and a graph a few hundred thousand nodes deep would overflow the stack.
  deinit {
    guard lhs != nil else { return }
    var pending: [Value] = []
    if let l = lhs { pending.append(l) }
    if let r = rhs { pending.append(r) }
    lhs = nil
    rhs = nil
    while var node = pending.popLast() {
      // Only a node nobody else holds is about to die: detach its operands so its own deinit is
      // trivial, and free them here in the loop instead.
      if isKnownUniquelyReferenced(&node) {
        if let l = node.lhs { pending.append(l) }
        if let r = node.rhs { pending.append(r) }
        node.lhs = nil
        node.rhs = nil
      }
    }
  }
}

extension Value {
  /// The operation that produced a node. Each case knows its local derivative (see `propagateGrad`).
  public enum Op: Equatable, Sendable, CustomStringConvertible {
    /// An input, weight or constant: nothing to propagate.
    case leaf
    /// `a + b`: ∂/∂a = 1, ∂/∂b = 1.
    case add
    /// `a * b`: ∂/∂a = b, ∂/∂b = a.
    case mul
    /// `a ** k` for a constant `k`: ∂/∂a = k·a^(k−1).
    case pow(Double)
    /// `e^a`: ∂/∂a = e^a (the output itself).
    case exp
    /// `ln a`: ∂/∂a = 1/a.
    case log
    /// `tanh a`: ∂/∂a = 1 − tanh²a.
    case tanh
    /// `max(0, a)`: ∂/∂a = 1 where the output is positive, else 0.
    case relu

    /// micrograd's `_op` string: `""`, `"+"`, `"*"`, `"**2"`, `"exp"`, `"log"`, `"tanh"`, `"ReLU"`.
    public var description: String {
      switch self {
      case .leaf: return ""
      case .add: return "+"
      case .mul: return "*"
      case .pow(let k): return "**" + formatExponent(k)
      case .exp: return "exp"
      case .log: return "log"
      case .tanh: return "tanh"
      case .relu: return "ReLU"
      }
    }
  }
}

/// `2` for 2.0 and `-1` for -1.0 (as Python prints an int exponent), `0.5` otherwise.
func formatExponent(_ k: Double) -> String {
  if k == k.rounded(), abs(k) < 1e15 { return String(Int(k)) }
  return String(k)
}

/// tanh written as the lecture writes it, (e^{2x} − 1)/(e^{2x} + 1), so the printed digits match the
/// notebook's (0.7071067811865476 where libm's tanh gives …477). Beyond |x| = 20 both are ±1 exactly,
/// and libm's version does not overflow.
@inline(__always)
func lectureTanh(_ x: Double) -> Double {
  if abs(x) > 20 { return Foundation.tanh(x) }
  let e = Foundation.exp(2 * x)
  return (e - 1) / (e + 1)
}
