// Views share storage (no copy): view/reshape, transpose/permute, select/narrow, unsqueeze, expand.
// Their backward passes route the gradient back into the input's layout. cat/stack/unbind live
// here too because they are the copying counterparts of slicing.

extension Tensor {
  /// This tensor if it is contiguous, else a contiguous copy (recorded, so gradients flow).
  public func contiguous() -> Tensor {
    if isContiguous { return self }
    let out = contiguousCopy()
    if Tensor.shouldRecord(self) {
      out.setGradFn("contiguous", [self]) { out, g, inputs in
        inputs[0].accumulateGrad(g, owned: !out.retainsGrad)
      }
    }
    return out
  }

  /// A fresh contiguous copy of the values (not recorded).
  func contiguousCopy() -> Tensor {
    let out = Tensor(uninitialized: shape)
    if isContiguous {
      out.pointer.update(from: pointer, count: count)
    } else {
      stridedCopy(shape, dst: out.pointer, out.strides, pointer, strides)
    }
    return out
  }

  /// Adds the gradient `g` of a slice into the matching region of this tensor's (contiguous)
  /// gradient buffer: the region starts at `start` and walks `strides` over `g`'s shape.
  func addIntoGradRegion(_ g: Tensor, start: Int, strides region: [Int]) {
    withGradBuffer(zeroed: true) { gx, _ in
      stridedBinary(g.shape, dst: gx + start, region, gx + start, region, g.pointer, g.strides, op: .add)
    }
  }

  /// A view with a different layout of the same storage, recorded with `backward`.
  func makeView(_ op: String, shape: [Int], strides: [Int], offset: Int,
                _ backward: @escaping BackwardFunction) -> Tensor {
    let out = Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
    if Tensor.shouldRecord(self) { out.setGradFn(op, [self], backward) }
    return out
  }

  /// Strides for viewing this tensor as `newShape` without copying, or nil when the layout does
  /// not allow it (PyTorch's `view` rule: each group of merged/split dims must be contiguous).
  func viewStrides(_ newShape: [Int]) -> [Int]? {
    if isContiguous { return contiguousStrides(newShape) }
    // Walk old dims (size-1 dims dropped) in chunks that are contiguous among themselves.
    var newStrides = [Int](repeating: 0, count: newShape.count)
    let oldDims = (0..<shape.count).filter { shape[$0] != 1 }
    var oi = 0, ni = 0
    while ni < newShape.count || oi < oldDims.count {
      // Skip new size-1 dims.
      if ni < newShape.count && newShape[ni] == 1 { newStrides[ni] = 1; ni += 1; continue }
      guard oi < oldDims.count, ni < newShape.count else { return nil }
      // Grow an old chunk and a new chunk until their element counts match.
      var oldSize = shape[oldDims[oi]], newSize = newShape[ni]
      var oEnd = oi, nEnd = ni
      while oldSize != newSize {
        if oldSize < newSize {
          oEnd += 1
          guard oEnd < oldDims.count else { return nil }
          // The old chunk must be contiguous: stride[d] == stride[d+1] * size[d+1].
          if strides[oldDims[oEnd - 1]] != strides[oldDims[oEnd]] * shape[oldDims[oEnd]] { return nil }
          oldSize *= shape[oldDims[oEnd]]
        } else {
          nEnd += 1
          guard nEnd < newShape.count else { return nil }
          newSize *= newShape[nEnd]
        }
      }
      // Lay the new chunk's strides out from the innermost old stride.
      var s = strides[oldDims[oEnd]]
      var k = nEnd
      while k >= ni { newStrides[k] = s; s *= newShape[k]; k -= 1 }
      oi = oEnd + 1
      ni = nEnd + 1
    }
    return newStrides
  }

  /// The same elements with a new shape, sharing storage (`x.view(-1, 30)`; one size may be -1).
  /// Stops when the layout cannot be viewed that way (use `reshape`).
  public func view(_ shape: Int...) -> Tensor { view(shape) }

  /// The same elements with a new shape, sharing storage; one size may be -1.
  public func view(_ newShape: [Int]) -> Tensor {
    let resolved = inferShape(newShape, count: count, op: "view", from: shape)
    guard let st = viewStrides(resolved) else {
      fatalError("view: tensor of shape \(describe(shape)) with strides \(describe(strides)) cannot be viewed as \(describe(resolved)); call .contiguous() first or use reshape")
    }
    let inShape = shape
    return makeView("view", shape: resolved, strides: st, offset: offset) { out, g, inputs in
      inputs[0].accumulateGrad(g.view(inShape), owned: !out.retainsGrad)
    }
  }

  /// Like `view`, but copies when the layout does not allow a view (`torch.reshape`).
  public func reshape(_ shape: Int...) -> Tensor { reshape(shape) }

  /// Like `view`, but copies when the layout does not allow a view.
  public func reshape(_ newShape: [Int]) -> Tensor {
    let resolved = inferShape(newShape, count: count, op: "reshape", from: shape)
    if viewStrides(resolved) != nil { return view(resolved) }
    return contiguous().view(resolved).renamed("unsafeView")
  }

  /// Merges dims `startDim...endDim` into one (`torch.flatten`).
  public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
    if rank == 0 { return reshape([1]) }
    let s = normalizeDim(startDim, rank: rank, op: "flatten"), e = normalizeDim(endDim, rank: rank, op: "flatten")
    require(s <= e, "flatten: startDim \(startDim) is after endDim \(endDim)")
    let merged = shape[s...e].reduce(1, *)
    return reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
  }

  /// Reorders dims (`x.permute(0, 2, 1)`), sharing storage.
  public func permute(_ dims: Int...) -> Tensor { permute(dims) }

  /// Reorders dims, sharing storage: output dim `i` is input dim `dims[i]`.
  public func permute(_ dims: [Int]) -> Tensor {
    require(dims.count == rank, "permute: \(dims.count) dims given for a tensor of shape \(describe(shape))")
    let order = dims.map { normalizeDim($0, rank: rank, op: "permute") }
    require(order.sorted() == Array(0..<rank), "permute: dims \(dims) are not a permutation of 0..<\(rank)")
    var inverse = [Int](repeating: 0, count: rank)
    for (i, d) in order.enumerated() { inverse[d] = i }
    return makeView("permute", shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset) { _, g, inputs in
      inputs[0].accumulateGrad(g.permute(inverse), owned: false)
    }
  }

  /// Swaps two dims, sharing storage (`x.transpose(0, 1)`, `k.transpose(-2, -1)`).
  public func transpose(_ dim0: Int, _ dim1: Int) -> Tensor {
    let a = normalizeDim(dim0, rank: rank, op: "transpose"), b = normalizeDim(dim1, rank: rank, op: "transpose")
    var order = Array(0..<rank)
    order.swapAt(a, b)
    return permute(order).renamed("transpose")
  }

  /// The transpose of a 2-D tensor (`W.T`); for other ranks, all dims reversed.
  public var T: Tensor { permute(Array((0..<rank).reversed())) }

  /// Inserts a dim of size 1 at `dim` (`x.unsqueeze(0)`), sharing storage.
  public func unsqueeze(_ dim: Int) -> Tensor {
    let d = normalizeDim(dim, rank: rank + 1, op: "unsqueeze")
    var sh = shape, st = strides
    sh.insert(1, at: d)
    st.insert(d < rank ? strides[d] * shape[d] : 1, at: d)
    let inShape = shape
    return makeView("unsqueeze", shape: sh, strides: st, offset: offset) { out, g, inputs in
      inputs[0].accumulateGrad(g.view(inShape), owned: !out.retainsGrad)
    }
  }

  /// Removes dim `dim`, which must have size 1, sharing storage.
  public func squeeze(_ dim: Int) -> Tensor {
    let d = normalizeDim(dim, rank: rank, op: "squeeze")
    if shape[d] != 1 { return self }
    var sh = shape, st = strides
    sh.remove(at: d)
    st.remove(at: d)
    let inShape = shape
    return makeView("squeeze", shape: sh, strides: st, offset: offset) { out, g, inputs in
      inputs[0].accumulateGrad(g.view(inShape), owned: !out.retainsGrad)
    }
  }

  /// Index `index` along `dim`, removing that dim (`x[i]` for dim 0), sharing storage.
  public func select(dim: Int, index: Int) -> Tensor {
    let d = normalizeDim(dim, rank: rank, op: "select")
    let i = index < 0 ? index + shape[d] : index
    require(i >= 0 && i < shape[d], "select: index \(index) is out of range for dim \(d) of size \(shape[d]) (shape \(describe(shape)))")
    var sh = shape, st = strides
    sh.remove(at: d)
    st.remove(at: d)
    let inShape = shape
    return makeView("select", shape: sh, strides: st, offset: offset + i * strides[d]) { _, g, inputs in
      var region = contiguousStrides(inShape)
      let start = i * region[d]
      region.remove(at: d)
      inputs[0].addIntoGradRegion(g, start: start, strides: region)
    }
  }

  /// Elements `start..<start+length` along `dim`, sharing storage (`x[a..<b]` for dim 0).
  public func narrow(dim: Int, start: Int, length: Int) -> Tensor {
    let d = normalizeDim(dim, rank: rank, op: "narrow")
    let s = start < 0 ? start + shape[d] : start
    require(s >= 0 && length >= 0 && s + length <= shape[d],
                 "narrow: range \(start)..<\(start + length) is out of bounds for dim \(d) of size \(shape[d]) (shape \(describe(shape)))")
    var sh = shape
    sh[d] = length
    let inShape = shape
    return makeView("narrow", shape: sh, strides: strides, offset: offset + s * strides[d]) { _, g, inputs in
      let region = contiguousStrides(inShape)
      inputs[0].addIntoGradRegion(g, start: s * region[d], strides: region)
    }
  }

  /// Row `i` (`x[i]`): select along dim 0. Negative `i` counts from the end.
  public subscript(_ i: Int) -> Tensor {
    get { select(dim: 0, index: i) }
    set { writeBack(newValue) { $0.select(dim: 0, index: i) } }
  }

  /// Element `[i, j]` as a 0-d view (`demb[k, j]` is row j of sample k for a 3-D tensor).
  public subscript(_ i: Int, _ j: Int) -> Tensor {
    get { select(dim: 0, index: i).select(dim: 0, index: j) }
    set { writeBack(newValue) { $0.select(dim: 0, index: i).select(dim: 0, index: j) } }
  }

  /// Rows `rows` and columns `cols` of the first two dims (`tril[:T, :T]`), a view.
  public subscript(_ rows: Range<Int>, _ cols: Range<Int>) -> Tensor {
    get { narrow(dim: 0, start: rows.lowerBound, length: rows.count).narrow(dim: 1, start: cols.lowerBound, length: cols.count) }
    set {
      writeBack(newValue) {
        $0.narrow(dim: 0, start: rows.lowerBound, length: rows.count).narrow(dim: 1, start: cols.lowerBound, length: cols.count)
      }
    }
  }

  /// Writes `value` into the region `select` picks (a subscript setter), unrecorded.
  func writeBack(_ value: Tensor, _ select: (Tensor) -> Tensor) {
    checkInPlace("subscript assignment")
    Tensor.withNoGrad { select(self).assign(value) }
  }

  /// Rows `range` (`x[a..<b]`): narrow along dim 0.
  public subscript(_ range: Range<Int>) -> Tensor {
    get { narrow(dim: 0, start: range.lowerBound, length: range.count) }
    set { writeBack(newValue) { $0.narrow(dim: 0, start: range.lowerBound, length: range.count) } }
  }

  /// Rows `range` (`x[a...b]`): narrow along dim 0.
  public subscript(_ range: ClosedRange<Int>) -> Tensor {
    get { narrow(dim: 0, start: range.lowerBound, length: range.count) }
    set { writeBack(newValue) { $0.narrow(dim: 0, start: range.lowerBound, length: range.count) } }
  }

  /// Rows from `range.lowerBound` on (`x[a...]`).
  public subscript(_ range: PartialRangeFrom<Int>) -> Tensor {
    get { narrow(dim: 0, start: range.lowerBound, length: shape[0] - range.lowerBound) }
    set { writeBack(newValue) { $0.narrow(dim: 0, start: range.lowerBound, length: shape[0] - range.lowerBound) } }
  }

  /// Rows before `range.upperBound` (`x[..<b]`).
  public subscript(_ range: PartialRangeUpTo<Int>) -> Tensor {
    get { narrow(dim: 0, start: 0, length: range.upperBound) }
    set { writeBack(newValue) { $0.narrow(dim: 0, start: 0, length: range.upperBound) } }
  }

  /// A broadcast view of this tensor as `shape` (size-1 dims repeated with stride 0; new leading
  /// dims added), like `torch.expand`. -1 keeps a size.
  public func expand(_ target: [Int]) -> Tensor {
    require(target.count >= rank, "expand: cannot expand shape \(describe(shape)) to fewer dims \(describe(target))")
    let lead = target.count - rank
    var sh = target
    for i in 0..<rank {
      if sh[lead + i] == -1 { sh[lead + i] = shape[i] }
      require(shape[i] == sh[lead + i] || shape[i] == 1,
                   "expand: shape \(describe(shape)) cannot be expanded to \(describe(target))")
    }
    if sh == shape { return self }
    let st = broadcastStrides(shape: shape, strides: strides, to: sh)
    let inShape = shape
    return makeView("expand", shape: sh, strides: st, offset: offset) { _, g, inputs in
      inputs[0].accumulateGrad(g.sumTo(inShape), owned: true)
    }
  }

  /// The tensor split along `dim` into its slices, each a view (`torch.unbind`).
  public func unbind(dim: Int = 0) -> [Tensor] {
    let d = normalizeDim(dim, rank: rank, op: "unbind")
    return (0..<shape[d]).map { select(dim: d, index: $0).renamed("unbind") }
  }

  /// Joins tensors along an existing dim (`torch.cat`); all other sizes must agree.
  public static func cat(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
    require(!tensors.isEmpty, "cat: no tensors given")
    let first = tensors[0]
    let d = normalizeDim(dim, rank: first.rank, op: "cat")
    var sh = first.shape
    sh[d] = 0
    for t in tensors {
      var a = t.shape, b = first.shape
      require(a.count == b.count, "cat: shapes \(tensors.map { describe($0.shape) }) have different ranks")
      a[d] = 0; b[d] = 0
      require(a == b, "cat: shapes \(tensors.map { describe($0.shape) }) differ outside dim \(d)")
      sh[d] += t.shape[d]
    }
    let out = Tensor(uninitialized: sh)
    var start = 0
    var sizes: [Int] = []
    for t in tensors {
      let dst = out.narrow(dim: d, start: start, length: t.shape[d])
      stridedCopy(dst.shape, dst: dst.pointer, dst.strides, t.pointer, t.strides)
      start += t.shape[d]
      sizes.append(t.shape[d])
    }
    if Tensor.shouldRecord(tensors) {
      out.setGradFn("cat", tensors) { _, g, inputs in
        var s = 0
        for (k, t) in inputs.enumerated() {
          if t.requiresGrad { t.accumulateGrad(g.narrow(dim: d, start: s, length: sizes[k]).contiguousCopy(), owned: true) }
          s += sizes[k]
        }
      }
    }
    out.checkAnomaly("cat", inputs: tensors)
    return out
  }

  /// Joins equal-shaped tensors along a new dim (`torch.stack`).
  public static func stack(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
    require(!tensors.isEmpty, "stack: no tensors given")
    let shape0 = tensors[0].shape
    require(tensors.allSatisfy { $0.shape == shape0 }, "stack: shapes differ: \(tensors.map { describe($0.shape) })")
    let d = normalizeDim(dim, rank: shape0.count + 1, op: "stack")
    return cat(tensors.map { $0.unsqueeze(d) }, dim: d).renamed("stack")
  }
}
