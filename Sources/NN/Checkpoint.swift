import Foundation
import Tensor

// Checkpoint file format, version 1 (all integers little-endian):
//
//   magic     8 bytes   "Z2HCKPT\0"
//   version   UInt32    1
//   count     UInt32    number of tensors
//   count times:
//     nameLen UInt32, name (UTF-8, nameLen bytes)
//     rank    UInt32, dims (UInt64 × rank)
//     data    Float32 × product(dims), row-major
//   checksum  UInt32    CRC-32 (IEEE, as zlib) of every byte before it
//
// Saving writes a model's parameters and buffers (`namedState()`) by name. Loading reads and
// checks the whole file into temporaries first (magic, version, checksum, every name and shape
// against the model) and only then copies into the model, so a bad file never leaves a model half
// loaded.

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
  /// Tensors the model has but the file does not.
  case missingTensors([String])
  /// Tensors the file has but the model does not.
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
    case let .unsupportedVersion(v): "unsupported checkpoint version \(v) (this build reads version 1)"
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

/// Saving and loading a module's named parameters and buffers.
public enum Checkpoint {
  /// The 8 bytes every checkpoint starts with.
  public static let magic: [UInt8] = Array("Z2HCKPT".utf8) + [0]
  /// The format version written.
  public static let version: UInt32 = 1

  /// Serialises named tensors in the documented format.
  public static func encode(_ tensors: [(name: String, tensor: Tensor)]) -> [UInt8] {
    var out = magic
    append(&out, version)
    append(&out, UInt32(tensors.count))
    for (name, t) in tensors {
      let bytes = Array(name.utf8)
      append(&out, UInt32(bytes.count))
      out += bytes
      append(&out, UInt32(t.rank))
      for d in t.shape { append(&out, UInt64(d)) }
      t.withUnsafeBufferPointer { b in for x in b { append(&out, x.bitPattern) } }
    }
    append(&out, crc32(out[...]))
    return out
  }

  /// Parses and verifies a checkpoint into (name, shape, values) in file order.
  public static func decode(_ bytes: [UInt8]) throws(CheckpointError) -> [(name: String, shape: [Int], values: [Float])] {
    let header = magic.count + 8
    let prefix = Array(bytes.prefix(magic.count))
    guard prefix == Array(magic.prefix(prefix.count)) else { throw .badMagic }
    guard bytes.count >= header + 4 else { throw .truncated(expectedAtLeast: header + 4, actual: bytes.count) }
    // The body is everything before the trailing checksum; reads past it mean a short file.
    var r = Reader(bytes: bytes, end: bytes.count - 4, position: magic.count)
    let v = try r.u32()
    guard v == version else { throw .unsupportedVersion(v) }
    let count = Int(try r.u32())
    var result: [(name: String, shape: [Int], values: [Float])] = []
    var problem: String?
    var seen = Set<String>()
    for _ in 0..<count {
      let nameBytes = try r.bytes(Int(try r.u32()))
      let name = String(decoding: nameBytes, as: UTF8.self)
      if name.isEmpty || Array(name.utf8) != Array(nameBytes) { problem = problem ?? "a tensor name is not valid UTF-8" }
      if !seen.insert(name).inserted { problem = problem ?? "tensor \(name) appears twice" }
      let rank = Int(try r.u32())
      var shape: [Int] = []
      var n = 1
      for _ in 0..<rank {
        let d = try r.u64()
        guard d <= UInt64(bytes.count) else { throw .truncated(expectedAtLeast: Int(clamping: d), actual: bytes.count) }
        shape.append(Int(d))
        n *= Int(d)
        guard n <= bytes.count else { throw .truncated(expectedAtLeast: n * 4, actual: bytes.count) }
      }
      let raw = try r.bytes(n * 4)
      let values = raw.withUnsafeBytes { b in
        (0..<n).map { Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
      }
      result.append((name, shape, values))
    }
    let stored = bytes.suffix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
    let computed = crc32(bytes[0..<(bytes.count - 4)])
    guard stored == computed else { throw .checksumMismatch(stored: stored, computed: computed) }
    guard r.position == r.end else { throw .malformed("\(r.end - r.position) unexpected bytes before the checksum") }
    if let problem { throw .malformed(problem) }
    return result
  }

  /// Writes `module`'s parameters and buffers to `url`.
  public static func save(_ module: any Module, to url: URL) throws(CheckpointError) {
    let bytes = encode(module.namedState())
    do { try Data(bytes).write(to: url, options: .atomic) } catch { throw .io("cannot write \(url.path): \(error.localizedDescription)") }
  }

  /// Reads `url` into `module`: every name and shape must match exactly (no missing, no extra
  /// tensors); nothing is changed unless the whole file is valid.
  public static func load(_ module: any Module, from url: URL) throws(CheckpointError) {
    let data: Data
    do { data = try Data(contentsOf: url) } catch { throw .io("cannot read \(url.path): \(error.localizedDescription)") }
    try load(module, bytes: [UInt8](data))
  }

  /// `load` from bytes in memory.
  public static func load(_ module: any Module, bytes: [UInt8]) throws(CheckpointError) {
    let entries = try decode(bytes)
    let targets = module.namedState()
    let stored = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let targetNames = Set(targets.map(\.name))
    let missing = targets.map(\.name).filter { stored[$0] == nil }
    if !missing.isEmpty { throw .missingTensors(missing) }
    let extra = entries.map(\.name).filter { !targetNames.contains($0) }
    if !extra.isEmpty { throw .unexpectedTensors(extra) }
    for (name, t) in targets where stored[name]!.shape != t.shape {
      throw .shapeMismatch(name: name, expected: t.shape, found: stored[name]!.shape)
    }
    // Everything checked: commit.
    for (name, t) in targets {
      let values = stored[name]!.values
      t.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] = values[i] } }
    }
  }

  private static func append(_ out: inout [UInt8], _ v: UInt32) {
    for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
  }

  private static func append(_ out: inout [UInt8], _ v: UInt64) {
    for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
  }

  private struct Reader {
    let bytes: [UInt8]
    /// End of the body (the checksum follows).
    let end: Int
    var position: Int

    mutating func bytes(_ n: Int) throws(CheckpointError) -> ArraySlice<UInt8> {
      guard n >= 0, position + n <= end else { throw .truncated(expectedAtLeast: position + n + 4, actual: bytes.count) }
      defer { position += n }
      return bytes[position..<(position + n)]
    }

    mutating func u32() throws(CheckpointError) -> UInt32 {
      let b = try bytes(4)
      return b.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * $1.offset) }
    }

    mutating func u64() throws(CheckpointError) -> UInt64 {
      let b = try bytes(8)
      return b.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * $1.offset) }
    }
  }
}

/// CRC-32 (IEEE 802.3 polynomial, reflected, as zlib's `crc32`).
func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for b in bytes {
    crc = crc32Table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8)
  }
  return crc ^ 0xFFFF_FFFF
}

private let crc32Table: [UInt32] = (0..<256).map { i -> UInt32 in
  var c = UInt32(i)
  for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
  return c
}
