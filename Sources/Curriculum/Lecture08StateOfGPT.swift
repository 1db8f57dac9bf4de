import Notebook
import Quiz

extension LectureInfo {
  /// Lecture 8: the state of GPT as runnable toys — pretraining, supervised fine-tuning, reward
  /// modelling, reinforcement learning and prompting, each on the project's own small models.
  public static let stateOfGPT = LectureInfo(
    number: 8, slug: "StateOfGPT", executable: "Lecture08StateOfGPT",
    title: "State of GPT",
    summary: "The GPT-assistant pipeline as runnable toys: pretraining, supervised fine-tuning, reward modelling, RL and prompting.",
    objectives: [],
    defaultSeed: 1337,
    tests: ["Tests/LectureTests/Lecture08Tests.swift"],
    questions: [])
}
