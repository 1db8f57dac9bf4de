import Foundation
import Tensor

// Optimisers update parameters in place from their `.grad`, outside autograd, with raw-pointer
// loops. Scalars are computed in Double (Python floats in PyTorch) and rounded to Float where
// PyTorch's kernels receive them, so the update order and rounding follow `torch.optim`.

/// Something that updates parameters from their gradients (`torch.optim.Optimizer`).
public protocol Optimizer: AnyObject {
  /// The learning rate of the next `step()` (set it from a schedule each iteration).
  var learningRate: Double { get set }
  /// Every parameter this optimiser updates.
  var parameters: [Tensor] { get }
  /// Applies one update to every parameter that has a gradient (parameters without one are skipped).
  func step()
}

extension Optimizer {
  /// Clears every parameter's gradient (`optimizer.zero_grad(set_to_none=True)`).
  public func zeroGrad() {
    for p in parameters { p.grad = nil }
  }
}

/// Parameters sharing optimiser settings (PyTorch's param groups): GPT-2 training decays 2-D
/// weights and leaves biases and LayerNorm parameters undecayed.
public struct ParameterGroup {
  /// The parameters.
  public var parameters: [Tensor]
  /// Weight decay applied to this group.
  public var weightDecay: Double

  /// A group with its own weight decay.
  public init(_ parameters: [Tensor], weightDecay: Double) {
    self.parameters = parameters
    self.weightDecay = weightDecay
  }

  /// build-nanogpt's `configure_optimizers` split: parameters with ≥ 2 dims (matmul weights,
  /// embeddings) get `weightDecay`, the rest (biases, norms) none.
  public static func decayMatricesOnly(_ named: [(name: String, tensor: Tensor)], weightDecay: Double) -> [ParameterGroup] {
    let params = named.map(\.tensor).filter(\.requiresGrad)
    return [ParameterGroup(params.filter { $0.rank >= 2 }, weightDecay: weightDecay),
            ParameterGroup(params.filter { $0.rank < 2 }, weightDecay: 0)]
  }
}

/// Runs `body` with a parameter's values (mutable) and its gradient, when it has one.
@inline(__always)
func withParameterAndGrad(_ p: Tensor, _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void) {
  guard let g = p.grad else { return }
  precondition(g.shape == p.shape, "optimizer: gradient shape \(g.shape) differs from parameter shape \(p.shape)")
  p.withUnsafeMutableBufferPointer { pb in
    g.withUnsafeBufferPointer { gb in body(pb.baseAddress!, gb.baseAddress!, pb.count) }
  }
}

/// Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay
/// (`torch.optim.SGD`). Without momentum and decay the update is the lectures' own
/// `p.data += -lr * p.grad` (two roundings: `−lr·g`, then the add).
public final class SGD: Optimizer {
  /// Learning rate.
  public var learningRate: Double
  /// Momentum factor (0 = plain SGD).
  public let momentum: Double
  /// Dampening of the momentum buffer's new gradient.
  public let dampening: Double
  /// L2 penalty added to the gradient.
  public let weightDecay: Double
  /// Nesterov momentum.
  public let nesterov: Bool
  /// The parameters.
  public let parameters: [Tensor]
  private var buffers: [[Float]?]

  /// `SGD(params, lr, momentum, dampening, weight_decay, nesterov)`.
  public init(_ parameters: [Tensor], learningRate: Double, momentum: Double = 0, dampening: Double = 0,
              weightDecay: Double = 0, nesterov: Bool = false) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.momentum = momentum
    self.dampening = dampening
    self.weightDecay = weightDecay
    self.nesterov = nesterov
    buffers = Array(repeating: nil, count: parameters.count)
  }

  /// One update.
  public func step() {
    let lr = Float(learningRate), negLr = Float(-learningRate), wd = Float(weightDecay)
    let mu = Float(momentum), keep = Float(1 - dampening)
    for (i, p) in parameters.enumerated() {
      withParameterAndGrad(p) { w, g, n in
        if momentum == 0 && weightDecay == 0 {
          for j in 0..<n { w[j] = w[j] + negLr * g[j] }
          return
        }
        var buf = buffers[i] ?? []
        let first = buf.isEmpty
        if first { buf = [Float](repeating: 0, count: n) }
        for j in 0..<n {
          var d = weightDecay != 0 ? g[j].addingProduct(wd, w[j]) : g[j]
          if momentum != 0 {
            buf[j] = first ? d : (buf[j] * mu).addingProduct(keep, d)
            d = nesterov ? d.addingProduct(mu, buf[j]) : buf[j]
          }
          w[j] = w[j].addingProduct(-lr, d)
        }
        if momentum != 0 { buffers[i] = buf }
      }
    }
  }
}

/// Adam and AdamW (`torch.optim.Adam` / `AdamW`) in PyTorch's update order:
/// decay (AdamW: `p ·= 1 − lr·wd`; Adam: `g += wd·p`), `m = lerp(m, g, 1 − β₁)`,
/// `v = β₂·v + (1 − β₂)·g²`, then `p −= lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε)`.
public final class AdamW: Optimizer {
  /// Learning rate.
  public var learningRate: Double
  /// β₁, β₂.
  public let betas: (Double, Double)
  /// ε in the denominator.
  public let eps: Double
  /// Decoupled (AdamW) or L2-style (Adam) weight decay.
  public let decoupled: Bool
  /// The parameter groups.
  public let groups: [ParameterGroup]
  /// Updates taken so far (PyTorch keeps one per parameter; they agree unless a gradient was missing).
  public private(set) var steps: [Int]
  private var m: [[Float]]
  private var v: [[Float]]

  /// AdamW over parameter groups (`torch.optim.AdamW(groups, lr, betas, eps)`).
  public init(groups: [ParameterGroup], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
              eps: Double = 1e-8, decoupled: Bool = true) {
    self.groups = groups
    self.learningRate = learningRate
    self.betas = betas
    self.eps = eps
    self.decoupled = decoupled
    let all = groups.flatMap(\.parameters)
    steps = Array(repeating: 0, count: all.count)
    m = all.map { [Float](repeating: 0, count: $0.count) }
    v = all.map { [Float](repeating: 0, count: $0.count) }
  }

  /// `torch.optim.AdamW(params, lr, betas, eps, weight_decay=0.01)`: one group.
  public convenience init(_ parameters: [Tensor], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                          eps: Double = 1e-8, weightDecay: Double = 0.01) {
    self.init(groups: [ParameterGroup(parameters, weightDecay: weightDecay)], learningRate: learningRate,
              betas: betas, eps: eps, decoupled: true)
  }

  /// `torch.optim.Adam(params, lr, betas, eps, weight_decay=0)`: L2 decay added to the gradient.
  public static func adam(_ parameters: [Tensor], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                          eps: Double = 1e-8, weightDecay: Double = 0) -> AdamW {
    AdamW(groups: [ParameterGroup(parameters, weightDecay: weightDecay)], learningRate: learningRate,
          betas: betas, eps: eps, decoupled: false)
  }

  /// Every parameter, group by group.
  public var parameters: [Tensor] { groups.flatMap(\.parameters) }

  /// One update of every parameter that has a gradient.
  public func step() {
    var index = 0
    for group in groups {
      for p in group.parameters {
        update(p, index, weightDecay: group.weightDecay)
        index += 1
      }
    }
  }

  private func update(_ p: Tensor, _ i: Int, weightDecay wdD: Double) {
    guard p.grad != nil else { return }
    steps[i] += 1
    let t = Double(steps[i])
    let lr = learningRate, (b1, b2) = betas
    let decayFactor = Float(1 - lr * wdD), wd = Float(wdD)
    let w1 = Float(1 - b1), beta2 = Float(b2), w2 = Float(1 - b2)
    let stepSize = lr / (1 - Foundation.pow(b1, t))
    let bc2Sqrt = Float((1 - Foundation.pow(b2, t)).squareRoot())
    let negStep = Float(-stepSize), epsF = Float(eps)
    let decoupled = decoupled
    m[i].withUnsafeMutableBufferPointer { mb in
      v[i].withUnsafeMutableBufferPointer { vb in
        withParameterAndGrad(p) { w, gp, n in
          for j in 0..<n {
            var g = gp[j]
            if wdD != 0 {
              if decoupled { w[j] = w[j] * decayFactor } else { g = g.addingProduct(w[j], wd) }
            }
            mb[j] = mb[j].addingProduct(w1, g - mb[j])           // lerp with a small weight
            vb[j] = vb[j] * beta2 + w2 * g * g
            let denom = vb[j].squareRoot() / bc2Sqrt + epsF
            w[j] = w[j] + negStep * mb[j] / denom
          }
        }
      }
    }
  }
}
