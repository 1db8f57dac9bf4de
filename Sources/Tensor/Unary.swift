import Foundation
import Kernels

// Element-wise functions of one tensor. Each is a forward loop plus its derivative, written as
// `dy/dx` in terms of the input `x` and the output `y` (tanh' = 1 − y², exp' = y, log' = 1/x).
// tanh and exp use the vectorised Kernels routines and fused backward loops.

extension Tensor {
  /// Applies `f` to every element; the backward pass multiplies the incoming gradient by
  /// `derivative(x, y)`. The common path for every element-wise op without a dedicated kernel.
  @inline(__always)
  func mapScalar(_ op: String, _ f: (Float) -> Float,
                 derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
    let x = contiguous()
    defer { withExtendedLifetime(x) {} }  // x may be a temporary copy read through raw pointers
    let out = Tensor(uninitialized: shape)
    let src = x.pointer, dst = out.pointer
    Parallelism.forEachRange(count) { r in for i in r { dst[i] = f(src[i]) } }
    if Tensor.shouldRecord(self) {
      out.setGradFn(op, [self]) { out, g, inputs in
        let input = inputs[0]
        guard input.requiresGrad else { return }
        let xc = input.contiguous()
        defer { withExtendedLifetime(xc) {} }
        let xs = xc.pointer, ys = out.pointer, gs = g.pointer
        let n = out.count
        input.withGradBuffer { gx, accumulate in
          Parallelism.forEachRange(n) { r in
            if accumulate {
              for i in r { gx[i] += gs[i] * derivative(xs[i], ys[i]) }
            } else {
              for i in r { gx[i] = gs[i] * derivative(xs[i], ys[i]) }
            }
          }
        }
      }
    }
    out.checkAnomaly(op, self)
    return out
  }

  /// `eˣ` element-wise (vectorised).
  public func exp() -> Tensor {
    let x = contiguous()
    defer { withExtendedLifetime(x) {} }  // x may be a temporary copy read through raw pointers
    let out = Tensor(uninitialized: shape)
    let (xp, op) = (x.pointer, out.pointer)
    Parallelism.forEachRange(count) { r in vexp(xp + r.lowerBound, op + r.lowerBound, count: r.count) }
    if Tensor.shouldRecord(self) {
      out.setGradFn("exp", [self]) { out, g, inputs in
        let n = out.count, y = out.pointer, gs = g.pointer
        if inputs[0].canTakeOverGradient(g, of: out) {
          Parallelism.forEachRange(n) { r in for i in r { gs[i] = gs[i] * y[i] } }
          inputs[0].grad = g
          return
        }
        inputs[0].withGradBuffer { gx, accumulate in
          Parallelism.forEachRange(n) { r in
            if accumulate { for i in r { gx[i] += gs[i] * y[i] } } else { for i in r { gx[i] = gs[i] * y[i] } }
          }
        }
      }
    }
    out.checkAnomaly("exp", self)
    return out
  }

  /// `tanh(x)` element-wise (vectorised); backward is the fused `g · (1 − y²)`.
  public func tanh() -> Tensor {
    let x = contiguous()
    defer { withExtendedLifetime(x) {} }  // x may be a temporary copy read through raw pointers
    let out = Tensor(uninitialized: shape)
    let (xp, op) = (x.pointer, out.pointer)
    Parallelism.forEachRange(count) { r in vtanh(xp + r.lowerBound, op + r.lowerBound, count: r.count) }
    if Tensor.shouldRecord(self) {
      out.setGradFn("tanh", [self]) { out, g, inputs in
        let n = out.count, y = out.pointer, gs = g.pointer
        if inputs[0].canTakeOverGradient(g, of: out) {
          Parallelism.forEachRange(n) { r in for i in r { gs[i] = gs[i] * (1 - y[i] * y[i]) } }
          inputs[0].grad = g
          return
        }
        inputs[0].withGradBuffer { gx, accumulate in
          Parallelism.forEachRange(n) { r in
            if accumulate {
              for i in r { gx[i] += gs[i] * (1 - y[i] * y[i]) }
            } else {
              for i in r { gx[i] = gs[i] * (1 - y[i] * y[i]) }
            }
          }
        }
      }
    }
    out.checkAnomaly("tanh", self)
    return out
  }

  /// Natural logarithm element-wise.
  public func log() -> Tensor { mapScalar("log", { Foundation.log($0) }, derivative: { x, _ in 1 / x }) }

  /// Base-10 logarithm element-wise (`loss.log10()` for the lectures' loss plots).
  public func log10() -> Tensor {
    mapScalar("log10", { Foundation.log10($0) }, derivative: { x, _ in 1 / (x * 2.302585092994046) })
  }

  /// Base-2 logarithm element-wise.
  public func log2() -> Tensor {
    mapScalar("log2", { Foundation.log2($0) }, derivative: { x, _ in 1 / (x * 0.6931471805599453) })
  }

  /// Square root element-wise.
  public func sqrt() -> Tensor { mapScalar("sqrt", { $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }

  /// Absolute value element-wise (gradient sign(x), 0 at 0, as PyTorch).
  public func abs() -> Tensor {
    mapScalar("abs", { Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) })
  }

  /// The logistic function `1 / (1 + e⁻ˣ)` element-wise.
  public func sigmoid() -> Tensor {
    mapScalar("sigmoid", { 1 / (1 + Foundation.exp(-$0)) }, derivative: { _, y in y * (1 - y) })
  }

  /// `max(0, x)` element-wise (gradient 0 at 0, as PyTorch).
  public func relu() -> Tensor {
    // `mapScalar("relu", { max($0, 0) }, derivative: { x, _ in x > 0 ? 1 : 0 })`, with the two
    // loops as 16-lane kernels (Kernels.reluForward/reluBackward: the same value in every bit;
    // through closures the compiler kept one call per element).
    let x = contiguous()
    defer { withExtendedLifetime(x) {} }  // x may be a temporary copy read through raw pointers
    let out = Tensor(uninitialized: shape)
    let src = x.pointer, dst = out.pointer
    Parallelism.forEachRange(count) { r in reluForward(src + r.lowerBound, dst + r.lowerBound, count: r.count) }
    if Tensor.shouldRecord(self) {
      out.setGradFn("relu", [self]) { out, g, inputs in
        let input = inputs[0]
        guard input.requiresGrad else { return }
        let xc = input.contiguous()
        defer { withExtendedLifetime(xc) {} }
        let xs = xc.pointer, gs = g.pointer
        input.withGradBuffer { gx, accumulate in
          Parallelism.forEachRange(out.count) { r in
            reluBackward(xs + r.lowerBound, gs + r.lowerBound, gx + r.lowerBound, count: r.count, accumulate: accumulate)
          }
        }
      }
    }
    out.checkAnomaly("relu", self)
    return out
  }

  /// GELU with the tanh approximation (`approximate='tanh'`, GPT-2's):
  /// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
  public func gelu() -> Tensor {
    let k: Float = 0.7978845608028654  // √(2/π)
    let c: Float = 0.044715
    return mapScalar("gelu", { x in
      let inner = k * (x + c * x * x * x)
      return 0.5 * x * (1 + Foundation.tanh(inner))
    }, derivative: { x, _ in
      let inner = k * (x + c * x * x * x)
      let t = Foundation.tanh(inner)
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * c * x * x)
    })
  }

  /// `xᵖ` element-wise (`x ** p`). Exponents 1, 2, 3, 0.5, −0.5, −1 and −2 use exact shortcuts
  /// (multiplications, `sqrt`, reciprocal) as PyTorch does; others `powf`. The derivative
  /// `p · xᵖ⁻¹` goes through the same function, so a hand-written `p * x ** (p - 1) * g` (lecture
  /// 5) equals autograd's gradient exactly.
  public func pow(_ p: Float) -> Tensor {
    mapScalar("pow", { powScalar($0, p) }, derivative: { x, _ in p * powScalar(x, p - 1) })
  }

  /// Limits every element to `[min, max]`; the gradient passes where the value was not clipped.
  public func clamp(min lo: Float? = nil, max hi: Float? = nil) -> Tensor {
    let l = lo ?? -Float.infinity, h = hi ?? Float.infinity
    return mapScalar("clamp", { Swift.min(Swift.max($0, l), h) }, derivative: { x, _ in x >= l && x <= h ? 1 : 0 })
  }

  // MARK: Comparisons (0/1 masks, never recorded)

  /// A 0/1 mask of the elements where `predicate` holds (not recorded).
  @inline(__always)
  func mask(_ predicate: (Float) -> Bool) -> Tensor {
    let x = contiguous()
    defer { withExtendedLifetime(x) {} }  // x may be a temporary copy read through raw pointers
    let out = Tensor(uninitialized: shape)
    for i in 0..<count { out.pointer[i] = predicate(x.pointer[i]) ? 1 : 0 }
    return out
  }

  /// 1 where the element equals `v`, else 0 (`tril == 0`).
  public func eq(_ v: Float) -> Tensor { mask { $0 == v } }
  /// 1 where the element differs from `v`, else 0.
  public func ne(_ v: Float) -> Tensor { mask { $0 != v } }
  /// 1 where the element is greater than `v`, else 0 (`h.abs().gt(0.99)`).
  public func gt(_ v: Float) -> Tensor { mask { $0 > v } }
  /// 1 where the element is at least `v`, else 0.
  public func ge(_ v: Float) -> Tensor { mask { $0 >= v } }
  /// 1 where the element is less than `v`, else 0.
  public func lt(_ v: Float) -> Tensor { mask { $0 < v } }
  /// 1 where the element is at most `v`, else 0.
  public func le(_ v: Float) -> Tensor { mask { $0 <= v } }

  /// 1 where the elements of `self` and `other` (broadcast) are equal, else 0.
  public func eq(_ other: Tensor) -> Tensor {
    Tensor.withNoGrad {
      let out = Tensor(uninitialized: broadcastShapes(shape, other.shape, op: "eq"))
      broadcastKernel(self, other, out, EqualFunction())
      return out
    }
  }
}

/// `xᵖ` for one value, with the shortcuts PyTorch's `pow` kernel takes for common exponents.
@inline(__always)
func powScalar(_ x: Float, _ p: Float) -> Float {
  switch p {
  case 0: return 1
  case 1: return x
  case 2: return x * x
  case 3: return x * x * x
  case 0.5: return x.squareRoot()
  case -0.5: return 1 / x.squareRoot()
  case -1: return 1 / x
  case -2: return 1 / (x * x)
  default: return Foundation.pow(x, p)
  }
}

/// `eˣ` element-wise.
public func exp(_ x: Tensor) -> Tensor { x.exp() }
/// Natural logarithm element-wise.
public func log(_ x: Tensor) -> Tensor { x.log() }
/// Square root element-wise.
public func sqrt(_ x: Tensor) -> Tensor { x.sqrt() }
/// Absolute value element-wise.
public func abs(_ x: Tensor) -> Tensor { x.abs() }
/// `tanh(x)` element-wise.
public func tanh(_ x: Tensor) -> Tensor { x.tanh() }
/// The logistic function element-wise.
public func sigmoid(_ x: Tensor) -> Tensor { x.sigmoid() }
/// `max(0, x)` element-wise.
public func relu(_ x: Tensor) -> Tensor { x.relu() }
/// GELU (tanh approximation) element-wise.
public func gelu(_ x: Tensor) -> Tensor { x.gelu() }
/// `xᵖ` element-wise (`x ** p`).
public func pow(_ x: Tensor, _ p: Float) -> Tensor { x.pow(p) }
/// `baseˣ` element-wise (`10 ** lre`, the lecture-3 learning rates).
public func pow(_ base: Float, _ x: Tensor) -> Tensor {
  let lnBase = Foundation.log(base)
  return x.mapScalar("rpow", { Foundation.pow(base, $0) }, derivative: { _, y in y * lnBase })
}
/// Base-10 logarithm element-wise.
public func log10(_ x: Tensor) -> Tensor { x.log10() }
