import Foundation
import TestSupport

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
