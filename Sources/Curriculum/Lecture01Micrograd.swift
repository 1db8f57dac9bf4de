import Notebook
import Quiz

extension LectureInfo {
  /// Lecture 1: derivatives, the chain rule and backpropagation on a scalar autograd engine
  /// (micrograd), up to an MLP trained on two moons.
  public static let micrograd = LectureInfo(
    number: 1, slug: "Micrograd", executable: "Lecture01Micrograd",
    title: "The spelled-out intro to neural networks and backpropagation: building micrograd",
    summary: "Derivatives by nudging, a Value that records its graph, the chain rule by hand and by backward(), "
      + "a neuron, an MLP, and micrograd's two-moons classifier.",
    objectives: [
      Objective("Estimate a derivative numerically and explain why h can be too small as well as too large.",
                quiz: ["l1-derivative-at-3", "l1-h-too-small"]),
      Objective("Backpropagate through + and × by hand with the chain rule, and check the result by nudging.",
                quiz: ["l1-chain-rule", "l1-mul-backward", "l1-plus-backward", "l1-tanh-grad", "l1-w2-grad"]),
      Objective("Explain why gradients accumulate (+=) and why they must be zeroed before each backward pass.",
                quiz: ["l1-a-plus-a", "l1-accumulate", "l1-zero-grad"]),
      Objective("Explain what a topological order guarantees and why backward() walks it in reverse.",
                quiz: ["l1-topological-order"]),
      Objective("Build Neuron, Layer and MLP on top of Value and train them by gradient descent.",
                quiz: ["l1-mlp-parameters", "l1-step-direction", "l1-svm-margin"]),
      Objective("Backpropagate through a softmax and a negative log-likelihood on Values, and read the gradient.",
                quiz: ["l1-softmax-loss"]),
      Objective("Say why a graph of heap objects is slow and how a tape (creation order = topological order) fixes it.",
                quiz: ["l1-tape"]),
    ],
    defaultSeed: 1337,
    tests: [
      "Tests/MicrogradTests/LectureNumbersTests.swift",
      "Tests/MicrogradTests/ValueGradientTests.swift",
      "Tests/MicrogradTests/NotebookReplayTests.swift",
      "Tests/LectureTests/Lecture01Tests.swift",
    ],
    questions: [
      Question(
        id: "l1-derivative-at-3",
        prompt: "f(x) = 3x² − 4x + 5. What is df/dx at x = 3?",
        kind: .numeric(answer: 14, tolerance: 1e-6),
        explanation: "f′(x) = 6x − 4, so f′(3) = 18 − 4 = 14. Nudging agrees: (f(3.001) − f(3))/0.001 = 14.003; "
          + "the extra 0.003 is the curvature term 3h of a forward difference."),
      Question(
        id: "l1-h-too-small",
        prompt: "Estimating f′(3) for f(x) = 3x² − 4x + 5 as (f(3 + h) − f(3))/h, the answer gets *worse* below h ≈ 1e-8. Why? (one or two words)",
        kind: .shortAnswer(accepted: ["cancellation", "cancel", "rounding", "round-off", "roundoff", "round off",
                                      "precision", "floating point", "float", "catastrophic cancellation"]),
        explanation: "f(3 + h) and f(3) agree in almost all of their ~16 significant digits, so the subtraction "
          + "cancels them and leaves mostly rounding error (about 1e-16 · 20), which is then divided by the tiny h. "
          + "Large h fails for the opposite reason: it measures a chord (error ≈ 3h here)."),
      Question(
        id: "l1-chain-rule",
        prompt: "z depends on y, and y depends on x. How do you get dz/dx?",
        kind: .multipleChoice(["dz/dy + dy/dx", "only dy/dx matters", "dz/dy · dy/dx", "dz/dy ÷ dy/dx"], answer: 2),
        explanation: "The chain rule: rates of change multiply. If z moves 2 per unit of y and y moves 3 per unit "
          + "of x, then z moves 2·3 = 6 per unit of x. Backprop applies this at every node: incoming gradient "
          + "times local derivative."),
      Question(
        id: "l1-mul-backward",
        prompt: "e = a·b with a = 2 and b = −3, and ∂L/∂e = −2. What is ∂L/∂a?",
        kind: .numeric(answer: 6, tolerance: 1e-9),
        explanation: "A product hands each input the incoming gradient times the *other* input: "
          + "∂L/∂a = ∂L/∂e · b = (−2)·(−3) = 6."),
      Question(
        id: "l1-plus-backward",
        prompt: "What does a + node do with the gradient arriving at its output?",
        kind: .multipleChoice([
          "passes it unchanged to each input",
          "splits it in half between its two inputs",
          "multiplies it by the other input",
          "passes it to the first input only",
        ], answer: 0),
        explanation: "For d = e + c, ∂d/∂e = ∂d/∂c = 1, so by the chain rule each input receives the incoming "
          + "gradient times 1: a sum routes the gradient to all its inputs unchanged."),
      Question(
        id: "l1-tanh-grad",
        prompt: "o = tanh(n) and o = 0.7071 (1/√2). What is do/dn?",
        kind: .numeric(answer: 0.5, tolerance: 1e-3),
        explanation: "tanh′(n) = 1 − tanh²(n) = 1 − o², here 1 − 0.5 = 0.5. The derivative is written in terms "
          + "of the output, which the node already stores."),
      Question(
        id: "l1-a-plus-a",
        prompt: "b = a + a with a = 3. After b.backward(), what is a.grad?",
        kind: .numeric(answer: 2, tolerance: 1e-9),
        explanation: "a feeds the + node twice and each use contributes 1. Gradients from every use are summed "
          + "(multivariable chain rule), so a.grad = 2. Writing grad = … instead of grad += … gives the wrong 1."),
      Question(
        id: "l1-accumulate",
        prompt: "Why does every backward rule use grad += … rather than grad = …?",
        kind: .multipleChoice([
          "to make backward() faster",
          "so that gradients can be reused in the next training step",
          "floating-point addition is more accurate than assignment",
          "a value used in several places must receive the sum of the gradients from all its uses",
        ], answer: 3),
        explanation: "When a node feeds several others, the derivative of the output with respect to it is the "
          + "sum over all paths. Each consumer adds its share; assigning would keep only the last one."),
      Question(
        id: "l1-zero-grad",
        prompt: "In a training loop, what must you do to the parameters' gradients before calling backward()?",
        kind: .shortAnswer(accepted: ["zero", "reset", "zero_grad", "zerograd", "set them to 0", "set to 0"]),
        explanation: "Set them to zero (micrograd's zero_grad, our zeroGrad()). Gradients accumulate, so "
          + "otherwise this step's gradients are added to all previous steps' and the updates grow out of control."),
      Question(
        id: "l1-topological-order",
        prompt: "What does a topological order of the expression graph guarantee?",
        kind: .multipleChoice([
          "every node comes after all of the nodes it was computed from",
          "nodes are sorted by their data",
          "leaves come last",
          "each node appears once per use",
        ], answer: 0),
        explanation: "Every node is listed after its children. Walking the list backwards visits a node only "
          + "after every node that uses it, so its gradient is complete before it is passed on."),
      Question(
        id: "l1-step-direction",
        prompt: "To make a loss smaller, how do you update a parameter p with learning rate lr?",
        kind: .multipleChoice(["p += lr · ∂loss/∂p", "p = ∂loss/∂p", "p −= lr · ∂loss/∂p", "p −= lr · p"], answer: 2),
        explanation: "The gradient points in the direction in which the loss increases fastest, so step against "
          + "it. (Stepping along it, as in the L = −8 → −7.29 example, makes the output go up.)"),
      Question(
        id: "l1-w2-grad",
        prompt: "In the lecture's neuron x1 = 2, x2 = 0, w1 = −3, w2 = 1, why is w2.grad exactly 0?",
        kind: .multipleChoice([
          "because w2 = 1",
          "because its input x2 is 0, so changing w2 does not change x2·w2",
          "because tanh saturates",
          "because the bias absorbs the gradient",
        ], answer: 1),
        explanation: "∂(x2·w2)/∂w2 = x2 = 0: the weight's gradient is the incoming gradient times its input. "
          + "An input of zero makes its weight irrelevant for this example."),
      Question(
        id: "l1-mlp-parameters",
        prompt: "How many parameters does MLP(3, [4, 4, 1]) have (weights and biases)?",
        kind: .numeric(answer: 41, tolerance: 0),
        explanation: "Each neuron has one weight per input plus a bias: (3·4 + 4) + (4·4 + 4) + (4·1 + 1) = 16 + 20 + 5 = 41."),
      Question(
        id: "l1-svm-margin",
        prompt: "With the moons loss relu(1 − y·score), what does a point with y = +1 and score 2.5 cost?",
        kind: .numeric(answer: 0, tolerance: 1e-9),
        explanation: "1 − 2.5 = −1.5 and relu(−1.5) = 0: the point is on the right side with more than the margin "
          + "of 1, so it contributes neither loss nor gradient."),
      Question(
        id: "l1-softmax-loss",
        prompt: "The exercise's logits are [0, 3, −2, 1] and the correct class is 3 (the last one). "
          + "What is the loss −log p[3] after a softmax? (natural log, 4 decimals)",
        kind: .numeric(answer: 2.1755, tolerance: 5e-4),
        explanation: "exp gives [1, 20.0855, 0.1353, 2.7183], summing to 23.9391, so p[3] = 2.7183/23.9391 = 0.1135 "
          + "and −ln 0.1135 = 2.1755. Built from exp, +, ÷ and log on Values, backward() then gives each logit "
          + "its probability as gradient, minus 1 for the correct class."),
      Question(
        id: "l1-tape",
        prompt: "Why can a tape run backward as one reverse sweep, without a graph search?",
        kind: .multipleChoice([
          "it stores gradients instead of values",
          "it only supports + and ×",
          "it runs the forward pass twice",
          "an operation can only use nodes that already exist, so creation order is a topological order",
        ], answer: 3),
        explanation: "Operands are always created before the result, so the array order already lists every node "
          + "after its inputs; walking it from the end is a valid backward order."),
    ],
    reportArguments: ["--full"],
    codeBehind: [
      CodeExcerpt("Value: a number that remembers how it was made", file: "Sources/Micrograd/Value.swift",
                  declarations: ["public final class Value", "public enum Op"],
                  prose: "Each node stores its `data`, its `grad`, its operands and the operation that made it. "
                    + "`Op` lists the operations with their local derivatives in the comments."),
      CodeExcerpt("The operations (the forward pass builds the graph)", file: "Sources/Micrograd/Value+Operations.swift",
                  prose: "Every operator makes a new node that remembers its operands. Subtraction, negation and "
                    + "division are built from +, × and powers, as micrograd builds them."),
      CodeExcerpt("Local derivatives, the topological sort and backward()", file: "Sources/Micrograd/Value+Backward.swift",
                  declarations: ["public func propagateGrad(", "public func topologicalOrder(", "public func backward("],
                  prose: "`propagateGrad` is one link of the chain rule for each operation (micrograd's `_backward`): "
                    + "incoming gradient times local derivative, *added* to the child. `backward()` orders the graph so "
                    + "that every node comes after its operands, then walks that order in reverse."),
      CodeExcerpt("The moons loss", file: "Sources/Micrograd/MoonsTraining.swift", declarations: ["public func svmLoss("],
                  prose: "The demo's objective on the class engine: a max-margin loss per point, averaged, plus "
                    + "1e-4 · Σ p². (The tape's `svmLoss`, used in the training loop, records the same arithmetic.)"),
      CodeExcerpt("Neuron, Layer, MLP", file: "Sources/Micrograd/NeuralNet.swift",
                  declarations: ["public final class Neuron", "public final class Layer", "public final class MLP"],
                  prose: "A neural-network library on top of `Value`: nothing but organisation. Every parameter is "
                    + "a `Value`, so `backward()` reaches all of them."),
    ],
    next: NextLecture(
      number: 2, title: "The spelled-out intro to language modeling: building makemore", page: "Lecture02-Bigram.md",
      bridge: "The same loop (forward pass, loss, zero the gradients, backward, step against the gradient) trains "
        + "a character-level language model on 32,033 names. The scalars become tensors, one operation on a whole "
        + "27×27 table instead of one `Value` per number, and the loss becomes the negative log-likelihood of the "
        + "next character, the softmax + −log p you met in the exercise. First, though, the model is built by "
        + "counting, and gradient descent has to rediscover the counts."))
}
