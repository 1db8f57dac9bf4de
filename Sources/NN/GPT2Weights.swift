import Foundation
import Random
import Tensor

// OpenAI's GPT-2 weights in Hugging Face's layout (`model.safetensors` of the `gpt2` repository):
// the same names as `GPT2.namedParameters()`, optionally prefixed `transformer.` (a saved
// `GPT2LMHeadModel`), with one difference that build-nanogpt's `from_pretrained` handles by
// hand — the four projection matrices of every block come from OpenAI's TensorFlow code as
// `Conv1D` modules that store the weight (in, out), where `nn.Linear` stores (out, in):
//
//   h.<i>.attn.c_attn.weight  (C, 3C)   h.<i>.attn.c_proj.weight (C, C)
//   h.<i>.mlp.c_fc.weight     (C, 4C)   h.<i>.mlp.c_proj.weight  (4C, C)
//
// are transposed on load. `lm_head.weight`, when present, must equal `wte.weight` (tied), and
// the causal-mask buffers `attn.bias` / `attn.masked_bias` of older checkpoints are ignored.

extension SafeTensorsError {
  /// The file's `lm_head.weight` is not `wte.weight`: the checkpoint is not a tied GPT-2.
  static func untiedHead(_ index: Int, _ a: Float, _ b: Float) -> SafeTensorsError {
    .badBuffer(tensor: "lm_head.weight", "differs from wte.weight at element \(index) (\(a) vs \(b)); GPT-2 ties them")
  }
}

extension GPT2 {
  /// Name suffixes of the weights Hugging Face stores (in, out) (OpenAI's `Conv1D`).
  public static let conv1DWeightSuffixes = ["attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight"]

  /// Whether the parameter `name` is a `Conv1D` weight, stored transposed in Hugging Face's layout.
  public static func isConv1DWeight(_ name: String) -> Bool {
    name.hasPrefix("h.") && conv1DWeightSuffixes.contains { name.hasSuffix("." + $0) }
  }

  /// Every parameter in Hugging Face's layout, in `namedParameters()` order: the Conv1D weights
  /// transposed to (in, out), the others as they are (shared, not copied). `prefix` is prepended
  /// to every name (`"transformer."` as a saved `GPT2LMHeadModel`); `lmHead` adds a tied
  /// `lm_head.weight` (a second copy of wte, as `state_dict()` lists it).
  public func huggingFaceTensors(prefix: String = "", lmHead: Bool = false) -> [(name: String, tensor: Tensor)] {
    var result = namedParameters().map { p -> (name: String, tensor: Tensor) in
      (prefix + p.name, Self.isConv1DWeight(p.name) ? Tensor(transposed(p.tensor.scalars, rows: p.tensor.shape[0], cols: p.tensor.shape[1]), shape: Array(p.tensor.shape.reversed())) : p.tensor)
    }
    if lmHead { result.append(("lm_head.weight", wte.weight)) }
    return result
  }

  /// Writes the weights as a Hugging Face GPT-2 `model.safetensors` (see `huggingFaceTensors`),
  /// atomically, with `{"format": "pt"}` metadata.
  public func saveHuggingFace(to url: URL, prefix: String = "", lmHead: Bool = false) throws(SafeTensorsError) {
    try SafeTensors.save(huggingFaceTensors(prefix: prefix, lmHead: lmHead), metadata: ["format": "pt"], to: url)
  }

  /// Copies weights from a Hugging Face GPT-2 safetensors file into this model. Every tensor is
  /// checked first — names (missing or extra), shapes (Conv1D weights expected (in, out)),
  /// dtypes, the tied lm_head — and the model is changed only when all of them are right.
  public func load(safetensors file: SafeTensorsFile) throws(SafeTensorsError) {
    let params = namedParameters()
    let wanted = Set(params.map(\.name))
    // The file's names as this model's: `transformer.` dropped, mask buffers ignored.
    var byName: [String: SafeTensorsEntry] = [:]
    var lmHead: SafeTensorsEntry?
    var unexpected: [String] = []
    for e in file.entries {
      let name = e.name.hasPrefix("transformer.") ? String(e.name.dropFirst("transformer.".count)) : e.name
      if name.hasPrefix("h.") && (name.hasSuffix(".attn.bias") || name.hasSuffix(".attn.masked_bias")) { continue }
      if name == "lm_head.weight" { lmHead = e; continue }
      if wanted.contains(name) && byName[name] == nil { byName[name] = e } else { unexpected.append(e.name) }
    }
    let missing = params.map(\.name).filter { byName[$0] == nil }
    if !missing.isEmpty { throw .missingTensors(missing) }
    if !unexpected.isEmpty { throw .unexpectedTensors(unexpected) }
    for (name, tensor) in params {
      let e = byName[name]!
      let expected = Self.isConv1DWeight(name) ? Array(tensor.shape.reversed()) : tensor.shape
      if e.shape != expected { throw .shapeMismatch(tensor: e.name, expected: expected, found: e.shape) }
      if !e.dtype.isReadAsFloat { throw .unsupportedDType(tensor: e.name, dtype: e.dtype.rawValue) }
    }
    if let head = lmHead {
      if head.shape != wte.weight.shape { throw .shapeMismatch(tensor: head.name, expected: wte.weight.shape, found: head.shape) }
      if !head.dtype.isReadAsFloat { throw .unsupportedDType(tensor: head.name, dtype: head.dtype.rawValue) }
      let a = try file.floats(head.name), b = try file.floats(byName["wte.weight"]!.name)
      if let i = a.indices.first(where: { a[$0] != b[$0] }) { throw .untiedHead(i, a[i], b[i]) }
    }
    // Everything checked: copy.
    for (name, tensor) in params {
      let values = try file.floats(byName[name]!.name)
      tensor.withUnsafeMutableBufferPointer { dst in
        if Self.isConv1DWeight(name) {
          let (rows, cols) = (tensor.shape[0], tensor.shape[1])  // ours (out, in); the file's (in, out)
          for r in 0..<rows { for c in 0..<cols { dst[r * cols + c] = values[c * rows + r] } }
        } else {
          for i in dst.indices { dst[i] = values[i] }
        }
      }
    }
  }

  /// `load(safetensors:)` from a file.
  public func load(safetensors url: URL) throws(SafeTensorsError) {
    try load(safetensors: SafeTensorsFile(contentsOf: url))
  }

  /// The configuration of a Hugging Face GPT-2 checkpoint: vocabulary, context, width and depth
  /// from the tensors' shapes; heads from `config.json` beside the file (`n_head`) when there is
  /// one, else from the width of the OpenAI size it matches (768 → 12, 1024 → 16, 1280 → 20,
  /// 1600 → 25), else `heads`.
  public static func huggingFaceConfig(_ file: SafeTensorsFile, configJSON: URL? = nil,
                                       heads: Int? = nil) throws(SafeTensorsError) -> GPT2Config {
    func entry(_ name: String) -> SafeTensorsEntry? { file.entry(name) ?? file.entry("transformer." + name) }
    guard let wte = entry("wte.weight") else { throw .missingTensors(["wte.weight"]) }
    guard let wpe = entry("wpe.weight") else { throw .missingTensors(["wpe.weight"]) }
    guard wte.shape.count == 2 else { throw .shapeMismatch(tensor: wte.name, expected: [-1, -1], found: wte.shape) }
    guard wpe.shape.count == 2 && wpe.shape[1] == wte.shape[1] else {
      throw .shapeMismatch(tensor: wpe.name, expected: [-1, wte.shape[1]], found: wpe.shape)
    }
    var layers = 0
    while entry("h.\(layers).ln_1.weight") != nil { layers += 1 }
    let c = wte.shape[1]
    var n = heads
    if n == nil, let url = configJSON, let data = try? Data(contentsOf: url),
       let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
      n = (json["n_head"] as? NSNumber)?.intValue
    }
    if n == nil { n = GPT2Config.openAISizes.first { $0.config.embedding == c }?.config.heads }
    guard let h = n, h > 0, c % h == 0 else {
      throw .badHeader("cannot tell the number of heads of a \(c)-wide model: pass heads or put its config.json beside the file")
    }
    return GPT2Config(vocabSize: wte.shape[0], blockSize: wpe.shape[0], layers: layers, heads: h, embedding: c)
  }

  /// A GPT-2 with the weights of a Hugging Face checkpoint: `url` is a `model.safetensors` file
  /// or a directory holding one (and its `config.json`). The configuration comes from the file
  /// (`huggingFaceConfig`).
  public convenience init(huggingFace url: URL, heads: Int? = nil) throws(SafeTensorsError) {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
    guard exists else { throw .io("no such file or directory: \(url.path)") }
    let fileURL = isDirectory.boolValue ? url.appendingPathComponent("model.safetensors") : url
    let file = try SafeTensorsFile(contentsOf: fileURL)
    let config = try Self.huggingFaceConfig(file, configJSON: fileURL.deletingLastPathComponent().appendingPathComponent("config.json"),
                                            heads: heads)
    var unused = TorchGenerator(seed: 0)
    self.init(config, generator: &unused, matchTorchDraws: false)
    try load(safetensors: file)
  }
}
