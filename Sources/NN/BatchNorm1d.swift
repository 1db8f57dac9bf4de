import Tensor

/// Batch normalisation over the batch (lecture 4) and, for 3-D input, over batch and time
/// together (lecture 6's fix): `y = γ·(x − μ)/√(σ² + ε) + β` per feature (the last dim).
///
/// Training mode normalises with the batch's statistics and updates the running ones
/// (`running = (1 − momentum)·running + momentum·batch`, no gradient); evaluation mode uses the
/// running statistics, so one example can be evaluated alone.
///
/// Variance: the lectures' class uses `x.var()`, the *unbiased* variance (÷(n−1)), both to
/// normalise and for the running estimate — `.lecture`, the default, matches the lectures'
/// numbers. PyTorch's `nn.BatchNorm1d` normalises with the *biased* variance (÷n) but tracks the
/// unbiased one — `.pytorch`. (nn-zero-to-hero#44 discusses the difference.)
/// Input layout: (N, C) or (N, L, C) — features last, as in the lectures; PyTorch's own module
/// expects (N, C, L) instead.
public final class BatchNorm1d: Layer {
  /// Which variance normalises the batch.
  public enum Variance: Sendable {
    /// Unbiased (÷(n−1)) for normalising and for the running estimate: the lectures' class.
    case lecture
    /// Biased (÷n) for normalising, unbiased for the running estimate: `nn.BatchNorm1d`.
    case pytorch
  }

  /// γ, the per-feature scale (the lecture's `gamma`, PyTorch's `weight`), initially ones.
  public let weight: Tensor
  /// β, the per-feature shift (the lecture's `beta`, PyTorch's `bias`), initially zeros.
  public let bias: Tensor
  /// Running mean of the batch means (a buffer, saved in checkpoints, never trained).
  public let runningMean: Tensor
  /// Running variance (a buffer), initially ones.
  public let runningVar: Tensor
  /// ε added to the variance.
  public let eps: Float
  /// Weight of the new batch statistic in the running update.
  public let momentum: Float
  /// Which variance normalises the batch.
  public let variance: Variance
  /// Batch statistics (training) or running statistics (evaluation).
  public var training = true
  /// Training mode runs one fused autograd node (`FusedNorms.swift`); false records the plain
  /// composition of tensor ops instead (the reference the fused kernel is tested against).
  public var fused = true

  /// `dim` features; the lectures' defaults eps 1e-5, momentum 0.1, unbiased variance.
  public init(_ dim: Int, eps: Float = 1e-5, momentum: Float = 0.1, variance: Variance = .lecture) {
    weight = Tensor.ones([dim]).requiringGrad()
    bias = Tensor.zeros([dim]).requiringGrad()
    runningMean = Tensor.zeros([dim])
    runningVar = Tensor.ones([dim])
    self.eps = eps
    self.momentum = momentum
    self.variance = variance
  }

  /// The lecture's name for `weight`.
  public var gamma: Tensor { weight }
  /// The lecture's name for `bias`.
  public var beta: Tensor { bias }

  /// Normalises `x` of shape (N, C) or (N, L, C).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let c = weight.count
    checkInput((x.rank == 2 || x.rank == 3) && x.shape[x.rank - 1] == c, "BatchNorm1d(\(c))",
               "expects (N, \(c)) or (N, L, \(c)), got shape \(x.shape)")
    // y = γ·(x − μ)/√(σ² + ε) + β computed as (x − μ)·(γ·(σ² + ε)^−½) + β: the per-feature factor
    // is one C-sized op chain, so a training step records 8 ops per layer instead of the
    // lecture's 10 (same function and gradients; the last bits can differ from the lecture's order).
    guard training else {
      return (x - runningMean) * (weight * (runningVar + eps).pow(-0.5)) + bias
    }
    checkInput(x.count / c > 1, "BatchNorm1d(\(c))",
               "training mode needs more than one value per feature, got input of shape \(x.shape) (use eval() for single examples)")
    if fused {
      let (out, mean, unbiasedVar) = fusedBatchNorm(x.contiguous(), weight: weight, bias: bias, rows: x.count / c,
                                                    eps: eps, unbiasedNormalisation: variance == .lecture)
      updateRunning(mean: mean, variance: unbiasedVar)
      return out
    }
    let dims = x.rank == 2 ? [0] : [0, 1]
    let mean = x.mean(dims: dims)
    let unbiasedVar = x.variance(dims: dims, unbiased: true)
    let normVar = variance == .lecture ? unbiasedVar : x.variance(dims: dims, unbiased: false)
    let out = (x - mean) * (weight * (normVar + eps).pow(-0.5)) + bias
    updateRunning(mean: mean.scalars, variance: unbiasedVar.scalars)
    return out
  }

  /// `running = (1 − m)·running + m·batch`, element by element as the lecture's two tensor ops.
  private func updateRunning(mean bm: [Float], variance bv: [Float]) {
    let keep = 1 - momentum, m = momentum
    runningMean.withUnsafeMutableBufferPointer { r in for i in r.indices { r[i] = keep * r[i] + m * bm[i] } }
    runningVar.withUnsafeMutableBufferPointer { r in for i in r.indices { r[i] = keep * r[i] + m * bv[i] } }
  }

  /// `weight`, `bias`.
  public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
  /// `running_mean`, `running_var` (PyTorch's names).
  public var ownBuffers: [(name: String, tensor: Tensor)] { [("running_mean", runningMean), ("running_var", runningVar)] }
}
