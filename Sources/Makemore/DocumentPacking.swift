/// How pretraining and fine-tuning data become (inputs, targets) grids (lecture 8, "State of
/// GPT"): documents packed into rows with an end-of-text separator, and prompt/response pairs
/// whose loss is masked on the prompt.

/// A (rows × columns) batch of token ids and the next-token targets at every position.
public struct PackedBatch: Sendable, Equatable {
  /// Inputs, row-major: `inputs[r][t]`.
  public let inputs: [[Int]]
  /// Targets: `targets[r][t]` is the token after `inputs[r][t]` in the packed stream.
  public let targets: [[Int]]
}

/// Packs `documents` into a (rows × columns) batch as pretraining does: one stream
/// doc₀ ⟨sep⟩ doc₁ ⟨sep⟩ doc₂ ⟨sep⟩ …, cut into consecutive rows of `columns` tokens; the targets
/// are the same stream shifted by one. A row may start in the middle of a document and hold
/// several; the separator tells the model where one ends (attention still sees across it).
/// Documents are repeated from the first if the stream is too short; nil when the documents
/// hold no tokens at all.
public func packDocuments(_ documents: [[Int]], separator: Int, rows: Int, columns: Int) -> PackedBatch? {
  checkArgument(rows > 0 && columns > 0, "packDocuments: rows and columns must be positive")
  guard documents.contains(where: { !$0.isEmpty }) else { return nil }
  let needed = rows * columns + 1
  var stream: [Int] = []
  stream.reserveCapacity(needed + 64)
  var d = 0
  while stream.count < needed {
    stream += documents[d % documents.count]
    stream.append(separator)
    d += 1
  }
  let inputs = (0..<rows).map { r in Array(stream[(r * columns)..<((r + 1) * columns)]) }
  let targets = (0..<rows).map { r in Array(stream[(r * columns + 1)..<((r + 1) * columns + 1)]) }
  return PackedBatch(inputs: inputs, targets: targets)
}

/// One supervised fine-tuning example: the tokens of prompt + response and, for the
/// next-token prediction at each position, the target or `ignoreIndex` (−1, PyTorch's
/// `ignore_index`) where the target is still part of the prompt: the model is graded only on
/// what it should answer, never on reproducing the question.
public struct MaskedExample: Sendable, Equatable {
  /// Inputs: all tokens but the last.
  public let inputs: [Int]
  /// Targets: the tokens shifted by one, `ignoreIndex` where they belong to the prompt.
  public let targets: [Int]
  /// 1 where the position's target is trained, 0 where it is masked (the row printed under the tokens).
  public var mask: [Int] { targets.map { $0 == MaskedExample.ignoreIndex ? 0 : 1 } }
  /// The ignored target value (PyTorch's default `ignore_index`, −100, is as good; −1 is the lecture-7 exercise's).
  public static let ignoreIndex = -1

  /// Builds the example from the prompt's tokens (special tokens included) and the response's
  /// (ending with its end token). Position t predicts token t+1; it is trained iff token t+1 is
  /// in the response.
  public init(prompt: [Int], response: [Int]) {
    checkArgument(!prompt.isEmpty && !response.isEmpty, "MaskedExample: prompt and response must not be empty")
    let all = prompt + response
    inputs = Array(all.dropLast())
    targets = (1..<all.count).map { $0 < prompt.count ? MaskedExample.ignoreIndex : all[$0] }
  }
}
