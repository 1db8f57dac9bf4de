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

  func softmaxLastDim(log: Bool) -> Tensor {
    let x = contiguous()
    let n = rank == 0 ? 1 : shape[rank - 1]
    let rows = n == 0 ? 0 : count / n
    let out = Tensor(uninitialized: shape)
    for r in 0..<rows {
      let src = x.pointer + r * n, dst = out.pointer + r * n
      var mx = -Float.infinity
      for j in 0..<n { mx = Swift.max(mx, src[j]) }
      if mx == -.infinity { mx = 0 }  // all -inf: avoid (-inf) - (-inf)
      for j in 0..<n { dst[j] = src[j] - mx }
      if log {
        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: n)
        vexp(dst, tmp, count: n)
        let logSum = Foundation.log(contiguousSum(tmp, n))
        tmp.deallocate()
        for j in 0..<n { dst[j] = dst[j] - logSum }
      } else {
        vexp(dst, dst, count: n)
        let inv = 1 / contiguousSum(dst, n)
        for j in 0..<n { dst[j] *= inv }
      }
    }
    if Tensor.shouldRecord(self) {
      out.setGradFn(log ? "logSoftmax" : "softmax", [x]) { out, g, inputs in
        let y = out.pointer, gs = g.pointer
        inputs[0].withGradBuffer { gx, accumulate in
          for r in 0..<rows {
            let yr = y + r * n, gr = gs + r * n, dst = gx + r * n
            if log {
              // d/dx of log-softmax: g − softmax · Σg
              let s = contiguousSum(gr, n)
              for j in 0..<n {
                let v = gr[j] - Foundation.exp(yr[j]) * s
                dst[j] = accumulate ? dst[j] + v : v
              }
            } else {
              // d/dx of softmax: y · (g − Σ g·y)
              var dot: Float = 0
              for j in 0..<n { dot += gr[j] * yr[j] }
              for j in 0..<n {
                let v = yr[j] * (gr[j] - dot)
                dst[j] = accumulate ? dst[j] + v : v
              }
            }
          }
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
  var total: Float = 0
  var used = 0
  // Shift every row by its max, then one vectorised exp over the whole batch.
  var maxima = [Float](repeating: 0, count: rows)
  for r in 0..<rows {
    let src = x.pointer + r * c, p = probs.base + r * c
    var mx = -Float.infinity
    for j in 0..<c { mx = Swift.max(mx, src[j]) }
    for j in 0..<c { p[j] = src[j] - mx }
    maxima[r] = mx
  }
  vexp(probs.base, probs.base, count: rows * c)
  targets.int32Scalars.withUnsafeBufferPointer { tp in
    for r in 0..<rows {
      let src = x.pointer + r * c, p = probs.base + r * c
      let mx = maxima[r]
      let s = contiguousSum(p, c)
      let inv = 1 / s
      // Probabilities below the smallest normal float (e^-88 and less) are flushed to 0: they
      // cannot change any printed digit, and subnormal operands make every later GEMM on the
      // gradient run many times slower on x86.
      for j in 0..<c {
        let v = p[j] * inv
        p[j] = v < Float.leastNormalMagnitude ? 0 : v
      }
      let t = Int(tp[r])
      if let ig = ignoreIndex, t == ig { continue }
      require(t >= 0 && t < c, "crossEntropy: target \(t) is out of range for \(c) classes")
      // -(log_softmax(x)[t]) = -((x[t] - max) - log Σ exp(x - max)), as PyTorch computes it
      total += -((src[t] - mx) - Foundation.log(s))
      used += 1
    }
  }
  let out = Tensor(total / Float(used))
  if Tensor.shouldRecord(logits) {
    let t = targets.int32Scalars
    out.setGradFn("crossEntropy", [x]) { _, g, inputs in
      let scale = g.pointer[0] / Float(used)
      inputs[0].withGradBuffer { gx, accumulate in
        for r in 0..<rows {
          let p = probs.base + r * c, dst = gx + r * c
          let ignored = ignoreIndex.map { Int(t[r]) == $0 } ?? false
          if ignored {
            if !accumulate { for j in 0..<c { dst[j] = 0 } }
            continue
          }
          if accumulate {
            for j in 0..<c { dst[j] += p[j] * scale }
          } else {
            for j in 0..<c { dst[j] = p[j] * scale }
          }
          dst[Int(t[r])] -= scale
        }
      }
    }
  }
  out.checkAnomaly("crossEntropy", logits)
  return out
}
