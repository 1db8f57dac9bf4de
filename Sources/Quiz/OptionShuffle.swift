import Random

/// The order in which a session shows each multiple-choice question's options.
///
/// Shuffled per session, deterministically for a given session seed, and *balanced*: across a
/// bank the right answer lands on every position about equally often (for questions with the
/// same number of options, the counts differ by at most one), so "always b" or "always the
/// last one" can never be a strategy, whatever order the bank was written in.
public struct OptionShuffle: Sendable, Equatable {
  /// For each question id, the original option index shown at each position (`order[k]` is the
  /// option printed as letter k). Questions without options are absent.
  public let orders: [String: [Int]]

  /// Arranges the options of `questions` for the session with seed `seed`.
  public init(_ questions: [Question], seed: UInt64) {
    var generator = SplitMix64(seed: seed)
    var used: [Int: [Int]] = [:]  // option count → how often each position has held the answer
    var orders: [String: [Int]] = [:]
    for question in questions {
      guard case let .multipleChoice(options, answer) = question.kind, options.count > 1,
            options.indices.contains(answer) else { continue }
      let n = options.count
      var counts = used[n] ?? [Int](repeating: 0, count: n)
      let least = counts.min() ?? 0
      let candidates = counts.indices.filter { counts[$0] == least }
      let target = candidates[Int(generator.next() % UInt64(candidates.count))]
      counts[target] += 1
      used[n] = counts
      var others = options.indices.filter { $0 != answer }
      for i in stride(from: others.count - 1, to: 0, by: -1) {  // Fisher–Yates
        others.swapAt(i, Int(generator.next() % UInt64(i + 1)))
      }
      others.insert(answer, at: target)
      orders[question.id] = others
    }
    self.orders = orders
  }

  /// `question` with its options in this session's order (the answer index moved with them);
  /// other questions unchanged.
  public func apply(_ question: Question) -> Question {
    guard case let .multipleChoice(options, answer) = question.kind, let order = orders[question.id],
          order.count == options.count else { return question }
    let shown = order.map { options[$0] }
    let newAnswer = order.firstIndex(of: answer) ?? answer
    return Question(id: question.id, prompt: question.prompt, kind: .multipleChoice(shown, answer: newAnswer),
                    explanation: question.explanation)
  }

  /// Every question of `questions` with its options in this session's order.
  public func apply(_ questions: [Question]) -> [Question] { questions.map(apply) }
}
