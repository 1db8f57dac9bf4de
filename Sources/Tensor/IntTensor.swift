// Integer tensors: the index tensors of the lectures (`X`, `Y`, `ix`, `torch.arange(n)`, GPT tokens).
// A plain value type, since they never carry gradients: contexts, targets, sampled indices.
// Elements are stored as 32-bit integers (lecture 10 holds hundreds of thousands of GPT-2 tokens
// and more: half the memory of `Int`); the API speaks `Int`, and `int32Scalars` gives the storage.

/// An n-dimensional array of integers in row-major order (PyTorch's `torch.long` tensors, stored
/// as `Int32`: every index and token id of the course fits).
///
/// Used for dataset contexts and targets (`Xtr` is `[182625, 3]`), minibatch indices
/// (`IntTensor.randint`), gather indices (`C[X]`) and `argmax`/`topk` results.
public struct IntTensor: Sendable, Equatable {
  /// Size of every dimension; `[]` for a 0-d scalar.
  public let shape: [Int]
  /// All elements in row-major order, as stored (32-bit). Hot loops and token files use this.
  public var int32Scalars: [Int32]

  /// All elements in row-major order as `Int` (a converted copy; setting converts back and stops
  /// on a count change or a value outside the 32-bit range).
  public var scalars: [Int] {
    get { int32Scalars.map(Int.init) }
    set {
      require(newValue.count == int32Scalars.count,
              "IntTensor.scalars: \(newValue.count) values for a tensor of shape \(describe(shape))")
      int32Scalars = IntTensor.narrowed(newValue, op: "IntTensor.scalars")
    }
  }

  /// `values` as `Int32`, stopping with a message naming `op` at the first value out of range.
  static func narrowed(_ values: [Int], op: String) -> [Int32] {
    [Int32](unsafeUninitializedCapacity: values.count) { dst, initialized in
      values.withUnsafeBufferPointer { src in
        for i in 0..<src.count {
          guard let v = Int32(exactly: src[i]) else {
            fatalError("\(op): value \(src[i]) at index \(i) does not fit a 32-bit index tensor")
          }
          dst[i] = v
        }
      }
      initialized = values.count
    }
  }

  /// A tensor holding `scalars` with the given shape (each must fit in 32 bits).
  public init(_ scalars: [Int], shape: [Int]) {
    require(scalars.count == elementCount(shape),
                 "IntTensor(_:shape:): \(scalars.count) values do not fill shape \(describe(shape))")
    self.shape = shape
    self.int32Scalars = IntTensor.narrowed(scalars, op: "IntTensor(_:shape:)")
  }

  /// A tensor over 32-bit values already in storage form (token files, datasets): no conversion.
  public init(int32Scalars: [Int32], shape: [Int]) {
    require(int32Scalars.count == elementCount(shape),
                 "IntTensor(int32Scalars:shape:): \(int32Scalars.count) values do not fill shape \(describe(shape))")
    self.shape = shape
    self.int32Scalars = int32Scalars
  }

  /// A 1-D tensor.
  public init(_ scalars: [Int]) { self.init(scalars, shape: [scalars.count]) }

  /// A 2-D tensor from equal-length rows.
  public init(_ rows: [[Int]]) {
    let cols = rows.first?.count ?? 0
    require(rows.allSatisfy { $0.count == cols }, "IntTensor(_ rows:): rows have different lengths")
    self.init(rows.flatMap { $0 }, shape: [rows.count, cols])
  }

  /// A tensor of zeros (`torch.zeros(shape, dtype=torch.int32)`, the lecture-2 count matrix).
  public static func zeros(_ shape: [Int]) -> IntTensor {
    IntTensor([Int](repeating: 0, count: elementCount(shape)), shape: shape)
  }

  /// `[0, 1, …, n−1]` (`torch.arange(n)`).
  public static func arange(_ n: Int) -> IntTensor { IntTensor(Array(0..<n)) }

  /// `[start, start+1, …, end−1]`.
  public static func arange(_ start: Int, _ end: Int) -> IntTensor { IntTensor(Array(start..<end)) }

  /// Number of elements.
  public var count: Int { int32Scalars.count }
  /// Number of dimensions.
  public var rank: Int { shape.count }

  /// The value of a one-element tensor.
  public func item() -> Int {
    require(count == 1, "item(): IntTensor of shape \(describe(shape)) has \(count) elements, not 1")
    return Int(int32Scalars[0])
  }

  /// Flat index of `indices`, checking bounds.
  func flatIndex(_ indices: [Int]) -> Int {
    require(indices.count == shape.count, "IntTensor subscript(at:): \(indices.count) indices for shape \(describe(shape))")
    var k = 0
    for (d, i) in indices.enumerated() {
      let j = i < 0 ? i + shape[d] : i
      require(j >= 0 && j < shape[d], "IntTensor subscript(at:): index \(i) out of range for dim \(d) of size \(shape[d])")
      k = k * shape[d] + j
    }
    return k
  }

  /// Reads or writes one element (`N[at: ix1, ix2] += 1`).
  public subscript(at indices: Int...) -> Int {
    get { Int(int32Scalars[flatIndex(indices)]) }
    set {
      guard let v = Int32(exactly: newValue) else {
        fatalError("IntTensor subscript(at:): value \(newValue) does not fit a 32-bit index tensor")
      }
      int32Scalars[flatIndex(indices)] = v
    }
  }

  /// Size of one row (the product of all dims after the first).
  var rowSize: Int { shape.count <= 1 ? 1 : elementCount(Array(shape.dropFirst())) }

  /// Row `i` along dim 0 (negative counts from the end).
  public subscript(_ i: Int) -> IntTensor {
    require(rank >= 1, "IntTensor subscript: cannot index a 0-d tensor")
    let j = i < 0 ? i + shape[0] : i
    require(j >= 0 && j < shape[0], "IntTensor subscript: index \(i) out of range for dim 0 of size \(shape[0])")
    let r = rowSize
    return IntTensor(int32Scalars: Array(int32Scalars[(j * r)..<((j + 1) * r)]), shape: Array(shape.dropFirst()))
  }

  /// Rows `range` along dim 0 (`Xtr[0..<5]`).
  public subscript(_ range: Range<Int>) -> IntTensor {
    require(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                 "IntTensor subscript: rows \(range) out of range for shape \(describe(shape))")
    let r = rowSize
    return IntTensor(int32Scalars: Array(int32Scalars[(range.lowerBound * r)..<(range.upperBound * r)]),
                     shape: [range.count] + shape.dropFirst())
  }

  /// Gathers rows along dim 0 by `indices` (`Xtr[ix]`): shape `indices.shape + shape[1...]`.
  public subscript(_ indices: IntTensor) -> IntTensor {
    require(rank >= 1, "IntTensor gather: cannot index a 0-d tensor")
    let r = rowSize, n = shape[0]
    let out = [Int32](unsafeUninitializedCapacity: indices.count * r) { dst, initialized in
      int32Scalars.withUnsafeBufferPointer { src in
        indices.int32Scalars.withUnsafeBufferPointer { ix in
          for (k, i32) in ix.enumerated() {
            let i = Int(i32)
            let j = i < 0 ? i + n : i
            require(j >= 0 && j < n, "IntTensor gather: index \(i) out of range for dim 0 of size \(n)")
            for c in 0..<r { dst[k * r + c] = src[j * r + c] }
          }
        }
      }
      initialized = indices.count * r
    }
    return IntTensor(int32Scalars: out, shape: indices.shape + shape.dropFirst())
  }

  /// The same elements with a new shape (one size may be -1).
  public func view(_ newShape: Int...) -> IntTensor { view(newShape) }

  /// The same elements with a new shape (one size may be -1).
  public func view(_ newShape: [Int]) -> IntTensor {
    IntTensor(int32Scalars: int32Scalars, shape: inferShape(newShape, count: count, op: "IntTensor.view", from: shape))
  }

  /// Reorders dims (a copy): output dim `i` is input dim `dims[i]`.
  public func permute(_ dims: [Int]) -> IntTensor {
    require(dims.sorted() == Array(0..<rank), "IntTensor.permute: \(dims) is not a permutation of 0..<\(rank)")
    let newShape = dims.map { shape[$0] }
    let inStrides = contiguousStrides(shape)
    var out = [Int32](repeating: 0, count: count)
    var index = [Int](repeating: 0, count: rank)
    for k in 0..<count {
      var src = 0
      for d in 0..<rank { src += index[d] * inStrides[dims[d]] }
      out[k] = int32Scalars[src]
      var d = rank - 1
      while d >= 0 {
        index[d] += 1
        if index[d] < newShape[d] { break }
        index[d] = 0
        d -= 1
      }
    }
    return IntTensor(int32Scalars: out, shape: newShape)
  }

  /// The values as a float tensor (`.float()`).
  public func float() -> Tensor { Tensor(int32Scalars.map(Float.init), shape: shape) }

  /// The largest element.
  public func max() -> Int {
    require(count > 0, "IntTensor.max: empty tensor")
    return Int(int32Scalars.max()!)
  }

  /// The sum of all elements (in `Int`, so it cannot overflow 32 bits).
  public func sum() -> Int { int32Scalars.reduce(0) { $0 + Int($1) } }
}

extension Tensor {
  /// An integer tensor of the values, truncated toward zero (`.long()`).
  public func long() -> IntTensor { IntTensor(scalars.map { Int($0) }, shape: shape) }
}

extension IntTensor {
  /// Sizes of the dims before `d`, along `d`, and after it (for block copies along a dim).
  func split(at d: Int) -> (outer: Int, size: Int, inner: Int) {
    (elementCount(Array(shape[..<d])), shape[d], elementCount(Array(shape[(d + 1)...])))
  }

  /// Elements `start..<start+length` along `dim` (`idx[:, -blockSize:]` is
  /// `idx.narrow(dim: 1, start: -blockSize, length: blockSize)`; a negative start counts from the end).
  public func narrow(dim: Int, start: Int, length: Int) -> IntTensor {
    let d = normalizeDim(dim, rank: rank, op: "IntTensor.narrow")
    let s = start < 0 ? start + shape[d] : start
    require(s >= 0 && length >= 0 && s + length <= shape[d],
            "IntTensor.narrow: range \(start)..<\(start + length) is out of bounds for dim \(d) of size \(shape[d])")
    let (outer, size, inner) = split(at: d)
    var out: [Int32] = []
    out.reserveCapacity(outer * length * inner)
    for o in 0..<outer {
      let base = (o * size + s) * inner
      out.append(contentsOf: int32Scalars[base..<(base + length * inner)])
    }
    var sh = shape
    sh[d] = length
    return IntTensor(int32Scalars: out, shape: sh)
  }

  /// Joins integer tensors along `dim` (`torch.cat((idx, idx_next), dim=1)`).
  public static func cat(_ tensors: [IntTensor], dim: Int = 0) -> IntTensor {
    require(!tensors.isEmpty, "IntTensor.cat: no tensors given")
    let d = normalizeDim(dim, rank: tensors[0].rank, op: "IntTensor.cat")
    var sh = tensors[0].shape
    sh[d] = 0
    for t in tensors {
      var a = t.shape, b = tensors[0].shape
      require(a.count == b.count, "IntTensor.cat: shapes \(tensors.map { describe($0.shape) }) have different ranks")
      a[d] = 0; b[d] = 0
      require(a == b, "IntTensor.cat: shapes \(tensors.map { describe($0.shape) }) differ outside dim \(d)")
      sh[d] += t.shape[d]
    }
    let outer = elementCount(Array(sh[..<d]))
    var out: [Int32] = []
    out.reserveCapacity(elementCount(sh))
    for o in 0..<outer {
      for t in tensors {
        let block = t.shape[d] * elementCount(Array(t.shape[(d + 1)...]))
        out.append(contentsOf: t.int32Scalars[(o * block)..<((o + 1) * block)])
      }
    }
    return IntTensor(int32Scalars: out, shape: sh)
  }

  /// Stacks equal-shaped integer tensors along a new dim (`torch.stack([data[i:i+8] for i in ix])`).
  public static func stack(_ tensors: [IntTensor], dim: Int = 0) -> IntTensor {
    require(!tensors.isEmpty, "IntTensor.stack: no tensors given")
    let shape0 = tensors[0].shape
    require(tensors.allSatisfy { $0.shape == shape0 }, "IntTensor.stack: shapes differ: \(tensors.map { describe($0.shape) })")
    let d = normalizeDim(dim, rank: shape0.count + 1, op: "IntTensor.stack")
    var sh = shape0
    sh.insert(1, at: d)
    return cat(tensors.map { IntTensor(int32Scalars: $0.int32Scalars, shape: sh) }, dim: d)
  }
}
