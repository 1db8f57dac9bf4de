import NN
import Random
import Tensor
import Testing

@Suite struct OptimizerTests {
  /// Runs two steps with gradients 0.5 then −0.25 on a one-element parameter starting at 1.
  func twoSteps(_ make: ([Tensor]) -> any Optimizer) -> [Float] {
    let p = Tensor([1]).requiringGrad()
    let opt = make([p])
    var out: [Float] = []
    for g in [0.5, -0.25] as [Float] {
      p.grad = Tensor([g])
      opt.step()
      out.append(p.item())
    }
    return out
  }

  @Test func adamWTwoStepsByHand() {
    // lr 0.1, β 0.9/0.999, ε 1e-8, wd 0.01. Step 1: p = 1·(1 − 0.001) = 0.999; m = 0.05,
    // v = 0.00025; m̂ = 0.5, v̂ = 0.25 → p = 0.999 − 0.1·0.5/(0.5 + 1e-8) ≈ 0.899.
    // Step 2: p = 0.899·0.999; m = 0.02, v = 0.00031225; p −= 0.1/0.19 · 0.02/(√v/√0.001999 + ε).
    let got = twoSteps { AdamW($0, learningRate: 0.1, weightDecay: 0.01) }
    expectClose(got, [0.899000002, 0.8714672987058463], tol: 1e-6)
  }

  @Test func adamWithL2DecayTwoStepsByHand() {
    let got = twoSteps { AdamW.adam($0, learningRate: 0.1, weightDecay: 0.1) }
    expectClose(got, [0.9000000016666666, 0.8544413674617625], tol: 1e-6)
  }

  @Test func sgdPlainAndWithMomentum() {
    expectClose(twoSteps { SGD($0, learningRate: 0.1) }, [0.95, 0.975])
    // buffer 0.5, then 0.9·0.5 − 0.25 = 0.2
    expectClose(twoSteps { SGD($0, learningRate: 0.1, momentum: 0.9) }, [0.95, 0.93])
  }

  @Test func parameterGroupsDecayOnlyMatrices() {
    var g = TorchGenerator(seed: 3)
    let l = Linear(2, 2, generator: &g)
    let groups = ParameterGroup.decayMatricesOnly(l.namedParameters(), weightDecay: 0.1)
    #expect(groups[0].parameters.count == 1 && groups[0].parameters[0] === l.weight)
    #expect(groups[1].parameters.count == 1 && groups[1].parameters[0] === l.bias!)
    let before = l.bias!.scalars
    l.weight.grad = Tensor.zeros([2, 2])
    l.bias!.grad = Tensor.zeros([2])
    let opt = AdamW(groups: groups, learningRate: 0.5)
    opt.step()
    #expect(l.bias!.scalars == before, "no decay, zero gradient: bias unchanged")
    #expect(opt.steps == [1, 1])
  }

  @Test func cosineScheduleWithWarmup() {
    let s = CosineWarmupSchedule(maxLearningRate: 6e-4, minLearningRate: 6e-5, warmupSteps: 715, maxSteps: 19073)
    #expect(abs(s.learningRate(at: 0) - 6e-4 / 715) < 1e-15)
    #expect(abs(s.learningRate(at: 714) - 6e-4) < 1e-15, "warmup ends at max")
    #expect(abs(s.learningRate(at: 715) - 6e-4) < 1e-15)
    #expect(abs(s.learningRate(at: 9894) - 3.3e-4) < 1e-12, "half way: the mean of max and min")
    #expect(abs(s.learningRate(at: 19073) - 6e-5) < 1e-15, "last step at the floor")
    #expect(s.learningRate(at: 30000) == 6e-5)
    let step = StepSchedule(initial: 0.1, drops: [(100_000, 0.01)])
    #expect(step.learningRate(at: 99_999) == 0.1 && step.learningRate(at: 100_000) == 0.01)
  }

  @Test func clippingReturnsTheNormAndScales() {
    let a = Tensor([0]).requiringGrad(), b = Tensor([0, 0]).requiringGrad(), c = Tensor([0]).requiringGrad()
    a.grad = Tensor([3])
    b.grad = Tensor([0, 4])
    let norm = clipGradNorm([a, b, c], maxNorm: 1)
    #expect(abs(norm - 5) < 1e-6)
    expectClose(a.grad!.scalars + b.grad!.scalars, [0.6, 0, 0.8], tol: 1e-6)
    let small = clipGradNorm([a, b], maxNorm: 10)
    #expect(abs(small - 1) < 1e-5)
    expectClose(a.grad!.scalars, [0.6], tol: 1e-6, "below the limit nothing changes")
  }

  @Test func gradientAccumulationEqualsOneBigBatch() {
    var g = TorchGenerator(seed: 5)
    let l = Linear(3, 4, generator: &g)
    let x = Tensor(testValues(24, seed: 6), shape: [8, 3])
    let y = IntTensor([0, 1, 2, 3, 3, 2, 1, 0])
    crossEntropy(l(x), y).backward()
    let big = l.parameters().map { $0.grad!.scalars }
    let bigLoss = Tensor.withNoGrad { crossEntropy(l(x), y).item() }
    l.zeroGrad()
    let mean = accumulateGradients(microSteps: 4) { i in
      crossEntropy(l(x[(2 * i)..<(2 * i + 2)]), y[(2 * i)..<(2 * i + 2)])
    }
    for (p, ref) in zip(l.parameters(), big) { expectClose(p.grad!.scalars, ref, tol: 1e-5, "accumulated gradient") }
    #expect(abs(mean - Double(bigLoss)) < 1e-5)
  }
}
