import Foundation
import Tensor

// The safetensors format (Hugging Face, https://github.com/huggingface/safetensors), as lecture
// 10 reads OpenAI's GPT-2 weights:
//
//   8 bytes      N, the header's length (unsigned 64-bit little-endian)
//   N bytes      a JSON object, UTF-8 (writers pad it with spaces to a multiple of 8):
//                  {"wte.weight": {"dtype": "F32", "shape": [50257, 768], "data_offsets": [0, 154389504]},
//                   …, "__metadata__": {"format": "pt"}}
//   the rest     the byte buffer: each tensor's elements, row-major, little-endian, at
//                [begin, end) counted from the buffer's start; the tensors tile it without gaps
//
// The reader checks everything before any value is used (a bad file is an error that names the
// tensor or the byte offset, never a crash) and converts F32, F16, BF16 and F64 to Float; the
// integer and bool dtypes are recognised and refused by name. The writer writes F32 (all this
// engine holds), atomically.

/// What went wrong reading or writing a safetensors file; the message names the tensor or the
/// byte offset.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
  /// The file could not be read or written.
  case io(String)
  /// The file ends before the 8-byte length or the header it announces.
  case truncatedHeader(String)
  /// The header is not a JSON object of well-formed entries.
  case badHeader(String)
  /// A tensor's dtype is not one this reader converts to Float.
  case unsupportedDType(tensor: String, dtype: String)
  /// A tensor's data lies (partly) past the end of the file, or its size disagrees with its shape.
  case badBuffer(tensor: String, String)
  /// The model needs tensors the file does not have.
  case missingTensors([String])
  /// The file has tensors the model does not use.
  case unexpectedTensors([String])
  /// A tensor has another shape than the model's.
  case shapeMismatch(tensor: String, expected: [Int], found: [Int])

  /// One line for the user.
  public var description: String {
    switch self {
    case .io(let m): return "safetensors: \(m)"
    case .truncatedHeader(let m): return "safetensors: truncated header: \(m)"
    case .badHeader(let m): return "safetensors: bad header: \(m)"
    case .unsupportedDType(let t, let d): return "safetensors: tensor '\(t)' has dtype \(d); only F32, F16, BF16 and F64 are read"
    case .badBuffer(let t, let m): return "safetensors: tensor '\(t)': \(m)"
    case .missingTensors(let n): return "safetensors: missing tensors: \(n.joined(separator: ", "))"
    case .unexpectedTensors(let n): return "safetensors: unexpected tensors: \(n.joined(separator: ", "))"
    case .shapeMismatch(let t, let e, let f): return "safetensors: tensor '\(t)' has shape \(f), expected \(e)"
    }
  }
}

/// The element types of the safetensors format.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
  /// IEEE floats of 64, 32 and 16 bits, and bfloat16 (the top half of a float32): read as Float.
  case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
  /// Signed integers and bool: recognised, not read.
  case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", bool = "BOOL"
  /// Unsigned integers: recognised, not read.
  case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
  /// 8-bit floats: recognised, not read.
  case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

  /// Bytes per element.
  public var size: Int {
    switch self {
    case .f64, .i64, .u64: return 8
    case .f32, .i32, .u32: return 4
    case .f16, .bf16, .i16, .u16: return 2
    case .i8, .u8, .bool, .f8e4m3, .f8e5m2: return 1
    }
  }

  /// Whether `SafeTensorsFile.floats` converts it.
  public var isReadAsFloat: Bool { [.f32, .f16, .bf16, .f64].contains(self) }
}

/// One tensor's header entry.
public struct SafeTensorsEntry: Sendable, Equatable {
  /// Its key (`h.0.attn.c_attn.weight`).
  public let name: String
  /// Its element type.
  public let dtype: SafeTensorsDType
  /// Its shape (row-major).
  public let shape: [Int]
  /// Its bytes, as offsets from the start of the file (not of the buffer).
  public let fileRange: Range<Int>
  /// Number of elements.
  public var count: Int { shape.reduce(1, *) }
}

/// A parsed safetensors file: the header checked in full, the buffer mapped (not copied).
public struct SafeTensorsFile: @unchecked Sendable {
  /// The entries in buffer order.
  public let entries: [SafeTensorsEntry]
  /// The `__metadata__` strings (empty when absent).
  public let metadata: [String: String]
  /// The whole file.
  private let data: Data
  private let index: [String: Int]

  /// Maps and parses the file at `url`.
  public init(contentsOf url: URL) throws(SafeTensorsError) {
    let data: Data
    do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
      throw .io("cannot read \(url.path): \(error.localizedDescription)")
    }
    try self.init(data: data)
  }

  /// Parses a file held in memory.
  public init(data: Data) throws(SafeTensorsError) {
    self.data = data
    let size = data.count
    guard size >= 8 else { throw .truncatedHeader("the file has \(size) bytes, fewer than the 8-byte header length") }
    let n = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) }
    guard n <= UInt64(size - 8) else {
      throw .truncatedHeader("the header length at byte 0 says \(n) bytes, but only \(size - 8) follow it")
    }
    guard n >= 2 else { throw .badHeader("the header length at byte 0 is \(n), too short for a JSON object") }
    let headerEnd = 8 + Int(n)
    let json: Any
    do { json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)) } catch {
      throw .badHeader("bytes 8..<\(headerEnd) are not valid JSON (\(error.localizedDescription))")
    }
    guard let object = json as? [String: Any] else { throw .badHeader("bytes 8..<\(headerEnd) are not a JSON object") }
    var metadata: [String: String] = [:]
    var entries: [SafeTensorsEntry] = []
    for (name, value) in object {
      if name == "__metadata__" {
        guard let m = value as? [String: Any] else { throw .badHeader("__metadata__ is not an object") }
        for (k, v) in m {
          guard let s = v as? String else { throw .badHeader("__metadata__ value for '\(k)' is not a string") }
          metadata[k] = s
        }
        continue
      }
      guard let e = value as? [String: Any] else { throw .badHeader("entry '\(name)' is not an object") }
      guard let dt = e["dtype"] as? String else { throw .badHeader("entry '\(name)' has no dtype string") }
      guard let dtype = SafeTensorsDType(rawValue: dt) else { throw .badHeader("entry '\(name)' has unknown dtype '\(dt)'") }
      guard let shapeValues = e["shape"] as? [Any], let shape = Self.integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
        throw .badHeader("entry '\(name)' has no shape of non-negative integers")
      }
      guard let off = e["data_offsets"] as? [Any], let offsets = Self.integers(off), offsets.count == 2,
            offsets[0] >= 0, offsets[0] <= offsets[1] else {
        throw .badHeader("entry '\(name)' has no data_offsets [begin, end] with 0 ≤ begin ≤ end")
      }
      let (count, overflow) = shape.reduce((1, false)) { acc, d in
        let (p, o) = acc.0.multipliedReportingOverflow(by: d)
        return (p, acc.1 || o)
      }
      let bytes = count.multipliedReportingOverflow(by: dtype.size)
      guard !overflow && !bytes.overflow else { throw .badBuffer(tensor: name, "shape \(shape) is too large") }
      let begin = headerEnd + offsets[0], end = headerEnd + offsets[1]
      guard end - begin == bytes.partialValue else {
        throw .badBuffer(tensor: name, "data_offsets [\(offsets[0]), \(offsets[1])] hold \(end - begin) bytes, but shape \(shape) of \(dt) needs \(bytes.partialValue)")
      }
      guard end <= size else {
        throw .badBuffer(tensor: name, "its data ends at byte \(end) of the file, past the end of the file (\(size) bytes): truncated")
      }
      entries.append(SafeTensorsEntry(name: name, dtype: dtype, shape: shape, fileRange: begin..<end))
    }
    entries.sort { ($0.fileRange.lowerBound, $0.fileRange.upperBound, $0.name) < ($1.fileRange.lowerBound, $1.fileRange.upperBound, $1.name) }
    // The tensors must tile the buffer: no overlap, no hole (the format's own validation).
    var position = headerEnd
    for e in entries {
      guard e.fileRange.lowerBound == position else {
        throw .badBuffer(tensor: e.name, e.fileRange.lowerBound < position
          ? "its data at byte \(e.fileRange.lowerBound) overlaps the previous tensor (which ends at byte \(position))"
          : "its data starts at byte \(e.fileRange.lowerBound), leaving a gap after byte \(position)")
      }
      position = e.fileRange.upperBound
    }
    guard position == size else {
      throw .badBuffer(tensor: entries.last?.name ?? "(none)", "the tensors end at byte \(position) but the file has \(size) bytes")
    }
    self.entries = entries
    self.metadata = metadata
    index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
  }

  /// JSON numbers that are whole and within ±2^53 as Ints, or nil.
  private static func integers(_ values: [Any]) -> [Int]? {
    var result: [Int] = []
    for v in values {
      guard let n = v as? NSNumber else { return nil }
      let d = n.doubleValue
      guard d == d.rounded(), abs(d) <= 9_007_199_254_740_992 else { return nil }
      result.append(Int(d))
    }
    return result
  }

  /// The entry named `name`, or nil.
  public func entry(_ name: String) -> SafeTensorsEntry? { index[name].map { entries[$0] } }

  /// The names in buffer order.
  public var names: [String] { entries.map(\.name) }

  /// A tensor's values converted to Float (F32 as is; F16, BF16, F64 rounded to nearest).
  public func floats(_ name: String) throws(SafeTensorsError) -> [Float] {
    guard let e = entry(name) else { throw .missingTensors([name]) }
    guard e.dtype.isReadAsFloat else { throw .unsupportedDType(tensor: name, dtype: e.dtype.rawValue) }
    let n = e.count
    return data.withUnsafeBytes { raw in
      let base = raw.baseAddress! + e.fileRange.lowerBound
      return [Float](unsafeUninitializedCapacity: n) { out, initialized in
        switch e.dtype {
        case .f32:
          if Int(bitPattern: base) % 4 == 0 && UInt32(littleEndian: 1) == 1 {
            out.baseAddress!.update(from: base.assumingMemoryBound(to: Float.self), count: n)
          } else {
            for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
          }
        case .f16:
          for i in 0..<n { out[i] = Float(Float16(bitPattern: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))) }
        case .bf16:
          for i in 0..<n { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
        case .f64:
          for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
        default:
          break  // unreachable: isReadAsFloat
        }
        initialized = n
      }
    }
  }

  /// A tensor as a `Tensor` of its shape (no gradient).
  public func tensor(_ name: String) throws(SafeTensorsError) -> Tensor {
    let values = try floats(name)
    return Tensor(values, shape: entry(name)!.shape)
  }
}

/// Writing safetensors files.
public enum SafeTensors {
  /// The file's bytes: F32 tensors in the given order, the header padded with spaces to a
  /// multiple of 8 bytes (so every F32 buffer is aligned), `__metadata__` first when given.
  public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) -> [UInt8] {
    var out: [UInt8] = []
    write(tensors, metadata: metadata, to: { out.append(contentsOf: $0) })
    return out
  }

  /// Writes F32 tensors to `url` atomically: a temporary file beside it, flushed, renamed over it.
  public static func save(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                          to url: URL) throws(SafeTensorsError) {
    do {
      try writeAtomically(url) { sink in write(tensors, metadata: metadata, to: sink) }
    } catch { throw .io(error.message) }
  }

  /// The header JSON (unpadded) for tensors laid out one after another.
  static func header(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) -> String {
    func quote(_ s: String) -> String {
      var r = "\""
      for u in s.unicodeScalars {
        switch u {
        case "\"": r += "\\\""
        case "\\": r += "\\\\"
        case _ where u.value < 0x20: r += String(format: "\\u%04x", u.value)
        default: r.unicodeScalars.append(u)
        }
      }
      return r + "\""
    }
    var parts: [String] = []
    if !metadata.isEmpty {
      parts.append("\"__metadata__\":{" + metadata.sorted { $0.key < $1.key }.map { "\(quote($0.key)):\(quote($0.value))" }.joined(separator: ",") + "}")
    }
    var offset = 0
    for (name, t) in tensors {
      let bytes = 4 * t.count
      parts.append("\(quote(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
      offset += bytes
    }
    return "{" + parts.joined(separator: ",") + "}"
  }

  private static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String],
                            to sink: (UnsafeRawBufferPointer) -> Void) {
    var json = Array(header(tensors, metadata: metadata).utf8)
    while (8 + json.count) % 8 != 0 { json.append(0x20) }
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { sink($0) }
    json.withUnsafeBytes { sink($0) }
    for (_, t) in tensors {
      let c = t.contiguous()
      c.withUnsafeBufferPointer { b in
        if UInt32(littleEndian: 1) == 1 {
          sink(UnsafeRawBufferPointer(b))
        } else {
          let le = b.map { $0.bitPattern.littleEndian }
          le.withUnsafeBytes { sink($0) }
        }
      }
    }
  }

}

/// A failure of `writeAtomically`, with its message. (The writer is shared by safetensors files
/// and `Checkpoint.save`.)
struct AtomicWriteError: Error {
  let message: String
}

/// Writes a file through `body` (which hands its bytes to the sink in order) into a temporary file
/// beside `url`, flushes it to disk and renames it over `url`: readers see the old file or the
/// new one, never a part. On failure the temporary file is removed and `url` is untouched.
func writeAtomically(_ url: URL, _ body: (_ sink: (UnsafeRawBufferPointer) -> Void) -> Void) throws(AtomicWriteError) {
  let temp = url.deletingLastPathComponent()
    .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
  let fd = open(temp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  guard fd >= 0 else { throw AtomicWriteError(message: "cannot create \(temp.path): \(String(cString: strerror(errno)))") }
  var failure: String?
  body { chunk in
    guard failure == nil, chunk.count > 0 else { return }
    var done = 0
    while done < chunk.count {
      let n = Foundation.write(fd, chunk.baseAddress! + done, chunk.count - done)
      if n < 0 {
        if errno == EINTR { continue }
        failure = "cannot write \(temp.path): \(String(cString: strerror(errno)))"
        return
      }
      done += n
    }
  }
  if failure == nil && fsync(fd) != 0 { failure = "cannot flush \(temp.path): \(String(cString: strerror(errno)))" }
  close(fd)
  if failure == nil && rename(temp.path, url.path) != 0 {
    failure = "cannot rename \(temp.path) to \(url.path): \(String(cString: strerror(errno)))"
  }
  if let failure {
    unlink(temp.path)
    throw AtomicWriteError(message: failure)
  }
}
