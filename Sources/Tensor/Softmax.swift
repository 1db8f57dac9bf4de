import Foundation
import Kernels

// softmax, log-softmax and the fused cross-entropy loss: rows along the last dim, the max
// subtracted before exponentiating (the log-sum-exp trick), exponentials by the vectorised
// `vexp`. Cross-entropy's backward is the one-pass `(softmax − onehot) / n` of lecture 5.

extension Tensor {
  /// Applies a row-wise op along `dim` by swapping it with the last dim (a view) and back.
  func alongLastDim(_ dim: Int, op: String, _ body: (Tensor) -> Tensor) -> Tensor {
    let d = normalizeDim(dim, rank: rank, op: op)
    if d == rank - 1 || rank == 0 { return body(self) }
    return body(transpose(d, rank - 1)).transpose(d, rank - 1)
  }

  /// `exp(x) / sum(exp(x))` along `dim` (`F.softmax(x, dim)`); rows sum to 1.
  public func softmax(dim: Int) -> Tensor {
    alongLastDim(dim, op: "softmax") { $0.softmaxLastDim(log: false) }
  }

  /// `x − log(sum(exp(x)))` along `dim` (`F.log_softmax(x, dim)`), computed stably.
  public func logSoftmax(dim: Int) -> Tensor {
    alongLastDim(dim, op: "logSoftmax") { $0.softmaxLastDim(log: true) }
  }

  /// Row-wise (log-)softmax over the last dim on `Kernels.softmaxForward` / `softmaxBackward`.
  func softmaxLastDim(log: Bool) -> Tensor {
    let x = contiguous()
    let n = rank == 0 ? 1 : shape[rank - 1]
    let rows = n == 0 ? 0 : count / n
    let out = Tensor(uninitialized: shape)
    withExtendedLifetime(x) { softmaxForward(x.pointer, out.pointer, rows: rows, cols: n, log: log) }
    if Tensor.shouldRecord(self) {
      out.setGradFn(log ? "logSoftmax" : "softmax", [x]) { out, g, inputs in
        inputs[0].withGradBuffer { gx, accumulate in
          softmaxBackward(out.pointer, g.pointer, gx, rows: rows, cols: n, log: log, accumulate: accumulate)
        }
      }
    }
    out.checkAnomaly(log ? "logSoftmax" : "softmax", self)
    return out
  }

  /// Multiplies by a fixed keep-mask scaled by `1/(1−p)` (the deterministic core of `dropout`):
  /// `keepMask` holds 1 for kept and 0 for dropped elements, with this tensor's shape.
  public func dropout(keepMask: Tensor, p: Float) -> Tensor {
    require(keepMask.shape == shape, "dropout: mask shape \(describe(keepMask.shape)) differs from \(describe(shape))")
    let scale = 1 / (1 - p)
    let noise = Tensor.withNoGrad { keepMask.contiguousCopy() * scale }
    return self * noise
  }
}

/// Mean cross-entropy between `logits` (`[..., C]`, unnormalised scores) and integer class
/// `targets` (`logits.shape` without its last dim), PyTorch's `F.cross_entropy` with mean
/// reduction. Fused: the forward pass uses the log-sum-exp trick; the backward pass writes
/// `(softmax − onehot) / n` in one sweep. Targets equal to `ignoreIndex` are left out of the mean.
public func crossEntropy(_ logits: Tensor, _ targets: IntTensor, ignoreIndex: Int? = nil) -> Tensor {
  require(logits.rank >= 1, "crossEntropy: logits must have a class dim, got shape \(describe(logits.shape))")
  let c = logits.shape[logits.rank - 1]
  require(targets.shape == Array(logits.shape.dropLast()),
               "crossEntropy: targets of shape \(describe(targets.shape)) do not match logits of shape \(describe(logits.shape)) (expected \(describe(Array(logits.shape.dropLast()))))")
  let x = logits.contiguous()
  let rows = targets.count
  let probs = TensorStorage.allocate(capacity: rows * c)
  let (total, used) = targets.int32Scalars.withUnsafeBufferPointer { tp in
    withExtendedLifetime(x) {
      crossEntropyForward(x.pointer, targets: tp.baseAddress!, probs: probs.base, rows: rows, cols: c, ignoreIndex: ignoreIndex)
    }
  }
  let out = Tensor(total / Float(used))
  if Tensor.shouldRecord(logits) {
    let t = targets.int32Scalars
    out.setGradFn("crossEntropy", [x]) { _, g, inputs in
      let scale = g.pointer[0] / Float(used)
      inputs[0].withGradBuffer { gx, accumulate in
        t.withUnsafeBufferPointer { tp in
          crossEntropyBackward(probs: probs.base, targets: tp.baseAddress!, gx, rows: rows, cols: c, scale: scale,
                               ignoreIndex: ignoreIndex, accumulate: accumulate)
        }
      }
    }
  }
  out.checkAnomaly("crossEntropy", logits)
  return out
}
