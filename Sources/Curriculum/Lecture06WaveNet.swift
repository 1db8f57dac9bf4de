import Notebook
import Quiz

extension LectureInfo {
  /// Lecture 6: makemore part 5, a WaveNet-like hierarchical model over 8 characters built from
  /// PyTorch-like modules, the 3-D BatchNorm bug, and the convolution view.
  public static let wavenet = LectureInfo(
    number: 6, slug: "WaveNet", executable: "Lecture06WaveNet",
    title: "Building makemore Part 5: Building a WaveNet",
    summary: "The MLP rewritten with Embedding, Flatten and Sequential modules, a context of 8 characters, a hierarchical "
      + "model that fuses characters in pairs (FlattenConsecutive), the BatchNorm bug with 3-D input, scaling up to "
      + "76,579 parameters, and why the hierarchy is a dilated causal convolution.",
    objectives: [
      Objective("Write a model as Embedding, Flatten/FlattenConsecutive, Linear, BatchNorm1d and Tanh modules in a Sequential, and follow every shape",
                quiz: ["l6-embedding-module", "l6-flatten-consecutive", "l6-sequential", "l6-first-linear"]),
      Objective("Read a noisy loss curve by averaging windows of steps",
                quiz: ["l6-loss-plot"]),
      Objective("Explain why BatchNorm must be in evaluation mode to sample one example at a time",
                quiz: ["l6-bn-sampling"]),
      Objective("Build the hierarchical model that fuses characters two at a time, and say why it fuses slowly",
                quiz: ["l6-levels", "l6-hierarchy-why"]),
      Objective("Find and fix the BatchNorm1d bug with (B, T, C) input",
                quiz: ["l6-bn-3d-bug", "l6-bn-fix", "l6-pytorch-bn-layout"]),
      Objective("Explain the hierarchy as a stack of dilated causal convolutions and what it saves",
                quiz: ["l6-conv-applications", "l6-dilation", "l6-causal"]),
      Objective("Judge experiments by their val loss in a performance log",
                quiz: ["l6-val-gap"]),
    ],
    defaultSeed: 42,
    tests: ["Tests/LectureTests/Lecture06Tests.swift"],
    questions: [
      Question(id: "l6-embedding-module", prompt: "Embedding(27, 24) is called on a batch of contexts of shape (32, 8). What is the shape of its output?",
               kind: .multipleChoice(["(32, 24)", "(32, 8, 24)", "(27, 24)", "(32, 192)"], answer: 1),
               explanation: "Each of the 32 × 8 indices is replaced by its 24-number row: the index shape followed by the embedding dimension."),
      Question(id: "l6-flatten-consecutive", prompt: "FlattenConsecutive(2) receives a tensor of shape (4, 8, 10). What shape does it return?",
               kind: .multipleChoice(["(4, 80)", "(4, 4, 20)", "(8, 4, 10)", "(4, 2, 40)"], answer: 1),
               explanation: "It concatenates pairs of consecutive positions: (B, T, C) → (B, T/2, 2C) = (4, 4, 20); only when T/n is 1 does it squeeze to (B, C·n)."),
      Question(id: "l6-sequential", prompt: "What does Sequential's parameters() return?",
               kind: .multipleChoice([
                 "Only the parameters of its last layer",
                 "The parameters of all its layers, in layer order, in one list",
                 "A copy of every parameter",
                 "Nothing: a container has no parameters",
               ], answer: 1),
               explanation: "`[p for layer in self.layers for p in layer.parameters()]`: the same tensors, not copies, so the optimizer updates the layers' own weights."),
      Question(id: "l6-first-linear", prompt: "In the scaled model (n_embd 24, n_hidden 128) the first Linear after FlattenConsecutive(2) has no bias. How many parameters does it have?",
               kind: .numeric(answer: 6144, tolerance: 0),
               explanation: "Its input is two 24-D embeddings side by side, 48 numbers: 48 × 128 = 6,144 weights, no bias (BatchNorm follows, so a bias would be subtracted away)."),
      Question(id: "l6-loss-plot", prompt: "lossi has 200,000 entries. How many points does plt.plot(torch.tensor(lossi).view(-1, 1000).mean(1)) draw?",
               kind: .numeric(answer: 200, tolerance: 0),
               explanation: "view(-1, 1000) makes 200 rows of 1,000 consecutive steps; mean(1) averages each row into one point."),
      Question(id: "l6-bn-sampling", prompt: "Why must the layers be put in evaluation mode (training = False) before sampling one name at a time?",
               kind: .shortAnswer(accepted: ["re:running", "re:batch of (one|1)", "re:single (example|context)", "re:\\bnan\\b", "re:mean of one", "re:same (logits|prediction|output)"]),
               explanation: "Sampling forwards a batch of one. In training mode BatchNorm normalises it with its own statistics: x − mean is 0 and the unbiased variance is nan, so the context is lost. Evaluation mode uses the running mean and variance collected during training."),
      Question(id: "l6-levels", prompt: "With FlattenConsecutive(2) at every level, how many levels does a context of 16 characters need to reach a single vector?",
               kind: .numeric(answer: 4, tolerance: 0),
               explanation: "16 → 8 → 4 → 2 → 1: log2(16) = 4 levels."),
      Question(id: "l6-hierarchy-why", prompt: "Why fuse the 8 characters two at a time in a tree instead of flattening all of them into the first layer?",
               kind: .shortAnswer(accepted: ["re:squash", "re:crush", "re:too (fast|quickly)", "re:gradual", "re:slow", "re:all at once", "re:at once", "re:progressive"]),
               explanation: "Flattening squashes all the information into one layer at once; the tree lets each level combine a little context (pairs, then pairs of pairs), so the network can build features gradually. It pays off when the model is scaled up (1.993 in the notebook)."),
      Question(id: "l6-bn-3d-bug", prompt: "The lecture-4 BatchNorm1d computes x.mean(0, keepdim=True). Given an input of shape (32, 4, 68), what shape do its running statistics end up with?",
               kind: .multipleChoice(["(68,)", "(1, 1, 68)", "(1, 4, 68)", "(32, 4, 68)"], answer: 2),
               explanation: "Averaging over dim 0 only leaves one statistic per position and channel, (1, 4, 68), and the running buffers broadcast to that shape."),
      Question(id: "l6-bn-fix", prompt: "For a 3-D input (B, T, C), over which dims should the lecture's BatchNorm1d compute its mean and variance?",
               kind: .multipleChoice(["dim 0 only", "dims (0, 1)", "dim 2", "dims (1, 2)"], answer: 1),
               explanation: "Over batch and positions, (0, 1): one mean and variance per channel from B·T numbers; the running stats become (1, 1, C)."),
      Question(id: "l6-pytorch-bn-layout", prompt: "Why can't torch.nn.BatchNorm1d be applied directly to the (B, T, C) activations of this model?",
               kind: .shortAnswer(accepted: ["re:\\(n, ?c, ?l\\)", "re:channels? (in the |as the |is the )?(middle|second|dim 1|dimension 1)", "re:expects.*(n, ?c|channels)", "re:transpose", "re:permute"]),
               explanation: "PyTorch's BatchNorm1d expects (N, C, L): channels in dim 1. Our activations have channels last, so one would have to transpose to (B, C, T) and back, or write one's own module as the lecture does."),
      Question(id: "l6-conv-applications", prompt: "Through the sequence \"........diondre\" (15 characters), a kernel-2 convolution with dilation 1 produces one first-level output per pair of neighbours. How many is that?",
               kind: .numeric(answer: 14, tolerance: 0),
               explanation: "Positions t = 1 … 14 each pair (t − 1, t): 15 − 1 = 14 outputs, shared by every example whose context contains them; 8 separate forwards would compute 8 × 4 = 32 first-level outputs."),
      Question(id: "l6-dilation", prompt: "In the hierarchical model seen as a convolution, what is the dilation of the third level (the one that fuses the two halves of the context)?",
               kind: .numeric(answer: 4, tolerance: 0),
               explanation: "Dilations double per level: 1 (neighbours), 2 (pairs of pairs), 4 (the halves, 4 positions apart)."),
      Question(id: "l6-causal", prompt: "What makes WaveNet's convolutions causal?",
               kind: .multipleChoice([
                 "They use a causal mask on attention",
                 "Each output depends only on the current and earlier positions, never later ones",
                 "They are trained with teacher forcing",
                 "They have a kernel of size 1",
               ], answer: 1),
               explanation: "A prediction of the next character may use only characters before it; the convolution pairs t with t − d, never t + d."),
      Question(id: "l6-val-gap", prompt: "The scaled model ends with train 1.769 and val 1.993. What does the gap suggest about the next experiment?",
               kind: .shortAnswer(accepted: ["re:overfit", "re:regulari", "re:more data", "re:dropout", "re:weight decay", "re:memori"]),
               explanation: "The model fits the training names clearly better than unseen ones: it has begun to overfit. More capacity alone will help less; regularisation (dropout, weight decay) or more data would attack the gap, always judged on val."),
    ],
    reportArguments: [],
    codeBehind: [
      CodeExcerpt("Embedding: the table lookup C[X] as a module", file: "Sources/NN/Embedding.swift",
                  declarations: ["public final class Embedding"]),
      CodeExcerpt("Flatten, FlattenConsecutive and Sequential", file: "Sources/NN/Containers.swift",
                  declarations: ["public final class Flatten", "public final class FlattenConsecutive", "public final class Sequential"]),
      CodeExcerpt("The lecture's Linear: randn / √fan_in", file: "Sources/NN/Linear.swift",
                  declarations: ["public static func lecture("]),
      CodeExcerpt("BatchNorm1d for (N, C) and (N, L, C): statistics over dims 0 and 1", file: "Sources/NN/BatchNorm1d.swift",
                  declarations: ["public final class BatchNorm1d"]),
      CodeExcerpt("Tanh", file: "Sources/NN/Activations.swift", declarations: ["public final class Tanh"]),
    ],
    next: NextLecture(number: 7, title: "Let's build GPT: from scratch, in code, spelled out", page: "Lecture07-GPT.md", bridge: """
      The hierarchy fuses a fixed tree of neighbours: character 3 can only meet character 6 at the top. \
      Lecture 7 keeps this lecture's modules and training loop but lets every position look at every \
      earlier one directly, with weights that depend on the data: self-attention. Stacked in a \
      Transformer and trained on Tiny Shakespeare, it is the model behind GPT.
      """))
}
