/// Self-consistency (lecture 8): sample several answers to the same question and keep the most
/// frequent one. A solver right with probability p > the probability of any single wrong answer
/// gets more reliable as the number of samples grows.

/// The most frequent element of `answers`; a tie goes to the answer that reached the top count
/// first in the list (so the result is deterministic). nil for an empty list.
public func majorityVote<T: Hashable>(_ answers: [T]) -> T? {
  var counts: [T: Int] = [:]
  var best: T?
  var bestCount = 0
  for a in answers {
    let n = (counts[a] ?? 0) + 1
    counts[a] = n
    if n > bestCount { best = a; bestCount = n }
  }
  return best
}

/// Stops with `message` when `condition` is false, in every build configuration (`precondition`
/// loses its message under `-O`, and this module is always compiled with `-O`).
@inline(__always)
func checkArgument(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
  if !condition { fatalError(message(), file: file, line: line) }
}
