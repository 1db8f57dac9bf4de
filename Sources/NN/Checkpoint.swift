import Foundation
import Random
import Tensor

// Checkpoint file format, version 2 (all integers little-endian):
//
//   magic     8 bytes   "Z2HCKPT\0"
//   version   UInt32    2
//   count     UInt32    number of entries
//   count times:
//     nameLen UInt32, name (UTF-8, nameLen bytes)
//     kind    UInt8     0 = Float32, 1 = Int64
//     rank    UInt32, dims (UInt64 × rank)
//     data    Float32 or Int64 × product(dims), row-major
//   checksum  UInt32    CRC-32 (IEEE, as zlib) of every byte before it
//
// Version 1 (still read) had no kind byte: every entry was Float32.
//
// Entry names: a model's parameters and buffers by their module names (`0.weight`,
// `blocks.0.ln1.bias`); optimiser state as `optimizer:<i>.exp_avg`, `optimizer:<i>.step`, …;
// the training position as `training:step`, `training:generator`, `training:<counter>`. Module
// names never contain a colon, so the three never collide.
//
// Saving streams the entries through a 64 KiB buffer into a temporary file next to the target,
// flushes it to disk and renames it over the target: a crash leaves the old file or the new one,
// never half of one. Loading maps the file, checks the whole of it (magic, version, structure,
// checksum, every name and shape against the model and optimiser) and only then copies, so a bad
// file never leaves a model half loaded.

/// Why a checkpoint could not be read or does not fit the model.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  /// The file ended before the structure said it would (or a size field was damaged).
  case truncated(expectedAtLeast: Int, actual: Int)
  /// The file does not start with the checkpoint magic.
  case badMagic
  /// A format version this code does not read.
  case unsupportedVersion(UInt32)
  /// The stored CRC-32 differs from the contents' (the file was altered or damaged).
  case checksumMismatch(stored: UInt32, computed: UInt32)
  /// Bytes after the checksum or an implausible field (negative size, bad UTF-8 name, duplicate).
  case malformed(String)
  /// Tensors the model (or optimiser) has but the file does not.
  case missingTensors([String])
  /// Tensors the file has but the model (or optimiser) does not.
  case unexpectedTensors([String])
  /// A tensor whose stored shape differs from the model's.
  case shapeMismatch(name: String, expected: [Int], found: [Int])
  /// The file could not be read or written.
  case io(String)

  /// A one-line explanation naming the problem.
  public var description: String {
    switch self {
    case let .truncated(e, a): "checkpoint is truncated: needs at least \(e) bytes, has \(a)"
    case .badMagic: "not a checkpoint file (bad magic; expected \"Z2HCKPT\")"
    case let .unsupportedVersion(v): "unsupported checkpoint version \(v) (this build reads versions 1 and 2)"
    case let .checksumMismatch(s, c): "checkpoint is corrupt: stored CRC-32 \(hex(s)), contents give \(hex(c))"
    case let .malformed(m): "checkpoint is malformed: \(m)"
    case let .missingTensors(n): "checkpoint lacks tensors the model has: \(n.joined(separator: ", "))"
    case let .unexpectedTensors(n): "checkpoint has tensors the model does not: \(n.joined(separator: ", "))"
    case let .shapeMismatch(n, e, f): "checkpoint tensor \(n) has shape \(f), the model expects \(e)"
    case let .io(m): "checkpoint I/O error: \(m)"
    }
  }
}

private func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16, uppercase: false) }

/// Where a training run stands, beyond its weights and optimiser: what a resumed run needs to take
/// exactly the step an uninterrupted run would take next.
public struct TrainingState {
  /// Optimiser steps completed: the index of the next step, which is also the learning-rate
  /// schedule's position (`schedule.learningRate(at: step)`).
  public var step: Int
  /// The generator batches (and dropout masks) are drawn from, mid-stream.
  public var generator: TorchGenerator?
  /// Any other position a loop keeps (a data loader's offset, tokens seen), by name.
  public var counters: [String: Int]

  /// A training position.
  public init(step: Int, generator: TorchGenerator? = nil, counters: [String: Int] = [:]) {
    self.step = step
    self.generator = generator
    self.counters = counters
  }
}

/// One stored entry: a float tensor (parameters, buffers, moments) or 64-bit integers (counters,
/// generator state).
public struct CheckpointEntry {
  /// The stored values.
  public enum Values: Equatable {
    /// Float32 values (row-major).
    case float([Float])
    /// Int64 values (row-major).
    case int64([Int64])
  }
  /// The entry's name (see the format comment: module names, `optimizer:…`, `training:…`).
  public var name: String
  /// Its shape.
  public var shape: [Int]
  /// Its values.
  public var values: Values

  /// The float values (empty for an integer entry).
  public var floats: [Float] { if case let .float(v) = values { v } else { [] } }
  /// The integer values (empty for a float entry).
  public var integers: [Int64] { if case let .int64(v) = values { v } else { [] } }
}

/// Saving and loading a module's parameters and buffers, and optionally an optimiser's state and
/// the training position, so that a stopped run resumes where it was.
public enum Checkpoint {
  /// The 8 bytes every checkpoint starts with.
  public static let magic: [UInt8] = Array("Z2HCKPT".utf8) + [0]
  /// The format version written.
  public static let version: UInt32 = 2
  /// Name prefix of optimiser entries.
  static let optimizerPrefix = "optimizer:"
  /// Name prefix of training-position entries.
  static let trainingPrefix = "training:"

  // MARK: Saving

  /// Writes `module`'s parameters and buffers — and, when given, `optimizer`'s state and the
  /// training position — to `url`, atomically (a temporary file renamed over `url`).
  public static func save(_ module: any Module, optimizer: (any Optimizer)? = nil, training: TrainingState? = nil,
                          to url: URL) throws(CheckpointError) {
    let items = entries(module, optimizer: optimizer, training: training)
    do {
      try writeAtomically(url) { sink in
        withoutActuallyEscaping(sink) { sink in
          var writer = StreamWriter(sink: sink)
          serialize(items, into: &writer)
          writer.finish()
        }
      }
    } catch {
      throw .io(error.message)
    }
  }

  /// Serialises named float tensors in the documented format (in memory; `save` streams instead).
  public static func encode(_ tensors: [(name: String, tensor: Tensor)]) -> [UInt8] {
    encode(tensors.map { Item(name: $0.name, source: .tensor($0.tensor)) })
  }

  /// Serialises a model with optimiser state and training position (in memory).
  public static func encode(_ module: any Module, optimizer: (any Optimizer)? = nil, training: TrainingState? = nil) -> [UInt8] {
    encode(entries(module, optimizer: optimizer, training: training))
  }

  private static func encode(_ items: [Item]) -> [UInt8] {
    var out: [UInt8] = []
    var writer = StreamWriter { out.append(contentsOf: $0) }
    serialize(items, into: &writer)
    writer.finish()
    return out
  }

  /// What a save writes: one entry per model tensor, optimiser buffer and counter, training field.
  private struct Item {
    enum Source { case tensor(Tensor), integers([Int64], shape: [Int]) }
    let name: String
    let source: Source
  }

  private static func entries(_ module: any Module, optimizer: (any Optimizer)?, training: TrainingState?) -> [Item] {
    var items = module.namedState().map { Item(name: $0.name, source: .tensor($0.tensor)) }
    if let state = optimizer?.exportState() {
      items += state.tensors.map { Item(name: optimizerPrefix + $0.name, source: .tensor($0.tensor)) }
      items += state.counters.map { Item(name: optimizerPrefix + $0.name, source: .integers([Int64($0.value)], shape: [])) }
    }
    if let training {
      items.append(Item(name: trainingPrefix + "step", source: .integers([Int64(training.step)], shape: [])))
      if let g = training.generator {
        let words = g.stateWords.map { Int64(bitPattern: $0) }
        items.append(Item(name: trainingPrefix + "generator", source: .integers(words, shape: [words.count])))
      }
      for (name, value) in training.counters.sorted(by: { $0.key < $1.key }) {
        items.append(Item(name: trainingPrefix + "counter." + name, source: .integers([Int64(value)], shape: [])))
      }
    }
    return items
  }

  private static func serialize(_ items: [Item], into w: inout StreamWriter) {
    w.write(magic)
    w.u32(version)
    w.u32(UInt32(items.count))
    for item in items {
      let bytes = Array(item.name.utf8)
      w.u32(UInt32(bytes.count))
      w.write(bytes)
      switch item.source {
      case let .tensor(t):
        w.u8(0)
        w.u32(UInt32(t.rank))
        for d in t.shape { w.u64(UInt64(d)) }
        t.withUnsafeBufferPointer { b in
          if isLittleEndian {
            w.write(UnsafeRawBufferPointer(b))
          } else {
            for x in b { w.u32(x.bitPattern) }
          }
        }
      case let .integers(values, shape):
        w.u8(1)
        w.u32(UInt32(shape.count))
        for d in shape { w.u64(UInt64(d)) }
        for v in values { w.u64(UInt64(bitPattern: v)) }
      }
    }
  }

  // MARK: Loading

  /// Parses and verifies a checkpoint into its entries, in file order.
  public static func decode(_ bytes: [UInt8]) throws(CheckpointError) -> [CheckpointEntry] {
    let result: Result<[CheckpointEntry], CheckpointError> = bytes.withUnsafeBytes { raw in
      do throws(CheckpointError) { return .success(try decode(raw)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// Parses and verifies a checkpoint held in raw memory (a mapped file).
  static func decode(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) -> [CheckpointEntry] {
    let header = magic.count + 8
    let prefixCount = Swift.min(bytes.count, magic.count)
    guard Array(bytes.prefix(prefixCount)) == Array(magic.prefix(prefixCount)) else { throw .badMagic }
    guard bytes.count >= header + 4 else { throw .truncated(expectedAtLeast: header + 4, actual: bytes.count) }
    // The body is everything before the trailing checksum; reads past it mean a short file.
    var r = Reader(bytes: bytes, end: bytes.count - 4, position: magic.count)
    let v = try r.u32()
    guard v == 1 || v == 2 else { throw .unsupportedVersion(v) }
    let count = Int(try r.u32())
    var result: [CheckpointEntry] = []
    var problem: String?
    var seen = Set<String>()
    for _ in 0..<count {
      let nameBytes = try r.bytes(Int(try r.u32()))
      let name = String(decoding: nameBytes, as: UTF8.self)
      if name.isEmpty || Array(name.utf8) != Array(nameBytes) { problem = problem ?? "a tensor name is not valid UTF-8" }
      if !seen.insert(name).inserted { problem = problem ?? "tensor \(name) appears twice" }
      let kind = v == 1 ? 0 : try r.u8()
      guard kind <= 1 else { throw .malformed("entry \(name) has unknown kind \(kind)") }
      let rank = Int(try r.u32())
      guard rank <= 64 else { throw .malformed("entry \(name) has rank \(rank)") }
      var shape: [Int] = []
      var n = 1
      for _ in 0..<rank {
        let d = try r.u64()
        guard d <= UInt64(bytes.count) else { throw .truncated(expectedAtLeast: Int(clamping: d), actual: bytes.count) }
        shape.append(Int(d))
        n *= Int(d)
        guard n <= bytes.count else { throw .truncated(expectedAtLeast: n * 4, actual: bytes.count) }
      }
      if kind == 0 {
        let raw = try r.bytes(n * 4)
        let values = [Float](unsafeUninitializedCapacity: n) { dst, initialized in
          if isLittleEndian {
            UnsafeMutableRawBufferPointer(dst).copyMemory(from: raw)
          } else {
            for i in 0..<n { dst[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
          }
          initialized = n
        }
        result.append(CheckpointEntry(name: name, shape: shape, values: .float(values)))
      } else {
        let raw = try r.bytes(n * 8)
        let values = (0..<n).map { Int64(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        result.append(CheckpointEntry(name: name, shape: shape, values: .int64(values)))
      }
    }
    let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self))
    let computed = crc32(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 4)]))
    guard stored == computed else { throw .checksumMismatch(stored: stored, computed: computed) }
    guard r.position == r.end else { throw .malformed("\(r.end - r.position) unexpected bytes before the checksum") }
    if let problem { throw .malformed(problem) }
    return result
  }

  /// Reads `url` into `module` (and `optimizer`'s state, when given) and returns the training
  /// position stored with it, if any. Every model name and shape must match exactly (no missing, no
  /// extra tensors); with an optimiser, its whole state must be present. Nothing is changed unless
  /// the whole file is valid and fits.
  @discardableResult
  public static func load(_ module: any Module, optimizer: (any Optimizer)? = nil, from url: URL) throws(CheckpointError) -> TrainingState? {
    let data: Data
    do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
      throw .io("cannot read \(url.path): \(error.localizedDescription)")
    }
    let result: Result<[CheckpointEntry], CheckpointError> = data.withUnsafeBytes { raw in
      do throws(CheckpointError) { return .success(try decode(raw)) } catch { return .failure(error) }
    }
    return try apply(try result.get(), to: module, optimizer: optimizer)
  }

  /// `load` from bytes in memory.
  @discardableResult
  public static func load(_ module: any Module, optimizer: (any Optimizer)? = nil, bytes: [UInt8]) throws(CheckpointError) -> TrainingState? {
    try apply(try decode(bytes), to: module, optimizer: optimizer)
  }

  private static func apply(_ entries: [CheckpointEntry], to module: any Module,
                            optimizer: (any Optimizer)?) throws(CheckpointError) -> TrainingState? {
    let modelEntries = entries.filter { !$0.name.hasPrefix(optimizerPrefix) && !$0.name.hasPrefix(trainingPrefix) }
    let targets = module.namedState()
    let stored = Dictionary(modelEntries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let targetNames = Set(targets.map(\.name))
    let missing = targets.map(\.name).filter { stored[$0] == nil }
    if !missing.isEmpty { throw .missingTensors(missing) }
    let extra = modelEntries.map(\.name).filter { !targetNames.contains($0) }
    if !extra.isEmpty { throw .unexpectedTensors(extra) }
    for (name, t) in targets {
      let e = stored[name]!
      guard case .float = e.values else { throw .malformed("model tensor \(name) is stored as integers") }
      if e.shape != t.shape { throw .shapeMismatch(name: name, expected: t.shape, found: e.shape) }
    }
    // Optimiser state, checked before anything is copied.
    var optimizerState: OptimizerState?
    if let optimizer {
      var state = OptimizerState()
      for e in entries where e.name.hasPrefix(optimizerPrefix) {
        let name = String(e.name.dropFirst(optimizerPrefix.count))
        switch e.values {
        case let .float(v): state.tensors.append((name, Tensor(v, shape: e.shape)))
        case let .int64(v):
          guard v.count == 1 else { throw .malformed("optimizer counter \(name) holds \(v.count) values") }
          state.counters.append((name, Int(v[0])))
        }
      }
      try optimizer.checkState(state)
      optimizerState = state
    }
    let training = try trainingState(entries)
    // Everything checked: commit.
    for (name, t) in targets {
      let values = stored[name]!.floats
      t.withUnsafeMutableBufferPointer { b in _ = values.withUnsafeBufferPointer { b.update(fromContentsOf: $0) } }
    }
    if let optimizer, let optimizerState { optimizer.restoreState(optimizerState) }
    return training
  }

  private static func trainingState(_ entries: [CheckpointEntry]) throws(CheckpointError) -> TrainingState? {
    let items = entries.filter { $0.name.hasPrefix(trainingPrefix) }
    if items.isEmpty { return nil }
    func scalar(_ e: CheckpointEntry) throws(CheckpointError) -> Int {
      guard case let .int64(v) = e.values, v.count == 1 else { throw .malformed("training entry \(e.name) is not one integer") }
      return Int(v[0])
    }
    var state = TrainingState(step: 0)
    var sawStep = false
    for e in items {
      let field = String(e.name.dropFirst(trainingPrefix.count))
      if field == "step" {
        state.step = try scalar(e)
        sawStep = true
      } else if field == "generator" {
        guard case let .int64(v) = e.values, let g = TorchGenerator(stateWords: v.map { UInt64(bitPattern: $0) }) else {
          throw .malformed("training generator state is not a valid generator state")
        }
        state.generator = g
      } else if field.hasPrefix("counter.") {
        state.counters[String(field.dropFirst("counter.".count))] = try scalar(e)
      } else {
        throw .unexpectedTensors([e.name])
      }
    }
    guard sawStep else { throw .missingTensors([trainingPrefix + "step"]) }
    guard state.step >= 0 else { throw .malformed("training step \(state.step) is negative") }
    return state
  }

  private static let isLittleEndian = UInt32(1).littleEndian == 1

  /// Reads fields from the body (everything before the checksum) of a checkpoint in memory.
  private struct Reader {
    let bytes: UnsafeRawBufferPointer
    /// End of the body (the checksum follows).
    let end: Int
    var position: Int

    mutating func bytes(_ n: Int) throws(CheckpointError) -> UnsafeRawBufferPointer {
      guard n >= 0, position + n <= end else { throw .truncated(expectedAtLeast: position + n + 4, actual: bytes.count) }
      defer { position += n }
      return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }

    mutating func u8() throws(CheckpointError) -> UInt8 { try bytes(1)[0] }

    mutating func u32() throws(CheckpointError) -> UInt32 {
      UInt32(littleEndian: try bytes(4).loadUnaligned(as: UInt32.self))
    }

    mutating func u64() throws(CheckpointError) -> UInt64 {
      UInt64(littleEndian: try bytes(8).loadUnaligned(as: UInt64.self))
    }
  }
}

/// Writes bytes through a fixed 64 KiB buffer to a sink (a file, an array), keeping the running
/// CRC-32; `finish()` appends the checksum. A checkpoint is never held whole in memory.
struct StreamWriter: ~Copyable {
  private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
  private var used = 0
  private var crc: UInt32 = 0xFFFF_FFFF
  private let sink: (UnsafeRawBufferPointer) -> Void

  init(sink: @escaping (UnsafeRawBufferPointer) -> Void) { self.sink = sink }

  deinit { buffer.deallocate() }

  mutating func write(_ bytes: UnsafeRawBufferPointer) {
    crc = crc32Update(crc, bytes)
    var rest = bytes
    while !rest.isEmpty {
      let n = Swift.min(rest.count, buffer.count - used)
      UnsafeMutableRawBufferPointer(rebasing: buffer[used..<(used + n)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: rest[0..<n]))
      used += n
      rest = UnsafeRawBufferPointer(rebasing: rest[n...])
      if used == buffer.count { flush() }
    }
  }

  mutating func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { write($0) } }
  mutating func u8(_ v: UInt8) { withUnsafeBytes(of: v) { write($0) } }
  mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { write($0) } }
  mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { write($0) } }

  private mutating func flush() {
    if used > 0 { sink(UnsafeRawBufferPointer(rebasing: buffer[0..<used])) }
    used = 0
  }

  /// Appends the CRC-32 of everything written and flushes.
  mutating func finish() {
    let checksum = crc ^ 0xFFFF_FFFF
    withUnsafeBytes(of: checksum.littleEndian) { b in
      let n = b.count
      if used + n > buffer.count { flush() }
      UnsafeMutableRawBufferPointer(rebasing: buffer[used..<(used + n)]).copyMemory(from: b)
      used += n
    }
    flush()
  }
}

/// CRC-32 (IEEE 802.3 polynomial, reflected, as zlib's `crc32`).
func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
  crc32Update(0xFFFF_FFFF, bytes) ^ 0xFFFF_FFFF
}

/// Folds `bytes` into a running (pre-inverted) CRC-32, eight bytes per step (slicing-by-8).
func crc32Update(_ start: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
  var crc = start
  var i = 0
  let n = bytes.count
  crc32Tables.withUnsafeBufferPointer { t in
    while i + 8 <= n {
      let lo = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ crc
      let hi = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
      crc = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
        ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
        ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
        ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
      i += 8
    }
    while i < n {
      crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
      i += 1
    }
  }
  return crc
}

/// The eight 256-entry tables of slicing-by-8; table 0 is the classic byte-at-a-time table.
private let crc32Tables: [UInt32] = {
  var t = [UInt32](repeating: 0, count: 8 * 256)
  for i in 0..<256 {
    var c = UInt32(i)
    for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    t[i] = c
  }
  for k in 1..<8 {
    for i in 0..<256 { t[k * 256 + i] = (t[(k - 1) * 256 + i] >> 8) ^ t[Int(t[(k - 1) * 256 + i] & 0xFF)] }
  }
  return t
}()
