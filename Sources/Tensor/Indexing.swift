// Advanced indexing: the embedding lookup `C[X]`, pair indexing `probs[arange(n), ys]`,
// one-hot encodings, triangular masks, masked_fill and where. Gathers scatter-add in backward,
// so repeated indices (the same character twice in a batch) accumulate their gradients.

extension Tensor {
  /// Rows of this tensor picked by an integer tensor of any shape (`C[X]`, the embedding lookup):
  /// the result has shape `indices.shape + shape[1...]`. Backward scatter-adds into the rows.
  public subscript(_ indices: IntTensor) -> Tensor {
    get { gatherRows(indices) }
    set {
      // PyTorch's `t[idx] = v`: each picked row gets its value (repeated indices: the last wins).
      checkInPlace("subscript assignment")
      require(rank >= 1, "index assignment: cannot index a 0-d tensor")
      let rowShape = Array(shape.dropFirst())
      let values = Tensor.withNoGrad { newValue.expand(indices.shape + rowShape).contiguousCopy() }
      let r = elementCount(rowShape)
      Tensor.withNoGrad {
        for (k, i) in indices.scalars.enumerated() {
          let row = select(dim: 0, index: i)
          row.assign(Tensor(storage: values.storage, shape: rowShape, strides: contiguousStrides(rowShape), offset: k * r))
        }
      }
    }
  }

  /// Rows picked by `indices` (see `subscript(_: IntTensor)`).
  public func gatherRows(_ indices: IntTensor) -> Tensor {
    require(rank >= 1, "index: cannot index a 0-d tensor with an IntTensor")
    let n = shape[0]
    let rowShape = Array(shape.dropFirst())
    let r = elementCount(rowShape)
    let src = contiguous()
    defer { withExtendedLifetime(src) {} }
    let out = Tensor(uninitialized: indices.shape + rowShape)
    let idx = indices.int32Scalars
    idx.withUnsafeBufferPointer { ip in
      for (k, i32) in ip.enumerated() {
        let i = Int(i32)
        require(i >= -n && i < n, "index: index \(i) is out of range for dim 0 of size \(n) (shape \(describe(shape)))")
        let j = i < 0 ? i + n : i
        (out.pointer + k * r).update(from: src.pointer + j * r, count: r)
      }
    }
    if Tensor.shouldRecord(self) {
      out.setGradFn("index", [self]) { _, g, inputs in
        let gs = g.pointer
        inputs[0].withGradBuffer(zeroed: true) { gx, _ in
          idx.withUnsafeBufferPointer { ip in
            for (k, i32) in ip.enumerated() {
              let i = Int(i32)
              let dst = gx + (i < 0 ? i + n : i) * r, row = gs + k * r
              for c in 0..<r { dst[c] += row[c] }
            }
          }
        }
      }
    }
    out.checkAnomaly("index", self)
    return out
  }

  /// `t[rows[k], cols[k]]` for every k of a 2-D tensor (`probs[torch.arange(n), ys]`): the result
  /// has the indices' shape. Backward scatter-adds.
  public subscript(_ rows: IntTensor, _ cols: IntTensor) -> Tensor {
    get { gather(rows: rows, cols: cols) }
    set {
      // `dlogprobs[range(n), Yb] = -1.0/n`: write each picked element (the last wins on repeats).
      checkInPlace("subscript assignment")
      require(rank == 2 && rows.shape == cols.shape, "index assignment: pair indexing needs a 2-D tensor and equal index shapes, got \(describe(shape)), \(describe(rows.shape)), \(describe(cols.shape))")
      let values = Tensor.withNoGrad { newValue.expand(rows.shape).contiguousCopy() }
      let st = strides
      let (rs, cs) = (rows.int32Scalars, cols.int32Scalars)
      for k in 0..<rows.count {
        let i = Int(rs[k]), j = Int(cs[k])
        require(i >= -shape[0] && i < shape[0] && j >= -shape[1] && j < shape[1], "index assignment: (\(i), \(j)) is out of range for shape \(describe(shape))")
        storage.base[offset + (i < 0 ? i + shape[0] : i) * st[0] + (j < 0 ? j + shape[1] : j) * st[1]] = values.pointer[k]
      }
    }
  }

  /// `t[rows[k], cols[k]]` for every k (see `subscript(_:_:)`).
  public func gather(rows: IntTensor, cols: IntTensor) -> Tensor {
    require(rank == 2, "index: pair indexing needs a 2-D tensor, got shape \(describe(shape))")
    require(rows.shape == cols.shape, "index: row indices \(describe(rows.shape)) and column indices \(describe(cols.shape)) differ in shape")
    let (m, n) = (shape[0], shape[1])
    let (rowStride, colStride) = (strides[0], strides[1])
    let count = rows.count
    let out = Tensor(uninitialized: rows.shape)
    // `picked[k]`: where element k sits in a contiguous (m, n) layout, the layout of the gradient
    // the backward pass scatters into.
    var picked = [Int](repeating: 0, count: count)
    let src = pointer, dst = out.pointer
    rows.int32Scalars.withUnsafeBufferPointer { rp in
      cols.int32Scalars.withUnsafeBufferPointer { cp in
        picked.withUnsafeMutableBufferPointer { pp in
          for k in 0..<count {
            var (i, j) = (Int(rp[k]), Int(cp[k]))
            require(i >= -m && i < m && j >= -n && j < n, "index: (\(i), \(j)) is out of range for shape \(describe(shape))")
            if i < 0 { i &+= m }
            if j < 0 { j &+= n }
            pp[k] = i &* n &+ j
            dst[k] = src[i &* rowStride &+ j &* colStride]
          }
        }
      }
    }
    if Tensor.shouldRecord(self) {
      out.setGradFn("index", [self]) { _, g, inputs in
        let gs = g.pointer
        inputs[0].withGradBuffer(zeroed: true) { gx, _ in
          picked.withUnsafeBufferPointer { pp in
            for k in 0..<pp.count { gx[pp[k]] += gs[k] }
          }
        }
      }
    }
    out.checkAnomaly("index", self)
    return out
  }

  /// Lower-triangular part: elements above diagonal `diagonal` set to 0 (`torch.tril`).
  public func tril(diagonal: Int = 0) -> Tensor { triangle(lower: true, diagonal: diagonal) }

  /// Upper-triangular part: elements below diagonal `diagonal` set to 0 (`torch.triu`).
  public func triu(diagonal: Int = 0) -> Tensor { triangle(lower: false, diagonal: diagonal) }

  /// `torch.tril(x)`: the lower-triangular part of the last two dims.
  public static func tril(_ x: Tensor, diagonal: Int = 0) -> Tensor { x.tril(diagonal: diagonal) }

  func triangle(lower: Bool, diagonal: Int) -> Tensor {
    require(rank >= 2, "\(lower ? "tril" : "triu"): needs at least 2 dims, got shape \(describe(shape))")
    let (m, n) = (shape[rank - 2], shape[rank - 1])
    let keep = Tensor(uninitialized: [m, n])
    for i in 0..<m {
      for j in 0..<n { keep.pointer[i * n + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0 }
    }
    return (self * keep).renamed(lower ? "tril" : "triu")
  }

  /// This tensor with `value` wherever `mask` (broadcast to this shape) is non-zero
  /// (`wei.masked_fill(tril == 0, -inf)`). No gradient flows to the filled positions.
  public func maskedFill(_ mask: Tensor, _ value: Float) -> Tensor {
    let s = broadcastShapes(shape, mask.shape, op: "maskedFill")
    require(s == shape, "maskedFill: mask of shape \(describe(mask.shape)) does not broadcast to \(describe(shape))")
    return Tensor.where(mask, Tensor(value), self).renamed("maskedFill")
  }

  /// Element-wise choice `cond != 0 ? a : b` with broadcasting of all three (`torch.where`).
  public static func `where`(_ cond: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    let shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, op: "where"), b.shape, op: "where")
    // out = b everywhere, then a where the condition holds: two strided passes, no copies.
    let out = Tensor(uninitialized: shape)
    let os = contiguousStrides(shape)
    let sa = broadcastStrides(shape: a.shape, strides: a.strides, to: shape)
    let sb = broadcastStrides(shape: b.shape, strides: b.strides, to: shape)
    let sc = broadcastStrides(shape: cond.shape, strides: cond.strides, to: shape)
    stridedCopy(shape, dst: out.pointer, os, b.pointer, sb)
    let o = out.pointer, cp = cond.pointer, ap = a.pointer
    forEachRow(shape, os, sc, sa) { n, o0, d0, o1, d1, o2, d2 in
      for j in 0..<n where cp[o1 &+ j &* d1] != 0 { o[o0 &+ j &* d0] = ap[o2 &+ j &* d2] }
    }
    if shouldRecord(a, b) {
      let m = withNoGrad { cond.expand(shape).contiguousCopy().ne(0) }
      out.setGradFn("where", [a, b]) { _, g, inputs in
        let (x, y) = (inputs[0], inputs[1])
        if x.requiresGrad { x.accumulateGrad((g * m).sumTo(x.shape), owned: true) }
        if y.requiresGrad { y.accumulateGrad((g * (1 - m)).sumTo(y.shape), owned: true) }
      }
    }
    out.checkAnomaly("where", a, b)
    return out
  }
}

/// One-hot encoding as floats (`F.one_hot(x, numClasses).float()`): shape `x.shape + [numClasses]`.
public func oneHot(_ x: IntTensor, numClasses: Int) -> Tensor {
  let out = Tensor.zeros(x.shape + [numClasses])
  for (k, c) in x.scalars.enumerated() {
    require(c >= 0 && c < numClasses, "oneHot: class \(c) is out of range for \(numClasses) classes")
    out.pointer[k * numClasses + c] = 1
  }
  return out
}
