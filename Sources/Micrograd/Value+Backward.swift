import Foundation

// The backward pass: the chain rule applied node by node, outputs before inputs.

extension Value {
  /// How a node writes its share of gradient into a child.
  public enum GradUpdate: Sendable {
    /// `child.grad += local · grad`: correct, because a node used twice receives two shares.
    case accumulate
    /// `child.grad = local · grad`: the lecture's bug, kept so a cell can show `b = a + a` going
    /// wrong (a.grad 1 instead of 2).
    case overwrite
  }

  /// Pushes this node's `grad` into its children through the local derivative of `op`: one link
  /// of the chain rule (micrograd's `_backward`). Call it on nodes in reverse topological order.
  public func propagateGrad(_ update: GradUpdate = .accumulate) {
    func give(_ child: Value, _ share: Double) {
      switch update {
      case .accumulate: child.grad += share
      case .overwrite: child.grad = share
      }
    }
    guard let a = lhs else { return }
    switch op {
    case .leaf:
      return
    case .add:
      give(a, grad)
      give(rhs!, grad)
    case .mul:
      let b = rhs!
      give(a, b.data * grad)
      give(b, a.data * grad)
    case .pow(let k):
      give(a, (k * Foundation.pow(a.data, k - 1)) * grad)
    case .exp:
      give(a, data * grad)
    case .log:
      give(a, grad / a.data)
    case .tanh:
      give(a, (1 - data * data) * grad)
    case .relu:
      give(a, (data > 0 ? 1 : 0) * grad)
    }
  }

  /// Every node of the graph below (and including) this one, each listed after all of its
  /// children: a topological order. Depth-first, children in operand order, so it is
  /// deterministic; iterative (an explicit stack), so a graph a million nodes deep is fine.
  public func topologicalOrder() -> [Value] {
    var order: [Value] = []
    visited = true
    // Each stack entry: a node and which operand to visit next (0 = lhs, 1 = rhs, 2 = done).
    var stack: [(node: Value, next: Int)] = [(self, 0)]
    while let (node, next) = stack.last {
      if next < 2 {
        stack[stack.count - 1].next = next + 1
        if let child = next == 0 ? node.lhs : node.rhs, !child.visited {
          child.visited = true
          stack.append((child, 0))
        }
      } else {
        order.append(node)
        stack.removeLast()
      }
    }
    for node in order { node.visited = false }
    return order
  }

  /// Backpropagation from this node: sets `grad = 1` here (∂L/∂L), then applies the chain rule to
  /// every node in reverse topological order, so a node's grad is complete before it is passed on.
  ///
  /// Gradients *accumulate* into `grad`: call `zeroGrad()` (or a module's `zeroGrad()`) before
  /// running it again, or the new gradients are added to the old ones.
  public func backward(_ update: GradUpdate = .accumulate) {
    let order = topologicalOrder()
    grad = 1
    for node in order.reversed() {
      node.propagateGrad(update)
    }
  }

  /// Sets `grad = 0` on every node of this graph.
  public func zeroGrad() {
    for node in topologicalOrder() { node.grad = 0 }
  }
}
