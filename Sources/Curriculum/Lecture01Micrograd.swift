import Quiz

extension LectureInfo {
  /// Lecture 1 (metadata only until its lecture lands).
  public static let micrograd = LectureInfo(
    number: 1, slug: "Micrograd", executable: "Lecture01Micrograd",
    title: "Micrograd", summary: "", objectives: [], defaultSeed: 1337, tests: [], questions: [])
}
