import Notebook
import Quiz

extension LectureInfo {
  /// The objective lecture 7's exercises teach (EX1–EX4, `Lectures/Lecture07GPT/Exercises.swift`),
  /// checked by `gptExerciseQuestions`; `LectureInfo.gpt` lists it with its own objectives.
  public static let gptExerciseObjective = Objective(
    "Extend the lecture's GPT as its exercises ask: run the heads as a batch dimension, mask a loss, fine-tune a pretrained model, and measure a later paper's feature",
    quiz: ["l7-ex-qkv-slot", "l7-ex-masked-targets", "l7-ex-rope"])

  /// Quiz questions on the exercises (added to lecture 7's bank by `LectureInfo.gpt`).
  public static let gptExerciseQuestions: [Question] = [
    Question(id: "l7-ex-qkv-slot", prompt: "EX1 copies 4 separate heads of size 16 (n_embd 64) into one qkv Linear whose weight rows hold q for heads 0–3, then k for heads 0–3, then v. Counting from 0, at which row does head 2's key weight start?",
             kind: .numeric(answer: 96, tolerance: 0),
             explanation: "The k block starts after the 64 q rows; inside it head 2 comes after heads 0 and 1: 64 + 2 × 16 = 96. Given those rows, the batched module computes the same outputs as the separate heads."),
    Question(id: "l7-ex-masked-targets", prompt: "In EX2, the problem 12+39=150 (the sum 51 written units first) is one training example of 8 inputs and 8 targets. How many of the 8 targets are set to the ignore index −1?",
             kind: .numeric(answer: 5, tolerance: 0),
             explanation: "Inputs 1 2 + 3 9 = 1 5, targets 2 + 3 9 = 1 5 0: the first five targets are the prompt's own characters (random operands, nothing to learn), so they are ignored; only the three digits of the sum count in the loss."),
    Question(id: "l7-ex-rope", prompt: "Rotary position embeddings (EX4) rotate a query at position t by t·θ and a key at position s by s·θ. What does their dot product then depend on, as far as positions go, and why does that suit a language model?",
             kind: .shortAnswer(accepted: ["re:t ?[-−] ?s", "re:s ?[-−] ?t", "re:relative", "re:distance", "re:how far", "re:offset", "re:difference"]),
             explanation: "(R(tθ)q)·(R(sθ)k) = q·R((s − t)θ)k: only on the offset t − s. Attention sees how far back a key is, not where the window starts, and needs no table of learned position vectors."),
  ]

  /// Engine code the exercises rely on (for `LectureInfo.gpt`'s `codeBehind`).
  public static let gptExerciseCodeBehind: [CodeExcerpt] = [
    CodeExcerpt("EX1: all heads in one batched module", file: "Sources/NN/Attention.swift",
                declarations: ["public final class CausalSelfAttention"],
                prose: "One C → 3C projection, q, k and v viewed as (B, heads, T, head_size); the fused node runs softmax(mask(q·kᵀ/√hs))·v per head on strided slices of qkv."),
    CodeExcerpt("EX2: the a+b=c examples with the prompt masked", file: "Sources/Datasets/AdditionProblems.swift",
                declarations: ["public func answer(", "public func example("]),
    CodeExcerpt("EX4: rotary position embedding as one node", file: "Sources/NN/RotaryEmbedding.swift",
                declarations: ["public struct RotaryEmbedding"]),
  ]
}
