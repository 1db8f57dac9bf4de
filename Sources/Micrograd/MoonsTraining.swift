// micrograd's demo objective on the two moons, written once per engine: an SVM "max-margin" loss
// mean(relu(1 − y·score)) plus L2 regularisation α·Σp², and plain SGD.

/// The loss and accuracy of a model on a dataset.
public struct LossAndAccuracy: Sendable {
  /// The total loss (data loss + regularisation).
  public let loss: Double
  /// Fraction of points whose score has the sign of the label.
  public let accuracy: Double
}

/// micrograd's moons objective on the class engine: returns the loss node (so you can call
/// `backward()` on it) and the accuracy. Builds the same graph as the Python demo.
public func svmLoss(_ model: MLP, points: [[Double]], labels: [Double], alpha: Double = 1e-4) -> (loss: Value, accuracy: Double) {
  require(points.count == labels.count && !points.isEmpty,
               "svmLoss: \(points.count) points but \(labels.count) labels")
  let scores = points.map { model($0.map { Value($0) })[0] }
  var losses: [Value] = []
  for (y, score) in zip(labels, scores) { losses.append((1 + (-y) * score).relu()) }
  let dataLoss = losses.dropFirst().reduce(losses[0], +) * (1.0 / Double(losses.count))
  let parameters = model.parameters()
  let squares = parameters.map { $0 * $0 }
  let regLoss = alpha * squares.dropFirst().reduce(squares[0], +)
  let total = dataLoss + regLoss
  var correct = 0
  for (y, score) in zip(labels, scores) where (y > 0) == (score.data > 0) { correct += 1 }
  return (total, Double(correct) / Double(labels.count))
}

/// One SGD step on the class engine: forward, `zeroGrad`, `backward`, `p -= lr·grad`.
/// Returns the loss and accuracy measured before the update (as the demo prints them).
@discardableResult
public func trainingStep(_ model: MLP, points: [[Double]], labels: [Double], learningRate: Double,
                         alpha: Double = 1e-4) -> LossAndAccuracy {
  let (loss, accuracy) = svmLoss(model, points: points, labels: labels, alpha: alpha)
  model.zeroGrad()
  loss.backward()
  for p in model.parameters() { p.data -= learningRate * p.grad }
  return LossAndAccuracy(loss: loss.data, accuracy: accuracy)
}

/// micrograd's demo learning-rate schedule: 1.0 at step 0, falling linearly by 0.9 over `steps`.
public func moonsLearningRate(step k: Int, steps: Int = 100) -> Double { 1.0 - 0.9 * Double(k) / Double(steps) }

extension TapeMLP {
  /// The moons objective recorded on the tape (after the parameters): returns the loss node and
  /// the accuracy. Same arithmetic as `svmLoss(_:points:labels:alpha:)`, node for node, except
  /// that plain numbers are folded into `addConstant`/`mulConstant` nodes.
  public mutating func svmLoss(points: [[Double]], labels: [Double], alpha: Double = 1e-4) -> (loss: Tape.Var, accuracy: Double) {
    require(points.count == labels.count && !points.isEmpty,
                 "TapeMLP.svmLoss: \(points.count) points but \(labels.count) labels")
    var sum: Tape.Var? = nil
    var correct = 0
    for (x, y) in zip(points, labels) {
      let score = forward(x)[0]
      if (y > 0) == (tape.data(score) > 0) { correct += 1 }
      let margin = tape.relu(tape.add(tape.mul(score, -y), 1))
      sum = sum.map { tape.add($0, margin) } ?? margin
    }
    let dataLoss = tape.mul(sum!, 1.0 / Double(points.count))
    var squares = tape.mul(Tape.Var(index: 0), Tape.Var(index: 0))
    for j in 1..<parameterCount {
      let p = Tape.Var(index: Int32(j))
      squares = tape.add(squares, tape.mul(p, p))
    }
    let total = tape.add(dataLoss, tape.mul(squares, alpha))
    return (total, Double(correct) / Double(points.count))
  }

  /// One SGD step on the tape: drop last step's graph, forward, backward, `p -= lr·grad`.
  /// Returns the loss and accuracy measured before the update.
  @discardableResult
  public mutating func trainingStep(points: [[Double]], labels: [Double], learningRate: Double,
                                    alpha: Double = 1e-4) -> LossAndAccuracy {
    tape.truncate(to: parameterCount)
    let (loss, accuracy) = svmLoss(points: points, labels: labels, alpha: alpha)
    tape.backward(from: loss)
    tape.descend(firstNodes: parameterCount, learningRate: learningRate)
    return LossAndAccuracy(loss: tape.data(loss), accuracy: accuracy)
  }
}
