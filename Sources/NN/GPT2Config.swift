// GPT-2's shape and the arithmetic that follows from it: parameter counts by module (tied
// lm_head), memory and FLOPs per token. Lecture 10 prints these for all four OpenAI sizes; only
// the small ones are ever instantiated (xl is 6.2 GB of float32).

/// The shape of a GPT-2 model (build-nanogpt's `GPTConfig`): vocabulary, context, depth, heads,
/// width. Everything else of the architecture is fixed: pre-LayerNorm blocks, GELU (tanh) MLP of
/// width 4·C, biases everywhere, final LayerNorm, lm_head tied to the token embedding.
public struct GPT2Config: Sendable, Equatable, CustomStringConvertible {
  /// Number of token ids (`vocab_size`; 50,257 for GPT-2, 50,304 padded to a multiple of 128).
  public var vocabSize: Int
  /// Longest context (`block_size`, `n_positions`).
  public var blockSize: Int
  /// Number of blocks (`n_layer`).
  public var layers: Int
  /// Attention heads per block (`n_head`).
  public var heads: Int
  /// Width of the residual stream (`n_embd`).
  public var embedding: Int

  /// A configuration; the defaults are GPT-2 small (124M).
  public init(vocabSize: Int = 50257, blockSize: Int = 1024, layers: Int = 12, heads: Int = 12, embedding: Int = 768) {
    self.vocabSize = vocabSize
    self.blockSize = blockSize
    self.layers = layers
    self.heads = heads
    self.embedding = embedding
  }

  /// GPT-2 small: 12 layers, 12 heads, 768 wide — 124,439,808 parameters.
  public static let gpt2 = GPT2Config()
  /// GPT-2 medium: 24 layers, 16 heads, 1024 wide (≈350M).
  public static let medium = GPT2Config(layers: 24, heads: 16, embedding: 1024)
  /// GPT-2 large: 36 layers, 20 heads, 1280 wide (≈774M).
  public static let large = GPT2Config(layers: 36, heads: 20, embedding: 1280)
  /// GPT-2 xl: 48 layers, 25 heads, 1600 wide (≈1558M).
  public static let xl = GPT2Config(layers: 48, heads: 25, embedding: 1600)
  /// The four OpenAI sizes with their Hugging Face names, smallest first.
  public static let openAISizes: [(name: String, config: GPT2Config)] =
    [("gpt2", .gpt2), ("gpt2-medium", .medium), ("gpt2-large", .large), ("gpt2-xl", .xl)]

  /// The vocabulary rounded up to a multiple of 128 (50,257 → 50,304): build-nanogpt's "nice
  /// number" and llm.c's `padded_vocab_size`. The extra rows are never the target of a real token.
  public var paddedVocabSize: Int { (vocabSize + 127) / 128 * 128 }

  /// This configuration with another vocabulary size (`.gpt2.withVocabulary(50304)`).
  public func withVocabulary(_ size: Int) -> GPT2Config {
    var c = self
    c.vocabSize = size
    return c
  }

  /// Size of one attention head (`n_embd / n_head`).
  public var headSize: Int { embedding / heads }

  /// Parameters of one block: two LayerNorms (2·C each), `c_attn` (C·3C + 3C), `attn.c_proj`
  /// (C·C + C), `c_fc` (C·4C + 4C), `mlp.c_proj` (4C·C + C) = 12·C² + 13·C.
  public var blockParameterCount: Int {
    let c = embedding
    return 12 * c * c + 13 * c
  }

  /// Parameters by module, counted from the shape (no model is built): `wte`, `wpe`, each kind of
  /// block module summed over all layers (`h.*.attn.c_attn`, …), `ln_f`, and `lm_head` with 0
  /// because its weight *is* `wte.weight` (weight tying). The counts sum to `parameterCount`.
  public var parameterTable: [(module: String, count: Int)] {
    let c = embedding, l = layers
    return [
      ("wte", vocabSize * c),
      ("wpe", blockSize * c),
      ("h.*.ln_1", l * 2 * c),
      ("h.*.attn.c_attn", l * (c * 3 * c + 3 * c)),
      ("h.*.attn.c_proj", l * (c * c + c)),
      ("h.*.ln_2", l * 2 * c),
      ("h.*.mlp.c_fc", l * (c * 4 * c + 4 * c)),
      ("h.*.mlp.c_proj", l * (4 * c * c + c)),
      ("ln_f", 2 * c),
      ("lm_head (tied to wte)", 0),
    ]
  }

  /// Total parameters with lm_head tied to wte: `V·C + T·C + L·(12·C² + 13·C) + 2·C`
  /// (124,439,808 for GPT-2 small; 124,475,904 with the padded vocabulary 50,304).
  public var parameterCount: Int {
    vocabSize * embedding + blockSize * embedding + layers * blockParameterCount + 2 * embedding
  }

  /// Parameters without the position embedding — what nanoGPT's `get_num_params()` reports
  /// ("123.65M" for GPT-2 small): the tied wte counts once, as the lm_head.
  public var nonEmbeddingParameterCount: Int { parameterCount - blockSize * embedding }

  /// What an untied lm_head would add (V·C: 38,597,376 for GPT-2 small) — the saving of weight tying.
  public var tyingSaving: Int { vocabSize * embedding }

  /// Parameter tensors that build-nanogpt decays (dim ≥ 2: wte, wpe and the four matrices of every
  /// block) and those it does not (biases and LayerNorm parameters), with their sizes:
  /// 50 tensors / 124,354,560 and 98 / 121,344 for GPT-2 small with the padded vocabulary 50,304
  /// (build-nanogpt's printout).
  public var weightDecayGroups: (decayed: (tensors: Int, parameters: Int), undecayed: (tensors: Int, parameters: Int)) {
    let c = embedding, l = layers
    let matrices = vocabSize * c + blockSize * c + l * 12 * c * c
    return ((2 + 4 * l, matrices), (8 * l + 2, parameterCount - matrices))
  }

  /// Training FLOPs per token, forward + backward, at context `t`: `6·N` for the matrix multiplies
  /// through the parameters (N = `parameterCount`, the tied weight once, as llm.c counts it) plus
  /// `12·L·C·t` for the two attention products (q·kᵀ and p·v, 2·t·C multiply-adds each per
  /// token and layer, ×3 for backward; the causal mask's half not subtracted) — the formula of
  /// `../shared/bench/torch_reference.py`'s gpt2 workload, so GFLOP/s compare side by side
  /// (llm.c's MFU uses `6·L·C·t`, the masked half).
  public func trainingFlopsPerToken(context t: Int) -> Double {
    6 * Double(parameterCount) + 12 * Double(layers) * Double(embedding) * Double(t)
  }

  /// Bytes of float32 parameters (4·N).
  public var parameterBytes: Int { 4 * parameterCount }

  /// Bytes of a training run's persistent state: parameters, gradients and AdamW's two moments (16·N).
  public var trainingStateBytes: Int { 16 * parameterCount }

  /// `GPT2Config(vocab 50257, block 1024, 12 layers, 12 heads, 768 wide)`.
  public var description: String {
    "GPT2Config(vocab \(vocabSize), block \(blockSize), \(layers) layers, \(heads) heads, \(embedding) wide)"
  }
}
