import Foundation
import Tensor

// llm.c's file formats (github.com/karpathy/llm.c, `train_gpt2.c`), so its CPU trainer can run on
// the very weights and tokens our GPT-2 uses, side by side:
//
// - model, `gpt2_124M.bin`: 256 int32 header — magic 20240326, version 3 (float32, padded
//   vocabulary), max_seq_len, vocab_size, num_layers, num_heads, channels, padded_vocab_size, zeros —
//   then the float32 parameters as 16 tensors, each layer's copies stacked: wte (Vp, C) with the
//   padding rows zero, wpe (T, C), ln1w (L, C), ln1b, qkvw (L, 3C, C), qkvb (L, 3C), attprojw
//   (L, C, C), attprojb, ln2w, ln2b, fcw (L, 4C, C), fcb (L, 4C), fcprojw (L, C, 4C), fcprojb,
//   lnfw (C), lnfb (C). Matrices are (out, in), as nn.Linear and our layout.
// - tokens, `*_train.bin`: 256 int32 header — magic 20240520, version 1, token count — then the
//   tokens as uint16.

/// llm.c's GPT-2 checkpoint and token files.
public enum LLMC {
  /// The model file's magic number (`model_header[0]`).
  public static let modelMagic: Int32 = 20240326
  /// The version of float32 weights with a padded vocabulary (`model_header[1]`).
  public static let modelVersion: Int32 = 3
  /// The token file's magic number.
  public static let tokensMagic: Int32 = 20240520

  /// llm.c's 16 parameter tensors in file order, with their sizes for `config` (vocabulary padded
  /// to `paddedVocabSize`) and the names of our parameters each one stacks (`h.<i>.…` for every
  /// layer in order). The sizes sum to `config.withVocabulary(config.paddedVocabSize).parameterCount`.
  public static func parameterLayout(_ config: GPT2Config) -> [(name: String, count: Int, sources: [String])] {
    let c = config.embedding, l = config.layers
    func stacked(_ suffix: String) -> [String] { (0..<l).map { "h.\($0).\(suffix)" } }
    return [
      ("wte", config.paddedVocabSize * c, ["wte.weight"]),
      ("wpe", config.blockSize * c, ["wpe.weight"]),
      ("ln1w", l * c, stacked("ln_1.weight")),
      ("ln1b", l * c, stacked("ln_1.bias")),
      ("qkvw", l * 3 * c * c, stacked("attn.c_attn.weight")),
      ("qkvb", l * 3 * c, stacked("attn.c_attn.bias")),
      ("attprojw", l * c * c, stacked("attn.c_proj.weight")),
      ("attprojb", l * c, stacked("attn.c_proj.bias")),
      ("ln2w", l * c, stacked("ln_2.weight")),
      ("ln2b", l * c, stacked("ln_2.bias")),
      ("fcw", l * 4 * c * c, stacked("mlp.c_fc.weight")),
      ("fcb", l * 4 * c, stacked("mlp.c_fc.bias")),
      ("fcprojw", l * 4 * c * c, stacked("mlp.c_proj.weight")),
      ("fcprojb", l * c, stacked("mlp.c_proj.bias")),
      ("lnfw", c, ["ln_f.weight"]),
      ("lnfb", c, ["ln_f.bias"]),
    ]
  }

  /// The 256-int32 model header for `config`.
  public static func modelHeader(_ config: GPT2Config) -> [Int32] {
    var h = [Int32](repeating: 0, count: 256)
    h[0] = modelMagic
    h[1] = modelVersion
    h[2] = Int32(config.blockSize)
    h[3] = Int32(config.vocabSize)
    h[4] = Int32(config.layers)
    h[5] = Int32(config.heads)
    h[6] = Int32(config.embedding)
    h[7] = Int32(config.paddedVocabSize)
    return h
  }

  /// Writes `model` as llm.c's `gpt2_124M.bin` (version 3: float32, vocabulary padded with zero
  /// rows to a multiple of 128), atomically. `train_gpt2.c` then starts from these exact weights.
  public static func saveModel(_ model: GPT2, to url: URL) throws(SafeTensorsError) {
    let config = model.config
    let params = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })
    do {
      try writeAtomically(url) { sink in
        modelHeader(config).map(\.littleEndian).withUnsafeBytes { sink($0) }
        for (name, _, sources) in parameterLayout(config) {
          for s in sources {
            params[s]!.contiguous().withUnsafeBufferPointer { sink(UnsafeRawBufferPointer($0)) }
          }
          if name == "wte" && config.paddedVocabSize > config.vocabSize {
            [Float](repeating: 0, count: (config.paddedVocabSize - config.vocabSize) * config.embedding).withUnsafeBytes { sink($0) }
          }
        }
      }
    } catch { throw .io(error.message) }
  }

  /// Writes token ids as llm.c's data file (header then uint16 tokens), atomically; ids must be
  /// below 65,536 (GPT-2's are below 50,257).
  public static func saveTokens(_ tokens: [Int], to url: URL) throws(SafeTensorsError) {
    if let bad = tokens.firstIndex(where: { $0 < 0 || $0 > Int(UInt16.max) }) {
      throw .badBuffer(tensor: "tokens", "token \(tokens[bad]) at index \(bad) does not fit uint16")
    }
    var header = [Int32](repeating: 0, count: 256)
    header[0] = tokensMagic
    header[1] = 1
    header[2] = Int32(truncatingIfNeeded: tokens.count)
    do {
      try writeAtomically(url) { sink in
        header.map(\.littleEndian).withUnsafeBytes { sink($0) }
        tokens.map { UInt16($0).littleEndian }.withUnsafeBytes { sink($0) }
      }
    } catch { throw .io(error.message) }
  }
}
