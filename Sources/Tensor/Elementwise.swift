import Kernels

// Binary element-wise arithmetic with PyTorch broadcasting, the Float-on-either-side forms, and
// the in-place updates optimisers use. Forward: one contiguous loop when both operands have the
// same contiguous layout, else the strided loop with stride 0 on broadcast dims. Backward: the
// gradient of each operand is reduced (`sumTo`) back to the operand's own shape.

/// Writes `f(a, b)` into the contiguous `out` of the broadcast shape: the generic scalar
/// reference (still used for element functions without a vectorised loop, like `eq`).
func broadcastKernel<F: ElementFunction>(_ a: Tensor, _ b: Tensor, _ out: Tensor, _ f: F) {
  let sa = broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape)
  let sb = broadcastStrides(shape: b.shape, strides: b.strides, to: out.shape)
  stridedBinary(out.shape, dst: out.pointer, out.strides, a.pointer, sa, b.pointer, sb, f)
}

/// Writes `op(a, b)` into the contiguous `out` of the broadcast shape with the vectorised row
/// loops. The three commonest layouts are recognised without building stride lists (they cost
/// nothing to detect, which matters for the many tiny ops of a minibatch step); everything else
/// goes through the coalescing strided loop, which finds the same rows in general.
func broadcastKernel(_ a: Tensor, _ b: Tensor, _ out: Tensor, _ op: ElementOp) {
  let o = out.pointer
  if a.isContiguous && b.isContiguous && a.shape == b.shape {
    binaryRow(op, out.count, o, a.pointer, 1, b.pointer, 1)
  } else if b.count == 1 && a.isContiguous && a.shape == out.shape {
    binaryRow(op, out.count, o, a.pointer, 1, b.pointer, 0)
  } else if a.isContiguous && b.isContiguous && a.shape == out.shape && b.rank < a.rank
              && b.count > 0 && a.shape.suffix(b.rank).elementsEqual(b.shape) {
    // `h·W + b`: b repeats along the leading dims.
    let inner = b.count
    binaryRows(op, rows: out.count / inner, inner, o, a.pointer, 1, inner, b.pointer, 1, 0)
  } else {
    let sa = broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape)
    let sb = broadcastStrides(shape: b.shape, strides: b.strides, to: out.shape)
    stridedBinary(out.shape, dst: o, out.strides, a.pointer, sa, b.pointer, sb, op: op)
  }
}

extension Tensor {
  /// `a op b` with broadcasting, recorded for autograd.
  static func binary(_ a: Tensor, _ b: Tensor, _ op: ElementOp) -> Tensor {
    let outShape = broadcastShapes(a.shape, b.shape, op: op.name)
    let out = Tensor(uninitialized: outShape)
    broadcastKernel(a, b, out, op)
    if shouldRecord(a, b) {
      out.setGradFn(op.name, [a, b]) { out, g, inputs in
        let x = inputs[0], y = inputs[1]
        // `g` is dropped right after this closure unless the output retains its gradient, so one
        // same-shaped input may take it over instead of copying it.
        let gFree = !out.retainsGrad
        switch op {
        case .add:
          if x.requiresGrad && !x.accumulateLeadingSum(g) {
            x.accumulateGrad(g.sumTo(x.shape), owned: x.shape != g.shape || gFree)
          }
          if y.requiresGrad && !y.accumulateLeadingSum(g) {
            y.accumulateGrad(g.sumTo(y.shape), owned: y.shape != g.shape || (gFree && !(x.requiresGrad && x.shape == g.shape)))
          }
        case .sub:
          if x.requiresGrad { x.accumulateGrad(g.sumTo(x.shape), owned: x.shape != g.shape || gFree) }
          if y.requiresGrad { y.accumulateGrad(-(g.sumTo(y.shape)), owned: true) }
        case .mul:
          if x.requiresGrad { x.accumulateGrad((g * y).sumTo(x.shape), owned: true) }
          if y.requiresGrad { y.accumulateGrad((g * x).sumTo(y.shape), owned: true) }
        case .div:
          if y.requiresGrad, let n = g.shape.last, n > 1, g.rank == y.rank, x.shape == g.shape, x.isContiguous,
             y.isContiguous, y.shape == Array(g.shape.dropLast()) + [1] {
            // One divisor per row (softmax normalisation): both gradients in one fused pass, with
            // the same bits as the general lines below.
            let gx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
            let gy = Tensor(uninitialized: y.shape)
            divisionGradientsPerRow(g.pointer, x.pointer, y.pointer, gx: gx?.pointer, gy: gy.pointer, rows: y.count, n: n)
            if let gx { x.accumulateGrad(gx, owned: true) }
            y.accumulateGrad(gy, owned: true)
          } else {
            if x.requiresGrad { x.accumulateGrad((g / y).sumTo(x.shape), owned: true) }
            if y.requiresGrad { y.accumulateGrad((-(g * x) / (y * y)).sumTo(y.shape), owned: true) }
          }
        case .second:
          fatalError("internal: the copy op is never recorded")
        }
      }
    }
    out.checkAnomaly(op.name, a, b)
    return out
  }

  /// The bias case of broadcasting (`h·W + b`): when this tensor's shape is the trailing part of
  /// `g`'s (and strictly smaller), adds `g` summed over its leading dims straight into `grad`,
  /// in the order `g.sum(dim: 0)` uses (so hand-derived gradients compare exactly), without
  /// intermediate tensors.
  /// Returns false when the shapes do not have that form.
  func accumulateLeadingSum(_ g: Tensor) -> Bool {
    guard rank < g.rank, g.isContiguous, Array(g.shape.suffix(rank)) == shape else { return false }
    let inner = count, outer = inner == 0 ? 0 : g.count / inner
    let src = g.pointer
    withGradBuffer { gy, accumulate in
      if accumulate {
        // grad += (Σ rows): sum first, then add, like `grad += g.sum(0)`.
        let total = UnsafeMutablePointer<Float>.allocate(capacity: inner)
        defer { total.deallocate() }
        columnSums(src, rows: outer, columns: inner, into: total)
        for j in 0..<inner { gy[j] += total[j] }
      } else {
        columnSums(src, rows: outer, columns: inner, into: gy)
      }
    }
    return true
  }

  /// Sums a gradient of a broadcast result back to `target`, the shape of the operand that was
  /// broadcast: over the leading dims it lacked and the dims where it had size 1.
  func sumTo(_ target: [Int]) -> Tensor {
    if target == shape { return self }
    let lead = rank - target.count
    require(lead >= 0, "internal: sumTo \(describe(shape)) → \(describe(target))")
    var dims = Array(0..<lead)
    for i in 0..<target.count where target[i] == 1 && shape[lead + i] != 1 { dims.append(lead + i) }
    return sum(dims: dims, keepdim: true).view(target)
  }

  // MARK: Operators

  /// Element-wise sum with broadcasting.
  public static func + (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .add) }
  /// Element-wise difference with broadcasting.
  public static func - (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .sub) }
  /// Element-wise product with broadcasting.
  public static func * (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .mul) }
  /// Element-wise quotient with broadcasting.
  public static func / (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .div) }

  /// `x + c` for every element.
  public static func + (a: Tensor, c: Float) -> Tensor {
    a.mapScalar("add", { $0 + c }, derivative: { _, _ in 1 })
  }
  /// `c + x` for every element.
  public static func + (c: Float, a: Tensor) -> Tensor {
    a.mapScalar("add", { c + $0 }, derivative: { _, _ in 1 })
  }
  /// `x − c` for every element.
  public static func - (a: Tensor, c: Float) -> Tensor {
    a.mapScalar("sub", { $0 - c }, derivative: { _, _ in 1 })
  }
  /// `c − x` for every element.
  public static func - (c: Float, a: Tensor) -> Tensor {
    a.mapScalar("rsub", { c - $0 }, derivative: { _, _ in -1 })
  }
  /// `x · c` for every element.
  public static func * (a: Tensor, c: Float) -> Tensor {
    a.mapScalar("mul", { $0 * c }, derivative: { _, _ in c })
  }
  /// `c · x` for every element (`2 * x`).
  public static func * (c: Float, a: Tensor) -> Tensor {
    a.mapScalar("mul", { c * $0 }, derivative: { _, _ in c })
  }
  /// `x / c` for every element (true division, as PyTorch).
  public static func / (a: Tensor, c: Float) -> Tensor {
    a.mapScalar("div", { $0 / c }, derivative: { _, _ in 1 / c })
  }
  /// `c / x` for every element (`1 / x`).
  public static func / (c: Float, a: Tensor) -> Tensor {
    a.mapScalar("reciprocal", { c / $0 }, derivative: { x, _ in -c / (x * x) })
  }
  /// Element-wise negation.
  public static prefix func - (a: Tensor) -> Tensor {
    a.mapScalar("neg", { -$0 }, derivative: { _, _ in -1 })
  }

  // MARK: In-place updates (never recorded)
  //
  // The left side is `inout` so that `dlogits[rows, cols] -= 1` and `p.data -= lr * p.grad!` go
  // through the subscript's or property's setter: values read by advanced indexing are a copy
  // (as in PyTorch), and the setter writes them back. On a plain view the setter sees the same
  // storage and does nothing.

  /// Stops when an in-place update would silently corrupt a recorded graph.
  func checkInPlace(_ op: String) {
    require(!(requiresGrad && Tensor.gradModeEnabled),
                 "\(op): in-place update of a tensor that requires grad (shape \(describe(shape))); update `.data` or run it inside Tensor.withNoGrad")
  }

  /// In-place `a += b` (b broadcast to a's shape); not recorded.
  public static func += (a: inout Tensor, b: Tensor) {
    a.checkInPlace("+=")
    inPlace(a, b, "+=", .add)
  }
  /// In-place `a -= b` (b broadcast to a's shape); not recorded: `p.data -= lr * p.grad!`.
  public static func -= (a: inout Tensor, b: Tensor) {
    a.checkInPlace("-=")
    inPlace(a, b, "-=", .sub)
  }
  /// In-place `a *= b` (b broadcast to a's shape); not recorded.
  public static func *= (a: inout Tensor, b: Tensor) {
    a.checkInPlace("*=")
    inPlace(a, b, "*=", .mul)
  }
  /// In-place `a /= b` (b broadcast to a's shape); not recorded: `P /= P.sum(dim: 1, keepdim: true)`.
  public static func /= (a: inout Tensor, b: Tensor) {
    a.checkInPlace("/=")
    inPlace(a, b, "/=", .div)
  }
  /// In-place `a += c`; not recorded.
  public static func += (a: inout Tensor, c: Float) { a += Tensor(c) }
  /// In-place `a -= c`; not recorded.
  public static func -= (a: inout Tensor, c: Float) { a -= Tensor(c) }
  /// In-place `a *= c`; not recorded.
  public static func *= (a: inout Tensor, c: Float) { a *= Tensor(c) }
  /// In-place `a /= c`; not recorded.
  public static func /= (a: inout Tensor, c: Float) { a /= Tensor(c) }

  /// Checks that `b` broadcasts to `a`'s shape and returns what to read for it: `b` itself, or a
  /// copy when it shares `a`'s storage (`x -= x.T`, so reads see the old values), with the
  /// strides that broadcast it to `a`'s shape.
  static func inPlaceSource(_ a: Tensor, _ b: Tensor, _ op: String) -> (Tensor, [Int]) {
    let target = broadcastShapes(a.shape, b.shape, op: op)
    require(target == a.shape, "\(op): cannot broadcast \(describe(b.shape)) into the left side's shape \(describe(a.shape))")
    let src = b.storage === a.storage ? b.contiguousCopy() : b
    return (src, broadcastStrides(shape: src.shape, strides: src.strides, to: a.shape))
  }

  /// Applies `a[i] = f(a[i], b[i])` in place with b broadcast to a's shape (scalar loop).
  static func inPlace<F: ElementFunction>(_ a: Tensor, _ b: Tensor, _ op: String, _ f: F) {
    let (src, ss) = inPlaceSource(a, b, op)
    withExtendedLifetime(src) {
      stridedBinary(a.shape, dst: a.pointer, a.strides, a.pointer, a.strides, src.pointer, ss, f)
    }
  }

  /// Applies `a[i] = op(a[i], b[i])` in place with b broadcast to a's shape (vectorised rows).
  static func inPlace(_ a: Tensor, _ b: Tensor, _ op: String, _ elementOp: ElementOp) {
    let (src, ss) = inPlaceSource(a, b, op)
    withExtendedLifetime(src) {
      stridedBinary(a.shape, dst: a.pointer, a.strides, a.pointer, a.strides, src.pointer, ss, op: elementOp)
    }
  }

  /// In-place `self += scale · other` (other broadcast to self's shape) without recording: the
  /// fused SGD step `p.addInPlace(p.grad!, scale: -lr)`.
  public func addInPlace(_ other: Tensor, scale: Float = 1) {
    addInPlaceUnrecorded(self, other, scale: scale)
  }

  /// Writes `source`'s values (broadcast to this shape) into this tensor's elements in place;
  /// not recorded. Does nothing when `source` is this very view (a write-back after `+=`).
  public func assign(_ source: Tensor) {
    if source.storage === storage && source.offset == offset && source.shape == shape && source.strides == strides { return }
    Tensor.inPlace(self, source, "assign", .second)
  }

  /// Sets every element to `value` in place; not recorded.
  public func fill(_ value: Float) {
    let c = Tensor(value)
    defer { withExtendedLifetime(c) {} }
    stridedBinary(shape, dst: pointer, strides, pointer, strides, c.pointer, [Int](repeating: 0, count: rank), op: .second)
  }
}

/// `dst += scale · src` in place (src broadcast to dst's shape); the workhorse of gradient
/// accumulation and optimiser steps.
func addInPlaceUnrecorded(_ dst: Tensor, _ src: Tensor, scale: Float) {
  if dst.isContiguous && src.isContiguous && dst.shape == src.shape && dst.storage !== src.storage {
    let d = dst.pointer, s = src.pointer
    if scale == 1 {
      for i in 0..<dst.count { d[i] += s[i] }
    } else {
      for i in 0..<dst.count { d[i] += scale * s[i] }
    }
    return
  }
  Tensor.inPlace(dst, src, "addInPlace", AddScaledFunction(scale: scale))
}
