import Notebook
import Quiz

extension LectureInfo {
  /// Lecture 7: let's build GPT, from scratch, in code, spelled out (tiny Shakespeare, the bigram
  /// baseline, self-attention, the transformer).
  public static let gpt = LectureInfo(
    number: 7, slug: "GPT", executable: "Lecture07GPT",
    title: "Let's build GPT: from scratch, in code, spelled out",
    summary: "Tiny Shakespeare, the bigram baseline, self-attention in four versions, the transformer, trained on two cores.",
    objectives: [],
    defaultSeed: 1337,
    tests: ["Tests/LectureTests/Lecture07Tests.swift"],
    questions: [])
}
