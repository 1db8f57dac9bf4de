// Extension points for other modules (NN layers, lecture exercises): tensors filled through a
// raw buffer, custom differentiable ops with a hand-written backward, and comparisons.

extension Tensor {
  /// A new contiguous tensor of `shape` whose elements `body` writes (all of them) through a raw
  /// buffer: the fast way to build a tensor from a loop.
  public convenience init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
    self.init(uninitialized: shape)
    try body(UnsafeMutableBufferPointer(start: pointer, count: count))
  }

  /// Records `output` as the result of a custom op on `inputs` (a fused layer, a lecture
  /// exercise): `backward(gradOutput, inputs)` returns one gradient per input (nil where none),
  /// each with that input's shape; they are added to the inputs' gradients. `output` must be a
  /// fresh tensor the op computed (under `withNoGrad` or from raw buffers). Returns `output`.
  ///
  /// This is the one extension contract of the engine: every fused layer in NN records itself
  /// through it. With `freshGradients`, the closure promises that each gradient it returns is a
  /// new buffer nobody else holds (built with `Tensor(shape:initializingWith:)`, say): an input
  /// without a gradient then takes it over as `.grad` instead of a copy (a full-size copy saved
  /// per input per step). Leave it false when a returned gradient may be `gradOutput`, an input,
  /// a view, or a tensor kept elsewhere.
  ///
  /// ```swift
  /// let y = Tensor.customOp("square", inputs: [x], output: Tensor.withNoGrad { x * x }) { g, inputs in
  ///   [2 * inputs[0] * g]
  /// }
  /// ```
  @discardableResult
  public static func customOp(_ name: String, inputs: [Tensor], output: Tensor, freshGradients: Bool = false,
                              backward: @escaping (_ gradOutput: Tensor, _ inputs: [Tensor]) -> [Tensor?]) -> Tensor {
    require(output.isLeaf && output.gradFn == nil, "customOp '\(name)': the output already has a recorded history")
    if shouldRecord(inputs) {
      output.setGradFn(name, inputs) { _, g, inputs in
        let grads = backward(g, inputs)
        require(grads.count == inputs.count, "customOp '\(name)': backward returned \(grads.count) gradients for \(inputs.count) inputs")
        for (x, gx) in zip(inputs, grads) {
          guard x.requiresGrad, let gx else { continue }
          require(gx.shape == x.shape, "customOp '\(name)': gradient of shape \(describe(gx.shape)) for an input of shape \(describe(x.shape))")
          x.accumulateGrad(gx, owned: freshGradients && gx !== g && !inputs.contains { $0 === gx })
        }
      }
    }
    output.checkAnomaly(name, inputs: inputs)
    return output
  }

  /// Whether two tensors have the same shape and exactly the same values (`torch.equal`).
  public static func equal(_ a: Tensor, _ b: Tensor) -> Bool {
    a.shape == b.shape && a.scalars == b.scalars
  }

  /// Whether `|a − b| ≤ atol + rtol·|b|` everywhere (`torch.allclose`, same defaults); shapes must
  /// broadcast.
  public static func allClose(_ a: Tensor, _ b: Tensor, rtol: Float = 1e-5, atol: Float = 1e-8) -> Bool {
    Tensor.withNoGrad {
      let diff = (a - b).abs().scalars
      let ref = b.expand(broadcastShapes(a.shape, b.shape, op: "allClose")).contiguous().abs().scalars
      return zip(diff, ref).allSatisfy { d, r in d <= atol + rtol * r }
    }
  }

  /// The largest absolute difference between two broadcastable tensors (lecture 5's `maxdiff`).
  public static func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    Tensor.withNoGrad { (a - b).abs().scalars.max() ?? 0 }
  }
}
