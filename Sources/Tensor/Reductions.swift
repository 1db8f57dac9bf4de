// Reductions over one dim, several dims or all elements, with and without `keepdim`.
// sum is the primitive (a fixed-order, vectorised loop; its backward broadcasts the gradient
// back); mean, variance and std are written with it so their gradients come for free.
// max/min/argmax/topk move the reduced dim last and scan rows.

extension Tensor {
  /// Normalised, sorted, de-duplicated dims for a reduction named `op`.
  func reductionDims(_ dims: [Int], op: String) -> [Int] {
    var out: [Int] = []
    for d in dims.map({ normalizeDim($0, rank: rank, op: op) }).sorted() where out.last != d { out.append(d) }
    return out
  }

  /// Sums over `dims` (unrecorded): the result has size 1 along reduced dims (`keepdim` shape).
  func sumKernel(_ dims: [Int]) -> Tensor {
    var keepShape = shape
    for d in dims { keepShape[d] = 1 }
    let x = contiguous()
    defer { withExtendedLifetime(x) {} }  // read through raw pointers below
    let xs = x.pointer
    if dims == [rank - 1] {
      // Each row reduces to one value: vectorised row sums, no zero fill.
      let out = Tensor(uninitialized: keepShape)
      let n = shape[rank - 1], rows = n == 0 ? out.count : count / n
      for r in 0..<rows { out.pointer[r] = contiguousSum(xs + r * n, n) }
      return out
    }
    if dims == Array(0..<dims.count) {
      // Leading dims reduce: sum the rows of an (outer × inner) matrix, row after row.
      let inner = elementCount(Array(shape[dims.count...])), outer = count / Swift.max(inner, 1)
      let out = Tensor(uninitialized: keepShape)
      columnSums(xs, rows: outer, columns: inner, into: out.pointer)
      return out
    }
    let out = Tensor.zeros(keepShape)
    var ds = contiguousStrides(keepShape)
    for d in dims { ds[d] = 0 }
    let o = out.pointer
    forEachRow(shape, ds, x.strides, x.strides) { n, o0, d0, o1, d1, _, _ in
      if d0 == 0 && d1 == 1 {
        o[o0] += contiguousSum(xs + o1, n)
      } else if d0 == 1 && d1 == 1 {
        let dst = o + o0, src = xs + o1
        for j in 0..<n { dst[j] += src[j] }
      } else {
        for j in 0..<n { o[o0 + j &* d0] += xs[o1 + j &* d1] }
      }
    }
    return out
  }

  /// Sum over `dims` (PyTorch's `x.sum((0, 1), keepdim=...)`).
  public func sum(dims: [Int], keepdim: Bool = false) -> Tensor {
    let ds = reductionDims(dims, op: "sum")
    let kept = sumKernel(ds)
    var outShape = kept.shape
    if !keepdim { for d in ds.reversed() { outShape.remove(at: d) } }
    let out = Tensor(storage: kept.storage, shape: outShape, strides: contiguousStrides(outShape), offset: 0)
    if Tensor.shouldRecord(self) {
      let keepShape = kept.shape
      out.setGradFn("sum", [self]) { _, g, inputs in
        let x = inputs[0]
        let gk = g.view(keepShape)
        let gs = broadcastStrides(shape: keepShape, strides: gk.strides, to: x.shape)
        let cs = contiguousStrides(x.shape)
        x.withGradBuffer { gx, accumulate in
          if accumulate {
            stridedBinary(x.shape, dst: gx, cs, gx, cs, gk.pointer, gs, op: .add)
          } else {
            stridedBinary(x.shape, dst: gx, cs, gx, cs, gk.pointer, gs, op: .second)
          }
        }
      }
    }
    if Tensor.shouldRecord(self) { out.opName = ds.count == rank && !keepdim ? "sumAll" : "sum" }
    out.checkAnomaly("sum", self)
    return out
  }

  /// Sum over one dim (`x.sum(1, keepdim=True)`).
  public func sum(dim: Int, keepdim: Bool = false) -> Tensor { sum(dims: [dim], keepdim: keepdim) }

  /// Sum of all elements (0-d).
  public func sum() -> Tensor { sum(dims: Array(0..<rank)) }

  /// Mean over `dims`.
  public func mean(dims: [Int], keepdim: Bool = false) -> Tensor {
    let ds = reductionDims(dims, op: "mean")
    let n = ds.reduce(1) { $0 * shape[$1] }
    return (sum(dims: ds, keepdim: keepdim) / Float(n)).renamed(ds.count == rank && !keepdim ? "meanAll" : "mean")
  }

  /// Mean over one dim.
  public func mean(dim: Int, keepdim: Bool = false) -> Tensor { mean(dims: [dim], keepdim: keepdim) }

  /// Mean of all elements (0-d).
  public func mean() -> Tensor { mean(dims: Array(0..<rank)) }

  /// Variance over `dims` (all dims when nil). `unbiased` divides by n − 1 (Bessel's correction,
  /// PyTorch's default for `var`/`std`), else by n.
  public func variance(dims: [Int]? = nil, unbiased: Bool = true, keepdim: Bool = false) -> Tensor {
    let ds = reductionDims(dims ?? Array(0..<rank), op: "variance")
    let n = ds.reduce(1) { $0 * shape[$1] }
    let centered = self - mean(dims: ds, keepdim: true)
    return ((centered * centered).sum(dims: ds, keepdim: keepdim) / Float(unbiased ? n - 1 : n)).renamed("var")
  }

  /// Variance over one dim.
  public func variance(dim: Int, unbiased: Bool = true, keepdim: Bool = false) -> Tensor {
    variance(dims: [dim], unbiased: unbiased, keepdim: keepdim)
  }

  /// Standard deviation over `dims` (all when nil); `unbiased` as for `variance`.
  public func std(dims: [Int]? = nil, unbiased: Bool = true, keepdim: Bool = false) -> Tensor {
    variance(dims: dims, unbiased: unbiased, keepdim: keepdim).sqrt().renamed("std")
  }

  /// Standard deviation over one dim.
  public func std(dim: Int, unbiased: Bool = true, keepdim: Bool = false) -> Tensor {
    std(dims: [dim], unbiased: unbiased, keepdim: keepdim)
  }

  // MARK: max / min

  /// This tensor with `dim` moved last and made contiguous (recorded), plus the permutation used.
  func movingDimLast(_ d: Int) -> (Tensor, [Int]) {
    if d == rank - 1 { return (contiguous(), Array(0..<rank)) }
    let perm = (0..<rank).filter { $0 != d } + [d]
    return (permute(perm).contiguous(), perm)
  }

  /// Row-wise extreme of a contiguous tensor along its last dim: values (recorded) and indices.
  func rowExtreme(largest: Bool, op: String) -> (Tensor, [Int]) {
    let n = shape[rank - 1]
    require(n > 0, "\(op): cannot reduce an empty dim (shape \(describe(shape)))")
    let rows = count / n
    let out = Tensor(uninitialized: Array(shape.dropLast()))
    var indices = [Int](repeating: 0, count: rows)
    let x = pointer
    for r in 0..<rows {
      let row = x + r * n
      var best = row[0], bi = 0
      if !best.isNaN {
        for j in 1..<Swift.max(n, 1) {
          let v = row[j]
          if v.isNaN { best = v; bi = j; break }
          if largest ? v > best : v < best { best = v; bi = j }
        }
      }
      out.pointer[r] = best
      indices[r] = bi
    }
    if Tensor.shouldRecord(self) {
      out.setGradFn(op, [self]) { _, g, inputs in
        let x = inputs[0]
        x.withGradBuffer(zeroed: true) { gx, _ in
          for r in 0..<rows { gx[r * n + indices[r]] += g.pointer[r] }
        }
      }
    }
    out.checkAnomaly(op, self)
    return (out, indices)
  }

  /// Largest values along `dim` and their indices (`x.max(dim, keepdim)`; first index on ties).
  public func max(dim: Int, keepdim: Bool = false) -> (values: Tensor, indices: IntTensor) {
    extreme(dim: dim, keepdim: keepdim, largest: true, op: "max")
  }

  /// Smallest values along `dim` and their indices.
  public func min(dim: Int, keepdim: Bool = false) -> (values: Tensor, indices: IntTensor) {
    extreme(dim: dim, keepdim: keepdim, largest: false, op: "min")
  }

  func extreme(dim: Int, keepdim: Bool, largest: Bool, op: String) -> (values: Tensor, indices: IntTensor) {
    let d = normalizeDim(dim, rank: rank, op: op)
    let (moved, _) = movingDimLast(d)
    let (values, indices) = moved.rowExtreme(largest: largest, op: op)
    var outShape = shape
    outShape.remove(at: d)
    if keepdim {
      var keepShape = shape
      keepShape[d] = 1
      return (values.unsqueeze(d).renamed(op), IntTensor(indices, shape: keepShape))
    }
    return (values.renamed(op), IntTensor(indices, shape: outShape))
  }

  /// The largest element (0-d; the gradient goes to the first maximum).
  public func max() -> Tensor { reshape([count]).rowExtreme(largest: true, op: "max").0.renamed("maxAll") }

  /// The smallest element (0-d).
  public func min() -> Tensor { reshape([count]).rowExtreme(largest: false, op: "min").0.renamed("minAll") }

  /// Index of the largest element along `dim` (`x.argmax(dim)`).
  public func argmax(dim: Int, keepdim: Bool = false) -> IntTensor {
    Tensor.withNoGrad { max(dim: dim, keepdim: keepdim).indices }
  }

  /// Index of the smallest element along `dim`.
  public func argmin(dim: Int, keepdim: Bool = false) -> IntTensor {
    Tensor.withNoGrad { min(dim: dim, keepdim: keepdim).indices }
  }

  /// Flat index of the largest element.
  public func argmax() -> Int { Tensor.withNoGrad { reshape([count]).rowExtreme(largest: true, op: "argmax").1[0] } }

  /// The `k` largest (or smallest) values along `dim`, sorted, and their indices (`torch.topk`).
  public func topk(_ k: Int, dim: Int = -1, largest: Bool = true) -> (values: Tensor, indices: IntTensor) {
    let d = normalizeDim(dim, rank: rank, op: "topk")
    require(k >= 0 && k <= shape[d], "topk: k = \(k) is out of range for dim \(d) of size \(shape[d])")
    let (moved, perm) = movingDimLast(d)
    let n = shape[d], rows = moved.count / Swift.max(n, 1)
    var outShape = moved.shape
    outShape[outShape.count - 1] = k
    let out = Tensor(uninitialized: outShape)
    var indices = [Int](repeating: 0, count: rows * k)
    var order = [Int](repeating: 0, count: n)
    for r in 0..<rows {
      let row = moved.pointer + r * n
      for j in 0..<n { order[j] = j }
      order.sort { a, b in
        let va = row[a], vb = row[b]
        if va == vb { return a < b }
        return largest ? (va > vb || (va.isNaN && !vb.isNaN)) : (va < vb || (vb.isNaN && !va.isNaN))
      }
      for j in 0..<k {
        indices[r * k + j] = order[j]
        out.pointer[r * k + j] = row[order[j]]
      }
    }
    if Tensor.shouldRecord(moved) {
      let picked = indices
      out.setGradFn("topk", [moved]) { _, g, inputs in
        inputs[0].withGradBuffer(zeroed: true) { gx, _ in
          for r in 0..<rows { for j in 0..<k { gx[r * n + picked[r * k + j]] += g.pointer[r * k + j] } }
        }
      }
    }
    var inverse = [Int](repeating: 0, count: rank)
    for (i, p) in perm.enumerated() { inverse[p] = i }
    let idx = IntTensor(indices, shape: outShape)
    return (out.permute(inverse).renamed("topk"), d == rank - 1 ? idx : idx.permute(inverse))
  }
}
