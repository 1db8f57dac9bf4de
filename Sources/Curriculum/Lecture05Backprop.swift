import Notebook
import Quiz

extension LectureInfo {
  /// Lecture 5: makemore part 4, "becoming a backprop ninja": the MLP with BatchNorm of lecture 4
  /// differentiated by hand, line by line, checked against autograd, then trained with no autograd.
  public static let backprop = LectureInfo(
    number: 5, slug: "Backprop", executable: "Lecture05Backprop",
    title: "Building makemore Part 4: Becoming a Backprop Ninja",
    summary: "Every gradient of the MLP with BatchNorm written by hand (26 of them, each checked against autograd), "
      + "the cross-entropy and BatchNorm backward passes fused into one expression each, and the network trained "
      + "with no autograd at all.",
    objectives: [
      Objective("Backpropagate by hand through every atomic operation of an MLP with BatchNorm, with the right shapes",
                quiz: ["l5-sum-broadcast", "l5-keepdim", "l5-matmul-grad", "l5-embedding-grad", "l5-count"]),
      Objective("Derive the local derivative of a max, a power such as x**-0.5, a reciprocal and tanh",
                quiz: ["l5-max-grad", "l5-pow-grad", "l5-tanh-grad", "l5-reciprocal"]),
      Objective("Derive the cross-entropy backward pass (softmax − one-hot)/n and explain why each row sums to zero",
                quiz: ["l5-dlogits", "l5-row-sum", "l5-dlogits-value"]),
      Objective("Explain Bessel's correction and what it changes in BatchNorm",
                quiz: ["l5-bessel", "l5-bessel-ratio"]),
      Objective("Derive the one-expression BatchNorm backward pass and train a network with hand-written gradients only",
                quiz: ["l5-bn-paths", "l5-manual-training", "l5-leaky"]),
    ],
    defaultSeed: 2147483647,
    tests: ["Tests/LectureTests/Lecture05Tests.swift"],
    questions: [
      Question(id: "l5-sum-broadcast", prompt: "In the forward pass, b (shape (1, 64)) is broadcast and added to a (32, 64) matrix. What is the gradient of b, given the upstream gradient G (32, 64)?",
               kind: .multipleChoice(["G", "G.sum(0, keepdim=True)", "G.mean(0, keepdim=True)", "G.sum(1, keepdim=True)"], answer: 1),
               explanation: "Broadcasting uses the same b in 32 rows: a variable used many times receives the sum of the gradients of every use. A sum in the forward pass becomes a broadcast in the backward pass, and a broadcast becomes a sum."),
      Question(id: "l5-keepdim", prompt: "The notebook's dbnmeani = (-dbndiff).sum(0) has no keepdim. With n_hidden 64, what are the shapes of dbnmeani and of bnmeani?",
               kind: .multipleChoice(["(64,) and (1, 64)", "(1, 64) and (1, 64)", "(64, 1) and (1, 64)", "(32, 64) and (1, 64)"], answer: 0),
               explanation: "(64,) versus (1, 64). The values are right and PyTorch's broadcasting hides the difference, which is exactly the trap: keep the gradient the shape of its variable (keepdim=True)."),
      Question(id: "l5-matmul-grad", prompt: "logits = h @ W2 with h (32, 64) and W2 (64, 27). Which expression is dW2?",
               kind: .multipleChoice(["dlogits @ W2.T", "h.T @ dlogits", "dlogits @ h.T", "h @ dlogits.T"], answer: 1),
               explanation: "The gradient must have W2's shape (64, 27); h.T (64, 32) @ dlogits (32, 27) is the only product that gives it. dh = dlogits @ W2.T, by the same shape argument."),
      Question(id: "l5-embedding-grad", prompt: "emb = C[Xb]. How is dC computed from demb?",
               kind: .shortAnswer(accepted: ["scatter-add", "re:scatter", "re:add", "re:accumul", "re:\\+="]),
               explanation: "Every row of C that was looked up receives the gradient of each place it was used: start from zeros and add demb[k, j] into dC[Xb[k, j]] for every k, j (a scatter-add). A character used twice gets both gradients summed."),
      Question(id: "l5-count", prompt: "How many parameters has the lecture's exercise-4 network (27 characters, 10-D embeddings, block 3, 200 hidden units, BatchNorm gain and bias)?",
               kind: .numeric(answer: 12297, tolerance: 0),
               explanation: "27·10 + 30·200 + 200 + 200·27 + 27 + 200 + 200 = 270 + 6000 + 200 + 5400 + 27 + 400 = 12,297 (the 64-unit network of exercise 1 has 4,137)."),
      Question(id: "l5-max-grad", prompt: "logit_maxes = logits.max(1, keepdim=True). Where does the gradient dlogit_maxes go when backpropagating into logits?",
               kind: .multipleChoice([
                 "Spread evenly over the 27 logits of the row",
                 "Only to the logit that was the maximum of its row (one-hot at the argmax)",
                 "Nowhere: max has no gradient",
                 "To the target logit",
               ], answer: 1),
               explanation: "max picks one element, so locally it is that element (derivative 1) and the others do not matter (0): the gradient is routed to the argmax, as F.one_hot(logits.max(1).indices) * dlogit_maxes does. In this network it is ~0 anyway, because subtracting the max does not change the loss."),
      Question(id: "l5-pow-grad", prompt: "bnvar_inv = (bnvar + 1e-5)**-0.5. For a unit with bnvar = 0.25 (ignore the 1e-5), what is the local derivative d bnvar_inv / d bnvar?",
               kind: .numeric(answer: -4, tolerance: 1e-3),
               explanation: "The power rule: d/dx x^p = p·x^(p−1) with p = −0.5, so −0.5·0.25^−1.5 = −0.5·8 = −4; in code (-0.5*(bnvar + 1e-5)**-1.5) * dbnvar_inv."),
      Question(id: "l5-tanh-grad", prompt: "h = tanh(hpreact) and h = 0.9 for one unit. What is dh/dhpreact? (2 decimals)",
               kind: .numeric(answer: 0.19, tolerance: 1e-6),
               explanation: "d tanh/dx = 1 − tanh² = 1 − 0.81 = 0.19; it is written with the output h, which the forward pass already has."),
      Question(id: "l5-reciprocal", prompt: "counts_sum_inv = counts_sum**-1 with counts_sum = 4. What is the local derivative? (4 decimals)",
               kind: .numeric(answer: -0.0625, tolerance: 1e-6),
               explanation: "d/dx x⁻¹ = −x⁻² = −1/16 = −0.0625."),
      Question(id: "l5-dlogits", prompt: "Which expression is the gradient of the mean cross-entropy loss with respect to the logits of a batch of n?",
               kind: .multipleChoice(["softmax(logits)", "(softmax(logits) − one_hot(Y)) / n", "−log softmax(logits) / n", "(one_hot(Y) − softmax(logits)) · n"], answer: 1),
               explanation: "For one example dloss/dlᵢ = pᵢ − 1[i = y]; the mean over n examples divides by n."),
      Question(id: "l5-row-sum", prompt: "Why does every row of dlogits sum to (almost exactly) zero?",
               kind: .shortAnswer(accepted: ["the probabilities sum to one and the one-hot subtracts one", "re:sum(s)? to (one|1)", "re:probabilit", "re:softmax", "re:minus one", "re:one.hot"]),
               explanation: "A row is (p − one_hot)/n: the probabilities sum to 1 and the one-hot subtracts exactly 1. The pull up on the correct logit equals the total push down on the others. (It also follows from the loss not changing when the same number is added to every logit.)"),
      Question(id: "l5-dlogits-value", prompt: "For one example (n = 1) the softmax gives p = 0.0165 to the correct character. What is dlogits for that character? (4 decimals)",
               kind: .numeric(answer: -0.9835, tolerance: 1e-6),
               explanation: "p − 1 = 0.0165 − 1 = −0.9835: the lecture's row 0, where the network gave the right answer a small probability and the gradient pulls its logit up hard."),
      Question(id: "l5-bessel", prompt: "What does Bessel's correction change in the variance of a batch, and why does the lecture use it in training?",
               kind: .shortAnswer(accepted: ["divide by n − 1 instead of n", "re:n ?- ?1", "re:unbias", "re:underestimat", "re:mismatch"]),
               explanation: "It divides the sum of squared deviations by n − 1 instead of n: the batch mean is itself fitted to the batch, so 1/n underestimates the population variance. PyTorch's BatchNorm normalises with 1/n in training but keeps the running variance with n − 1, a train/test mismatch; the lecture uses n − 1 in both."),
      Question(id: "l5-bessel-ratio", prompt: "With a batch of n = 32, by what factor does the n − 1 variance exceed the 1/n variance? (4 decimals)",
               kind: .numeric(answer: 1.0323, tolerance: 1e-4),
               explanation: "n/(n − 1) = 32/31 = 1.0323: 3% for a batch of 32, negligible for thousands."),
      Question(id: "l5-bn-paths", prompt: "In the BatchNorm backward pass, by how many paths does the gradient reach each input x_i?",
               kind: .multipleChoice(["One: through x̂_i", "Two: through x̂_i and the mean", "Three: directly through x̂_i, through the mean μ, and through the variance σ²", "n: one per example"], answer: 2),
               explanation: "x_i appears in x̂_i directly, in μ (which every x̂_j uses) and in σ² (also used by every x̂_j). Summing the three paths and simplifying gives the one expression bngain·bnvar_inv/n·(n·dout − dout.sum(0) − n/(n−1)·x̂·(dout·x̂).sum(0))."),
      Question(id: "l5-manual-training", prompt: "Training with the hand-written backward pass gives losses equal to autograd's at first but they drift apart over thousands of steps. Why?",
               kind: .shortAnswer(accepted: ["rounding", "re:round", "re:float", "re:precision", "re:order"]),
               explanation: "The fused formulas compute the same mathematics in a different order, so the float32 rounding differs at the 1e-9 level; every step feeds the slightly different parameters into the next, and small differences compound. The losses stay statistically the same."),
      Question(id: "l5-leaky", prompt: "Why is backprop called a 'leaky abstraction'? Name one way a network can fail that you only understand by knowing the gradients.",
               kind: .shortAnswer(accepted: ["saturated tanh units", "re:saturat", "re:dead", "re:vanish", "re:explod", "re:clip"]),
               explanation: "loss.backward() does not make a network learn: saturated tanh units pass almost no gradient (1 − tanh² ≈ 0), dead ReLUs none, badly scaled layers explode or vanish, and clipping the loss instead of the gradient silently zeroes the gradient of the outliers."),
    ],
    reportArguments: [],
    next: NextLecture(number: 6, title: "Building makemore Part 5: Building a WaveNet", page: "Lecture06-WaveNet.md", bridge: """
      With the backward pass no longer a mystery, lecture 6 goes back to writing the forward pass only \
      and lets autograd do the rest, but with layers organised like torch.nn (Linear, BatchNorm1d, \
      Embedding, Sequential). It grows the context from 3 to 8 characters and fuses them \
      hierarchically, as WaveNet does, and meets a BatchNorm bug that only an understanding of the \
      shapes you tracked here reveals.
      """))
}
