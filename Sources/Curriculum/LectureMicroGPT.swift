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
    objectives: [],
    defaultSeed: 42,
    tests: ["Tests/LectureTests/MicroGPTTests.swift"],
    questions: [],
    reportArguments: [])
}
