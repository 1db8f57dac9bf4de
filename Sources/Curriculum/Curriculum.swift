import Notebook
import Quiz

/// The lectures that exist in this workbook, in course order.
public enum Curriculum {
  /// Every lecture with an executable, in order.
  public static let lectures: [LectureInfo] = [.micrograd, .bigram, .mlp, .batchNorm, .backprop, .wavenet, .gpt, .stateOfGPT, .tokenizer, .gpt2, .microgpt]

  /// The lecture whose executable, slug or number matches `name` (case-insensitive), if any.
  public static func lecture(named name: String) -> LectureInfo? {
    let key = name.lowercased()
    return lectures.first {
      $0.executable.lowercased() == key || $0.slug.lowercased() == key || String($0.number) == key
        || $0.paddedNumber == key
    }
  }

  /// Every question of every lecture, in course order.
  public static var allQuestions: [(lecture: LectureInfo, question: Question)] {
    lectures.flatMap { lecture in lecture.questions.map { (lecture, $0) } }
  }
}
