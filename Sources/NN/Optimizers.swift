import Foundation
import Kernels
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
  /// What the optimiser keeps between steps (moments, momentum buffers, step counts), by name:
  /// what a checkpoint must hold so that a resumed run takes the same next step.
  func exportState() -> OptimizerState
  /// Throws unless `state` fits this optimiser (every name it needs, shapes of its parameters).
  func checkState(_ state: OptimizerState) throws(CheckpointError)
  /// Replaces the kept state with `state` (already checked by `checkState`).
  func restoreState(_ state: OptimizerState)
}

extension Optimizer {
  /// Clears every parameter's gradient (`optimizer.zero_grad(set_to_none=True)`).
  public func zeroGrad() {
    for p in parameters { p.grad = nil }
  }

  /// A stateless optimiser keeps nothing.
  public func exportState() -> OptimizerState { OptimizerState() }

  /// A stateless optimiser accepts only an empty state.
  public func checkState(_ state: OptimizerState) throws(CheckpointError) {
    let names = state.tensors.map(\.name) + state.counters.map(\.name)
    if !names.isEmpty { throw .unexpectedTensors(names.map { "optimizer:" + $0 }) }
  }

  /// Nothing to restore.
  public func restoreState(_ state: OptimizerState) {}
}

/// An optimiser's state between steps (PyTorch's `optimizer.state_dict()["state"]`): tensors named
/// `"<parameter index>.<buffer>"` (`"0.exp_avg"`, `"3.momentum_buffer"`) and integer counters
/// (`"0.step"`), parameter indices counted over `parameters` in order.
public struct OptimizerState {
  /// Moment and momentum buffers (the optimiser's own tensors, not copies).
  public var tensors: [(name: String, tensor: Tensor)]
  /// Integer counters such as per-parameter step counts.
  public var counters: [(name: String, value: Int)]

  /// A state of the given parts.
  public init(tensors: [(name: String, tensor: Tensor)] = [], counters: [(name: String, value: Int)] = []) {
    self.tensors = tensors
    self.counters = counters
  }

  /// The tensor called `name`, if present.
  public func tensor(_ name: String) -> Tensor? { tensors.first { $0.name == name }?.tensor }
  /// The counter called `name`, if present.
  public func counter(_ name: String) -> Int? { counters.first { $0.name == name }?.value }

  /// Throws unless exactly the `expected` tensors (with those shapes) and counters are present.
  func check(tensors expected: [(name: String, shape: [Int])], counters expectedCounters: [String],
             optional: Set<String> = []) throws(CheckpointError) {
    let have = Dictionary(tensors.map { ($0.name, $0.tensor.shape) }, uniquingKeysWith: { a, _ in a })
    let haveCounters = Set(counters.map(\.name))
    let missing = expected.map(\.name).filter { have[$0] == nil && !optional.contains($0) }
      + expectedCounters.filter { !haveCounters.contains($0) }
    if !missing.isEmpty { throw .missingTensors(missing.map { "optimizer:" + $0 }) }
    let known = Set(expected.map(\.name) + expectedCounters)
    let extra = (tensors.map(\.name) + counters.map(\.name)).filter { !known.contains($0) }
    if !extra.isEmpty { throw .unexpectedTensors(extra.map { "optimizer:" + $0 }) }
    for (name, shape) in expected {
      if let found = have[name], found != shape {
        throw .shapeMismatch(name: "optimizer:" + name, expected: shape, found: found)
      }
    }
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
  require(g.shape == p.shape, "optimizer: gradient shape \(g.shape) differs from parameter shape \(p.shape)")
  require(p.isContiguous, "optimizer: parameter of shape \(p.shape) is not contiguous")
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
  /// Momentum buffers, one per parameter (nil until its first momentum step), PyTorch's
  /// `momentum_buffer`; saved in checkpoints.
  public private(set) var momentumBuffers: [Tensor?]

  /// `SGD(params, lr, momentum, dampening, weight_decay, nesterov)`.
  public init(_ parameters: [Tensor], learningRate: Double, momentum: Double = 0, dampening: Double = 0,
              weightDecay: Double = 0, nesterov: Bool = false) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.momentum = momentum
    self.dampening = dampening
    self.weightDecay = weightDecay
    self.nesterov = nesterov
    momentumBuffers = Array(repeating: nil, count: parameters.count)
  }

  /// One update.
  public func step() {
    let lr = Float(learningRate), negLr = Float(-learningRate), wd = Float(weightDecay)
    let mu = Float(momentum), keep = Float(1 - dampening)
    for (i, p) in parameters.enumerated() {
      withParameterAndGrad(p) { w, g, n in
        if momentum == 0 && weightDecay == 0 {
          // Independent elements: split across threads above the threshold, same values.
          Parallelism.forEachRange(n) { r in for j in r { w[j] = w[j] + negLr * g[j] } }
          return
        }
        let first = momentumBuffers[i] == nil
        if momentum != 0 && first { momentumBuffers[i] = Tensor.zeros(p.shape) }
        let scratch = momentumBuffers[i] ?? Tensor.zeros([1])
        scratch.withUnsafeMutableBufferPointer { bb in
          let buf = bb.baseAddress!
          let (momentum, weightDecay, nesterov) = (momentum, weightDecay, nesterov)
          Parallelism.forEachRange(n) { r in
            for j in r {
              var d = weightDecay != 0 ? g[j].addingProduct(wd, w[j]) : g[j]
              if momentum != 0 {
                buf[j] = first ? d : (buf[j] * mu).addingProduct(keep, d)
                d = nesterov ? d.addingProduct(mu, buf[j]) : buf[j]
              }
              w[j] = w[j].addingProduct(-lr, d)
            }
          }
        }
      }
    }
  }

  /// The momentum buffers taken so far (`"<i>.momentum_buffer"`).
  public func exportState() -> OptimizerState {
    OptimizerState(tensors: momentumBuffers.enumerated().compactMap { i, b in b.map { ("\(i).momentum_buffer", $0) } })
  }

  /// Momentum buffers are optional (a parameter may not have stepped yet); shapes must match.
  public func checkState(_ state: OptimizerState) throws(CheckpointError) {
    let expected = parameters.enumerated().map { ("\($0).momentum_buffer", $1.shape) }
    try state.check(tensors: expected, counters: [], optional: Set(expected.map(\.0)))
  }

  /// Copies the buffers in (a buffer absent from `state` becomes nil).
  public func restoreState(_ state: OptimizerState) {
    for i in parameters.indices {
      momentumBuffers[i] = state.tensor("\(i).momentum_buffer").map { Tensor($0.scalars, shape: $0.shape) }
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
  /// First moments `m` (PyTorch's `exp_avg`), one per parameter, same shape; saved in checkpoints.
  public let firstMoments: [Tensor]
  /// Second moments `v` (PyTorch's `exp_avg_sq`), one per parameter, same shape.
  public let secondMoments: [Tensor]

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
    firstMoments = all.map { Tensor.zeros($0.shape) }
    secondMoments = all.map { Tensor.zeros($0.shape) }
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
  ///
  /// Every element's update is independent of every other's, so all parameters are updated as
  /// one element-wise loop over their concatenation, split across threads (`forEachRange`): the
  /// small tensors of a model (biases, norms, 64×64 weights) no longer run one after the other
  /// on one core. The split never changes a value.
  public func step() {
    var jobs: [AdamWJob] = []
    var index = 0
    for group in groups {
      for p in group.parameters {
        if let job = prepare(p, index, weightDecay: group.weightDecay) { jobs.append(job) }
        index += 1
      }
    }
    var starts = [Int](), total = 0
    for job in jobs { starts.append(total); total += job.count }
    withExtendedLifetime((jobs, firstMoments, secondMoments)) {
      Parallelism.forEachRange(total) { range in
        // The parameters overlapping `range` of the concatenation, each over its own sub-range.
        var j = 0
        while j < jobs.count && starts[j] + jobs[j].count <= range.lowerBound { j += 1 }
        while j < jobs.count && starts[j] < range.upperBound {
          let lo = max(range.lowerBound, starts[j]) - starts[j]
          let hi = min(range.upperBound, starts[j] + jobs[j].count) - starts[j]
          jobs[j].run(lo..<hi)
          j += 1
        }
      }
    }
  }

  /// Counts the step of parameter `i` and gathers what its update needs (nil without a gradient).
  private func prepare(_ p: Tensor, _ i: Int, weightDecay wdD: Double) -> AdamWJob? {
    guard p.grad != nil else { return nil }
    steps[i] += 1
    let t = Double(steps[i])
    let lr = learningRate, (b1, b2) = betas
    let decayFactor = Float(1 - lr * wdD), wd = Float(wdD)
    let w1 = Float(1 - b1), beta2 = Float(b2), w2 = Float(1 - b2)
    let stepSize = lr / (1 - Foundation.pow(b1, t))
    let bc2Sqrt = Float((1 - Foundation.pow(b2, t)).squareRoot())
    let negStep = Float(-stepSize), epsF = Float(eps)
    let decay = decoupled && wdD != 0
    let l2 = decoupled ? 0 : wd
    var job: AdamWJob?
    firstMoments[i].withUnsafeMutableBufferPointer { mb in
      secondMoments[i].withUnsafeMutableBufferPointer { vb in
        withParameterAndGrad(p) { w, gp, n in
          // The pointers stay valid after these closures: the tensors own their storage and
          // `step` keeps them (and the gradient, through `keep`) alive until the update is done.
          job = AdamWJob(w: w, g: gp, m: mb.baseAddress!, v: vb.baseAddress!, count: n, keep: p.grad!,
                         decay: decay, decayFactor: decayFactor, l2: l2, w1: w1, beta2: beta2, w2: w2,
                         bc2Sqrt: bc2Sqrt, negStep: negStep, eps: epsF)
        }
      }
    }
    return job
  }

  /// The moments and step counts (`"<i>.exp_avg"`, `"<i>.exp_avg_sq"`, `"<i>.step"`).
  public func exportState() -> OptimizerState {
    var state = OptimizerState()
    for i in steps.indices {
      state.tensors.append(("\(i).exp_avg", firstMoments[i]))
      state.tensors.append(("\(i).exp_avg_sq", secondMoments[i]))
      state.counters.append(("\(i).step", steps[i]))
    }
    return state
  }

  /// Every moment and step count must be present with its parameter's shape.
  public func checkState(_ state: OptimizerState) throws(CheckpointError) {
    let params = parameters
    let expected = params.indices.flatMap { i in [("\(i).exp_avg", params[i].shape), ("\(i).exp_avg_sq", params[i].shape)] }
    try state.check(tensors: expected, counters: params.indices.map { "\($0).step" })
    for i in params.indices where state.counter("\(i).step")! < 0 {
      throw .malformed("optimizer step count of parameter \(i) is negative")
    }
  }

  /// Copies moments and step counts in.
  public func restoreState(_ state: OptimizerState) {
    for i in steps.indices {
      firstMoments[i].assign(state.tensor("\(i).exp_avg")!)
      secondMoments[i].assign(state.tensor("\(i).exp_avg_sq")!)
      steps[i] = state.counter("\(i).step")!
    }
  }
}

/// One parameter's AdamW update: its buffers and this step's constants.
private struct AdamWJob: @unchecked Sendable {
  let w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>
  let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
  let count: Int
  /// The gradient tensor, kept alive while `g` is read.
  let keep: Tensor
  let decay: Bool, decayFactor: Float, l2: Float, w1: Float, beta2: Float, w2: Float
  let bc2Sqrt: Float, negStep: Float, eps: Float

  /// Updates elements `range` (PyTorch's single-tensor order, see `AdamW`): eight lanes at a time,
  /// then one by one. Each lane performs exactly the scalar operations (IEEE multiply, add,
  /// divide, square root and the one fused multiply-add are the same in a vector lane), so the
  /// result does not depend on where a range starts.
  @inline(__always)
  func run(_ range: Range<Int>) {
    typealias V = SIMD8<Float>
    var j = range.lowerBound
    let vDecay = V(repeating: decayFactor), vL2 = V(repeating: l2), vW1 = V(repeating: w1)
    let vBeta2 = V(repeating: beta2), vW2 = V(repeating: w2), vBc2 = V(repeating: bc2Sqrt)
    let vNeg = V(repeating: negStep), vEps = V(repeating: eps)
    while j &+ 8 <= range.upperBound {
      let wr = UnsafeMutableRawPointer(w + j), gr = UnsafeRawPointer(g + j)
      let mr = UnsafeMutableRawPointer(m + j), vr = UnsafeMutableRawPointer(v + j)
      var wv = UnsafeRawPointer(wr).loadUnaligned(as: V.self)
      if decay { wv = wv * vDecay }
      var gv = gr.loadUnaligned(as: V.self)
      if l2 != 0 { gv = gv.addingProduct(wv, vL2) }
      var mv = UnsafeRawPointer(mr).loadUnaligned(as: V.self)
      mv = mv.addingProduct(vW1, gv - mv)
      var vv = UnsafeRawPointer(vr).loadUnaligned(as: V.self)
      vv = vv * vBeta2 + vW2 * gv * gv
      let denom = vv.squareRoot() / vBc2 + vEps
      wv = wv + vNeg * mv / denom
      mr.storeBytes(of: mv, as: V.self)
      vr.storeBytes(of: vv, as: V.self)
      wr.storeBytes(of: wv, as: V.self)
      j &+= 8
    }
    while j < range.upperBound {
      var wj = w[j]
      if decay { wj = wj * decayFactor }
      let gj = l2 == 0 ? g[j] : g[j].addingProduct(wj, l2)
      m[j] = m[j].addingProduct(w1, gj - m[j])           // lerp with a small weight
      v[j] = v[j] * beta2 + w2 * gj * gj
      let denom = v[j].squareRoot() / bc2Sqrt + eps
      w[j] = wj + negStep * m[j] / denom
      j &+= 1
    }
  }
}
