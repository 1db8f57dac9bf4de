// Reverse-mode autograd at tensor granularity.
//
// Every op that sees an input with `requiresGrad` (while grad mode is on) attaches a `Node` to its
// output: the op's name, its input tensors and a backward closure. `backward()` orders the recorded
// tensors topologically (iteratively, no recursion), runs each closure once in reverse order, and
// frees the graph. Backward closures receive the output, its gradient and the inputs as arguments
// and never capture tensors themselves (only buffers and integers): a tensor chain is then only
// linked through `Node.inputs`, which `Node.deinit` unlinks iteratively.

/// Computes the gradients of a node's inputs from the gradient of its output.
/// Arguments: the output tensor, the output's gradient (contiguous), the inputs.
typealias BackwardFunction = (_ out: Tensor, _ gradOut: Tensor, _ inputs: [Tensor]) -> Void

/// One recorded operation: what produced a tensor and how to back-propagate through it.
final class Node {
  /// Operation name (`"tanh"`, `"matmul"`) for `gradFnName`, printing and anomaly messages.
  let op: String
  /// The tensors the op read (their gradients are written by `backward`).
  var inputs: [Tensor]
  /// Writes the inputs' gradients; see `BackwardFunction`.
  let backward: BackwardFunction

  init(op: String, inputs: [Tensor], backward: @escaping BackwardFunction) {
    self.op = op
    self.inputs = inputs
    self.backward = backward
  }

  // Freeing the last tensor of a long chain would otherwise recurse through every
  // Tensor.deinit → Node.deinit pair (one stack frame pair per op). Instead, take over the inputs
  // of every node that is about to die with us, so each deinit below runs with no inputs left.
  deinit {
    if inputs.isEmpty { return }
    var pending = inputs
    inputs = []
    while var t = pending.popLast() {
      guard isKnownUniquelyReferenced(&t), var node = t.gradFn else { continue }
      t.gradFn = nil
      if isKnownUniquelyReferenced(&node) {
        pending.append(contentsOf: node.inputs)
        node.inputs = []
      }
    }
  }
}

extension Tensor {
  /// Whether operations record the graph (false inside `Tensor.withNoGrad`).
  @TaskLocal static var gradModeEnabled: Bool = true

  /// Whether operations are being recorded here (PyTorch's `torch.is_grad_enabled()`).
  public static var isGradEnabled: Bool { gradModeEnabled }

  /// Runs `body` without recording operations (PyTorch's `with torch.no_grad():`): results do not
  /// require grad, so evaluation and manual updates build no graph and keep no buffers alive.
  public static func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try $gradModeEnabled.withValue(false) { try body() }
  }

  /// Runs `body` with recording switched back on (inside an outer `withNoGrad`).
  public static func withGrad<R>(_ body: () throws -> R) rethrows -> R {
    try $gradModeEnabled.withValue(true) { try body() }
  }

  /// The name PyTorch prints for this tensor's `grad_fn` (`"TanhBackward0"`, `"NllLossBackward0"`
  /// for a cross-entropy loss), or nil for a leaf: printed tensors read like the notebook's.
  public var gradFnName: String? {
    guard let op = opName else { return nil }
    if let name = Tensor.pyTorchGradFnNames[op] { return name }
    return op.prefix(1).uppercased() + op.dropFirst() + "Backward0"
  }

  /// PyTorch's `grad_fn` class names where they are not simply `<Op>Backward0`.
  static let pyTorchGradFnNames: [String: String] = [
    "rsub": "RsubBackward1", "reciprocal": "MulBackward0", "rpow": "PowBackward2", "clamp": "ClampBackward1",
    "sumAll": "SumBackward0", "sum": "SumBackward1", "meanAll": "MeanBackward0", "mean": "MeanBackward1",
    "var": "VarBackward0", "std": "StdBackward0", "maxAll": "MaxBackward1", "max": "MaxBackward0",
    "minAll": "MinBackward1", "min": "MinBackward0", "unsafeView": "UnsafeViewBackward0",
    "squeeze": "SqueezeBackward1", "narrow": "SliceBackward0", "contiguous": "CloneBackward0",
    "mm": "MmBackward0", "crossEntropy": "NllLossBackward0", "maskedFill": "MaskedFillBackward0",
  ]

  /// Gives a recorded result the op name PyTorch shows for the composite op that produced it
  /// (`mean` is recorded as sum then div, but prints `MeanBackward1`). Returns `self`.
  func renamed(_ op: String) -> Tensor {
    if !isLeaf { opName = op }
    return self
  }

  /// A tensor sharing this one's storage that does not require grad and has no history
  /// (PyTorch's `.detach()`).
  public func detach() -> Tensor {
    Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
  }

  /// The raw values as a detached alias (PyTorch's `.data`): `p.data -= 0.1 * p.grad!` updates the
  /// parameter in place without recording anything.
  public var data: Tensor {
    get { detach() }
    set { assign(newValue) }
  }

  /// Keeps `.grad` of this non-leaf tensor after `backward()` (PyTorch's `retain_grad()`);
  /// lecture 5 compares every intermediate's gradient with a hand-derived one.
  public func retainGrad() {
    retainsGrad = true
  }

  /// Clears the gradient (`grad = nil`, PyTorch's `zero_grad(set_to_none=True)`).
  public func zeroGrad() { grad = nil }

  /// Back-propagates from this tensor: adds d(self)/d(leaf) · `gradient` to `.grad` of every leaf
  /// that requires grad (and of non-leaves that called `retainGrad()`).
  ///
  /// Without `gradient` the tensor must have exactly one element (a loss); the seed is 1. The graph
  /// is freed afterwards (closures and saved inputs), unless `retainGraph` is true. Gradients
  /// accumulate across calls; reset them with `p.grad = nil` or `zeroGrad()`.
  public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) {
    require(requiresGrad,
            "backward: this tensor does not require grad (no input had requiresGrad, or it was computed inside withNoGrad)")
    require(isLeaf || gradFn != nil,
            "backward: the graph of this \(opName ?? "") result was already freed by an earlier backward(); recompute the forward pass, or pass retainGraph: true to the first call")
    let seed: Tensor
    if let g = gradient {
      require(g.shape == shape, "backward: gradient shape \(describe(g.shape)) differs from tensor shape \(describe(shape))")
      seed = g.contiguousCopy()
    } else {
      require(count == 1, "backward: called on a tensor of shape \(describe(shape)); pass `gradient:` for non-scalar outputs")
      seed = Tensor.ones(shape)
    }
    Tensor.withNoGrad {
      accumulateGrad(seed, owned: true)
      let order = topologicalOrder()
      for t in order.reversed() {
        guard let node = t.gradFn, let g = t.grad else { continue }
        node.backward(t, g, node.inputs)
        if Tensor.anomalyHandler != nil {
          for x in node.inputs where x.requiresGrad { x.grad?.checkAnomaly("\(node.op) (backward)", t) }
        }
        if !retainGraph {
          t.gradFn = nil
        }
        if !t.retainsGrad { t.grad = nil }
      }
    }
  }

  /// Tensors with a recorded op reachable from `self`, each after all of its inputs (post-order of
  /// an explicit-stack depth-first search).
  func topologicalOrder() -> [Tensor] {
    var order: [Tensor] = []
    guard gradFn != nil else { return order }
    let token = Node(op: "visit", inputs: [], backward: { _, _, _ in })
    let mark = ObjectIdentifier(token)
    var stack: [(Tensor, Int)] = [(self, 0)]
    visitMark = mark
    while let top = stack.last {
      let (t, i) = top
      if let node = t.gradFn, i < node.inputs.count {
        stack[stack.count - 1].1 = i + 1
        let child = node.inputs[i]
        if child.gradFn != nil && child.visitMark != mark {
          child.visitMark = mark
          stack.append((child, 0))
        }
      } else {
        stack.removeLast()
        order.append(t)
      }
    }
    for t in order { t.visitMark = nil }
    withExtendedLifetime(token) {}
    return order
  }

  /// Adds `g` (this tensor's shape) to `grad`. With `owned`, `g` is a fresh tensor nobody else
  /// holds and may become `grad` itself; otherwise it is copied first.
  func accumulateGrad(_ g: Tensor, owned: Bool) {
    require(g.shape == shape, "internal: gradient shape \(describe(g.shape)) for tensor \(describe(shape))")
    if let existing = grad {
      addInPlaceUnrecorded(existing, g, scale: 1)
    } else {
      grad = owned && g.isContiguous ? g : g.contiguousCopy()
    }
  }

  /// Whether an element-wise backward may compute this input's gradient inside `g` (the gradient
  /// of `out`) and hand `g` over as `grad`: `g` is dropped once the node has run (the output does
  /// not retain it, and gradients are handed over, never shared), it has this tensor's shape, and
  /// this tensor has no gradient yet. Saves a full-size buffer and one memory stream.
  func canTakeOverGradient(_ g: Tensor, of out: Tensor) -> Bool {
    grad == nil && !out.retainsGrad && out !== self && g.isContiguous && g.shape == shape
  }

  /// Gives `body` a contiguous gradient buffer of this tensor's shape and whether it already holds
  /// a gradient to add to (`accumulate == true`) or is fresh and must be fully written. With
  /// `zeroed`, a fresh buffer is zero-filled (for scatter-style backward passes that only add).
  @inline(__always)
  func withGradBuffer(zeroed: Bool = false, _ body: (_ g: UnsafeMutablePointer<Float>, _ accumulate: Bool) -> Void) {
    if let existing = grad, existing.isContiguous {
      body(existing.pointer, true)
    } else if let existing = grad {
      let fresh = zeroed ? Tensor.zeros(shape) : Tensor(uninitialized: shape)
      body(fresh.pointer, zeroed)
      addInPlaceUnrecorded(existing, fresh, scale: 1)
    } else {
      let fresh = zeroed ? Tensor.zeros(shape) : Tensor(uninitialized: shape)
      body(fresh.pointer, zeroed)
      grad = fresh
    }
  }

  /// Whether an op with these inputs must be recorded.
  @inline(__always)
  static func shouldRecord(_ a: Tensor) -> Bool { a.requiresGrad && gradModeEnabled }

  /// Whether an op with these inputs must be recorded.
  @inline(__always)
  static func shouldRecord(_ a: Tensor, _ b: Tensor) -> Bool { (a.requiresGrad || b.requiresGrad) && gradModeEnabled }

  /// Whether an op with these inputs must be recorded.
  static func shouldRecord(_ inputs: [Tensor]) -> Bool { inputs.contains { $0.requiresGrad } && gradModeEnabled }

  /// Attaches a recorded op to this freshly computed tensor.
  func setGradFn(_ op: String, _ inputs: [Tensor], _ backward: @escaping BackwardFunction) {
    requiresGrad = true
    isLeaf = false
    opName = op
    gradFn = Node(op: op, inputs: inputs, backward: backward)
  }
}
