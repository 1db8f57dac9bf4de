import Quiz

extension LectureInfo {
  /// Lecture 2 (metadata only until its lecture lands).
  public static let bigram = LectureInfo(
    number: 2, slug: "Bigram", executable: "Lecture02Bigram",
    title: "Bigram", summary: "", objectives: [], defaultSeed: 2147483647, tests: [], questions: [])
}
