/// A small JSON reader that converts numbers with Swift's correctly rounded `Double(_:)`.
extension JSONValue {
  struct ParseError: Error, CustomStringConvertible {
    let offset: Int
    let message: String
    var description: String { "JSON error at byte \(offset): \(message)" }
  }

  static func parse(_ bytes: [UInt8]) throws -> JSONValue {
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
