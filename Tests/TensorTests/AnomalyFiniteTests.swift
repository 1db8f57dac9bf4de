import Testing
@testable import Tensor

@Suite struct CheckFiniteTests {
  @Test func aFiniteLossPasses() throws {
    try Tensor.checkFinite(2.5, step: 3, tensors: [("W", Tensor([Float.nan]))])
  }

  @Test func aNaNLossNamesTheTensorsThatWentBad() {
    let w = Tensor([1, .nan, .infinity], shape: [3])
    let b = Tensor([0, 1], shape: [2])
    do {
      try Tensor.checkFinite(.nan, step: 7, tensors: [("W", w), ("b", b)])
      Issue.record("expected an error")
    } catch let error as NonFiniteLossError {
      #expect(error.step == 7)
      #expect(error.badTensors.map(\.name) == ["W"])
      #expect(error.badTensors.map(\.count) == [2])
      #expect(error.description.contains("step 7") && error.description.contains("W (2 values)"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func finiteParametersBlameTheForwardPass() {
    #expect {
      try Tensor.checkFinite(.infinity, step: 1, tensors: [("W", Tensor([1, 2], shape: [2]))])
    } throws: { "\($0)".contains("forward pass itself overflowed") }
  }
}
