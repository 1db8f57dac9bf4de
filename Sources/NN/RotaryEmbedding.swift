import Foundation
import Random
import Tensor

// Rotary position embedding (RoPE: Su et al., "RoFormer: Enhanced Transformer with Rotary Position
// Embedding", 2021; GPT-NeoX, LLaMA and most later GPTs). Instead of adding a learned vector per
// position to the token embedding (lecture 7's position table), every query and key is rotated
// by an angle proportional to its position, pair of features by pair of features:
//
//   (y₂ᵢ, y₂ᵢ₊₁) = (x₂ᵢ·cos(t·θᵢ) − x₂ᵢ₊₁·sin(t·θᵢ),  x₂ᵢ·sin(t·θᵢ) + x₂ᵢ₊₁·cos(t·θᵢ)),
//   θᵢ = base^(−2i/head_size),  i = 0 … head_size/2 − 1,  t = the position.
//
// A rotation by t·θ of q and by s·θ of k leaves q·k depending on t − s only, so attention scores
// see *relative* positions and there is no table of `block_size` learned vectors. The map is
// linear and orthogonal, so its backward pass is the rotation by −t·θ of the incoming gradient.

/// Rotary position embedding for heads of `headSize` features at positions `0..<maxLength`:
/// `rotary(x)` rotates each (2i, 2i+1) feature pair of every head by `t·θᵢ` (the pairing of the
/// RoFormer paper and LLaMA's reference code), as one autograd node.
public struct RotaryEmbedding: Sendable {
  /// Features per head (even).
  public let headSize: Int
  /// Longest sequence the tables cover (`block_size`).
  public let maxLength: Int
  /// The base of the frequencies (10,000 in the paper).
  public let base: Double
  /// cos(t·θᵢ) at `t * headSize/2 + i`.
  let cosTable: [Float]
  /// sin(t·θᵢ), same layout.
  let sinTable: [Float]

  /// Precomputes cos and sin of `t·θᵢ` for every position and pair (angles in Double, rounded once).
  public init(headSize: Int, maxLength: Int, base: Double = 10_000) {
    require(headSize > 0 && headSize % 2 == 0, "RotaryEmbedding: head size must be even and positive, got \(headSize)")
    require(maxLength > 0, "RotaryEmbedding: maxLength must be positive, got \(maxLength)")
    self.headSize = headSize
    self.maxLength = maxLength
    self.base = base
    let half = headSize / 2
    var c = [Float](repeating: 0, count: maxLength * half), s = c
    for t in 0..<maxLength {
      for i in 0..<half {
        let angle = Double(t) * RotaryEmbedding.frequency(pair: i, headSize: headSize, base: base)
        c[t * half + i] = Float(Foundation.cos(angle))
        s[t * half + i] = Float(Foundation.sin(angle))
      }
    }
    cosTable = c
    sinTable = s
  }

  /// θᵢ = base^(−2i/head_size): pair 0 turns by one radian per position, the last pair barely at all.
  public static func frequency(pair i: Int, headSize: Int, base: Double = 10_000) -> Double {
    Foundation.pow(base, -2 * Double(i) / Double(headSize))
  }

  /// Rotates `x` of shape (B, T, width), T ≤ `maxLength`: its first `rotatedWidth` columns
  /// (default: all) are consecutive heads of `headSize` features, each rotated by its position
  /// `t`; the remaining columns are copied unchanged (so a (B, T, 3C) q|k|v tensor can rotate q and
  /// k with `rotatedWidth: 2C` and pass v through). One node; backward rotates the gradient back.
  public func callAsFunction(_ x: Tensor, rotatedWidth: Int? = nil) -> Tensor {
    let w = x.rank == 3 ? x.shape[2] : -1
    let rotated = rotatedWidth ?? w
    checkInput(x.rank == 3 && x.shape[1] <= maxLength && rotated >= 0 && rotated <= w && rotated % headSize == 0,
               "RotaryEmbedding(head \(headSize), max \(maxLength))",
               "expects (B, T ≤ \(maxLength), width) rotating a multiple of \(headSize) columns, got shape \(x.shape) rotating \(rotated)")
    let (rows, t) = (x.shape[0] * x.shape[1], x.shape[1])
    let (hs, cosT, sinT) = (headSize, cosTable, sinTable)
    let xc = x.contiguous()
    let out = xc.withUnsafeBufferPointer { src in
      Tensor(shape: xc.shape) { dst in
        RotaryEmbedding.rotate(src.baseAddress!, dst.baseAddress!, rows: rows, t: t, width: w, rotated: rotated,
                               headSize: hs, cos: cosT, sin: sinT, inverse: false)
      }
    }
    return Tensor.customOp("rotaryEmbedding", inputs: [xc], output: out, freshGradients: true) { g, _ in
      [g.withUnsafeBufferPointer { gb in
        Tensor(shape: g.shape) { db in
          RotaryEmbedding.rotate(gb.baseAddress!, db.baseAddress!, rows: rows, t: t, width: w, rotated: rotated,
                                 headSize: hs, cos: cosT, sin: sinT, inverse: true)
        }
      }]
    }
  }

  /// The loop of both passes: row `r` is position `r mod t`; `inverse` rotates by −angle (the
  /// transpose of the rotation, i.e. the backward pass).
  static func rotate(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Int, t: Int, width: Int,
                     rotated: Int, headSize: Int, cos: [Float], sin: [Float], inverse: Bool) {
    let half = headSize / 2, sign: Float = inverse ? -1 : 1
    cos.withUnsafeBufferPointer { cb in
      sin.withUnsafeBufferPointer { sb in
        for r in 0..<rows {
          let x = src + r * width, y = dst + r * width
          let c = cb.baseAddress! + (r % t) * half, s = sb.baseAddress! + (r % t) * half
          var h = 0
          while h < rotated {
            for i in 0..<half {
              let a = x[h + 2 * i], b = x[h + 2 * i + 1], si = sign * s[i]
              y[h + 2 * i] = a * c[i] - b * si
              y[h + 2 * i + 1] = a * si + b * c[i]
            }
            h += headSize
          }
          if rotated < width { (y + rotated).update(from: x + rotated, count: width - rotated) }
        }
      }
    }
  }
}

/// Batched causal self-attention with rotary positions: `CausalSelfAttention` (one C → 3C
/// projection, every head at once, the fused attention node) with q and k rotated by their
/// positions before the scores are taken. No attention dropout (the exercise runs without).
public final class RotaryCausalSelfAttention: Layer {
  /// q, k, v projection (C → 3C).
  public let qkv: Linear
  /// Output projection (C → C).
  public let proj: Linear
  /// Number of heads.
  public let numHeads: Int
  /// The rotation tables (head size C/heads, `blockSize` positions).
  public let rotary: RotaryEmbedding
  /// Unused (no dropout); kept for `train()` / `eval()`.
  public var training = true

  /// `qkv` then `proj` (PyTorch default init), as `CausalSelfAttention` builds them.
  public init(embedding: Int, numHeads: Int, blockSize: Int, qkvBias: Bool = false, layout: Linear.Layout = .outByIn,
              generator: inout TorchGenerator) {
    require(embedding % numHeads == 0, "RotaryCausalSelfAttention: n_embd \(embedding) is not a multiple of \(numHeads) heads")
    qkv = Linear(embedding, 3 * embedding, bias: qkvBias, layout: layout, generator: &generator)
    proj = Linear(embedding, embedding, layout: layout, generator: &generator)
    self.numHeads = numHeads
    rotary = RotaryEmbedding(headSize: embedding / numHeads, maxLength: blockSize)
  }

  /// (B, T, C) → (B, T, C): q|k|v, rotate q and k, fused causal attention, projection.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let c = qkv.inFeatures
    checkInput(x.rank == 3 && x.shape[1] <= rotary.maxLength && x.shape[2] == c, "RotaryCausalSelfAttention",
               "expects (B, T ≤ \(rotary.maxLength), \(c)), got shape \(x.shape)")
    let qkvRotated = rotary(qkv(x), rotatedWidth: 2 * c)
    return proj(fusedCausalAttention(qkvRotated, heads: numHeads))
  }

  /// `qkv`, `proj`.
  public var children: [(name: String, module: any Module)] { [("qkv", qkv), ("proj", proj)] }
}

/// Lecture 7's GPT with rotary positions instead of the learned position table (lecture 7's
/// exercise 4): token embedding, `layers` `Block`s around `RotaryCausalSelfAttention`, final LayerNorm, language-model head.
/// It has `block_size × n_embd` fewer parameters than `GPTLanguageModel` of the same config, and
/// positions enter only through the rotation of queries and keys. No dropout.
public final class RotaryGPT: IndexLayer {
  /// The configuration (its `attention`, `scale` and `dropout` are not used).
  public let config: GPTConfig
  /// Token embeddings (vocab, C).
  public let tokenEmbedding: Embedding
  /// The blocks ("blocks.0", …).
  public let blocks: Sequential
  /// Final LayerNorm.
  public let lnF: LayerNorm
  /// Logits projection (C → vocab).
  public let lmHead: Linear
  /// Unused (no dropout); kept for `train()` / `eval()`.
  public var training = true

  /// Built in `GPTLanguageModel`'s order (without the position table); with `gptInit`, every
  /// Linear weight and the embedding re-drawn N(0, 0.02) in module order, biases zero.
  public init(_ config: GPTConfig, gptInit: Bool = true, generator: inout TorchGenerator) {
    require(config.dropout == 0, "RotaryGPT: dropout is not supported (got \(config.dropout))")
    self.config = config
    tokenEmbedding = Embedding(config.vocabSize, config.embedding, generator: &generator)
    var bs: [any Module] = []
    for _ in 0..<config.layers {
      let attention = RotaryCausalSelfAttention(embedding: config.embedding, numHeads: config.heads, blockSize: config.blockSize,
                                                qkvBias: config.qkvBias, layout: config.linearLayout, generator: &generator)
      bs.append(Block(attention: attention, config, generator: &generator))
    }
    blocks = Sequential(bs)
    lnF = LayerNorm(config.embedding)
    lmHead = Linear(config.embedding, config.vocabSize, layout: config.linearLayout, generator: &generator)
    if gptInit { reinitialiseLikeGPT(self, generator: &generator) }
  }

  /// Logits (B, T, vocab) for token ids (B, T), T ≤ block size: no position table is added.
  public func callAsFunction(_ indices: IntTensor) -> Tensor {
    checkInput(indices.rank == 2 && indices.shape[1] <= config.blockSize, "RotaryGPT",
               "expects ids of shape (B, T ≤ \(config.blockSize)), got \(indices.shape)")
    return lmHead(lnF(blocks(tokenEmbedding(indices))))
  }

  /// Mean cross-entropy of the next-token predictions against `targets` (B, T).
  public func loss(_ indices: IntTensor, targets: IntTensor) -> Tensor {
    nextTokenLoss(self(indices), targets: targets)
  }

  /// `token_embedding_table`, `blocks`, `ln_f`, `lm_head` (gpt.py's names, no position table).
  public var children: [(name: String, module: any Module)] {
    [("token_embedding_table", tokenEmbedding), ("blocks", blocks), ("ln_f", lnF), ("lm_head", lmHead)]
  }
}
