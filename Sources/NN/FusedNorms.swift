import Kernels
import Tensor

// BatchNorm (training mode) and LayerNorm as one autograd node each (`Tensor.customOp`): the
// forward/backward loops are `Kernels.batchNormForward`/`Backward` and `layerNormForward`/
// `Backward` (NormKernels.swift, with the notation and reference loops). A composed version
// records ~8 ops per layer, each allocating and sweeping the activations; these sweep them twice
// forward and twice backward. The composed forms stay in the layers (each fused layer's
// `fused = false` records them instead) and the tests check the two agree.

/// Memory a fused op keeps for its backward pass (x̂, 1/s): freed with the graph. A class so the
/// backward closure captures a reference, not a copy, and never a tensor.
final class FloatBuffer {
  let p: UnsafeMutablePointer<Float>
  init(_ count: Int) {
    p = .allocate(capacity: max(count, 1))
    p.initialize(repeating: 0, count: max(count, 1))
  }
  /// A buffer the caller fills completely before reading it (no zeroing sweep).
  init(uninitialized count: Int) {
    p = .allocate(capacity: max(count, 1))
  }
  deinit { p.deallocate() }
}

/// BatchNorm over the rows of an (m × c) matrix in training mode. Returns the output and the batch
/// mean and unbiased variance (for the running statistics).
func fusedBatchNorm(_ x: Tensor, weight: Tensor, bias: Tensor, rows m: Int, eps: Float,
                    unbiasedNormalisation: Bool) -> (out: Tensor, mean: [Float], unbiasedVar: [Float]) {
  let c = weight.count
  let xhat = FloatBuffer(m * c), std = FloatBuffer(c)
  var mean = [Float](repeating: 0, count: c), varU = [Float](repeating: 0, count: c)
  let out = x.withUnsafeBufferPointer { xb in
    weight.withUnsafeBufferPointer { wb in
      bias.withUnsafeBufferPointer { bb in
        mean.withUnsafeMutableBufferPointer { mp in
          varU.withUnsafeMutableBufferPointer { vp in
            Tensor(shape: x.shape) { ob in
              batchNormForward(ob.baseAddress!, xhat: xhat.p, mean: mp.baseAddress!, unbiasedVariance: vp.baseAddress!,
                               std: std.p, xb.baseAddress!, weight: wb.baseAddress!, bias: bb.baseAddress!,
                               rows: m, cols: c, eps: eps, unbiasedNormalisation: unbiasedNormalisation)
            }
          }
        }
      }
    }
  }
  let y = Tensor.customOp("batchNorm", inputs: [x, weight, bias], output: out, freshGradients: true) { g, inputs in
    let dGamma = FloatBuffer(c), dBeta = FloatBuffer(c)
    var dx: Tensor?
    g.withUnsafeBufferPointer { gb in
      inputs[1].withUnsafeBufferPointer { wb in
        let run = { (d: UnsafeMutablePointer<Float>?) in
          batchNormBackward(dx: d, dweight: dGamma.p, dbias: dBeta.p, gb.baseAddress!, xhat: xhat.p, std: std.p,
                            weight: wb.baseAddress!, rows: m, cols: c, unbiasedNormalisation: unbiasedNormalisation)
        }
        if inputs[0].requiresGrad {
          dx = Tensor(shape: inputs[0].shape) { run($0.baseAddress!) }
        } else {
          run(nil)
        }
      }
    }
    return [dx, Tensor(Array(UnsafeBufferPointer(start: dGamma.p, count: c))),
            Tensor(Array(UnsafeBufferPointer(start: dBeta.p, count: c)))]
  }
  return (y, mean, varU)
}

/// LayerNorm over the last dim (size c) of a tensor with `count / c` rows; `bias` may be nil.
func fusedLayerNorm(_ x: Tensor, weight: Tensor, bias: Tensor?, eps: Float) -> Tensor {
  let c = weight.count, rows = x.count / c
  let xhat = FloatBuffer(uninitialized: rows * c), rstd = FloatBuffer(uninitialized: rows)  // written whole
  let b = bias?.scalars ?? [Float](repeating: 0, count: c)
  let out = x.withUnsafeBufferPointer { xb in
    weight.withUnsafeBufferPointer { wb in
      b.withUnsafeBufferPointer { bb in
        Tensor(shape: x.shape) { ob in
          layerNormForward(ob.baseAddress!, xhat: xhat.p, rstd: rstd.p, xb.baseAddress!, weight: wb.baseAddress!,
                           bias: bb.baseAddress!, rows: rows, cols: c, eps: eps)
        }
      }
    }
  }
  let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
  return Tensor.customOp("layerNorm", inputs: inputs, output: out, freshGradients: true) { g, inputs in
    let dGamma = FloatBuffer(c), dBeta = FloatBuffer(c)
    let dx = g.withUnsafeBufferPointer { gb in
      inputs[1].withUnsafeBufferPointer { wb in
        Tensor(shape: inputs[0].shape) { db in
          layerNormBackward(dx: db.baseAddress!, dweight: dGamma.p, dbias: dBeta.p, gb.baseAddress!, xhat: xhat.p,
                            rstd: rstd.p, weight: wb.baseAddress!, rows: rows, cols: c)
        }
      }
    }
    let dGammaT = Tensor(Array(UnsafeBufferPointer(start: dGamma.p, count: c)))
    let grads: [Tensor?] = [inputs[0].requiresGrad ? dx : nil, dGammaT]
    return inputs.count == 3 ? grads + [Tensor(Array(UnsafeBufferPointer(start: dBeta.p, count: c)))] : grads
  }
}
