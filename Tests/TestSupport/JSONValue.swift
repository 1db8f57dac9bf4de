import Foundation

/// A JSON value from the fixture files, made `Sendable` so parsed cases can be shared by tests.
public enum JSONValue: Sendable {
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])
  case null

  public subscript(key: String) -> JSONValue {
    if case .object(let o) = self, let v = o[key] { return v }
    return .null
  }

  public var double: Double {
    if case .number(let n) = self { return n }
    preconditionFailure("fixture: expected a number, found \(self)")
  }
  public var int: Int { Int(double) }
  public var string: String {
    if case .string(let s) = self { return s }
    preconditionFailure("fixture: expected a string, found \(self)")
  }
  public var array: [JSONValue] {
    if case .array(let a) = self { return a }
    preconditionFailure("fixture: expected an array, found \(self)")
  }
  public var doubles: [Double] { array.map(\.double) }
  /// Float32 values stored as the doubles they convert to exactly.
  public var floats: [Float] { array.map { Float($0.double) } }
  public var ints: [Int] { array.map(\.int) }
  public var strings: [String] { array.map(\.string) }
  /// The element count of a `shape` array.
  public var elementCount: Int { ints.reduce(1, *) }
}

/// A small JSON reader that converts numbers with Swift's correctly rounded `Double(_:)`.
extension JSONValue {
  public struct ParseError: Error, CustomStringConvertible {
    let offset: Int
    let message: String
    public var description: String { "JSON error at byte \(offset): \(message)" }
  }

  public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
    var parser = Parser(bytes: bytes)
    let value = try parser.value()
    parser.skipSpace()
    guard parser.position == bytes.count else { throw ParseError(offset: parser.position, message: "trailing data") }
    return value
  }

  private struct Parser {
    let bytes: [UInt8]
    var position = 0

    mutating func skipSpace() {
      while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    mutating func expect(_ literal: String) throws {
      for byte in literal.utf8 {
        guard position < bytes.count, bytes[position] == byte else { throw ParseError(offset: position, message: "expected \(literal)") }
        position += 1
      }
    }

    mutating func value() throws -> JSONValue {
      skipSpace()
      guard position < bytes.count else { throw ParseError(offset: position, message: "unexpected end") }
      switch bytes[position] {
      case UInt8(ascii: "{"):
        position += 1
        var object: [String: JSONValue] = [:]
        skipSpace()
        if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
        while true {
          skipSpace()
          let key = try string()
          skipSpace()
          try expect(":")
          object[key] = try value()
          skipSpace()
          if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
          try expect("}")
          return .object(object)
        }
      case UInt8(ascii: "["):
        position += 1
        var array: [JSONValue] = []
        skipSpace()
        if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(array) }
        while true {
          array.append(try value())
          skipSpace()
          if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
          try expect("]")
          return .array(array)
        }
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): try expect("true"); return .number(1)
      case UInt8(ascii: "f"): try expect("false"); return .number(0)
      case UInt8(ascii: "n"): try expect("null"); return .null
      default:
        let start = position
        while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let number = Double(text) else { throw ParseError(offset: start, message: "bad number '\(text)'") }
        return .number(number)
      }
    }

    mutating func string() throws -> String {
      try expect("\"")
      var scalars: [UInt8] = []
      while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
        if bytes[position] == UInt8(ascii: "\\") {
          position += 1
          let escaped = bytes[position]
          switch escaped {
          case UInt8(ascii: "n"): scalars.append(0x0A)
          case UInt8(ascii: "t"): scalars.append(0x09)
          case UInt8(ascii: "u"):
            let hex = String(decoding: bytes[(position + 1)...(position + 4)], as: UTF8.self)
            guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
              throw ParseError(offset: position, message: "bad \\u escape")
            }
            scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
            position += 4
          default: scalars.append(escaped)
          }
          position += 1
        } else {
          scalars.append(bytes[position])
          position += 1
        }
      }
      try expect("\"")
      return String(decoding: scalars, as: UTF8.self)
    }
  }
}

extension Fixtures {
  /// A bundled fixture parsed with `JSONValue.parse`, which converts numbers with Swift's
  /// correctly rounded `Double(_:)`: on Linux, `JSONSerialization` reads some doubles one ulp off
  /// (0.6394267984578837 comes back as …839), which matters when values are compared exactly.
  public static func value(_ name: String) throws -> JSONValue {
    try JSONValue.parse([UInt8](Data(contentsOf: url(name))))
  }
}
