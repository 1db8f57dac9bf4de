import Tensor

/// The mean cross-entropy of a model on a whole split (train, dev or test), computed without
/// recording a graph. `logits` is the lecture's own forward pass, so the model itself stays
/// visible in the lecture; only the bookkeeping of evaluating it lives here.
///
/// The logits are computed in one pass; the mean is taken in blocks of `block` rows whose
/// means are combined in Double. A single float32 running sum over 182,625 losses of about
/// 2–27 drifts by up to 0.004 in the mean (the total reaches ~500,000, where float32 steps are
/// 1/32), which would change the printed fourth decimal; PyTorch sums with a cascade and does
/// not drift. Blocks of 32 keep every partial sum small, so the result agrees with an exact sum
/// to about 1e-6.
///
/// An empty split has no loss: that is reported as NaN, and callers check for empty splits
/// before they get here (see `Names.requireSplits`).
public func splitLoss(_ X: IntTensor, _ Y: IntTensor, block: Int = 32, logits: (IntTensor) -> Tensor) -> Float {
  let n = Y.count
  guard n > 0 else { return .nan }
  return Tensor.withNoGrad {
    let all = logits(X)
    var total = 0.0
    var start = 0
    while start < n {
      let end = Swift.min(n, start + block)
      total += Double(crossEntropy(all[start..<end], Y[start..<end]).item()) * Double(end - start)
      start = end
    }
    return Float(total / Double(n))
  }
}
