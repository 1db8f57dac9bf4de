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
    objectives: [],
    defaultSeed: 42,
    tests: ["Tests/LectureTests/Lecture06Tests.swift"],
    questions: [],
    reportArguments: [])
}
