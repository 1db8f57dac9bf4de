import Notebook
import Quiz

extension LectureInfo {
  /// Bonus lecture: microgpt, Karpathy's whole GPT (tokenizer, transformer, Adam, sampling) on
  /// scalar autograd, reproduced bit for bit on lecture 1's tape.
  public static let microgpt = LectureInfo(
    number: 11, slug: "MicroGPT", executable: "MicroGPT",
    title: "microgpt: the most atomic way to train and run a GPT",
    summary: "A one-layer, four-head GPT trained on names with nothing but scalar autograd: RMSNorm, attention "
      + "with a KV cache, a ReLU MLP, Adam and temperature sampling, bit for bit with CPython.",
    objectives: [
      Objective("Explain each of microgpt's settings (n_embd 16, 4 heads, block 16, Adam's betas, init std 0.08) and count its 4,192 parameters.",
                quiz: ["mg-param-count", "mg-head-dim", "mg-init-loss"]),
      Objective("Tokenize a name into BOS-delimited character ids and say why one BOS token marks both ends.",
                quiz: ["mg-bos", "mg-vocab"]),
      Objective("Compute RMSNorm and a numerically stable softmax by hand, with and without temperature.",
                quiz: ["mg-rmsnorm", "mg-max-trick", "mg-temperature"]),
      Objective("Trace one token through the forward pass: embeddings, attention with a KV cache, residuals, the MLP and lm_head.",
                quiz: ["mg-kv-cache", "mg-attention-scale", "mg-residual"]),
      Objective("Turn a loss into a perplexity and back, and say what a loss of ln 27 means.",
                quiz: ["mg-perplexity", "mg-init-loss"]),
      Objective("Run two Adam updates by hand, including bias correction and the linear learning-rate decay.",
                quiz: ["mg-adam-first-step", "mg-bias-correction"]),
      Objective("Explain why the same algorithm in the same order gives the same bits, and what the order of gradient additions has to do with it.",
                quiz: ["mg-bit-exact"]),
    ],
    defaultSeed: 42,
    tests: ["Tests/LectureTests/MicroGPTTests.swift", "Tests/MicrogradTests/TapeGPTTests.swift"],
    questions: [
      Question(
        id: "mg-param-count",
        prompt: "microgpt has vocab 27, n_embd 16, block_size 16, one layer with four 16×16 attention matrices and an MLP 16→64→16, no biases. How many parameters?",
        kind: .numeric(answer: 4192, tolerance: 0),
        explanation: "wte 27·16 = 432, wpe 16·16 = 256, lm_head 27·16 = 432, attention 4·256 = 1,024, MLP 64·16 + 16·64 = 2,048: "
          + "432 + 256 + 432 + 1,024 + 2,048 = 4,192."),
      Question(
        id: "mg-head-dim",
        prompt: "With n_embd = 16 and 4 heads, how many dimensions does each head's query, key and value have?",
        kind: .numeric(answer: 4, tolerance: 0),
        explanation: "The heads split the embedding: head_dim = n_embd / n_head = 16 / 4 = 4. Their outputs are concatenated back to 16."),
      Question(
        id: "mg-init-loss",
        prompt: "A model that gives each of microgpt's 27 tokens the same probability has loss ln 27. What is its perplexity e^loss?",
        kind: .numeric(answer: 27, tolerance: 1e-6),
        explanation: "e^(ln 27) = 27: perplexity counts the tokens the model is hesitating between. microgpt's first loss, "
          + "3.3660 (perplexity 28.96), is a little worse than this uniform guess: small random weights give logits near 0 "
          + "but not exactly 0, and being confidently wrong costs more than being uniformly unsure."),
      Question(
        id: "mg-bos",
        prompt: "Why can one BOS token mark both the start and the end of a name?",
        kind: .multipleChoice([
          "because names never contain BOS",
          "the model reads BOS as 'a name starts here' and predicting BOS means 'the name ends here': one token, two roles that never clash",
          "because the vocabulary must have exactly 27 entries",
          "because BOS has id 0",
        ], answer: 1),
        explanation: "Every document is BOS + letters + BOS. As input at position 0 BOS says 'start'; as a prediction it says 'stop', "
          + "which is how sampling knows when a name is finished."),
      Question(
        id: "mg-vocab",
        prompt: "names.txt uses the 26 lowercase letters. How many tokens are in microgpt's vocabulary?",
        kind: .numeric(answer: 27, tolerance: 0),
        explanation: "One token per distinct character (26), plus BOS: 27."),
      Question(
        id: "mg-rmsnorm",
        prompt: "RMSNorm of x = [2, 4, 6] (ε negligible): what is the first output? (3 decimals)",
        kind: .numeric(answer: 0.463, tolerance: 1e-3),
        explanation: "Mean of squares (4 + 16 + 36)/3 = 18.667; √18.667 = 4.320; 2 / 4.320 = 0.463 (and 0.926, 1.389)."),
      Question(
        id: "mg-max-trick",
        prompt: "Softmax subtracts the largest logit before exponentiating. What does that change?",
        kind: .multipleChoice([
          "the probabilities get sharper",
          "nothing mathematically (e^−m cancels), but no exponent can overflow",
          "the gradient of the largest logit becomes zero",
          "the probabilities no longer sum to 1",
        ], answer: 1),
        explanation: "e^(z−m)/Σe^(z−m) = e^z/Σe^z. The shift only keeps the numbers representable: the largest exponent becomes e^0 = 1."),
      Question(
        id: "mg-temperature",
        prompt: "Logits [2, 1, 0.1] at temperature 0.5: what is the probability of the first token? (3 decimals)",
        kind: .numeric(answer: 0.864, tolerance: 2e-3),
        explanation: "Divide by 0.5: [4, 2, 0.2]. Shift by 4: e^0, e^−2, e^−3.8 = 1, 0.135, 0.022; 1/1.158 = 0.864 "
          + "(0.659 at temperature 1): a low temperature sharpens the distribution."),
      Question(
        id: "mg-kv-cache",
        prompt: "In microgpt's gpt(token, pos, keys, values), what does the KV cache hold, and why does the model need no causal mask?",
        kind: .shortAnswer(accepted: ["keys and values", "the keys and values of earlier positions", "keys and values of previous tokens",
                                      "past keys and values", "keys values", "k and v"]),
        explanation: "The keys and values of every position processed so far (this one included). Tokens arrive one at a time, so "
          + "a query can only ever see the past: causality is built in, no mask needed."),
      Question(
        id: "mg-attention-scale",
        prompt: "Attention divides q·k by √head_dim. With head_dim 4, q = [1, 0, 1, 0] and k = [0.1, 0.5, 0.3, 0.2], what is the score?",
        kind: .numeric(answer: 0.2, tolerance: 1e-9),
        explanation: "q·k = 0.1 + 0.3 = 0.4; divided by √4 = 2 gives 0.2. The scaling keeps the scores' spread independent of the "
          + "dimension, so the softmax does not saturate."),
      Question(
        id: "mg-residual",
        prompt: "What does the residual connection x = f(x) + x give the gradient on the way back?",
        kind: .multipleChoice([
          "nothing: it only helps the forward pass",
          "a direct path: ∂(f(x) + x)/∂x = f′(x) + 1, so the gradient reaches earlier layers even when f′ is small",
          "it doubles every gradient",
          "it blocks the gradient through f",
        ], answer: 1),
        explanation: "A + node passes its gradient unchanged to both inputs (lecture 1), so the block's input always receives the "
          + "output's gradient directly, plus whatever flows through f."),
      Question(
        id: "mg-perplexity",
        prompt: "microgpt's loss at step 1 is 3.366. What is the perplexity e^loss? (2 decimals)",
        kind: .numeric(answer: 28.96, tolerance: 0.01),
        explanation: "e^3.366 ≈ 28.96: as unsure as a uniform choice among about 29 tokens, a little worse than the 27 of pure guessing."),
      Question(
        id: "mg-adam-first-step",
        prompt: "At Adam's first step (t = 1, m = v = 0 before), bias correction gives m̂ = g and v̂ = g². With lr 0.01 and g = 0.2, how far does the parameter move?",
        kind: .numeric(answer: 0.01, tolerance: 1e-6),
        explanation: "lr · m̂/(√v̂ + ε) = 0.01 · 0.2/0.2 ≈ 0.01: at t = 1 every parameter with a non-zero gradient moves by ≈ lr, "
          + "whatever the size of its gradient."),
      Question(
        id: "mg-bias-correction",
        prompt: "Why does Adam divide m by (1 − β1ᵗ)?",
        kind: .multipleChoice([
          "to make the learning rate decay",
          "m starts at 0, so early averages are biased towards 0; dividing by 1 − β1ᵗ undoes that (and matters less as t grows)",
          "to keep m positive",
          "to normalise by the gradient's size",
        ], answer: 1),
        explanation: "After one step m = (1 − β1)·g, a fraction of g; dividing by 1 − β1¹ restores g. As t grows β1ᵗ → 0 and the "
          + "correction fades."),
      Question(
        id: "mg-bit-exact",
        prompt: "Two programs compute the same gradients, but one adds a node's incoming contributions in a different order. Why can their losses differ after many steps?",
        kind: .shortAnswer(accepted: ["floating point addition is not associative", "not associative", "rounding", "associativity",
                                      "rounding errors", "floating-point rounding", "addition is not associative"]),
        explanation: "(a + b) + c and (a + c) + b can differ in the last bit. microgpt's backward visits nodes in a depth-first "
          + "order from the loss; our tape reproduces that order, so every sum is rounded exactly as in CPython and all 1,000 "
          + "losses agree to the bit."),
    ],
    reportArguments: [],
    codeBehind: [
      CodeExcerpt("A linear layer on the tape", file: "Sources/Micrograd/Tape+GPT.swift",
                  declarations: ["public mutating func linear("],
                  prose: "One dot product per row, recorded as the same `mul` and `add` nodes as Python's "
                    + "`sum(wi * xi for wi, xi in zip(row, x))`, with the same arithmetic in the same order."),
      CodeExcerpt("Backward in micrograd's order", file: "Sources/Micrograd/Tape+GPT.swift",
                  declarations: ["public mutating func backwardInDepthFirstOrder("],
                  prose: "A depth-first search from the loss gives micrograd's topological order; walking it backwards "
                    + "adds every gradient contribution in the order CPython adds it."),
      CodeExcerpt("Each operation's local derivative", file: "Sources/Micrograd/Tape.swift",
                  declarations: ["static func passGradient("],
                  prose: "What both backward sweeps do at one node: multiply the gradient arriving from above by the "
                    + "operation's local derivative (1 for a sum, the other factor for a product, 1/x for log, "
                    + "e^x for exp, 0 or 1 for ReLU) and add it to each operand's gradient."),
    ])
}
