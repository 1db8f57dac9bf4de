import Notebook
import Quiz

extension LectureInfo {
  /// Lecture 4: makemore part 3, the statistics of activations and gradients: fixing the initial
  /// loss and the saturated tanh, Kaiming init, BatchNorm, and the four training diagnostics.
  public static let batchNorm = LectureInfo(
    number: 4, slug: "BatchNorm", executable: "Lecture04BatchNorm",
    title: "Building makemore Part 3: Activations & Gradients, BatchNorm",
    summary: "Why the MLP's first loss is 27.9 instead of 3.3, why its tanh units saturate, how Kaiming init and "
      + "BatchNorm keep activations at unit scale, and the four diagnostics (activations, gradients, grad:data, "
      + "update:data) that catch a sick network before its loss curve does.",
    objectives: [
      Objective("Predict the loss a network should start at and fix an init that is confidently wrong",
                quiz: ["l4-initial-loss", "l4-four-logits", "l4-softmax-ce"]),
      Objective("Recognise saturated tanh units and dead neurons, and explain why they stop learning",
                quiz: ["l4-tanh-grad", "l4-dead-neuron", "l4-saturation-fix"]),
      Objective("Compute an init scale from fan-in and the nonlinearity's gain (Kaiming)",
                quiz: ["l4-kaiming-number", "l4-relu-gain", "l4-variance-sum"]),
      Objective("Explain what BatchNorm computes in training and in evaluation, and what it costs",
                quiz: ["l4-bn-train-eval", "l4-bn-bias", "l4-bn-params", "l4-bn-fold"]),
      Objective("Read the four diagnostics and run the checklist when training feels off",
                quiz: ["l4-update-ratio", "l4-grad-data", "l4-checklist"]),
    ],
    defaultSeed: 2147483647,
    tests: ["Tests/LectureTests/Lecture04Tests.swift", "Tests/NNTests/TrainingDiagnosticsTests.swift"],
    questions: [
      Question(id: "l4-initial-loss", prompt: "The randomly initialised MLP starts at loss 27.88, far above the ln 27 = 3.2958 "
                 + "of a uniform guess. Which change brings step 0 down to about 3.32, and why?",
               kind: .multipleChoice(["Scale W2 by 0.01 and set b2 to zero: the logits become nearly equal, so the softmax is nearly uniform",
                                      "Lower the learning rate: the first step then moves the weights less",
                                      "Scale the embedding table C by 0.01: smaller inputs give smaller losses",
                                      "Train longer: the first 1,000 steps always remove the excess"], answer: 0),
               explanation: "The excess comes from large, confidently wrong logits. Shrinking the last layer makes every logit "
                 + "≈ 0, so p ≈ 1/27 for every character and the loss ≈ ln 27; the step-0 loss is fixed before any training."),
      Question(id: "l4-four-logits", prompt: "Four logits [0, 0, 5, 0] and the correct class is 0. Roughly what is the loss?",
               kind: .multipleChoice(["about 1.39 (= ln 4)", "about 0.02", "about 5.0", "about 15"], answer: 2),
               explanation: "p(0) = 1/(3 + e⁵) ≈ 0.0066, −ln p ≈ 5.02: one confident wrong logit costs about its own size."),
      Question(id: "l4-softmax-ce", prompt: "Why do softmax and cross-entropy combine so well? (name the gradient or the numerical reason)",
               kind: .shortAnswer(accepted: ["p - y", "p−y", "softmax minus one-hot", "softmax - onehot", "log-sum-exp", "logsumexp",
                                             "minus one-hot", "probabilities minus", "stable"]),
               explanation: "log(softmax) is logit − logsumexp(logits), computed stably by subtracting the max, and the gradient "
                 + "with respect to the logits is simply softmax − one-hot: bounded, never saturating, no exp/log round trip."),
      Question(id: "l4-tanh-grad", prompt: "tanh′(x) = 1 − t² where t = tanh(x). By what factor does a unit with t = 0.99 "
                 + "scale the gradient passing through it (4 decimals)?",
               kind: .numeric(answer: 0.0199, tolerance: 1e-4),
               explanation: "1 − 0.99² = 1 − 0.9801 = 0.0199: about 2% of the gradient gets through."),
      Question(id: "l4-dead-neuron", prompt: "In the white-is-saturated image (|h| > 0.99, 32 examples × 200 neurons), what is a dead neuron?",
               kind: .multipleChoice([
                 "A row that is all black", "A column that is white for every example",
                 "A neuron whose output is exactly 0", "A neuron with a negative bias",
               ], answer: 1),
               explanation: "A column white for every example is saturated on every input: its local gradient is ≈ 0 for all of "
                 + "them, so its weights never change — it never learns."),
      Question(id: "l4-saturation-fix", prompt: "Which change brought the step-0 fraction of saturated tanh outputs from 60.95% to 0.98%?",
               kind: .multipleChoice(["W2 × 0.01, b2 × 0", "W1 × 0.2, b1 × 0.01", "a smaller learning rate", "BatchNorm"], answer: 1),
               explanation: "Saturation is about the pre-activations: shrinking W1 and b1 shrinks hpreact, so fewer tanh outputs reach ±0.99."),
      Question(id: "l4-variance-sum", prompt: "x has 30 independent standard-normal inputs and w 30 standard-normal weights. "
                 + "What is the standard deviation of x·w (2 decimals)?",
               kind: .numeric(answer: 5.48, tolerance: 0.01),
               explanation: "Each product has variance 1, so the sum of 30 has variance 30 and std √30 ≈ 5.48: that is why weights are divided by √fan_in."),
      Question(id: "l4-kaiming-number", prompt: "The lecture's Kaiming scale for W1 (fan-in 30, tanh gain 5/3): compute (5/3)/√30 to 4 decimals.",
               kind: .numeric(answer: 0.3043, tolerance: 1e-4),
               explanation: "(5/3)/√30 = 1.6667/5.4772 = 0.3043; the step-0 loss becomes 3.3179 with 8.14% saturated units."),
      Question(id: "l4-relu-gain", prompt: "Why does Kaiming init use √(2/fan_in) for ReLU rather than √(1/fan_in)?",
               kind: .multipleChoice([
                 "ReLU outputs are twice as large as their inputs",
                 "ReLU zeroes half of its inputs, halving the second moment; the factor 2 restores unit variance layer after layer",
                 "It makes the network train twice as fast",
                 "√2 is the derivative of ReLU",
               ], answer: 1),
               explanation: "For symmetric pre-activations, E[relu(x)²] = Var(x)/2. With √(1/fan_in) the variance halves at every "
                 + "layer and vanishes in a deep net; √(2/fan_in) keeps it constant."),
      Question(id: "l4-bn-train-eval", prompt: "What does BatchNorm normalise with in training, and with what in evaluation?",
               kind: .multipleChoice([
                 "The running statistics in both",
                 "The current batch's mean and std in training; the running (or calibrated) mean and std in evaluation",
                 "The running statistics in training; the batch's in evaluation",
                 "Nothing in evaluation: it is switched off",
               ], answer: 1),
               explanation: "Training uses the batch's statistics (and updates running estimates without gradient); evaluation uses "
                 + "the fixed running estimates, so one example can be evaluated alone and deterministically."),
      Question(id: "l4-bn-bias", prompt: "Why is the bias b1 of the layer before a BatchNorm useless?",
               kind: .shortAnswer(accepted: ["mean", "subtracted", "cancel", "removed", "zero gradient", "gradient is zero"]),
               explanation: "BatchNorm subtracts the batch mean, which contains b1, so b1 cancels; its gradient is exactly 0 "
                 + "and BatchNorm's own bias (β) takes over its role."),
      Question(id: "l4-bn-params", prompt: "How many parameters has the single-hidden-layer MLP with BatchNorm (no b1; gain and bias of 200)?",
               kind: .numeric(answer: 12097, tolerance: 0),
               explanation: "270 (C) + 6000 (W1) + 5400 (W2) + 27 (b2) + 200 (bngain) + 200 (bnbias) = 12,097."),
      Question(id: "l4-bn-fold", prompt: "After training, BatchNorm in evaluation mode can be folded into the Linear before it. "
                 + "What does the folded weight column j become?",
               kind: .multipleChoice([
                 "W[:, j] · γⱼ / √(running_varⱼ + ε)", "W[:, j] − running_meanⱼ", "W[:, j] · running_varⱼ", "W[:, j] + βⱼ",
               ], answer: 0),
               explanation: "In eval mode BatchNorm is an affine map per feature, y = γ(x − μ)/√(σ² + ε) + β; scale the column by "
                 + "γ/√(σ² + ε) and set the bias to β − μγ/√(σ² + ε)."),
      Question(id: "l4-update-ratio", prompt: "The lecture's rule of thumb for log10(std(lr·grad) / std(data)) per step is about what value?",
               kind: .numeric(answer: -3, tolerance: 0.5),
               explanation: "About −3: each update changes a parameter by about 1/1000 of its size. Far below, learning is too slow; "
                 + "far above, too fast."),
      Question(id: "l4-grad-data", prompt: "In the deep net after 1,000 steps, the last layer's weights have a grad:data ratio about 10× the "
                 + "others'. Why is that a problem for plain SGD?",
               kind: .multipleChoice([
                 "It is not: ratios do not matter",
                 "That layer is trained about 10× faster than the rest at the same learning rate",
                 "The gradients will be clipped",
                 "It means the layer is dead",
               ], answer: 1),
               explanation: "With one learning rate for all, a layer whose gradients are large relative to its values moves much "
                 + "faster; the lecture's last layer was scaled down by 0.1, which makes its values small."),
      Question(id: "l4-checklist", prompt: "Name one of the first things to check when training feels off.",
               kind: .shortAnswer(accepted: ["activation", "gradient", "init", "initialisation", "initialization", "loss curve",
                                             "learning rate", "saturation", "update"]),
               explanation: "Activation magnitudes per layer, gradient magnitudes per parameter group, the initialisation scale, the "
                 + "smoothness of the loss curve, the learning rate's magnitude (update:data ≈ 1e-3)."),
    ],
    reportArguments: ["--full"],
    codeBehind: [
      CodeExcerpt("BatchNorm1d: batch statistics in training, running statistics in evaluation",
                  file: "Sources/NN/BatchNorm1d.swift", declarations: ["public final class BatchNorm1d"],
                  prose: "The layer the PyTorch-ified network stacks: the same normalise-scale-shift as the single-layer cells, "
                    + "plus `training` to switch between batch and running statistics."),
      CodeExcerpt("The reusable diagnostic table", file: "Sources/NN/TrainingDiagnostics.swift",
                  declarations: ["public struct DiagnosticTable"],
                  prose: "One call per look: every activation layer's mean, std and saturation, every parameter's gradient "
                    + "mean, std and grad:data ratio, as one aligned table. Lecture 6 uses it too."),
      CodeExcerpt("Folding BatchNorm into the preceding Linear", file: "Sources/NN/BatchNormFolding.swift",
                  declarations: ["public func foldBatchNorm("],
                  prose: "Exercise E02's transformation: in evaluation mode BatchNorm is a per-feature affine map, so it "
                    + "can be absorbed into the weights and bias before it."),
    ],
    next: NextLecture(
      number: 5, title: "Building makemore Part 4: Becoming a Backprop Ninja", page: "Lecture05-Backprop.md",
      bridge: "This lecture read gradients that `backward()` computed for us. Lecture 5 takes that away: the same "
        + "network with BatchNorm, backpropagated by hand, tensor by tensor, through cross-entropy, BatchNorm, tanh, "
        + "the linear layers and the embedding lookup, each checked against autograd. The diagnostics here are only as "
        + "trustworthy as your understanding of where those gradients come from."))
}
