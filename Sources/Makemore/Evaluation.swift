import Tensor

/// The mean cross-entropy of a model on a whole split (train, dev or test), computed without
/// recording a graph. `logits` is the lecture's own forward pass, so the model itself stays
/// visible in the lecture; only the bookkeeping of evaluating it lives here.
///
/// An empty split has no loss: that is reported as NaN, and callers check for empty splits
/// before they get here (see `Names.requireSplits`).
public func splitLoss(_ X: IntTensor, _ Y: IntTensor, logits: (IntTensor) -> Tensor) -> Float {
  guard Y.count > 0 else { return .nan }
  return Tensor.withNoGrad { crossEntropy(logits(X), Y).item() }
}
