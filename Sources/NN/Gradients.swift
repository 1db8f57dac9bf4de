import Foundation
import Tensor

/// Scales all gradients so their global L2 norm is at most `maxNorm`
/// (`torch.nn.utils.clip_grad_norm_`) and returns the norm *before* clipping — the `norm` that
/// build-nanogpt prints every step. As PyTorch, the factor `maxNorm/(norm + 1e-6)` is clamped to 1
/// and applied to every gradient. Parameters without a gradient are skipped.
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Double) -> Double {
  var perTensor: [Double] = []
  for p in parameters {
    guard let g = p.grad else { continue }
    let sq = g.withUnsafeBufferPointer { b in b.reduce(0.0) { $0 + Double($1) * Double($1) } }
    perTensor.append(Double(Float(sq.squareRoot())))      // each norm is a float32 tensor in PyTorch
  }
  let total = Double(Float(perTensor.reduce(0) { $0 + $1 * $1 }.squareRoot()))
  let coef = Float(min(maxNorm / (total + 1e-6), 1))
  for p in parameters {
    guard let g = p.grad else { continue }
    if g.isContiguous {
      g.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] *= coef } }
    } else {
      p.grad = g * coef
    }
  }
  return total
}

/// Runs `microSteps` forward/backward passes and accumulates their gradients as one big batch
/// would (lecture 10's gradient accumulation): each micro-batch loss is divided by `microSteps`
/// before `backward()`, because the big batch's loss is the *mean* over all examples. Gradients
/// add to whatever `.grad` already holds (zero them before the first call). Returns the mean loss.
public func accumulateGradients(microSteps: Int, _ loss: (_ microStep: Int) -> Tensor) -> Double {
  require(microSteps > 0, "accumulateGradients: microSteps must be positive, got \(microSteps)")
  var total = 0.0
  for i in 0..<microSteps {
    let l = loss(i) / Float(microSteps)
    total += Double(l.item())
    l.backward()
  }
  return total
}
