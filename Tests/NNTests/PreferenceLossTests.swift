import Foundation
import NN
import Random
import Tensor
import Testing

/// The Bradley–Terry preference loss of lecture 8: the worked number, the analytic gradient,
/// finite differences, and the recorded node against a composition of engine ops.
@Suite struct PreferenceLossTests {
  @Test func workedExampleMatchesTheLecture() {
    // −log σ(0.9) = log(1 + e^−0.9) = 0.3412…; σ(0.9) = 0.7109…
    #expect(Swift.abs(BradleyTerry.loss(margin: 0.9) - 0.341_153) < 1e-5)
    #expect(Swift.abs(BradleyTerry.probability(margin: 0.9) - 0.710_950) < 1e-5)
    #expect(Swift.abs(BradleyTerry.loss(margin: 0) - Foundation.log(2)) < 1e-12)
    // Large margins neither overflow nor lose the loss of a confidently wrong pair.
    #expect(BradleyTerry.loss(margin: 800) == 0)
    #expect(Swift.abs(BradleyTerry.loss(margin: -800) - 800) < 1e-9)
  }

  @Test func gradientOfOnePairIsMinusOneMinusSigma() {
    let c = Tensor([1.4]).requiringGrad(), r = Tensor([0.5]).requiringGrad()
    let loss = bradleyTerryLoss(chosen: c, rejected: r)
    loss.backward()
    #expect(Swift.abs(loss.item() - 0.341_153) < 1e-5)
    #expect(Swift.abs(c.grad!.item() - -0.289_050) < 1e-5)      // −(1 − σ(0.9))
    #expect(Swift.abs(r.grad!.item() - 0.289_050) < 1e-5)
  }

  @Test func meanOverPairsAgreesWithComposedOpsAndFiniteDifferences() {
    let cv: [Float] = [0.3, -1.2, 2.0, 0.0, -0.4], rv: [Float] = [0.1, 0.8, -1.5, 0.0, 0.9]
    let c = Tensor(cv).requiringGrad(), r = Tensor(rv).requiringGrad()
    let fused = bradleyTerryLoss(chosen: c, rejected: r)
    let c2 = Tensor(cv).requiringGrad(), r2 = Tensor(rv).requiringGrad()
    let composed = -((c2 - r2).sigmoid().log()).mean()                 // −mean log σ(r_c − r_r)
    #expect(Swift.abs(fused.item() - composed.item()) < 1e-6)
    fused.backward()
    composed.backward()
    for (a, b) in zip(c.grad!.scalars + r.grad!.scalars, c2.grad!.scalars + r2.grad!.scalars) { #expect(Swift.abs(a - b) < 1e-6) }
    checkGradients([c, r], "bradleyTerryLoss") { bradleyTerryLoss(chosen: c, rejected: r) }
  }

  @Test func onlyTheDifferenceOfScoresMatters() {
    let a = bradleyTerryLoss(chosen: Tensor([2.0, -1.0]), rejected: Tensor([1.0, -3.0])).item()
    let b = bradleyTerryLoss(chosen: Tensor([12.0, 9.0]), rejected: Tensor([11.0, 7.0])).item()
    #expect(Swift.abs(a - b) < 1e-6)
  }
}
