import Foundation
import Kernels
import Testing
import Tensor
import TestSupport

// Autograd bookkeeping: accumulation, retained and freed gradients, no-grad scope, detach,
// graph freeing, deep chains, anomaly detection, thread-count invariance.

/// Collects anomaly reports (the handler runs synchronously on the calling thread).
private final class ReportLog: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [AnomalyReport] = []
  func append(_ r: AnomalyReport) { lock.lock(); items.append(r); lock.unlock() }
  var reports: [AnomalyReport] { lock.lock(); defer { lock.unlock() }; return items }
}

@Suite struct AutogradBookkeeping {
  @Test func gradientsAccumulateAcrossBackwardCalls() {
    let x = Tensor([1, 2, 3]).requiringGrad()
    (x * x).sum().backward()
    #expect(x.grad?.scalars == [2, 4, 6])
    (x * x).sum().backward()
    #expect(x.grad?.scalars == [4, 8, 12])
    x.zeroGrad()
    #expect(x.grad == nil)
    (3 * x).sum().backward()
    #expect(x.grad?.scalars == [3, 3, 3])
  }

  @Test func nonLeafGradientsOnlyWhenRetained() {
    let x = Tensor([1, -2]).requiringGrad()
    let h = x * 3
    let u = h + 1
    h.retainGrad()
    let loss = (h * u).sum()
    loss.backward()
    #expect(h.grad?.scalars == [2 * 3 + 1, 2 * -6 + 1])   // d/dh of h·(h+1) = 2h + 1
    #expect(u.grad == nil)
    #expect(loss.grad == nil)
    #expect(x.grad?.scalars == [21, -33])
    #expect(x.isLeaf && !h.isLeaf)
    #expect(h.gradFnName == "MulBackward0")
  }

  @Test func handDerivedGradientsMatchAutogradExactly() {
    // Lecture 5 compares hand-written gradients with autograd's and expects `exact: True`: the
    // backward passes must compute exactly what the natural tensor expressions compute.
    let x = GradCheck.input([40, 6], seed: 1)          // 40 rows: the pairwise column-sum path
    let W1 = GradCheck.input([6, 8], seed: 2), b1 = GradCheck.input([8], seed: 3)
    let W2 = GradCheck.input([8, 5], seed: 4), b2 = GradCheck.input([5], seed: 5)
    let targets = IntTensor((0..<40).map { $0 % 5 })
    let hpreact = x.matmul(W1) + b1
    let h = hpreact.tanh()
    let logits = h.matmul(W2) + b2
    for t in [hpreact, h, logits] { t.retainGrad() }
    crossEntropy(logits, targets).backward()
    let dlogits = logits.grad!, dh = h.grad!, dhpreact = hpreact.grad!
    #expect(Tensor.equal(b2.grad!, dlogits.sum(dim: 0)))
    #expect(Tensor.equal(W2.grad!, h.T.matmul(dlogits)))
    #expect(Tensor.equal(dh, dlogits.matmul(W2.T)))
    #expect(Tensor.equal(dhpreact, (1 - pow(h, 2)) * dh))
    #expect(Tensor.equal(b1.grad!, dhpreact.sum(dim: 0)))
    #expect(Tensor.equal(W1.grad!, x.T.matmul(dhpreact)))
    // Powers: counts_sum_inv = counts_sum ** -1 and bnvar_inv = (bnvar + 1e-5) ** -0.5.
    let s = GradCheck.input([4], seed: 6, in: 0.5...2)
    let inv = pow(s, -1), rsq = pow(s + 1e-5, -0.5)
    for t in [inv, rsq] { t.retainGrad() }
    (inv * 2 + rsq * 3).sum().backward()
    #expect(Tensor.equal(s.grad!, (-pow(s, -2)) * inv.grad! + (-0.5 * pow(s + 1e-5, -1.5)) * rsq.grad!))
    // dlogits = softmax(logits); dlogits[range(n), Yb] -= 1; dlogits /= n — equal up to rounding.
    var manual = logits.detach().softmax(dim: 1)
    manual[IntTensor.arange(40), targets] -= 1
    manual /= 40
    #expect(Tensor.maxAbsDifference(manual, dlogits) < 1e-8)
  }

  @Test func explicitUpstreamGradient() {
    let x = Tensor([1, 2]).requiringGrad()
    let y = x * x
    y.backward(Tensor([10, 100]))
    #expect(x.grad?.scalars == [20, 400])
  }

  @Test func noGradRecordsNothing() {
    let x = Tensor([1, 2]).requiringGrad()
    let y = Tensor.withNoGrad { (x * 2).tanh() }
    #expect(!y.requiresGrad)
    #expect(y.gradFnName == nil)
    #expect(!Tensor.withNoGrad { Tensor.isGradEnabled })
    #expect(Tensor.isGradEnabled)
    #expect((x * 2).requiresGrad)
  }

  @Test func detachSharesStorageWithoutHistory() {
    let x = Tensor([1, 2]).requiringGrad()
    let d = (x * 1).detach()
    #expect(!d.requiresGrad && d.isLeaf)
    let alias = x.detach()
    alias[at: 0] = 5
    #expect(x[at: 0] == 5)
    x.data -= Tensor([1, 1])
    #expect(x.scalars == [4, 1])
    x.addInPlace(Tensor([2, 2]), scale: -0.5)
    #expect(x.scalars == [3, 0])
  }

  @Test func graphIsFreedAfterBackward() {
    let x = Tensor.ones([4]).requiringGrad()
    weak var intermediate: Tensor?
    var loss: Tensor
    do {
      let h = (x * 2).tanh()
      intermediate = h
      loss = h.sum()
    }
    #expect(intermediate != nil)      // alive: the graph holds it
    loss.backward()
    #expect(intermediate == nil)      // freed with the graph, though `loss` is still alive
    #expect(loss.gradFnName == "SumBackward0")
    loss = Tensor(0)
  }

  @Test func retainGraphAllowsASecondBackward() {
    let x = Tensor([2]).requiringGrad()
    let y = (x * x).sum()
    y.backward(retainGraph: true)
    y.backward()
    #expect(x.grad?.scalars == [8])
  }

  @Test func deepChainsNeitherRecurseInBackwardNorInDeinit() {
    let x = Tensor([0.5]).requiringGrad()
    var y = x
    for _ in 0..<50_000 { y = y * 1.0 + 0.0 }
    y.sum().backward()
    #expect(x.grad?.scalars == [1])
    // A recorded chain that is dropped without backward: freed iteratively.
    var z = x
    for _ in 0..<100_000 { z = z + 1 }
    z = Tensor(0)
    #expect(z.count == 1)
  }

  @Test func secondBackwardThroughAFreedGraphExits() async {
    await #expect(processExitsWith: .failure) {
      let x = Tensor([1]).requiringGrad()
      let y = (x * 2).sum()
      y.backward()
      y.backward()
    }
  }

  @Test func inPlaceOnTensorRequiringGradExits() async {
    await #expect(processExitsWith: .failure) {
      var w = Tensor([1, 2]).requiringGrad()
      w -= Tensor([1, 1])
    }
  }
}

@Suite struct AnomalyDetection {
  @Test func handlerNamesTheOp() {
    let log = ReportLog()
    let x = Tensor([1, -1, 0]).named("counts")
    let y = Tensor.withAnomalyDetection(handler: { log.append($0) }) {
      let fine = x.exp()
      return fine.log() + x.log()
    }
    #expect(y.count == 3)
    let ops = log.reports.map(\.op)
    #expect(ops.first == "log")
    #expect(log.reports.first?.inputLabels == ["counts"])
    #expect(log.reports.first?.inputShapes == [[3]])
    #expect(log.reports.first?.nanCount == 1 && log.reports.first?.infCount == 1)
    #expect(log.reports.first!.description.contains("'log'"))
  }

  @Test func offByDefault() {
    // No handler installed: a NaN passes silently, as in PyTorch.
    #expect(Tensor([-1]).log().scalars[0].isNaN)
  }

  @Test func backwardAnomaliesAreReportedToo() {
    let log = ReportLog()
    let x = Tensor([0, 1]).requiringGrad()
    Tensor.withAnomalyDetection(handler: { log.append($0) }) {
      x.sqrt().sum().backward()   // d sqrt(x)/dx = inf at 0; the forward values are finite
    }
    #expect(log.reports.map(\.op) == ["sqrt (backward)"])
  }

  @Test func defaultHandlerExitsWithStatus1() async {
    await #expect(processExitsWith: .exitCode(1)) {
      Tensor.withAnomalyDetection {
        _ = Tensor([0]).log()
      }
    }
  }
}

@Suite struct ThreadInvariance {
  @Test func matmulAndReductionsAreBitIdenticalForAnyThreadCount() {
    let (m, k, n) = (160, 257, 131)   // 10.8 MFLOP: sgemm splits it over 2 threads
    let a = Tensor((0..<(m * k)).map { Float(($0 * 7919) % 1000) / 500 - 1 }, shape: [m, k]).requiringGrad()
    let b = Tensor((0..<(k * n)).map { Float(($0 * 104729) % 997) / 498 - 1 }, shape: [k, n]).requiringGrad()
    func run() -> [[Float]] {
      a.grad = nil; b.grad = nil
      let c = a.matmul(b)
      let loss = crossEntropy(c.tanh(), IntTensor((0..<m).map { $0 % n }))
      loss.backward()
      return [c.scalars, [loss.item()], a.grad!.scalars, b.grad!.scalars, c.softmax(dim: 0).scalars]
    }
    let one = Parallelism.$threadCount.withValue(1) { run() }
    let two = Parallelism.$threadCount.withValue(2) { run() }
    #expect(one == two)
  }
}
