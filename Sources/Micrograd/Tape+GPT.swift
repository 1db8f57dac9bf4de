import Foundation

/// A weight matrix whose entries are consecutive leaves of a `Tape`, row after row (the order
/// microgpt draws them in). Row `i` is the nodes `first + i·cols ..< first + (i + 1)·cols`.
public struct TapeMatrix: Sendable {
  /// Tape index of entry [0][0].
  public let first: Int
  /// Number of rows (outputs of a `linear`, or entries of an embedding table).
  public let rows: Int
  /// Number of columns (inputs of a `linear`, or the embedding width).
  public let cols: Int

  /// A matrix view of `rows · cols` leaves starting at tape node `first`.
  public init(first: Int, rows: Int, cols: Int) {
    self.first = first
    self.rows = rows
    self.cols = cols
  }

  /// Number of parameters: rows · cols.
  public var count: Int { rows * cols }

  /// Entry [i][j] as a tape node.
  public subscript(i: Int, j: Int) -> Tape.Var {
    if i < 0 || i >= rows || j < 0 || j >= cols {
      fatalError("TapeMatrix[\(i), \(j)]: outside a \(rows)×\(cols) matrix")
    }
    return Tape.Var(index: Int32(first + i * cols + j))
  }

  /// Row `i` as tape nodes: an embedding lookup `wte[token]`.
  public func row(_ i: Int) -> [Tape.Var] {
    if i < 0 || i >= rows { fatalError("TapeMatrix.row(\(i)): outside a \(rows)×\(cols) matrix") }
    return (0..<cols).map { Tape.Var(index: Int32(first + i * cols + $0)) }
  }
}

extension Tape {
  /// Python's `sum(xs)` over Values: `((x₀ + x₁) + x₂) + …`, left to right. (Python starts from
  /// the integer 0; `0 + x₀` is `x₀` in value and in gradient, so no node is made for it.)
  public mutating func sum(_ xs: [Var]) -> Var {
    if xs.isEmpty { fatalError("Tape.sum: no terms") }
    var total = xs[0]
    for x in xs.dropFirst() { total = add(total, x) }
    return total
  }

  /// `linear(x, w)` of microgpt: for each row of `w`, `sum(wᵢ · xᵢ for wᵢ, xᵢ in zip(row, x))`,
  /// recorded as exactly the nodes the scalar calls `mul`, `mul`, `add`, `mul`, `add`, … would
  /// make, with the same arithmetic in the same order (so the result is bit for bit CPython's),
  /// but written into a staging buffer and appended in one copy per row.
  public mutating func linear(_ x: [Var], _ w: TapeMatrix) -> [Var] {
    if x.count != w.cols || x.isEmpty {
      fatalError("Tape.linear: \(x.count) inputs for a \(w.rows)×\(w.cols) matrix")
    }
    if w.first + w.count > nodes.count {
      fatalError("Tape.linear: matrix nodes \(w.first)..<\(w.first + w.count) not on a tape of \(nodes.count)")
    }
    let fanIn = x.count
    let perRow = 2 * fanIn - 1
    if staging.count < perRow * w.rows {
      staging = Array(repeating: Node(data: 0, constant: 0, lhs: -1, rhs: -1, op: .leaf), count: perRow * w.rows)
    }
    var mulNode = Node(data: 0, constant: 0, lhs: -1, rhs: -1, op: .mul)
    var addNode = Node(data: 0, constant: 0, lhs: -1, rhs: -1, op: .add)
    var outputs: [Var] = []
    outputs.reserveCapacity(w.rows)
    let start = nodes.count
    staging.withUnsafeMutableBufferPointer { stage in
      nodes.withUnsafeBufferPointer { tape in
        x.withUnsafeBufferPointer { inputs in
          let n = tape.baseAddress!, out = stage.baseAddress!, xs = inputs.baseAddress!
          var j = 0
          for r in 0..<w.rows {
            let row = w.first + r * fanIn
            // Python creates w₀·x₀, then w₁·x₁ and the sum, then w₂·x₂ and the sum, …
            var acc = n[row].data * n[Int(xs[0].index)].data
            mulNode.data = acc; mulNode.lhs = Int32(truncatingIfNeeded: row); mulNode.rhs = xs[0].index
            out[j] = mulNode
            var accIndex = Int32(truncatingIfNeeded: start + j)
            j += 1
            for i in 1..<fanIn {
              let product = n[row + i].data * n[Int(xs[i].index)].data
              mulNode.data = product; mulNode.lhs = Int32(truncatingIfNeeded: row + i); mulNode.rhs = xs[i].index
              out[j] = mulNode
              let productIndex = Int32(truncatingIfNeeded: start + j)
              j += 1
              acc = acc + product
              addNode.data = acc; addNode.lhs = accIndex; addNode.rhs = productIndex
              out[j] = addNode
              accIndex = Int32(truncatingIfNeeded: start + j)
              j += 1
            }
            // Mark the row's last node with its number of terms: the depth-first ordering below
            // then handles the whole row at once (`add` ignores its constant otherwise).
            if fanIn > 1 { out[j - 1].constant = Double(fanIn) }
            outputs.append(Var(index: accIndex))
          }
        }
      }
      nodes.append(contentsOf: UnsafeBufferPointer(rebasing: stage[0..<(perRow * w.rows)]))
    }
    return outputs
  }

  /// The values of the first `count` nodes (the parameters, when they were made first).
  public func values(firstNodes count: Int) -> [Double] {
    if count > nodes.count { fatalError("Tape.values: \(count) nodes asked of a tape of \(nodes.count)") }
    return nodes[0..<count].map(\.data)
  }

  /// The gradients of the first `count` nodes after the last `backward(from:)` (0 before any).
  public func grads(firstNodes count: Int) -> [Double] {
    if count > nodes.count { fatalError("Tape.grads: \(count) nodes asked of a tape of \(nodes.count)") }
    return (0..<count).map { $0 < grads.count ? grads[$0] : 0 }
  }

  /// Overwrites the values of the first `values.count` nodes (an optimizer's update).
  public mutating func setValues(firstNodes values: [Double]) {
    if values.count > nodes.count { fatalError("Tape.setValues: \(values.count) values for a tape of \(nodes.count)") }
    nodes.withUnsafeMutableBufferPointer { n in
      for i in values.indices { n[i].data = values[i] }
    }
  }
}

/// `x ** y` exactly as CPython computes a float power: the C library's `pow`, bit for bit.
///
/// Why not `Foundation.pow(g, 2)` in the lecture: with a constant exponent the optimiser rewrites
/// `pow(x, 2.0)` as `x * x` and `pow(x, 0.5)` as `sqrt(x)`. Both are correctly rounded; glibc's
/// `pow` is not always (its documented error bound is 0.52 ulp), so the rewrite changes a last bit
/// now and then — and microgpt's Adam runs `g ** 2` and `v_hat ** 0.5` four million times each.
///
/// Those two calls are also a sixth of the training time, so they take a shortcut that cannot
/// change the result: `x·x` and `√x` are correctly rounded, and the exact rounding error is
/// known (an FMA gives it). When the exact result lies within 0.45 ulp of the rounded one, every
/// other double is more than 0.55 ulp away, so a `pow` accurate to 0.52 ulp must return the same
/// number; only the rare near-halfway cases call `pow` itself. Kept out of line (and out of the
/// caller's module) so that the exponent is never a constant to the optimiser.
@inline(never)
public func cpythonPow(_ x: Double, _ y: Double) -> Double {
  if y == 2 {
    let p = x * x
    if p.isNormal {
      let error = (-p).addingProduct(x, x)  // x·x − p, exactly
      if abs(error) <= 0.45 * p.ulp { return p }
    }
  } else if y == 0.5 && x.isNormal && x > 0 {
    let r = x.squareRoot()
    let residual = x.addingProduct(-r, r)  // x − r², to 1 part in 2⁵³
    if abs(residual / (2 * r)) <= 0.45 * r.ulp { return r }
  }
  return Foundation.pow(x, y)
}

extension Tape {
  /// Backpropagation in exactly the order micrograd's `Value.backward()` uses, so that every
  /// gradient is the same sum *in the same order* as CPython's, bit for bit.
  ///
  /// `backward(from:)` walks the tape in reverse creation order: a valid order, and the same
  /// gradients up to rounding. But a node used by several others (a key read by every later
  /// query, the RMSNorm scale read by 16 products) receives one contribution per use, and
  /// floating-point addition is not associative: the order of those additions changes the last
  /// bits. micrograd orders the nodes by a depth-first search from the loss (operands first, in
  /// operand order, each node after its operands: `build_topo`) and walks that list backwards. This
  /// method computes the same depth-first order over the tape (an explicit stack instead of
  /// recursion), then propagates along it in reverse. Leaves (the parameters) have no operands, so
  /// they are never placed in the order; they only receive gradients.
  public mutating func backwardInDepthFirstOrder(from root: Var) {
    let r = Int(root.index)
    if r < 0 || r >= nodes.count { fatalError("Tape.backwardInDepthFirstOrder: node \(r) not on a tape of \(nodes.count)") }
    if grads.count < nodes.count { grads.append(contentsOf: repeatElement(0, count: nodes.count - grads.count)) }
    let count = nodes.count
    // (Scratch arrays left uninitialised: every entry read was written first. Tape.swift's types are
    // used through stored properties and `switch` only: this file is compiled apart from it in a
    // debug build, where a call to `Op.rawValue` or `Node.init` would not be inlined.)
    var order = [Int32](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    var orderCount = 0
    var visited = [UInt8](repeating: 0, count: count)
    // The stack holds node indices; a negative entry −(i + 1) means "operands done, emit i".
    // Each node is expanded once and pushes at most itself and two operands: 3·count + 1 entries.
    var stack = [Int32](unsafeUninitializedCapacity: 3 * count + 2) { _, initialized in initialized = 3 * count + 2 }
    nodes.withUnsafeBufferPointer { nodeBuffer in
      visited.withUnsafeMutableBufferPointer { seen in
        stack.withUnsafeMutableBufferPointer { stackBuffer in
          order.withUnsafeMutableBufferPointer { orderBuffer in
            let n = nodeBuffer.baseAddress!, s = stackBuffer.baseAddress!, o = orderBuffer.baseAddress!
            var top = 0
            s[0] = Int32(r)
            top = 1
            while top > 0 {
              top -= 1
              let entry = s[top]
              if entry < 0 {
                o[orderCount] = -entry - 1  // (a `linear` row is placed as its last node)
                orderCount += 1
                continue
              }
              let i = Int(entry)
              if seen[i] != 0 { continue }
              seen[i] = 1
              let node = n[i]
              if case .leaf = node.op { continue }  // no operands: nothing to order
              s[top] = -entry - 1
              top += 1
              if case .add = node.op, node.constant > 0 {
                // The last node of a `linear` row of K terms: nodes i − 2(K − 1) … i are the row,
                // w₀x₀, w₁x₁, +, w₂x₂, +, …, created in the order Python's depth-first search
                // reaches them. Explore the row's inputs x₀, x₁, … (the products' second
                // operands) in that order, then emit the whole row at once.
                let terms = Int(node.constant)
                let start = i - 2 * (terms - 1)
                for j in start..<i { seen[j] = 1 }
                var t = terms - 1
                while t >= 0 {
                  let x = Int(n[t == 0 ? start : start + 2 * t - 1].rhs)
                  if seen[x] == 0 { if case .leaf = n[x].op {} else { s[top] = Int32(x); top += 1 } }
                  t -= 1
                }
                continue
              }
              // Push the second operand first so the first is explored first (Python's order).
              // Leaves are never pushed: they have no operands and need no place in the order.
              let b = Int(node.rhs), a = Int(node.lhs)
              if b >= 0 && seen[b] == 0 { if case .leaf = n[b].op {} else { s[top] = node.rhs; top += 1 } }
              if a >= 0 && seen[a] == 0 { if case .leaf = n[a].op {} else { s[top] = node.lhs; top += 1 } }
            }
          }
        }
      }
    }
    nodes.withUnsafeBufferPointer { nodeBuffer in
      grads.withUnsafeMutableBufferPointer { gradBuffer in
        order.withUnsafeBufferPointer { orderBuffer in
          let n = nodeBuffer.baseAddress!, g = gradBuffer.baseAddress!, o = orderBuffer.baseAddress!
          g.update(repeating: 0, count: count)
          g[r] = 1
          var k = orderCount - 1
          while k >= 0 {
            let i = Int(o[k])
            k -= 1
            let node = n[i]
            let out = g[i]
            if case .add = node.op, node.constant > 0 {
              // A whole `linear` row: its sums pass `out` on unchanged (∂(a + b)/∂a = 1), so
              // every product wₜ·xₜ receives exactly `out`; walk the products last to first,
              // as the node-by-node sweep would, without its chain of loads and stores.
              let terms = Int(node.constant)
              let start = i - 2 * (terms - 1)
              var t = terms - 1
              while t >= 0 {
                let product = n[t == 0 ? start : start + 2 * t - 1]
                let w = Int(product.lhs), x = Int(product.rhs)
                g[w] += n[x].data * out
                g[x] += n[w].data * out
                t -= 1
              }
            } else {
              Tape.passGradient(of: node, out: out, nodes: n, grads: g)
            }
          }
        }
      }
    }
  }
}
