import Foundation

/// The same scalar autograd as `Value`, stored for speed: the graph is one array of nodes, a node
/// is its index, and an operand is referred to by the index of an earlier node.
///
/// Why this is ~100× faster than a graph of `Value` objects: a `Value` is a heap object, so every
/// operation pays for a `malloc`, reference counting (atomic in Swift) on its operands, and later
/// a `free`; the backward pass first has to discover an order by a graph search. Here a new node is
/// one append to a contiguous array; because an operation can only use nodes that already exist,
/// **creation order is already a topological order**, so backward is a single reverse sweep; and
/// `truncate(to:)` throws the last step's graph away while keeping the memory, so a training loop
/// allocates nothing after its first step.
///
/// Parameters are meant to be the first nodes of the tape: build them once, then each step
/// `truncate(to: parameterCount)`, run the forward pass, `backward(from:)`, and update.
public struct Tape: Sendable {
  /// A node of the tape: an index, valid until the tape is truncated below it.
  public struct Var: Hashable, Sendable {
    /// Position in the tape (creation order).
    public let index: Int32
  }

  /// The operation that made a node; mirrors `Value.Op`, plus two ops with a constant operand so
  /// that a plain number costs no node of its own.
  public enum Op: UInt8, Sendable {
    /// An input, parameter or constant.
    case leaf
    /// `a + b`.
    case add
    /// `a * b`.
    case mul
    /// `a + c`, `c` a plain number stored in the node.
    case addConstant
    /// `a * c`, `c` a plain number stored in the node.
    case mulConstant
    /// `a ** k`, `k` stored in the node.
    case pow
    /// `e^a`.
    case exp
    /// `ln a`.
    case log
    /// `tanh a`.
    case tanh
    /// `max(0, a)`.
    case relu
  }

  /// One node: its value, the op, up to two operand indices and a constant (the exponent of
  /// `pow`, the number of `addConstant`/`mulConstant`). 32 bytes.
  struct Node {
    var data: Double
    var constant: Double
    var lhs: Int32
    var rhs: Int32
    var op: Op
  }

  var nodes: [Node] = []
  /// Gradients, kept apart from the nodes: only `backward` writes them (the forward pass never
  /// touches this array), and zeroing them is one contiguous fill.
  var grads: [Double] = []
  /// Scratch space for `recordLayer` (reused, so recording a neuron allocates nothing).
  var staging: [Node] = []

  /// An empty tape with room for `capacity` nodes before it reallocates.
  public init(capacity: Int = 0) { nodes.reserveCapacity(capacity) }

  /// Number of nodes recorded.
  public var count: Int { nodes.count }

  /// The value held by `v`.
  public func data(_ v: Var) -> Double { nodes[Int(v.index)].data }
  /// ∂(root)/∂v after the last `backward(from:)`.
  public func grad(_ v: Var) -> Double {
    let i = Int(v.index)
    require(i < nodes.count, "Tape.grad: node \(i) not on a tape of \(nodes.count)")
    return i < grads.count ? grads[i] : 0
  }
  /// Overwrites the value of `v` (for leaves: inputs and parameters).
  public mutating func setData(_ v: Var, _ x: Double) { nodes[Int(v.index)].data = x }

  @inline(__always)
  mutating func record(_ data: Double, _ op: Op, _ lhs: Int32 = -1, _ rhs: Int32 = -1, _ constant: Double = 0) -> Var {
    let index = Int32(truncatingIfNeeded: nodes.count)
    nodes.append(Node(data: data, constant: constant, lhs: lhs, rhs: rhs, op: op))
    return Var(index: index)
  }

  /// A leaf: input, parameter or constant.
  public mutating func leaf(_ x: Double) -> Var { record(x, .leaf) }

  /// `a + b`.
  public mutating func add(_ a: Var, _ b: Var) -> Var {
    record(data(a) + data(b), .add, a.index, b.index)
  }
  /// `a + c` for a plain number `c`.
  public mutating func add(_ a: Var, _ c: Double) -> Var {
    record(data(a) + c, .addConstant, a.index, -1, c)
  }
  /// `a * b`.
  public mutating func mul(_ a: Var, _ b: Var) -> Var {
    record(data(a) * data(b), .mul, a.index, b.index)
  }
  /// `a * c` for a plain number `c`.
  public mutating func mul(_ a: Var, _ c: Double) -> Var {
    record(data(a) * c, .mulConstant, a.index, -1, c)
  }
  /// `a ** k`.
  public mutating func pow(_ a: Var, _ k: Double) -> Var {
    record(Foundation.pow(data(a), k), .pow, a.index, -1, k)
  }
  /// `e^a`.
  public mutating func exp(_ a: Var) -> Var { record(Foundation.exp(data(a)), .exp, a.index) }
  /// `ln a`.
  public mutating func log(_ a: Var) -> Var { record(Foundation.log(data(a)), .log, a.index) }
  /// `tanh a` (the lecture's formula, as `Value.tanh`).
  public mutating func tanh(_ a: Var) -> Var { record(lectureTanh(data(a)), .tanh, a.index) }
  /// `max(0, a)`.
  public mutating func relu(_ a: Var) -> Var {
    let x = data(a)
    return record(x < 0 ? 0 : x, .relu, a.index)
  }

  /// Forgets every node from `count` on, keeping the memory: call it with the parameter count at
  /// the start of each training step.
  public mutating func truncate(to count: Int) {
    require(count >= 0 && count <= nodes.count, "Tape.truncate: \(count) outside 0...\(nodes.count)")
    nodes.removeSubrange(count...)
  }

  /// Backpropagation from `root`: zeroes every gradient, sets ∂root/∂root = 1, then
  /// walks the nodes from `root` down to 0 once, each passing its grad to its operands. (Unlike
  /// `Value.backward`, running it twice gives the same gradients: it starts from zero.)
  public mutating func backward(from root: Var) {
    let r = Int(root.index)
    require(r >= 0 && r < nodes.count, "Tape.backward: node \(r) not on a tape of \(nodes.count)")
    if grads.count < nodes.count { grads.append(contentsOf: repeatElement(0, count: nodes.count - grads.count)) }
    nodes.withUnsafeBufferPointer { nodeBuffer in
      grads.withUnsafeMutableBufferPointer { gradBuffer in
        let n = nodeBuffer.baseAddress!, g = gradBuffer.baseAddress!
        g.update(repeating: 0, count: nodeBuffer.count)
        g[r] = 1
        var i = r
        while i >= 0 {
          let node = n[i]
          let out = g[i]
          Tape.passGradient(of: node, out: out, nodes: n, grads: g)
          i -= 1
        }
      }
    }
  }

  /// Adds `out` × each local derivative of `node` to its operands' gradients: the one place where
  /// the tape's operations are differentiated, used by both backward sweeps (`backward(from:)`
  /// and microgpt's `backwardInDepthFirstOrder`).
  @inline(__always)
  static func passGradient(of node: Node, out: Double, nodes n: UnsafePointer<Node>,
                           grads g: UnsafeMutablePointer<Double>) {
    let l = Int(node.lhs), rr = Int(node.rhs)
    switch node.op {
    case .leaf:
      break
    case .add:
      g[l] += out
      g[rr] += out
    case .mul:
      g[l] += n[rr].data * out
      g[rr] += n[l].data * out
    case .addConstant:
      g[l] += out
    case .mulConstant:
      g[l] += node.constant * out
    case .pow:
      let k = node.constant
      g[l] += (k * Foundation.pow(n[l].data, k - 1)) * out
    case .exp:
      g[l] += node.data * out
    case .log:
      g[l] += (1 / n[l].data) * out  // micrograd's local grad 1/x, then × out
    case .tanh:
      g[l] += (1 - node.data * node.data) * out
    case .relu:
      g[l] += (node.data > 0 ? 1 : 0) * out
    }
  }

  /// Gradient descent on the first `count` nodes (the parameters): `data -= learningRate * grad`.
  public mutating func descend(firstNodes count: Int, learningRate: Double) {
    require(count <= grads.count, "Tape.descend: \(count) parameters but gradients for \(grads.count) nodes; run backward first")
    grads.withUnsafeBufferPointer { g in
      nodes.withUnsafeMutableBufferPointer { n in
        for i in 0..<count { n[i].data -= learningRate * g[i] }
      }
    }
  }
}

extension Tape {
  /// Where a neuron's inputs come from: earlier nodes, or plain numbers (the data of an example).
  enum NeuronInputs {
    case nodes(UnsafeBufferPointer<Var>)
    case constants(UnsafeBufferPointer<Double>)
  }

  /// Records a layer of `fanOut` neurons, each `activation(b + w₀·x₀ + w₁·x₁ + …)`, as exactly the
  /// nodes the one-op-at-a-time calls would make (per neuron: mul, add, mul, add, …, then the
  /// activation), with the same arithmetic, but written into a reused staging buffer and appended
  /// in one copy: one capacity check per layer instead of one per node. Neuron `k`'s weights are
  /// the nodes `firstParameter + k·(fanIn + 1) ..< … + fanIn`, its bias the node right after them
  /// (`MLP.parameters()` order). Appends each neuron's output node to `outputs`.
  mutating func recordLayer(firstParameter: Int, fanOut: Int, inputs: NeuronInputs, activation: Activation,
                            outputs: inout [Var]) {
    let fanIn: Int
    switch inputs {
    case .nodes(let x): fanIn = x.count
    case .constants(let x): fanIn = x.count
    }
    let perNeuron = 2 * fanIn + (activation == .linear ? 0 : 1)
    let count = perNeuron * fanOut
    let start = nodes.count
    require(firstParameter + fanOut * (fanIn + 1) <= start,
                 "Tape.recordLayer: parameters \(firstParameter)..<\(firstParameter + fanOut * (fanIn + 1)) not on a tape of \(start)")
    if staging.count < count {
      staging = Array(repeating: Node(data: 0, constant: 0, lhs: -1, rhs: -1, op: .leaf), count: count)
    }
    staging.withUnsafeMutableBufferPointer { stage in
      nodes.withUnsafeBufferPointer { tape in
        let n = tape.baseAddress!
        let out = stage.baseAddress!
        var j = 0  // next staged node
        for k in 0..<fanOut {
          let firstWeight = firstParameter + k * (fanIn + 1)
          let bias = firstWeight + fanIn
          var act = n[bias].data
          var actIndex = Int32(truncatingIfNeeded: bias)
          for i in 0..<fanIn {
            let w = n[firstWeight + i].data
            let product: Double
            switch inputs {
            case .nodes(let x):
              product = w * n[Int(x[i].index)].data
              out[j] = Node(data: product, constant: 0, lhs: Int32(truncatingIfNeeded: firstWeight + i),
                            rhs: x[i].index, op: .mul)
            case .constants(let x):
              product = w * x[i]
              out[j] = Node(data: product, constant: x[i], lhs: Int32(truncatingIfNeeded: firstWeight + i),
                            rhs: -1, op: .mulConstant)
            }
            let productIndex = Int32(truncatingIfNeeded: start + j)
            j += 1
            act = act + product
            out[j] = Node(data: act, constant: 0, lhs: actIndex, rhs: productIndex, op: .add)
            actIndex = Int32(truncatingIfNeeded: start + j)
            j += 1
          }
          switch activation {
          case .linear:
            break
          case .relu:
            out[j] = Node(data: act < 0 ? 0 : act, constant: 0, lhs: actIndex, rhs: -1, op: .relu)
            j += 1
          case .tanh:
            out[j] = Node(data: lectureTanh(act), constant: 0, lhs: actIndex, rhs: -1, op: .tanh)
            j += 1
          }
          outputs.append(Var(index: Int32(truncatingIfNeeded: start + j - 1)))
        }
      }
      nodes.append(contentsOf: UnsafeBufferPointer(rebasing: stage[0..<count]))
    }
  }
}
