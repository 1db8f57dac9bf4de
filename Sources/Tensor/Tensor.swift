import Kernels

/// An n-dimensional array of Float32 values that can record the operations applied to it and
/// back-propagate gradients through them (PyTorch's `torch.Tensor`, CPU float32 only).
///
/// A class, because identity matters: a parameter `W` keeps its `.grad` between the forward pass,
/// `backward()` and the optimiser step, and a view (`W.T`, `x.view(-1, 30)`, `x[0]`) shares `W`'s
/// storage. Element `[i, j, …]` lives at `storage[offset + i·strides[0] + j·strides[1] + …]`.
///
/// ```swift
/// let x = Tensor([1, 2, 3, 4], shape: [2, 2]).requiringGrad()
/// let y = (x * x).sum()
/// y.backward()
/// print(x.grad!)   // tensor([[2., 4.], [6., 8.]])
/// ```
public final class Tensor {
  /// The buffer this tensor reads (shared with its views).
  let storage: TensorStorage
  /// Size of every dimension; `[]` for a 0-d scalar.
  public let shape: [Int]
  /// Elements to skip in storage to move one step along each dimension.
  public var strides: [Int] { explicitStrides ?? contiguousStrides(shape) }
  /// The strides of a view; nil for a fresh contiguous tensor (saves an array per op).
  let explicitStrides: [Int]?
  /// Index in storage of element `[0, 0, …]`.
  public let offset: Int
  /// Number of elements (the product of `shape`).
  public let count: Int
  /// Whether the elements are laid out row-major without gaps (strides of a fresh tensor).
  public let isContiguous: Bool

  /// A label used when printing and in anomaly messages (`logits`, `hpreact`, …).
  public var name: String?
  /// Whether operations on this tensor are recorded so `backward()` can reach it.
  public var requiresGrad: Bool = false
  /// The accumulated gradient of the last `backward()` calls; `nil` until one reaches this tensor.
  /// Set it to `nil` to reset (PyTorch's `p.grad = None`).
  public var grad: Tensor?
  /// False once this tensor was produced by a recorded operation (PyTorch's `is_leaf`).
  public internal(set) var isLeaf: Bool = true
  /// The recorded operation that produced this tensor (freed after `backward()`).
  var gradFn: Node?
  /// Name of the producing operation, kept after the graph is freed (`"tanh"`).
  var opName: String?
  /// Keep `.grad` on this non-leaf after `backward()` (set by `retainGrad()`).
  var retainsGrad = false
  /// Marks tensors already visited by a topological sort in progress.
  var visitMark: ObjectIdentifier?

  /// Wraps existing storage with a layout; every other initialiser ends here.
  init(storage: TensorStorage, shape: [Int], strides: [Int], offset: Int) {
    self.storage = storage
    self.shape = shape
    self.explicitStrides = strides
    self.offset = offset
    self.count = elementCount(shape)
    var contiguous = true
    var expected = 1
    var d = shape.count - 1
    while d >= 0 {
      if shape[d] != 1 && strides[d] != expected { contiguous = false; break }
      expected &*= shape[d]
      d -= 1
    }
    self.isContiguous = contiguous
  }

  /// A fresh contiguous tensor whose elements are not initialised (callers write every element).
  init(uninitialized shape: [Int]) {
    let n = elementCount(shape)
    self.storage = TensorStorage.allocate(capacity: n)
    self.shape = shape
    self.explicitStrides = nil
    self.offset = 0
    self.count = n
    self.isContiguous = true
  }

  /// A tensor holding `scalars` in row-major order with the given shape.
  public convenience init(_ scalars: [Float], shape: [Int]) {
    require(scalars.count == elementCount(shape),
                 "Tensor(_:shape:): \(scalars.count) values do not fill shape \(describe(shape)) (\(elementCount(shape)) elements)")
    self.init(uninitialized: shape)
    scalars.withUnsafeBufferPointer { src in
      if let b = src.baseAddress { pointer.update(from: b, count: scalars.count) }
    }
  }

  /// A 1-D tensor holding `scalars`.
  public convenience init(_ scalars: [Float]) { self.init(scalars, shape: [scalars.count]) }

  /// A 0-d tensor holding one value (`torch.tensor(3.0)`).
  public convenience init(_ value: Float) {
    self.init(uninitialized: [])
    pointer[0] = value
  }

  /// A 2-D tensor from equal-length rows.
  public convenience init(_ rows: [[Float]]) {
    let cols = rows.first?.count ?? 0
    require(rows.allSatisfy { $0.count == cols }, "Tensor(_ rows:): rows have different lengths \(rows.map(\.count))")
    self.init(rows.flatMap { $0 }, shape: [rows.count, cols])
  }

  /// Pointer to element `[0, 0, …]` (follow `strides` from here).
  @inline(__always) var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

  /// Number of dimensions (`ndim`).
  public var rank: Int { shape.count }

  /// Sets `requiresGrad` and returns `self`, so a parameter reads as one line:
  /// `let W = Tensor.randn([27, 27], generator: &g).requiringGrad()`.
  @discardableResult
  public func requiringGrad(_ flag: Bool = true) -> Tensor {
    requiresGrad = flag
    return self
  }

  /// Sets `name` and returns `self` (`let logits = (h.matmul(W2) + b2).named("logits")`).
  @discardableResult
  public func named(_ label: String) -> Tensor {
    name = label
    return self
  }

  /// All elements in row-major order (a copy).
  public var scalars: [Float] {
    let c = contiguous()
    return withExtendedLifetime(c) { Array(UnsafeBufferPointer(start: c.pointer, count: count)) }
  }

  /// The value of a one-element tensor (PyTorch's `.item()`).
  public func item() -> Float {
    require(count == 1, "item(): tensor of shape \(describe(shape)) has \(count) elements, not 1")
    return pointer[0]
  }

  /// Storage index of the element at `indices`, checking rank and bounds.
  func storageIndex(_ indices: [Int], op: String) -> Int {
    require(indices.count == shape.count, "\(op): \(indices.count) indices for a tensor of shape \(describe(shape))")
    var k = offset
    let strides = self.strides
    for (d, i) in indices.enumerated() {
      let j = i < 0 ? i + shape[d] : i
      require(j >= 0 && j < shape[d], "\(op): index \(i) is out of range for dim \(d) of size \(shape[d]) (shape \(describe(shape)))")
      k += j * strides[d]
    }
    return k
  }

  /// Reads or writes one element (`t[at: 1, 2]`). Writing changes the data in place and is not
  /// recorded by autograd (use it on data, like the lecture-2 counting loop).
  public subscript(at indices: Int...) -> Float {
    get { storage.base[storageIndex(indices, op: "subscript(at:)")] }
    set { storage.base[storageIndex(indices, op: "subscript(at:)")] = newValue }
  }

  /// Calls `body` with the elements in row-major order (contiguous copy if needed).
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
    let c = contiguous()
    return try withExtendedLifetime(c) { try body(UnsafeBufferPointer(start: c.pointer, count: c.count)) }
  }

  /// Calls `body` with this tensor's own elements to modify them in place; stops if the tensor is
  /// not contiguous. Nothing is recorded by autograd.
  public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
    require(isContiguous, "withUnsafeMutableBufferPointer: tensor of shape \(describe(shape)) is not contiguous")
    return try body(UnsafeMutableBufferPointer(start: pointer, count: count))
  }
}

// MARK: - Factories

extension Tensor {
  /// A tensor of `shape` filled with `value` (`torch.full`).
  public static func full(_ shape: [Int], _ value: Float) -> Tensor {
    let t = Tensor(uninitialized: shape)
    t.pointer.initialize(repeating: value, count: t.count)
    return t
  }

  /// A tensor of zeros (`torch.zeros`).
  public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }

  /// A tensor of ones (`torch.ones`).
  public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

  /// Zeros with the shape of `other`.
  public static func zeros(like other: Tensor) -> Tensor { full(other.shape, 0) }

  /// Ones with the shape of `other`.
  public static func ones(like other: Tensor) -> Tensor { full(other.shape, 1) }

  /// `[0, 1, …, n−1]` as floats (`torch.arange(n).float()`).
  public static func arange(_ n: Int) -> Tensor { arange(0, Float(n)) }

  /// Values from `start` (inclusive) to `end` (exclusive) in steps of `step` (`torch.arange`).
  public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
    require(step != 0, "arange: step must be non-zero")
    let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
    let t = Tensor(uninitialized: [n])
    for i in 0..<n { t.pointer[i] = start + Float(i) * step }
    return t
  }

  /// `count` evenly spaced values from `start` to `end` inclusive (`torch.linspace`), computed as
  /// PyTorch does: the first half forward from `start`, the second half backward from `end`.
  public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
    let t = Tensor(uninitialized: [count])
    if count == 1 { t.pointer[0] = start; return t }
    let step = (end - start) / Float(count - 1)
    let half = count / 2
    for i in 0..<count {
      t.pointer[i] = i < half ? start + step * Float(i) : end - step * Float(count - 1 - i)
    }
    return t
  }

  /// The `n×n` identity matrix (`torch.eye`).
  public static func eye(_ n: Int) -> Tensor {
    let t = zeros([n, n])
    for i in 0..<n { t.pointer[i * n + i] = 1 }
    return t
  }
}
