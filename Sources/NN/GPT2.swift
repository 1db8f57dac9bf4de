import Kernels
import Random
import Tensor

// GPT-2 (lecture 10, build-nanogpt's `GPT`): the model OpenAI released in 2019, with Hugging
// Face's parameter names so its checkpoints load by name. Built from the engine's layers: the
// batched `CausalSelfAttention` (one fused attention node), `Linear`, `LayerNorm`, the tanh
// `GELU`, `Embedding`; the lm_head is the token embedding itself (weight tying), applied by one
// GEMM node whose gradient adds to the embedding's.

/// GPT-2's attention (`h.<i>.attn`): the engine's batched `CausalSelfAttention` with q/k/v and
/// output biases, under Hugging Face's names `c_attn` (C → 3C) and `c_proj` (C → C).
public final class GPT2Attention: Layer {
  /// The engine's attention that runs the forward pass (`qkv` is `c_attn`, `proj` is `c_proj`).
  public let attention: CausalSelfAttention
  /// Training mode, passed on to the wrapped attention.
  public var training = true { didSet { attention.training = training } }

  /// `c_attn` then `c_proj` with PyTorch's default init, drawn in that order.
  public init(_ config: GPT2Config, generator: inout TorchGenerator) {
    attention = CausalSelfAttention(embedding: config.embedding, numHeads: config.heads, blockSize: config.blockSize,
                                    qkvBias: true, projBias: true, generator: &generator)
  }

  /// The q/k/v projection (C → 3C), `c_attn`.
  public var cAttn: Linear { attention.qkv }
  /// The output projection (C → C), `c_proj` — a residual projection, scaled at init.
  public var cProj: Linear { attention.proj }

  /// (B, T, C) → (B, T, C): `c_proj(merge(softmax(mask(q·kᵀ/√hs))·v))`.
  public func callAsFunction(_ x: Tensor) -> Tensor { attention(x) }

  /// `c_attn`, `c_proj`.
  public var children: [(name: String, module: any Module)] { [("c_attn", cAttn), ("c_proj", cProj)] }
}

/// GPT-2's MLP (`h.<i>.mlp`): `c_proj(gelu(c_fc(x)))`, C → 4C → C, GELU with the tanh approximation.
public final class GPT2MLP: Layer {
  /// The expansion C → 4C.
  public let cFc: Linear
  /// `nn.GELU(approximate='tanh')`.
  public let gelu = GELU()
  /// The projection 4C → C back onto the residual stream, scaled at init.
  public let cProj: Linear
  /// Unused; kept for `train()` / `eval()`.
  public var training = true

  /// `c_fc` then `c_proj` with PyTorch's default init.
  public init(_ config: GPT2Config, generator: inout TorchGenerator) {
    cFc = Linear(config.embedding, 4 * config.embedding, generator: &generator)
    cProj = Linear(4 * config.embedding, config.embedding, generator: &generator)
  }

  /// (…, C) → (…, C).
  public func callAsFunction(_ x: Tensor) -> Tensor { cProj(gelu(cFc(x))) }

  /// `c_fc`, `gelu`, `c_proj`.
  public var children: [(name: String, module: any Module)] { [("c_fc", cFc), ("gelu", gelu), ("c_proj", cProj)] }
}

/// One GPT-2 block (`h.<i>`), pre-LayerNorm: `x + attn(ln_1(x))`, then `x + mlp(ln_2(x))`. Unlike
/// the original Transformer the norms sit inside the branches, so the residual stream itself is a
/// clean path from the embeddings to `ln_f`.
public final class GPT2Block: Layer {
  /// LayerNorm before attention.
  public let ln1: LayerNorm
  /// Causal self-attention.
  public let attn: GPT2Attention
  /// LayerNorm before the MLP.
  public let ln2: LayerNorm
  /// The MLP.
  public let mlp: GPT2MLP
  /// Training mode (nothing in GPT-2 depends on it without dropout).
  public var training = true

  /// ln_1, attn, ln_2, mlp — build-nanogpt's order of construction.
  public init(_ config: GPT2Config, generator: inout TorchGenerator) {
    ln1 = LayerNorm(config.embedding)
    attn = GPT2Attention(config, generator: &generator)
    ln2 = LayerNorm(config.embedding)
    mlp = GPT2MLP(config, generator: &generator)
  }

  /// (B, T, C) → (B, T, C).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let h = x + attn(ln1(x))
    return h + mlp(ln2(h))
  }

  /// `ln_1`, `attn`, `ln_2`, `mlp` (Hugging Face's names).
  public var children: [(name: String, module: any Module)] {
    [("ln_1", ln1), ("attn", attn), ("ln_2", ln2), ("mlp", mlp)]
  }
}

/// GPT-2 (build-nanogpt's `GPT`, Hugging Face's `GPT2LMHeadModel` without the `transformer.`
/// prefix): token embedding `wte` + position embedding `wpe`, `layers` pre-norm blocks `h.0…`,
/// final LayerNorm `ln_f`, and a language-model head tied to `wte` — the same (V, C) tensor embeds
/// tokens on the way in and scores them on the way out, so `namedParameters()` lists it once as
/// `wte.weight` and its gradient is the sum of both uses.
///
/// ```swift
/// var g = TorchGenerator(seed: 1337)
/// let model = GPT2(GPT2Config(vocabSize: 50257, blockSize: 64, layers: 2, heads: 2, embedding: 64), generator: &g)
/// let loss = model.loss(x, targets: y)          // ≈ ln(50257) = 10.82 at init
/// let optimizer = AdamW(groups: model.parameterGroups(weightDecay: 0.1), learningRate: 6e-4, betas: (0.9, 0.95))
/// ```
public final class GPT2: IndexLayer {
  /// The configuration it was built with.
  public let config: GPT2Config
  /// Token embeddings (V, C), also the lm_head's weight (`wte`).
  public let wte: Embedding
  /// Position embeddings (block, C) (`wpe`).
  public let wpe: Embedding
  /// The blocks (`h.0`, `h.1`, …).
  public let h: [GPT2Block]
  /// Final LayerNorm (`ln_f`).
  public let lnF: LayerNorm
  /// Training mode (nothing depends on it: GPT-2 as trained here has no dropout).
  public var training = true

  /// build-nanogpt's `GPT(config)` after `torch.manual_seed(s)` given `TorchGenerator(seed: s)`:
  /// the modules are built in its order with PyTorch's default inits (wte, wpe, every block,
  /// ln_f, an `nn.Linear(C, V, bias=False)` lm_head), then `_init_weights` runs in module order:
  /// Linear weights N(0, 0.02) with zero biases, the residual projections `attn.c_proj` and
  /// `mlp.c_proj` N(0, 0.02/√(2·layers)), embeddings N(0, 0.02) — and the tied weight is drawn
  /// twice, as `wte` first and as `lm_head` last, so its final values are the lm_head draw.
  ///
  /// `matchTorchDraws: false` skips the draws PyTorch throws away (the default inits and the first
  /// draw of the tied weight): the same distribution, other values, about half the time.
  public init(_ config: GPT2Config, generator: inout TorchGenerator, matchTorchDraws: Bool = true) {
    require(config.vocabSize > 0 && config.blockSize > 0 && config.layers >= 0 && config.heads > 0 && config.embedding > 0,
            "GPT2: sizes must be positive, got \(config)")
    require(config.embedding % config.heads == 0,
            "GPT2: n_embd \(config.embedding) is not a multiple of n_head \(config.heads)")
    self.config = config
    let c = config.embedding
    if matchTorchDraws {
      wte = Embedding(config.vocabSize, c, generator: &generator)
      wpe = Embedding(config.blockSize, c, generator: &generator)
      h = (0..<config.layers).map { _ in GPT2Block(config, generator: &generator) }
      lnF = LayerNorm(c)
      _ = TorchInit.linear(fanIn: c, fanOut: config.vocabSize, bias: false, generator: &generator)  // lm_head's default init
      wte.resetNormal(std: 0.02, generator: &generator)
    } else {
      wte = Embedding(weight: [Float](repeating: 0, count: config.vocabSize * c), count: config.vocabSize, dim: c)
      wpe = Embedding(weight: [Float](repeating: 0, count: config.blockSize * c), count: config.blockSize, dim: c)
      var unused = TorchGenerator(seed: 0)
      h = (0..<config.layers).map { _ in GPT2Block(config, generator: &unused) }
      lnF = LayerNorm(c)
    }
    wpe.resetNormal(std: 0.02, generator: &generator)
    let residualStd = 0.02 * Double(2 * config.layers).squareRoot().reciprocalIfPositive
    for block in h {
      block.attn.cAttn.resetNormal(std: 0.02, generator: &generator)
      block.attn.cProj.resetNormal(std: residualStd, generator: &generator)
      block.mlp.cFc.resetNormal(std: 0.02, generator: &generator)
      block.mlp.cProj.resetNormal(std: residualStd, generator: &generator)
    }
    wte.resetNormal(std: 0.02, generator: &generator)  // as lm_head, the last module visited
  }

  /// The standard deviation of the residual projections' init, `0.02·(2·layers)^−½`: each block
  /// adds two branches to the residual stream, so without it the stream's variance grows with depth.
  public var residualProjectionStd: Double { 0.02 * Double(2 * config.layers).squareRoot().reciprocalIfPositive }

  /// The lm_head's weight: `wte.weight` itself (not a copy).
  public var lmHeadWeight: Tensor { wte.weight }

  /// Logits (B, T, V) for token ids (B, T), T ≤ block size:
  /// `ln_f(h(wte[ids] + wpe[0..<T])) · wteᵀ`.
  public func callAsFunction(_ indices: IntTensor) -> Tensor {
    lmHead(hidden(indices))
  }

  /// The final hidden states `ln_f(…)` (B, T, C), before the lm_head.
  public func hidden(_ indices: IntTensor) -> Tensor {
    checkInput(indices.rank == 2 && indices.shape[1] >= 1 && indices.shape[1] <= config.blockSize, "GPT2",
               "expects ids of shape (B, 1 ≤ T ≤ \(config.blockSize)), got \(indices.shape)")
    let t = indices.shape[1]
    var x = wte(indices) + wpe(IntTensor.arange(t))
    for block in h { x = block(x) }
    return lnF(x)
  }

  /// The tied lm_head as one GEMM node on `wte.weight` (V, C):
  ///   forward  logits = x·Wᵀ
  ///   backward dx = G·W,  dW = Gᵀ·x  (added to the embedding's own scatter-add gradient).
  public func lmHead(_ hidden: Tensor) -> Tensor {
    let c = config.embedding, v = config.vocabSize
    checkInput(hidden.rank >= 1 && hidden.shape[hidden.rank - 1] == c, "GPT2.lmHead",
               "input of shape \(hidden.shape) does not end in \(c) features")
    let x = hidden.contiguous(), m = x.count / c
    let out = x.withUnsafeBufferPointer { xb in
      wte.weight.withUnsafeBufferPointer { wb in
        Tensor(shape: Array(x.shape.dropLast()) + [v]) { ob in
          sgemm(transA: false, transB: true, m: m, n: v, k: c, a: xb.baseAddress!, lda: c,
                b: wb.baseAddress!, ldb: c, c: ob.baseAddress!, ldc: v)
        }
      }
    }
    return Tensor.customOp("lmHead", inputs: [x, wte.weight], output: out, freshGradients: true) { g, inputs in
      g.withUnsafeBufferPointer { gb in
        inputs[0].withUnsafeBufferPointer { xb in
          inputs[1].withUnsafeBufferPointer { wb in
            let dx: Tensor? = inputs[0].requiresGrad ? Tensor(shape: inputs[0].shape) { d in
              sgemm(transA: false, transB: false, m: m, n: c, k: v, a: gb.baseAddress!, lda: v,
                    b: wb.baseAddress!, ldb: c, c: d.baseAddress!, ldc: c)
            } : nil
            let dw = Tensor(shape: [v, c]) { d in
              sgemm(transA: true, transB: false, m: v, n: c, k: m, a: gb.baseAddress!, lda: v,
                    b: xb.baseAddress!, ldb: c, c: d.baseAddress!, ldc: c)
            }
            return [dx, dw]
          }
        }
      }
    }
  }

  /// Mean cross-entropy of the next-token predictions (`F.cross_entropy(logits.view(-1, V),
  /// targets.view(-1))`) for ids and targets of shape (B, T).
  public func loss(_ indices: IntTensor, targets: IntTensor) -> Tensor {
    self(indices, targets: targets).loss
  }

  /// build-nanogpt's `logits, loss = model(x, y)`: the logits (B, T, V) and their mean
  /// cross-entropy against `targets` (B, T), from one forward pass.
  public func callAsFunction(_ indices: IntTensor, targets: IntTensor) -> (logits: Tensor, loss: Tensor) {
    checkInput(targets.shape == indices.shape, "GPT2.loss",
               "targets of shape \(targets.shape) differ from ids of shape \(indices.shape)")
    let logits = self(indices)
    return (logits, nextTokenLoss(logits, targets: targets))
  }

  /// build-nanogpt's sampling loop for a batch of equally long prompts: run the whole sequence
  /// (cropped to the last `blockSize` tokens; no KV cache), softmax of the last position's
  /// logits, keep the `topK` most probable tokens (nil keeps all), draw one per row from
  /// `generator` with `torch.multinomial` on those probabilities, append. Runs without recording
  /// a graph. Returns each prompt followed by its `maxNewTokens` new tokens.
  public func generate(prompts: [[Int]], maxNewTokens: Int, topK: Int? = 50,
                       generator: inout TorchGenerator) -> [[Int]] {
    require(!prompts.isEmpty && !prompts[0].isEmpty, "GPT2.generate: needs at least one non-empty prompt")
    require(prompts.allSatisfy { $0.count == prompts[0].count }, "GPT2.generate: prompts must have the same length")
    require(maxNewTokens >= 0, "GPT2.generate: maxNewTokens must be ≥ 0, got \(maxNewTokens)")
    require(topK == nil || topK! > 0, "GPT2.generate: topK must be positive, got \(topK!)")
    let v = config.vocabSize, b = prompts.count
    for p in prompts { for id in p { require(id >= 0 && id < v, "GPT2.generate: token \(id) is outside the vocabulary 0..<\(v)") } }
    var rows = prompts
    Tensor.withNoGrad {
      for _ in 0..<maxNewTokens {
        let window = rows.map { Array($0.suffix(config.blockSize)) }
        let t = window[0].count
        let logits = self(IntTensor(window.flatMap { $0 }, shape: [b, t]))
        let last = logits.withUnsafeBufferPointer { lb in
          Tensor(shape: [b, v]) { ob in
            for r in 0..<b {
              (ob.baseAddress! + r * v).update(from: lb.baseAddress! + (r * t + t - 1) * v, count: v)
            }
          }
        }
        let probs = last.softmax(dim: -1)
        let k = min(topK ?? v, v)
        let (topProbs, topIndices) = k == v ? (probs, IntTensor(Array(0..<b).flatMap { _ in Array(0..<v) }, shape: [b, v]))
                                            : probs.topk(k, dim: -1)
        let picks = topProbs.withUnsafeBufferPointer { generator.multinomial(rows: $0, rowCount: b, numSamples: 1) }
        let ids = topIndices.scalars
        for r in 0..<b { rows[r].append(ids[r * k + picks[r]]) }
      }
    }
    return rows
  }

  /// `generate(prompts:…)` for one prompt.
  public func generate(prompt: [Int], maxNewTokens: Int, topK: Int? = 50, generator: inout TorchGenerator) -> [Int] {
    generate(prompts: [prompt], maxNewTokens: maxNewTokens, topK: topK, generator: &generator)[0]
  }

  /// build-nanogpt's `configure_optimizers` groups: tensors with dim ≥ 2 (embeddings and the
  /// matmul weights) decay by `weightDecay`, biases and LayerNorm parameters do not. The tied
  /// weight appears once.
  public func parameterGroups(weightDecay: Double) -> [ParameterGroup] {
    ParameterGroup.decayMatricesOnly(namedParameters(), weightDecay: weightDecay)
  }

  /// Hugging Face's names: `wte`, `wpe`, `h` (`h.0.ln_1.weight`, `h.0.attn.c_attn.weight`, …),
  /// `ln_f`. There is no `lm_head` module: its weight is `wte.weight`.
  public var children: [(name: String, module: any Module)] {
    [("wte", wte), ("wpe", wpe), ("h", ModuleList(h)), ("ln_f", lnF)]
  }
}

extension Double {
  /// 1/x for x > 0, else 1 (a model with no layers has no residual projections to scale).
  fileprivate var reciprocalIfPositive: Double { self > 0 ? 1 / self : 1 }
}
