import Datasets
import Tensor

/// Turning names into the index tensors the models train on. Building the examples is data
/// plumbing, not what lectures 2–6 teach, so it lives here once instead of in every lecture.
extension Names {
  /// Every (current character, next character) pair of `words`, each word framed by `.` on both
  /// sides: lecture 2's `xs` and `ys` as plain indices ("emma" → `.e em mm ma a.`).
  public func bigramPairs(_ words: [String]) -> (xs: [Int], ys: [Int]) {
    var xs: [Int] = [], ys: [Int] = []
    for w in words {
      let ix = encodeFramed(w)
      for (a, b) in zip(ix, ix.dropFirst()) { xs.append(a); ys.append(b) }
    }
    return (xs, ys)
  }

  /// makemore's `build_dataset` for any block size: `X` (examples, blockSize) holds each
  /// context (padded with `.` at the start of a name), `Y` (examples,) the character that
  /// follows it; a name of n letters gives n + 1 examples.
  public func contextTensors(_ words: [String], blockSize: Int) -> (X: IntTensor, Y: IntTensor) {
    let (contexts, targets) = contextExamples(words, blockSize: blockSize)
    return (IntTensor(contexts, shape: [targets.count, blockSize]), IntTensor(targets))
  }
}
