import Random
import Tensor

/// The position-wise MLP of a transformer block (lecture 7's `FeedForward`):
/// `Linear(C, 4C) → ReLU (or GELU) → Linear(4C, C) → Dropout`, named `net.0` … `net.3`.
public final class FeedForward: Layer {
  /// The four layers.
  public let net: Sequential
  /// Training mode (for dropout).
  public var training = true

  /// Builds the layers in the lecture's order (PyTorch default init). `gelu` selects GPT-2's MLP.
  public init(embedding: Int, gelu: Bool = false, dropout: Double = 0, dropoutGenerator: SharedGenerator? = nil,
              layout: Linear.Layout = .outByIn, generator: inout TorchGenerator) {
    let up = Linear(embedding, 4 * embedding, layout: layout, generator: &generator)
    let act: any Layer = gelu ? GELU() : ReLU()
    let down = Linear(4 * embedding, embedding, layout: layout, generator: &generator)
    net = Sequential([up, act, down, Dropout(p: dropout, generator: dropoutGenerator)])
  }

  /// (…, C) → (…, C).
  public func callAsFunction(_ x: Tensor) -> Tensor { net(x) }

  /// `net`.
  public var children: [(name: String, module: any Module)] { [("net", net)] }
}

/// The shape of a GPT: sizes, attention implementation and regularisation.
public struct GPTConfig: Sendable {
  /// Number of token ids.
  public var vocabSize: Int
  /// Longest context (`block_size`).
  public var blockSize: Int
  /// Width of the residual stream (`n_embd`).
  public var embedding: Int
  /// Attention heads per block (`n_head`).
  public var heads: Int
  /// Number of blocks (`n_layer`).
  public var layers: Int
  /// Dropout probability everywhere (0 draws nothing).
  public var dropout: Double = 0
  /// Lecture 7's separate `Head` modules (`.heads`) or one batched `CausalSelfAttention` (`.batched`).
  public var attention: AttentionStyle = .heads
  /// Score scaling of the `.heads` style (the batched style always uses head size).
  public var scale: AttentionScale = .headSize
  /// GELU (GPT-2) instead of ReLU (lecture 7) in the MLP.
  public var gelu = false
  /// A bias on the batched style's q/k/v projection (GPT-2's `c_attn` has one).
  public var qkvBias = false
  /// How every Linear stores its weight: PyTorch's (out, in) by default; (in, out) saves one view
  /// op per Linear per step (values and init draws are the same either way).
  public var linearLayout: Linear.Layout = .outByIn

  /// A configuration; the defaults are lecture 7's.
  public init(vocabSize: Int, blockSize: Int, embedding: Int, heads: Int, layers: Int, dropout: Double = 0,
              attention: AttentionStyle = .heads, scale: AttentionScale = .headSize, gelu: Bool = false,
              qkvBias: Bool = false, linearLayout: Linear.Layout = .outByIn) {
    self.vocabSize = vocabSize
    self.blockSize = blockSize
    self.embedding = embedding
    self.heads = heads
    self.layers = layers
    self.dropout = dropout
    self.attention = attention
    self.scale = scale
    self.gelu = gelu
    self.qkvBias = qkvBias
    self.linearLayout = linearLayout
  }

  /// The lecture-7 notebook's small model: block 32, n_embd 64, 4 heads, 4 layers, no dropout.
  public static func lecture7Small(vocabSize: Int) -> GPTConfig {
    GPTConfig(vocabSize: vocabSize, blockSize: 32, embedding: 64, heads: 4, layers: 4)
  }
}

/// Which attention module a `Block` uses.
public enum AttentionStyle: Sendable {
  /// `MultiHeadAttention` of separate `Head`s (lecture 7 as taught; names `sa.heads.0.key.weight`).
  case heads
  /// One `CausalSelfAttention` with batched heads (nanoGPT / GPT-2; names `sa.qkv.weight`).
  case batched
}

/// A pre-norm transformer block (lecture 7): `x + sa(ln1(x))`, then `x + ffwd(ln2(x))` —
/// communication, then computation, each on a residual path.
public final class Block: Layer {
  /// Self-attention (`MultiHeadAttention` or `CausalSelfAttention`).
  public let sa: any Layer
  /// The MLP.
  public let ffwd: FeedForward
  /// LayerNorm before attention.
  public let ln1: LayerNorm
  /// LayerNorm before the MLP.
  public let ln2: LayerNorm
  /// Training mode (for dropout).
  public var training = true

  /// Builds attention, MLP, then the two LayerNorms (the lecture's order of construction).
  public init(_ config: GPTConfig, dropoutGenerator: SharedGenerator? = nil, generator: inout TorchGenerator) {
    let c = config.embedding
    switch config.attention {
    case .heads:
      sa = MultiHeadAttention(embedding: c, numHeads: config.heads, headSize: c / config.heads,
                              blockSize: config.blockSize, scale: config.scale, dropout: config.dropout,
                              dropoutGenerator: dropoutGenerator, layout: config.linearLayout, generator: &generator)
    case .batched:
      sa = CausalSelfAttention(embedding: c, numHeads: config.heads, blockSize: config.blockSize,
                               qkvBias: config.qkvBias, dropout: config.dropout,
                               dropoutGenerator: dropoutGenerator, layout: config.linearLayout, generator: &generator)
    }
    ffwd = FeedForward(embedding: c, gelu: config.gelu, dropout: config.dropout,
                       dropoutGenerator: dropoutGenerator, layout: config.linearLayout, generator: &generator)
    ln1 = LayerNorm(c)
    ln2 = LayerNorm(c)
  }

  /// A block around an attention module built by the caller (e.g. `RotaryCausalSelfAttention`,
  /// lecture 7's exercise 4): the MLP (no dropout) is built after it, then the two LayerNorms —
  /// the same order of construction, so the same generator draws, as the main initialiser.
  public init(attention: any Layer, _ config: GPTConfig, generator: inout TorchGenerator) {
    sa = attention
    ffwd = FeedForward(embedding: config.embedding, gelu: config.gelu, layout: config.linearLayout, generator: &generator)
    ln1 = LayerNorm(config.embedding)
    ln2 = LayerNorm(config.embedding)
  }

  /// (B, T, C) → (B, T, C).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let h = x + sa(ln1(x))
    return h + ffwd(ln2(h))
  }

  /// `sa`, `ffwd`, `ln1`, `ln2`.
  public var children: [(name: String, module: any Module)] {
    [("sa", sa), ("ffwd", ffwd), ("ln1", ln1), ("ln2", ln2)]
  }
}

/// Lecture 7's GPT language model (gpt.py): token and position embeddings, `layers` blocks, a
/// final LayerNorm and the language-model head. Names follow gpt.py (`token_embedding_table`,
/// `blocks.0.sa.heads.0.key.weight`, `ln_f`, `lm_head`).
public final class GPTLanguageModel: IndexLayer {
  /// The configuration it was built with.
  public let config: GPTConfig
  /// Token embeddings (vocab, C).
  public let tokenEmbedding: Embedding
  /// Position embeddings (block, C).
  public let positionEmbedding: Embedding
  /// The blocks ("blocks.0", …).
  public let blocks: Sequential
  /// Final LayerNorm.
  public let lnF: LayerNorm
  /// Logits projection (C → vocab).
  public let lmHead: Linear
  /// Training mode (for dropout).
  public var training = true

  /// Builds the modules in gpt.py's order with PyTorch's default inits; with `gptInit` it then
  /// re-initialises like gpt.py's `_init_weights` (every Linear weight and Embedding table
  /// N(0, 0.02) in module order, Linear biases zero).
  public init(_ config: GPTConfig, gptInit: Bool = true, dropoutGenerator: SharedGenerator? = nil,
              generator: inout TorchGenerator) {
    self.config = config
    tokenEmbedding = Embedding(config.vocabSize, config.embedding, generator: &generator)
    positionEmbedding = Embedding(config.blockSize, config.embedding, generator: &generator)
    var bs: [any Module] = []
    for _ in 0..<config.layers { bs.append(Block(config, dropoutGenerator: dropoutGenerator, generator: &generator)) }
    blocks = Sequential(bs)
    lnF = LayerNorm(config.embedding)
    lmHead = Linear(config.embedding, config.vocabSize, layout: config.linearLayout, generator: &generator)
    if gptInit { reinitialiseLikeGPT(self, generator: &generator) }
  }

  /// Logits (B, T, vocab) for token ids (B, T), T ≤ block size.
  public func callAsFunction(_ indices: IntTensor) -> Tensor {
    checkInput(indices.rank == 2 && indices.shape[1] <= config.blockSize, "GPTLanguageModel",
               "expects ids of shape (B, T ≤ \(config.blockSize)), got \(indices.shape)")
    let t = indices.shape[1]
    let x = tokenEmbedding(indices) + positionEmbedding(IntTensor.arange(t))
    return lmHead(lnF(blocks(x)))
  }

  /// Mean cross-entropy of the next-token predictions against `targets` (B, T).
  public func loss(_ indices: IntTensor, targets: IntTensor) -> Tensor {
    nextTokenLoss(self(indices), targets: targets)
  }

  /// Samples `maxNewTokens` tokens after `context` (gpt.py's `generate` for one sequence): crop
  /// to the last `blockSize` tokens, softmax of the last position's logits, one multinomial draw
  /// from `generator`. Runs without recording a graph. Returns context + new tokens.
  public func generate(_ context: [Int], maxNewTokens: Int, generator: inout TorchGenerator) -> [Int] {
    require(!context.isEmpty, "GPTLanguageModel.generate: context must hold at least one token")
    var tokens = context
    Tensor.withNoGrad {
      for _ in 0..<maxNewTokens {
        let window = Array(tokens.suffix(config.blockSize))
        let logits = self(IntTensor(window, shape: [1, window.count]))
        let probs = logits[0][window.count - 1].softmax(dim: -1).scalars
        tokens.append(generator.multinomial(probs, numSamples: 1)[0])
      }
    }
    return tokens
  }

  /// gpt.py's names: `token_embedding_table`, `position_embedding_table`, `blocks`, `ln_f`, `lm_head`.
  public var children: [(name: String, module: any Module)] {
    [("token_embedding_table", tokenEmbedding), ("position_embedding_table", positionEmbedding),
     ("blocks", blocks), ("ln_f", lnF), ("lm_head", lmHead)]
  }
}

/// gpt.py's `_init_weights` applied to every module of `model` in module order: each Linear
/// weight and each Embedding table redrawn N(0, 0.02), Linear biases zero. Lecture 7's GPT and
/// its rotary variant share it, so they draw the same numbers in the same order.
public func reinitialiseLikeGPT(_ model: any Module, generator: inout TorchGenerator) {
  for m in model.modules() {
    if let l = m as? Linear { l.resetNormal(std: 0.02, generator: &generator) }
    if let e = m as? Embedding { e.resetNormal(std: 0.02, generator: &generator) }
  }
}

/// The mean cross-entropy of a language model's next-token predictions: logits (B, T, V) and
/// targets (B, T) flattened to B·T rows, as `F.cross_entropy(logits.view(B*T, C), targets.view(B*T))`.
public func nextTokenLoss(_ logits: Tensor, targets: IntTensor) -> Tensor {
  let (b, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2])
  return crossEntropy(logits.view([b * t, v]), targets.view([b * t]))
}
