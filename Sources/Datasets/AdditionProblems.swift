import Random

/// The a+b=c task of lecture 7's exercise 2 (minGPT's "adder"): two `digits`-digit numbers and
/// their sum as one character sequence a GPT learns to continue.
///
/// A problem is written `a+b=` (operands zero-padded to `digits` digits), then the sum's
/// `digits + 1` digits *least significant first*: 12 + 39 = 51 is `12+39=150`. Reversed, the
/// model writes the sum in the order it is computed by hand (units, then tens with the carry), so
/// each digit depends on digits it has already seen. Only the answer is to be learned: in a
/// training example the targets of the prompt's positions are `ignoreIndex`, left out of the
/// cross-entropy (`crossEntropy(…, ignoreIndex: -1)`, PyTorch's `ignore_index`; the lecture's
/// `y = -1`).
public struct AdditionProblems: Sendable {
  /// Digits per operand (1…4).
  public let digits: Int
  /// The vocabulary: the ten digits, then `+` (10) and `=` (11).
  public static let characters: [Character] = Array("0123456789+=")
  /// The target of positions whose prediction is not learned (the prompt's).
  public static let ignoreIndex = -1
  /// Token of `+`.
  public static let plus = 10
  /// Token of `=`.
  public static let equals = 11

  /// The task for operands of `digits` digits (1…4: at most 10⁸ problems).
  public init(digits: Int) {
    if !(1...4).contains(digits) { fatalError("AdditionProblems: digits must be 1…4, got \(digits)") }
    self.digits = digits
  }

  /// 12: ten digits, `+`, `=`.
  public var vocabularySize: Int { AdditionProblems.characters.count }
  /// Tokens of `a+b=`.
  public var promptLength: Int { 2 * digits + 2 }
  /// Digits of the sum (one more than an operand, for the carry).
  public var answerLength: Int { digits + 1 }
  /// Tokens of a whole problem.
  public var sequenceLength: Int { promptLength + answerLength }
  /// The context a model needs: the sequence without its last token (the last is only a target).
  public var blockSize: Int { sequenceLength - 1 }
  /// Every pair of operands: 10^(2·digits) problems.
  public var problemCount: Int { power10(2 * digits) }

  /// Operands of problem `index` (0 ≤ index < `problemCount`): `a = index / 10^digits`,
  /// `b = index mod 10^digits`.
  public func operands(ofProblem index: Int) -> (a: Int, b: Int) {
    (index / power10(digits), index % power10(digits))
  }

  /// `a+b=` as tokens (operands zero-padded).
  public func prompt(_ a: Int, _ b: Int) -> [Int] {
    decimalDigits(a, count: digits) + [AdditionProblems.plus] + decimalDigits(b, count: digits) + [AdditionProblems.equals]
  }

  /// The sum's `digits + 1` digits, least significant first (the reversed, zero-padded sum).
  public func answer(_ a: Int, _ b: Int) -> [Int] {
    Array(decimalDigits(a + b, count: answerLength).reversed())
  }

  /// The whole problem: prompt, then reversed sum.
  public func sequence(_ a: Int, _ b: Int) -> [Int] { prompt(a, b) + answer(a, b) }

  /// One training example: `input` is the sequence without its last token, `target` the sequence
  /// shifted by one with every position whose next token is still part of the prompt set to
  /// `ignoreIndex` — the first `promptLength − 1` targets; the remaining `answerLength` targets
  /// are the sum's digits (the position of `=` predicts the units digit).
  public func example(_ a: Int, _ b: Int) -> (input: [Int], target: [Int]) {
    let s = sequence(a, b)
    var target = Array(s.dropFirst())
    for i in 0..<(promptLength - 1) { target[i] = AdditionProblems.ignoreIndex }
    return (Array(s.dropLast()), target)
  }

  /// A batch of the given problem indices, row after row: inputs and targets, each
  /// `problems.count × blockSize` tokens (reshape to (B, blockSize)).
  public func batch(_ problems: [Int]) -> (inputs: [Int], targets: [Int]) {
    var inputs: [Int] = [], targets: [Int] = []
    inputs.reserveCapacity(problems.count * blockSize)
    targets.reserveCapacity(problems.count * blockSize)
    for p in problems {
      let (a, b) = operands(ofProblem: p)
      let e = example(a, b)
      inputs += e.input
      targets += e.target
    }
    return (inputs, targets)
  }

  /// The number a reversed answer spells (`[0, 5, 1]` → 150), nil unless it is `answerLength`
  /// digit tokens.
  public func decodeAnswer(_ reversed: [Int]) -> Int? {
    guard reversed.count == answerLength, reversed.allSatisfy({ (0...9).contains($0) }) else { return nil }
    return reversed.reversed().reduce(0) { $0 * 10 + $1 }
  }

  /// Tokens as text (`12+39=150`).
  public func text(_ tokens: [Int]) -> String {
    String(tokens.map { AdditionProblems.characters.indices.contains($0) ? AdditionProblems.characters[$0] : "?" })
  }

  /// A random split of all problems into `testCount` held-out problems and the rest for training
  /// (`torch.randperm(problemCount)`, the first `testCount` are the test set).
  public func split(testCount: Int, generator: inout TorchGenerator) -> (train: [Int], test: [Int]) {
    if !(testCount > 0 && testCount < problemCount) {
      fatalError("AdditionProblems.split: testCount must be in 1..<\(problemCount), got \(testCount)")
    }
    let perm = generator.randperm(problemCount)
    return (Array(perm[testCount...]), Array(perm[..<testCount]))
  }

  private func decimalDigits(_ n: Int, count: Int) -> [Int] {
    var digits = [Int](repeating: 0, count: count), n = n
    for i in stride(from: count - 1, through: 0, by: -1) { digits[i] = n % 10; n /= 10 }
    return digits
  }

  private func power10(_ k: Int) -> Int { (0..<k).reduce(1) { r, _ in r * 10 } }
}
