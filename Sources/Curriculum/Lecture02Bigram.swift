import Notebook
import Quiz

extension LectureInfo {
  /// Lecture 2: makemore part 1, the bigram character model, first by counting, then as a
  /// one-layer neural network trained by gradient descent.
  public static let bigram = LectureInfo(
    number: 2, slug: "Bigram", executable: "Lecture02Bigram",
    title: "The spelled-out intro to language modeling: building makemore",
    summary: "A character-level bigram model of 32,033 names: counted into a 27×27 table, sampled, scored by "
      + "negative log-likelihood, then re-learned as a one-layer neural net with gradient descent.",
    objectives: [
      Objective("Count bigrams with start/end tokens, first in a dictionary and then in a 27×27 matrix with a single '.' token",
                quiz: ["l2-vocab-size", "l2-single-token"]),
      Objective("Turn counts into row-normalised probabilities with broadcasting, and explain the keepdim bug",
                quiz: ["l2-keepdim", "l2-keepdim-why"]),
      Objective("Sample names with a seeded generator and explain why the same seed gives different names across PyTorch versions",
                quiz: ["l2-seed-algorithm"]),
      Objective("Compute likelihood, log-likelihood and the average negative log-likelihood of a data set, and why float32 sums differ",
                quiz: ["l2-nll-definition", "l2-why-logs", "l2-uniform-loss", "l2-count-loss", "l2-float32-sum"]),
      Objective("Explain why smoothing (fake counts) avoids infinite loss on unseen bigrams",
                quiz: ["l2-andrejq", "l2-smoothing-compute"]),
      Objective("Build one-hot inputs, a linear layer and a softmax, and train W by gradient descent to the counting model's loss",
                quiz: ["l2-softmax", "l2-lr-too-large", "l2-nn-floor"]),
      Objective("Explain why one-hot @ W selects a row of W and why weight regularisation acts like smoothing",
                quiz: ["l2-onehot-row", "l2-regularisation"]),
    ],
    defaultSeed: 2147483647,
    tests: ["Tests/LectureTests/Lecture02Tests.swift", "Tests/MakemoreTests/MakemoreTests.swift"],
    questions: [
      Question(id: "l2-vocab-size", prompt: "With 26 letters and the single '.' start/end token, how many rows does the bigram count matrix N have?",
               kind: .numeric(answer: 27, tolerance: 0),
               explanation: "26 letters + 1 special token = 27; N is 27×27 and row i counts what follows character i."),
      Question(id: "l2-single-token", prompt: "Why does the lecture replace the <S> and <E> tokens by one '.' token?",
               kind: .multipleChoice([
                 "It makes sampling faster",
                 "With two tokens, one row (after <E>) and one column (before <S>) would always be zero",
                 "PyTorch cannot index with strings",
                 "It improves the loss",
               ], answer: 1),
               explanation: "Nothing follows <E> and nothing precedes <S>; merging them removes the wasted row and column and keeps the model the same."),
      Question(id: "l2-keepdim", prompt: "P has shape (27, 27). What shape does P.sum(1) (without keepdim) broadcast as in P / P.sum(1)?",
               kind: .multipleChoice(["(27, 1)", "(1, 27)", "(27, 27)", "It raises an error"], answer: 1),
               explanation: "Broadcasting aligns shapes from the right: (27,) becomes (1, 27), a row copied down, so element [i, j] is divided by row j's sum: a silent bug."),
      Question(id: "l2-keepdim-why", prompt: "Without keepdim, P / P.sum(1) makes the *columns* of the bigram matrix sum to 1. Explain why that happens for this matrix in particular.",
               kind: .shortAnswer(accepted: ["re:(row|column)s?\\W.*\\b(equal|same|coincide|match)", "re:\\b(equal|same|coincide|match)\\w*\\b.*\\b(row|column)", "re:preceded.*followed|followed.*preceded"]),
               explanation: "Element [i, j] is divided by row j's sum. For bigram counts, row j's sum (how often j is followed by something) equals column j's sum (how often j is preceded by something), so each column is divided by its own sum. For a general matrix neither rows nor columns would sum to 1."),
      Question(id: "l2-seed-algorithm", prompt: "The 2022 video prints 'mor.' and today's PyTorch 'cexze.' from the same seed and the same table. What does a seed fix, and what changed?",
               kind: .shortAnswer(accepted: ["re:algorithm", "re:consum", "re:multinomial"]),
               explanation: "A seed fixes the stream of raw random numbers; the sampling algorithm decides how many are consumed per draw and how they become a choice. torch.multinomial switched algorithms in 2.1 (cumulative sum → exponential race), so the same stream gives other names."),
      Question(id: "l2-nll-definition", prompt: "Name the loss the lecture minimises: the average of −log p(correct next character).",
               kind: .shortAnswer(accepted: ["negative log likelihood", "negative log-likelihood", "nll", "cross entropy", "cross-entropy"]),
               explanation: "The average negative log-likelihood: maximising the likelihood (a product of probabilities) is the same as minimising the mean of −log p."),
      Question(id: "l2-why-logs", prompt: "Why does the lecture add log-probabilities instead of multiplying the probabilities of all 228,146 bigrams?",
               kind: .shortAnswer(accepted: ["underflow", "re:\\b(rounds?|becomes?|goes|is)\\b.*\\b(0|zero)\\b", "re:too small"]),
               explanation: "A product of 228,146 numbers below 1 underflows: it is far below the smallest float (about 1e−45 in float32) and becomes 0. The log turns the product into a sum of moderate numbers, and since log is monotonic, maximising the sum maximises the product."),
      Question(id: "l2-uniform-loss", prompt: "What average NLL does a model that predicts all 27 characters with equal probability get? (natural log, 4 decimals)",
               kind: .numeric(answer: 3.2958, tolerance: 1e-3),
               explanation: "−ln(1/27) = ln 27 ≈ 3.2958: the baseline every trained model must beat."),
      Question(id: "l2-count-loss", prompt: "Roughly what average NLL does the counting bigram model reach on names.txt?",
               kind: .numeric(answer: 2.454, tolerance: 0.01),
               explanation: "≈ 2.454 (2.4540 in float64, 2.4546 with +1 smoothing): the best any bigram model can do on this training set."),
      Question(id: "l2-float32-sum", prompt: "The float32 running sum of 228,146 log-probabilities gives 2.4541 while float64 gives 2.4540. Why?",
               kind: .multipleChoice([
                 "log is inaccurate in float32",
                 "Each addition to a large running total rounds away low bits; the error accumulates",
                 "The division by n is inexact",
                 "PyTorch uses a different log base",
               ], answer: 1),
               explanation: "Near −560,000 a float32 can only resolve steps of 1/16; 228,146 roundings add up in the fourth decimal of the mean."),
      Question(id: "l2-andrejq", prompt: "Without smoothing, what is the loss of the name \"andrejq\" under the counting model?",
               kind: .multipleChoice(["About 3.5", "0", "Infinite", "About 2.45"], answer: 2),
               explanation: "The bigram 'jq' never occurs, so its probability is 0 and −log 0 = ∞. Adding fake counts (+1) makes it finite (≈ 3.48)."),
      Question(id: "l2-smoothing-compute", prompt: "Row 'j' of N holds 100 counts in all, and 'jq' was never seen. With +1 smoothing over 27 symbols, what is P[j, q]? (4 decimals)",
               kind: .numeric(answer: 1.0 / 127.0, tolerance: 1e-4),
               explanation: "(0 + 1) / (100 + 27 · 1) = 1/127 ≈ 0.0079: every fake count adds 1 to the cell and 27 to the row's sum."),
      Question(id: "l2-softmax", prompt: "Which two steps turn the logits into probabilities (together called softmax)?",
               kind: .multipleChoice(["log, then sum", "exp, then divide by the row sum", "square, then normalise", "sigmoid of each logit"], answer: 1),
               explanation: "Interpret logits as log-counts: exp gives positive counts, dividing by the row sum normalises them."),
      Question(id: "l2-lr-too-large", prompt: "Gradient descent on the bigram net uses lr = 50. What would you expect with lr = 50,000, and why?",
               kind: .shortAnswer(accepted: ["re:diverg", "re:explod", "re:overshoot", "re:unstable", "re:\\bnan\\b", "re:\\binf", "re:(goes|going|loss) up", "re:increas"]),
               explanation: "The step overshoots the minimum: each update jumps further than the slope justifies, the loss oscillates or grows, and the logits can overflow to inf/NaN. A learning rate is only good relative to the size of the gradients."),
      Question(id: "l2-nn-floor", prompt: "Can the one-layer neural bigram reach a lower training loss than the counting model? Explain.",
               kind: .shortAnswer(accepted: ["re:\\bno\\b", "re:\\bcannot\\b", "re:\\bcan't\\b", "re:same information"]),
               explanation: "No: it sees the same information (the previous character) and counting already gives the maximum-likelihood table; the best W is log of the counts (up to a constant per row). Regularisation keeps it slightly above."),
      Question(id: "l2-onehot-row", prompt: "If xenc is the one-hot vector of index 5, what is xenc @ W?",
               kind: .multipleChoice(["The sum of W's columns", "Row 5 of W", "Column 5 of W", "A vector of 27 ones"], answer: 1),
               explanation: "All terms but the one multiplied by the single 1 vanish: a one-hot vector selects a row; an embedding lookup is the same thing without the matmul."),
      Question(id: "l2-regularisation", prompt: "The loss adds 0.01·mean(W²). What does this correspond to in the counting model?",
               kind: .shortAnswer(accepted: ["smoothing", "fake counts", "laplace"]),
               explanation: "Pulling W toward 0 pushes predictions toward uniform, like adding fake counts: a stronger pull is more smoothing."),
    ],
    reportArguments: ["--full"],
    next: NextLecture(number: 3, title: "Building makemore Part 2: MLP", page: "Lecture03-MLP.md", bridge: """
      The bigram model sees one character, and counting cannot grow beyond that: with two characters of \
      context the table has 27² rows, with three 27³ ≈ 20,000, most never seen (exercise E01 already felt \
      it). Lecture 3 keeps everything this lecture built (the '.' token, the NLL loss, softmax, gradient \
      descent, sampling with a seeded generator) and replaces the table by a network: each character gets a \
      learned vector (an embedding, the `W[xs]` row lookup of E04), the vectors of the last three \
      characters feed a hidden layer, and similar characters share what they learn. It also adds what a \
      bigger model needs: minibatches, a learning-rate search, and the train/dev/test split of E02.
      """))
}
