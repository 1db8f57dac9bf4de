import Foundation
import Random
import Tensor

/// How attention scores are scaled before the softmax.
public enum AttentionScale: Sendable {
  /// `head_size^−½` — the corrected lecture code (ng-video-lecture PR #6), nanoGPT, GPT-2.
  case headSize
  /// `n_embd^−½` — what the lecture-7 video and gpt-dev notebook wrote (`C**-0.5`).
  case embedding
}

/// One head of causal self-attention (lecture 7's `Head`): each position mixes the values of
/// itself and earlier positions, weighted by `softmax(q·kᵀ·scale)` with the future masked out.
public final class Head: Layer {
  /// Key projection (n_embd → head_size, no bias).
  public let key: Linear
  /// Query projection.
  public let query: Linear
  /// Value projection.
  public let value: Linear
  /// Dropout on the attention weights.
  public let dropout: Dropout
  /// Longest sequence the mask covers (`block_size`).
  public let blockSize: Int
  /// Score scaling.
  public let scale: AttentionScale
  /// Training mode (for dropout).
  public var training = true
  private let embedding: Int

  /// Builds key, query, value in the lecture's order (`nn.Linear(n_embd, head_size, bias=False)`
  /// each, PyTorch default init).
  public init(embedding: Int, headSize: Int, blockSize: Int, scale: AttentionScale = .headSize,
              dropout: Double = 0, dropoutGenerator: SharedGenerator? = nil, layout: Linear.Layout = .outByIn,
              generator: inout TorchGenerator) {
    key = Linear(embedding, headSize, bias: false, layout: layout, generator: &generator)
    query = Linear(embedding, headSize, bias: false, layout: layout, generator: &generator)
    value = Linear(embedding, headSize, bias: false, layout: layout, generator: &generator)
    self.dropout = Dropout(p: dropout, generator: dropoutGenerator)
    self.blockSize = blockSize
    self.scale = scale
    self.embedding = embedding
  }

  /// (B, T, C) → (B, T, head_size).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    checkInput(x.rank == 3 && x.shape[1] <= blockSize && x.shape[2] == embedding, "Head",
               "expects (B, T ≤ \(blockSize), \(embedding)), got shape \(x.shape)")
    let k = key(x), q = query(x)
    let factor = Float(pow(Double(scale == .headSize ? k.shape[2] : embedding), -0.5))
    // softmax(masked_fill(q·kᵀ·factor, future, −inf)) as one fused node.
    let wei = dropout(fusedCausalSoftmax(q.matmul(k.transpose(-2, -1)), scale: factor))
    return wei.matmul(value(x))
  }

  /// `key`, `query`, `value`, `dropout` (no tril buffer: the mask is implied by the fused softmax).
  public var children: [(name: String, module: any Module)] {
    [("key", key), ("query", query), ("value", value), ("dropout", dropout)]
  }
}

/// Several `Head`s side by side, concatenated and projected back (lecture 7's
/// `MultiHeadAttention`): `dropout(proj(cat(heads)))`.
public final class MultiHeadAttention: Layer {
  /// The heads ("heads.0", "heads.1", …).
  public let heads: [Head]
  /// Output projection (num_heads·head_size → n_embd, with bias).
  public let proj: Linear
  /// Dropout after the projection.
  public let dropout: Dropout
  /// Training mode (for dropout).
  public var training = true

  /// `num_heads` heads then the projection, built in the lecture's order.
  public init(embedding: Int, numHeads: Int, headSize: Int, blockSize: Int, scale: AttentionScale = .headSize,
              dropout: Double = 0, dropoutGenerator: SharedGenerator? = nil, layout: Linear.Layout = .outByIn,
              generator: inout TorchGenerator) {
    var hs: [Head] = []
    for _ in 0..<numHeads {
      hs.append(Head(embedding: embedding, headSize: headSize, blockSize: blockSize, scale: scale,
                     dropout: dropout, dropoutGenerator: dropoutGenerator, layout: layout, generator: &generator))
    }
    heads = hs
    proj = Linear(headSize * numHeads, embedding, layout: layout, generator: &generator)
    self.dropout = Dropout(p: dropout, generator: dropoutGenerator)
  }

  /// (B, T, C) → (B, T, C).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    dropout(proj(Tensor.cat(heads.map { $0(x) }, dim: -1)))
  }

  /// `heads.i`, `proj`, `dropout`.
  public var children: [(name: String, module: any Module)] {
    [(name: "heads", module: ModuleList(heads)), (name: "proj", module: proj), (name: "dropout", module: dropout)]
  }
}

/// A list of modules named "0", "1", … (PyTorch's `nn.ModuleList`), for naming only.
public final class ModuleList: Module {
  /// The modules.
  public let items: [any Module]
  /// Mirrors the items' mode.
  public var training = true
  /// Wraps modules.
  public init(_ items: [any Module]) { self.items = items }
  /// "0", "1", … in order.
  public var children: [(name: String, module: any Module)] {
    items.enumerated().map { (name: String($0.offset), module: $0.element) }
  }
}

/// All heads of causal self-attention in one batched computation (lecture 7's exercise 1, nanoGPT,
/// GPT-2's `attn`): one (C → 3C) projection gives q, k, v for every head, viewed as
/// (B, heads, T, head_size) without copies; then `softmax(mask(q·kᵀ·scale))·v` and a projection.
public final class CausalSelfAttention: Layer {
  /// q, k, v projection (`c_attn`, C → 3C).
  public let qkv: Linear
  /// Output projection (`c_proj`, C → C).
  public let proj: Linear
  /// Number of heads.
  public let numHeads: Int
  /// Longest sequence the mask covers.
  public let blockSize: Int
  /// Dropout on the attention weights.
  public let attentionDropout: Dropout
  /// Dropout after the projection.
  public let residualDropout: Dropout
  /// Training mode (for dropout).
  public var training = true
  /// Attention as one fused node (`fusedCausalAttention`) unless attention dropout is active;
  /// false records the composed views, matmuls and softmax instead.
  public var fused = true

  /// nanoGPT's layout: `qkv` then `proj`, PyTorch default init; `bias` for both (GPT-2 has biases,
  /// the lecture-7 benchmark model has none on `qkv`).
  public init(embedding: Int, numHeads: Int, blockSize: Int, qkvBias: Bool = true, projBias: Bool = true,
              dropout: Double = 0, dropoutGenerator: SharedGenerator? = nil, layout: Linear.Layout = .outByIn,
              generator: inout TorchGenerator) {
    require(embedding % numHeads == 0, "CausalSelfAttention: n_embd \(embedding) is not a multiple of \(numHeads) heads")
    qkv = Linear(embedding, 3 * embedding, bias: qkvBias, layout: layout, generator: &generator)
    proj = Linear(embedding, embedding, bias: projBias, layout: layout, generator: &generator)
    self.numHeads = numHeads
    self.blockSize = blockSize
    attentionDropout = Dropout(p: dropout, generator: dropoutGenerator)
    residualDropout = Dropout(p: dropout, generator: dropoutGenerator)
  }

  /// (B, T, C) → (B, T, C).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let c = qkv.inFeatures
    checkInput(x.rank == 3 && x.shape[1] <= blockSize && x.shape[2] == c, "CausalSelfAttention",
               "expects (B, T ≤ \(blockSize), \(c)), got shape \(x.shape)")
    let (b, t) = (x.shape[0], x.shape[1])
    let hs = c / numHeads
    if fused && !(training && attentionDropout.p > 0) {
      return residualDropout(proj(fusedCausalAttention(qkv(x).contiguous(), heads: numHeads)))
    }
    // (B, T, 3C) → (3, B, heads, T, hs): strided views, no copy.
    let parts = qkv(x).view([b, t, 3, numHeads, hs]).permute(2, 0, 3, 1, 4)
    let q = parts[0], k = parts[1], v = parts[2]
    let att = attentionDropout(fusedCausalSoftmax(q.matmul(k.transpose(-2, -1)), scale: Float(pow(Double(hs), -0.5))))
    let y = att.matmul(v).transpose(1, 2).reshape([b, t, c])
    return residualDropout(proj(y))
  }

  /// `qkv`, `proj`.
  public var children: [(name: String, module: any Module)] { [("qkv", qkv), ("proj", proj)] }
}
