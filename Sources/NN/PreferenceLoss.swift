import Foundation
import Tensor

/// The Bradley–Terry preference loss of reward modelling (lecture 8, "State of GPT"): for pairs
/// where a labeller preferred completion *chosen* over *rejected*, a reward model's scalar
/// scores r_c and r_r should satisfy P(chosen ≻ rejected) = σ(r_c − r_r). The loss is the
/// negative log of that probability, −log σ(r_c − r_r) = log(1 + e^{−(r_c − r_r)}), averaged
/// over the pairs. Only the difference of the two scores matters, so a reward model is trained
/// from comparisons alone: no human ever writes down an absolute score.
///
/// Written as llm.c writes a layer: a forward loop, a backward loop, and a recorded node that
/// calls them (`bradleyTerryLoss(chosen:rejected:)`).
public enum BradleyTerry {
  /// −log σ(margin), computed without overflow: log1p(e^{−m}) for m ≥ 0, −m + log1p(e^{m}) below.
  /// `loss(margin: 0.9)` = 0.341 (the worked number of the lecture).
  public static func loss(margin: Double) -> Double {
    margin >= 0 ? Foundation.log1p(Foundation.exp(-margin)) : -margin + Foundation.log1p(Foundation.exp(margin))
  }

  /// σ(m) = 1 / (1 + e^{−m}): the modelled probability that the chosen completion wins.
  public static func probability(margin: Double) -> Double {
    margin >= 0 ? 1 / (1 + Foundation.exp(-margin)) : Foundation.exp(margin) / (1 + Foundation.exp(margin))
  }

  /// Forward: the mean loss over `n` pairs, and σ(r_c − r_r) of each pair (kept for backward).
  public static func forward(chosen: UnsafeBufferPointer<Float>, rejected: UnsafeBufferPointer<Float>,
                             probabilities: UnsafeMutableBufferPointer<Float>) -> Float {
    let n = chosen.count
    var total = 0.0
    for i in 0..<n {
      let m = Double(chosen[i]) - Double(rejected[i])
      probabilities[i] = Float(probability(margin: m))
      total += loss(margin: m)
    }
    return n == 0 ? 0 : Float(total / Double(n))
  }

  /// Backward: with L = (1/n) Σ −log σ(m_i), dL/dm_i = −(1 − σ(m_i)) / n, so
  /// dL/dr_c = −(1 − σ)/n and dL/dr_r = +(1 − σ)/n, each times the upstream gradient `dloss`.
  /// A pair the model already ranks confidently (σ ≈ 1) contributes almost nothing.
  public static func backward(probabilities: UnsafeBufferPointer<Float>, dloss: Float,
                              dchosen: UnsafeMutableBufferPointer<Float>, drejected: UnsafeMutableBufferPointer<Float>) {
    let n = probabilities.count
    guard n > 0 else { return }
    for i in 0..<n {
      let g = -(1 - probabilities[i]) / Float(n) * dloss
      dchosen[i] = g
      drejected[i] = -g
    }
  }
}

/// The mean Bradley–Terry loss of scores `chosen` and `rejected` (two 1-D tensors of the same
/// length, one entry per pair), recorded as one autograd node whose backward is
/// `BradleyTerry.backward`. A reward model's training step is `bradleyTerryLoss(r(good), r(bad))`
/// then `backward()`.
public func bradleyTerryLoss(chosen: Tensor, rejected: Tensor) -> Tensor {
  require(chosen.rank == 1 && chosen.shape == rejected.shape,
          "bradleyTerryLoss: expects two 1-D tensors of the same length (one score per pair), got \(chosen.shape) and \(rejected.shape)")
  let n = chosen.count
  let c = chosen.contiguous(), r = rejected.contiguous()
  var probabilities = [Float](repeating: 0, count: n)
  let value = c.withUnsafeBufferPointer { cp in
    r.withUnsafeBufferPointer { rp in
      probabilities.withUnsafeMutableBufferPointer { BradleyTerry.forward(chosen: cp, rejected: rp, probabilities: $0) }
    }
  }
  let saved = probabilities
  return Tensor.customOp("BradleyTerryLoss", inputs: [chosen, rejected], output: Tensor(value), freshGradients: true) { g, _ in
    let dloss = g.item()
    var dc = [Float](repeating: 0, count: n), dr = [Float](repeating: 0, count: n)
    saved.withUnsafeBufferPointer { p in
      dc.withUnsafeMutableBufferPointer { dcp in
        dr.withUnsafeMutableBufferPointer { BradleyTerry.backward(probabilities: p, dloss: dloss, dchosen: dcp, drejected: $0) }
      }
    }
    return [Tensor(dc, shape: [n]), Tensor(dr, shape: [n])]
  }
}
