import Quiz

extension LectureInfo {
  /// Lecture 3 (metadata only until its lecture lands).
  public static let mlp = LectureInfo(
    number: 3, slug: "MLP", executable: "Lecture03MLP",
    title: "MLP", summary: "", objectives: [], defaultSeed: 2147483647, tests: [], questions: [])
}
