import Kernels
import Random
import Tensor

/// A fully connected layer `y = x·W (+ b)`.
///
/// Two weight layouts, because the lectures use both:
/// - `.outByIn` — PyTorch's `nn.Linear`: `weight` is (out, in) and `y = x·Wᵀ + b`. Default inits
///   draw in PyTorch's order, so a model built after `TorchGenerator(seed:)` matches
///   `torch.manual_seed(seed)` weight for weight. Checkpoints of PyTorch models use this.
/// - `.inByOut` — the lectures' own `Linear` class (lectures 4 and 6): `weight` is (in, out) and
///   `y = x·W + b`, initialised `randn(fan_in, fan_out) / √fan_in`.
/// Both run the same GEMM (the transpose is a view, read transposed by the kernel).
public final class Linear: Layer {
  /// How `weight` is stored.
  public enum Layout: Sendable {
    /// (in, out), `y = x·W` — the lectures' hand-written class.
    case inByOut
    /// (out, in), `y = x·Wᵀ` — PyTorch's `nn.Linear`.
    case outByIn
  }

  /// The weight matrix (shape depends on `layout`).
  public let weight: Tensor
  /// The bias (`out`), or nil for `bias: false` (a Linear followed by BatchNorm needs none).
  public let bias: Tensor?
  /// How `weight` is stored.
  public let layout: Layout
  /// Input features.
  public let inFeatures: Int
  /// Output features.
  public let outFeatures: Int
  /// Unused by Linear; kept for `train()` / `eval()`.
  public var training = true
  /// One fused autograd node (GEMM with the bias folded in, see `fusedLinear`); false records the
  /// plain `x.matmul(W) + b` composition instead.
  public var fused = true

  /// Wraps existing weights (copied into fresh parameter tensors).
  public init(weight: [Float], bias: [Float]?, inFeatures: Int, outFeatures: Int, layout: Layout) {
    require(weight.count == inFeatures * outFeatures,
                 "Linear: \(weight.count) weights for \(inFeatures)→\(outFeatures) (need \(inFeatures * outFeatures))")
    require(bias == nil || bias!.count == outFeatures, "Linear: bias of \(bias!.count) values for \(outFeatures) outputs")
    let shape = layout == .outByIn ? [outFeatures, inFeatures] : [inFeatures, outFeatures]
    self.weight = Tensor(weight, shape: shape).requiringGrad()
    self.bias = bias.map { Tensor($0, shape: [outFeatures]).requiringGrad() }
    self.layout = layout
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
  }

  /// PyTorch's `nn.Linear(inFeatures, outFeatures, bias:)` with its default init
  /// (`kaiming_uniform_(a=√5)` weight, then bias, both U(±1/√in)), drawn in PyTorch's order.
  /// With `layout: .inByOut` the same values are stored transposed.
  public convenience init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, layout: Layout = .outByIn,
                          generator: inout TorchGenerator) {
    let (w, b) = TorchInit.linear(fanIn: inFeatures, fanOut: outFeatures, bias: bias, generator: &generator)
    let stored = layout == .outByIn ? w : transposed(w, rows: outFeatures, cols: inFeatures)
    self.init(weight: stored, bias: b, inFeatures: inFeatures, outFeatures: outFeatures, layout: layout)
  }

  /// The lectures' own Linear (lectures 4 and 6): `weight = randn(fan_in, fan_out) / √fan_in`
  /// (stored (in, out)), zero bias. Multiply the weight by a gain afterwards as the lecture does
  /// (`scaleWeight(by: 5/3)`) to keep the same rounding.
  public static func lecture(_ fanIn: Int, _ fanOut: Int, bias: Bool = true, generator: inout TorchGenerator) -> Linear {
    var w = generator.normal(fanIn * fanOut)
    let root = Float(Double(fanIn).squareRoot())
    for i in w.indices { w[i] = w[i] / root }
    return Linear(weight: w, bias: bias ? [Float](repeating: 0, count: fanOut) : nil,
                  inFeatures: fanIn, outFeatures: fanOut, layout: .inByOut)
  }

  /// `nn.init.kaiming_normal_(weight, nonlinearity:)` on a PyTorch-layout weight: N(0, gain/√in)
  /// drawn in (out, in) order (gain 5/3 for tanh, √2 for relu, 1 for linear); zero bias.
  public static func kaimingNormal(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                                   nonlinearity: TorchInit.Nonlinearity, layout: Layout = .outByIn,
                                   generator: inout TorchGenerator) -> Linear {
    let w = TorchInit.kaimingNormal(fanOut: outFeatures, fanIn: inFeatures, nonlinearity: nonlinearity, generator: &generator)
    let stored = layout == .outByIn ? w : transposed(w, rows: outFeatures, cols: inFeatures)
    return Linear(weight: stored, bias: bias ? [Float](repeating: 0, count: outFeatures) : nil,
                  inFeatures: inFeatures, outFeatures: outFeatures, layout: layout)
  }

  /// Re-initialises in place as GPT-style `_init_weights` does: `normal_(weight, 0, std)` drawn in
  /// PyTorch's (out, in) order whatever the layout, then `zeros_(bias)`.
  public func resetNormal(std: Double, generator: inout TorchGenerator) {
    var w = [Float](repeating: 0, count: weight.count)
    w.withUnsafeMutableBufferPointer { generator.fillNormal($0, doubleMean: 0, doubleStd: std) }
    let stored = layout == .outByIn ? w : transposed(w, rows: outFeatures, cols: inFeatures)
    weight.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] = stored[i] } }
    bias?.fill(0)
  }

  /// The weight as PyTorch's `nn.Linear` stores it, (out, in) row-major, whatever the layout.
  public var torchWeight: [Float] {
    layout == .outByIn ? weight.scalars : transposed(weight.scalars, rows: inFeatures, cols: outFeatures)
  }

  /// Multiplies the weight in place (`layer.weight *= 5/3` under `no_grad`), nothing recorded.
  public func scaleWeight(by factor: Float) {
    weight.withUnsafeMutableBufferPointer { w in for i in w.indices { w[i] *= factor } }
  }

  /// `x·W (+ b)` for `x` of shape (…, in); the result is (…, out).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    checkInput(x.rank >= 1 && x.shape[x.rank - 1] == inFeatures, "Linear(\(inFeatures)→\(outFeatures))",
               "input of shape \(x.shape) does not end in \(inFeatures) features")
    if fused { return fusedLinear(x.contiguous()) }
    let y = layout == .inByOut ? x.matmul(weight) : x.matmul(weight.T)
    guard let b = bias else { return y }
    return y + b
  }

  /// `x·W + b` as one autograd node on `Kernels.sgemm`, reading W in its stored layout:
  ///   forward  Y = X·W (+ b, written into Y first and accumulated by the GEMM)
  ///   backward dX = G·Wᵀ,  dW = Xᵀ·G (inByOut) or Gᵀ·X (outByIn),  db = Σ_rows G.
  /// It saves the transpose view, the bias node and their buffers of the composed form.
  private func fusedLinear(_ x: Tensor) -> Tensor {
    let (k, n, m) = (inFeatures, outFeatures, x.count / inFeatures)
    let stored = layout == .outByIn  // W is (n, k) when true, (k, n) when false
    let outShape = Array(x.shape.dropLast()) + [n]
    let out = x.withUnsafeBufferPointer { xb in
      weight.withUnsafeBufferPointer { wb in
        Tensor(shape: outShape) { ob in
          let o = ob.baseAddress!
          if let bias {
            bias.withUnsafeBufferPointer { bb in fillRows(o, rows: m, cols: n, with: bb.baseAddress!) }
          }
          sgemm(transA: false, transB: stored, m: m, n: n, k: k, a: xb.baseAddress!, lda: k,
                b: wb.baseAddress!, ldb: stored ? k : n, beta: bias == nil ? 0 : 1, c: o, ldc: n)
        }
      }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.customOp("linear", inputs: inputs, output: out, freshGradients: true) { g, inputs in
      g.withUnsafeBufferPointer { gb in
        inputs[0].withUnsafeBufferPointer { xb in
          inputs[1].withUnsafeBufferPointer { wb in
            let gp = gb.baseAddress!, xp = xb.baseAddress!, wp = wb.baseAddress!
            // dX = G·Wᵀ and dW = Xᵀ·G (or Gᵀ·X) read the same inputs and write different
            // tensors: with two threads they run side by side, each whole on its own core.
            var dx: Tensor? = nil
            let dw = Tensor(shape: inputs[1].shape) { dwb in
              func weightGradient() {
                if stored {
                  sgemm(transA: true, transB: false, m: n, n: k, k: m, a: gp, lda: n, b: xp, ldb: k, c: dwb.baseAddress!, ldc: k)
                } else {
                  sgemm(transA: true, transB: false, m: k, n: n, k: m, a: xp, lda: k, b: gp, ldb: n, c: dwb.baseAddress!, ldc: n)
                }
              }
              guard inputs[0].requiresGrad else { weightGradient(); return }
              dx = Tensor(shape: inputs[0].shape) { dxb in
                func inputGradient() {
                  sgemm(transA: false, transB: !stored, m: m, n: k, k: n, a: gp, lda: n,
                        b: wp, ldb: stored ? k : n, c: dxb.baseAddress!, ldc: k)
                }
                if Double(m) * Double(n) * Double(k) >= linearConcurrentMinimumFlops {
                  Parallelism.concurrently(inputGradient, weightGradient)
                } else {
                  inputGradient()
                  weightGradient()
                }
              }
            }
            guard inputs.count == 3 else { return [dx, dw] }
            let db = Tensor(shape: [n]) { d in
              let dp = d.baseAddress!
              dp.initialize(repeating: 0, count: n)
              // Column ranges split between threads: each column still adds its rows in order.
              Parallelism.forEachRange(n, grain: max(16, Parallelism.elementGrain / max(m, 1))) { cols in
                for r in 0..<m { let row = gp + r * n; for j in cols { dp[j] += row[j] } }
              }
            }
            return [dx, dw, db]
          }
        }
      }
    }
  }

  /// `weight`, then `bias` when present (PyTorch's names).
  public var ownParameters: [(name: String, tensor: Tensor)] {
    bias.map { [("weight", weight), ("bias", $0)] } ?? [("weight", weight)]
  }
}

/// Half the flops of one backward GEMM (m·n·k multiply-adds) above which a fused Linear's dX and
/// dW products run side by side on two threads (below it, one dispatch costs more than it saves).
let linearConcurrentMinimumFlops: Double = 500_000

/// The (cols × rows) transpose of a row-major (rows × cols) matrix.
func transposed(_ m: [Float], rows: Int, cols: Int) -> [Float] {
  var t = [Float](repeating: 0, count: m.count)
  for r in 0..<rows { for c in 0..<cols { t[c * rows + r] = m[r * cols + c] } }
  return t
}
