import Notebook
import Quiz

extension LectureInfo {
  /// Lecture 10: let's reproduce GPT-2 (124M) — the real architecture and training recipe, scaled
  /// honestly to two CPU cores.
  public static let gpt2 = LectureInfo(
    number: 10, slug: "GPT2", executable: "Lecture10GPT2",
    title: "Let's reproduce GPT-2 (124M)",
    summary: "The real 124M architecture and training recipe, a real 124M training step on two cores, and a small GPT-2 trained on GPT-2 tokens.",
    objectives: [],
    defaultSeed: 1337,
    tests: ["Tests/LectureTests/Lecture10Tests.swift"],
    questions: [])
}
