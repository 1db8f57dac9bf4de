import Tensor

// Modules and layers: the PyTorch-ified containers lectures 4–7 build.
//
// A module owns parameters (tensors with `requiresGrad`), buffers (running statistics: state that
// is saved in checkpoints but not trained) and child modules. Names are built like PyTorch's
// `state_dict` keys: the child's attribute name, a dot, the parameter's name
// (`blocks.0.sa.heads.0.key.weight`), so checkpoints and diagnostics can say which tensor is which.

/// Something that holds parameters, buffers and sub-modules, and has a training/evaluation mode
/// (PyTorch's `nn.Module`). Classes, because identity matters: a parameter keeps its `.grad` from
/// `backward()` to the optimiser step.
public protocol Module: AnyObject {
  /// Whether the module is in training mode (BatchNorm uses batch statistics, Dropout drops).
  /// Set it for a whole tree with `train()` / `eval()`.
  var training: Bool { get set }
  /// This module's own parameters with their attribute names (not its children's).
  var ownParameters: [(name: String, tensor: Tensor)] { get }
  /// This module's own persistent buffers (running statistics) with their attribute names.
  var ownBuffers: [(name: String, tensor: Tensor)] { get }
  /// Direct sub-modules with their attribute names, in registration order.
  var children: [(name: String, module: any Module)] { get }
}

extension Module {
  /// No own parameters unless a layer declares some.
  public var ownParameters: [(name: String, tensor: Tensor)] { [] }
  /// No buffers unless a layer declares some.
  public var ownBuffers: [(name: String, tensor: Tensor)] { [] }
  /// No children unless a container declares some.
  public var children: [(name: String, module: any Module)] { [] }

  /// Every parameter of the tree with its dotted name, in PyTorch's `named_parameters()` order
  /// (own parameters first, then each child's in registration order).
  public func namedParameters(prefix: String = "") -> [(name: String, tensor: Tensor)] {
    var result = ownParameters.map { (name: prefix + $0.name, tensor: $0.tensor) }
    for child in children {
      result += child.module.namedParameters(prefix: prefix + child.name + ".")
    }
    return result
  }

  /// Every persistent buffer of the tree with its dotted name (running mean/var of BatchNorm).
  public func namedBuffers(prefix: String = "") -> [(name: String, tensor: Tensor)] {
    var result = ownBuffers.map { (name: prefix + $0.name, tensor: $0.tensor) }
    for child in children {
      result += child.module.namedBuffers(prefix: prefix + child.name + ".")
    }
    return result
  }

  /// Parameters then buffers: everything a checkpoint stores (PyTorch's `state_dict()` order
  /// differs — it interleaves per module — but the names are the same).
  public func namedState() -> [(name: String, tensor: Tensor)] {
    namedParameters() + namedBuffers()
  }

  /// The parameters in `namedParameters()` order (`model.parameters()`).
  public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

  /// Total number of scalar parameters (`sum(p.nelement() for p in parameters)`).
  public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

  /// This module and every descendant, parent before children (`model.modules()`).
  public func modules() -> [any Module] {
    var result: [any Module] = [self]
    for child in children { result += child.module.modules() }
    return result
  }

  /// Sets training mode on the whole tree (`model.train()`; `train(false)` is `eval()`).
  public func train(_ on: Bool = true) {
    for m in modules() { m.training = on }
  }

  /// Evaluation mode for the whole tree: BatchNorm uses its running statistics, Dropout is the
  /// identity (`model.eval()`).
  public func eval() { train(false) }

  /// Clears every parameter's gradient (`zero_grad(set_to_none=True)`).
  public func zeroGrad() {
    for p in parameters() { p.grad = nil }
  }
}

/// A module that maps a tensor to a tensor (`Linear`, `Tanh`, `BatchNorm1d`, `Block`, …).
public protocol Layer: Module {
  /// The forward pass.
  func callAsFunction(_ x: Tensor) -> Tensor
}

/// A module that maps integer indices to a tensor (`Embedding`, a whole language model).
public protocol IndexLayer: Module {
  /// The forward pass on token or character indices.
  func callAsFunction(_ indices: IntTensor) -> Tensor
}

/// Stops with a message naming the layer and the shapes involved when an input has the wrong rank
/// or size (misuse is a programming error, not bad data).
@inline(__always)
func checkInput(_ condition: Bool, _ layer: String, _ message: @autoclosure () -> String) {
  if !condition { fatalError("\(layer): \(message())") }
}
