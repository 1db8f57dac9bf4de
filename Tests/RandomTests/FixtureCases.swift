import Foundation
import TestSupport

/// A JSON value from the fixture files, made `Sendable` so parsed cases can be shared by tests.
enum JSONValue: Sendable {
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])
  case null

  subscript(key: String) -> JSONValue {
    if case .object(let o) = self, let v = o[key] { return v }
    return .null
  }

  var double: Double {
    if case .number(let n) = self { return n }
    preconditionFailure("fixture: expected a number, found \(self)")
  }
  var int: Int { Int(double) }
  var string: String {
    if case .string(let s) = self { return s }
    preconditionFailure("fixture: expected a string, found \(self)")
  }
  var array: [JSONValue] {
    if case .array(let a) = self { return a }
    preconditionFailure("fixture: expected an array, found \(self)")
  }
  var doubles: [Double] { array.map(\.double) }
  /// Float32 values stored as the doubles they convert to exactly.
  var floats: [Float] { array.map { Float($0.double) } }
  var ints: [Int] { array.map(\.int) }
  var strings: [String] { array.map(\.string) }
  /// The element count of a `shape` array.
  var elementCount: Int { ints.reduce(1, *) }
}

/// One case of `torch_rng.json`: what was drawn (`kind`, `args`) from which seed, and the values.
struct FixtureCase: Sendable, CustomStringConvertible {
  let index: Int
  let kind: String
  let seed: UInt64
  let args: JSONValue
  let values: JSONValue

  var description: String {
    var shape = ""
    if case .array = args["shape"] { shape = " shape \(args["shape"].ints)" }
    return "\(kind) seed \(seed)\(shape)"
  }
}

/// The cases of `torch_rng.json`, parsed once.
enum TorchFixture {
  static let cases: [FixtureCase] = {
    // Parsed here rather than with `Fixtures.json` (JSONSerialization): on Linux that parser
    // rounds some doubles to a neighbouring value (0.6394267984578837 reads as
    // 0.6394267984578839), and the CPython cases compare doubles exactly.
    guard let bytes = try? Data(contentsOf: Fixtures.url("torch_rng.json")),
          let json = try? JSONValue.parse([UInt8](bytes)) else {
      preconditionFailure("cannot load torch_rng.json from the TestSupport fixtures")
    }
    return json["cases"].array.enumerated().map { i, c in
      FixtureCase(index: i, kind: c["kind"].string, seed: UInt64(c["seed"].double),
                  args: c["args"], values: c["values"])
    }
  }()

  /// All cases of one kind (the arguments of a parameterized test).
  static func cases(_ kind: String) -> [FixtureCase] { cases.filter { $0.kind == kind } }
}
