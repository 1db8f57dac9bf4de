import Foundation
import Testing
import TestSupport

/// Runs the built `Lecture01Micrograd` as a learner would (`--fast --no-color`) and checks the
/// numbers it prints against the lecture's and micrograd's reference values.
@Suite(.serialized) struct Lecture01Tests {
  @Test func fastRunPrintsTheReferenceNumbers() throws {
    let run = try LectureRunner.run("Lecture01Micrograd", ["--fast", "--no-color"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let out = run.stdout
    // Derivatives by nudging and the d = a·b + c example.
    #expect(out.contains("f(3.0) = 20.0"))
    #expect(out.contains("14.00300000000243"))
    #expect(out.contains("2.999378523327323e-06"))
    #expect(out.contains("slope 0.9999999999976694"))
    // L = (a·b + c)·f, its gradients, the numerical check and the step uphill.
    #expect(out.contains("Value(data=-8.0)"))
    #expect(out.contains("-3.9999999999995595"))
    #expect(out.contains("L after one step: -7.286496"))
    // The tanh neuron.
    #expect(out.contains("o = tanh(n) = 0.7071067811865476"))
    #expect(out.contains("│   │   ├── x1  data 2.0000  grad -1.5000"))
    #expect(out.contains("b = a + a with grad += … (correct): a.grad = 2.0"))
    // The notebook's PyTorch check, explained by a float32 bias.
    #expect(out.contains("Value engine, float32 bias: o = 0.7071066904050358"))
    #expect(out.contains("-1.5000003851533106"))
    #expect(out.contains("a.grad, b.grad (f = (a·b)·(a + b)): -3.0, -8.0"))
    // micrograd's README expression, sanity check and seeded neuron.
    #expect(out.contains("g: 24.7041"))
    #expect(out.contains("dg/da: 138.8338"))
    #expect(out.contains("dg/db: 645.5773"))
    #expect(out.contains("test_sanity_check: y = -20.0  dy/dx = 46.0"))
    #expect(out.contains("w = [0.23550571390294128, 0.06653114721000164]"))
    // The video's exercise: softmax + negative log-likelihood on Values.
    #expect(out.contains("softmax NLL loss (logits [0, 3, −2, 1], label 3): 2.1755153626167147"))
    // The moons demo reaches full training accuracy and both engines agree.
    #expect(out.contains("MLP(2, [16, 16, 1]): 337 parameters"))
    #expect(out.contains("moons accuracy: 100%"))
    #expect(out.contains("step 99 loss"))
    // The replay on the notebook's own points reproduces its final loss 0.010978370135492717.
    #expect(out.contains("notebook replay, step 99 loss: 0.0109783701354927"))
    let classLoss = out.split(separator: "\n").first { $0.hasPrefix("loss, class engine:") }
    let tapeLoss = out.split(separator: "\n").first { $0.hasPrefix("loss, tape engine:") }
    #expect(classLoss != nil && tapeLoss != nil)
    #expect(classLoss?.split(separator: " ").last == tapeLoss?.split(separator: " ").last)
  }

  @Test func dotFlagPrintsGraphviz() throws {
    let run = try LectureRunner.run("Lecture01Micrograd", ["--fast", "--no-color", "--quiet", "--dot"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("digraph G {"))
    #expect(run.stdout.contains("{ x1 | data 2.0000 | grad -1.5000 }"))
  }

  @Test func unknownFlagIsAUsageError() throws {
    let run = try LectureRunner.run("Lecture01Micrograd", ["--frobnicate"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("unknown flag"))
    #expect(run.stdout.isEmpty)
  }
}
