import Foundation
import Testing
import TestSupport

/// The build graph recompiles every optimised target when code it may have inlined changes.
///
/// Targets built with `-O` (the `numeric` settings in Package.swift) inline small functions from
/// the modules they import, which the compiler serialises into those modules' `.swiftmodule` files
/// (cross-module optimisation). SwiftPM re-runs a target's compile command only when one of its
/// *inputs* changes, and the inputs are the `.swiftmodule` files of its direct dependencies. A
/// module reached only through a re-exporting umbrella (`ZeroToHero`) is not an input: when only a
/// function body in it changes, the umbrella's `.swiftmodule` stays byte-identical and the client
/// is relinked with its old inlined copy. That happened to the lectures when `TensorStorage.base`
/// moved the floats to a 64-byte boundary: their inlined `item()`/`subscript(at:)` still read the
/// old place, and lecture 5's gradient checks came out NaN until `main.swift` was touched.
///
/// Property, read from the llbuild manifest SwiftPM wrote for this build (`.build/debug.yaml`):
/// the compile command of every optimised Swift target lists as inputs the `.swiftmodule` of
/// every package module it can see, directly or through other modules.
@Suite struct BuildGraphTests {
  struct Compile {
    var inputs: Set<String>
    var optimised: Bool
  }

  /// The build manifest next to the products folder (`.build/<triple>/debug` → `.build/debug.yaml`).
  static func manifest() -> URL? {
    let products = LectureRunner.productsFolder.standardizedFileURL
    let name = products.lastPathComponent + ".yaml"
    for folder in [products.deletingLastPathComponent(), products.deletingLastPathComponent().deletingLastPathComponent()] {
      let url = folder.appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: url.path) { return url }
    }
    return nil
  }

  /// Module name → its compile command's module inputs and whether it is optimised.
  static func compileCommands(_ text: String) throws -> [String: Compile] {
    var commands: [String: Compile] = [:]
    var inputs: [String] = [], description = "", args: [String] = []
    func flush() {
      defer { (inputs, description, args) = ([], "", []) }
      guard let match = description.firstMatch(of: /^Compiling Swift Module '([^']+)'/) else { return }
      let modules = inputs.compactMap { path -> String? in
        guard path.hasSuffix(".swiftmodule"), path.contains("/Modules/") else { return nil }
        return ((path as NSString).lastPathComponent as NSString).deletingPathExtension
      }
      // The last optimisation flag wins (SwiftPM passes -Onone before the target's own -O).
      let level = args.last { ["-Onone", "-O", "-Osize", "-Ounchecked"].contains($0) } ?? "-Onone"
      commands[String(match.output.1)] = Compile(inputs: Set(modules), optimised: level != "-Onone")
    }
    func strings(_ json: Substring) throws -> [String] {
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String] ?? []
    }
    for line in text.split(separator: "\n") {
      if line.hasPrefix("  \"") && line.hasSuffix("\":") {
        flush()
      } else if line.hasPrefix("    inputs: ") {
        inputs = try strings(line.dropFirst("    inputs: ".count))
      } else if line.hasPrefix("    args: ") {
        args = try strings(line.dropFirst("    args: ".count))
      } else if line.hasPrefix("    description: ") {
        description = try JSONSerialization.jsonObject(with: Data(line.dropFirst("    description: ".count).utf8),
                                                       options: .fragmentsAllowed) as? String ?? ""
      }
    }
    flush()
    return commands
  }

  /// Modules `name` can see: its module inputs and theirs, recursively.
  static func closure(of name: String, in commands: [String: Compile]) -> Set<String> {
    var seen: Set<String> = []
    var stack = Array(commands[name]?.inputs ?? [])
    while let m = stack.popLast() {
      guard seen.insert(m).inserted else { continue }
      stack += commands[m]?.inputs ?? []
    }
    return seen
  }

  @Test func optimisedTargetsRecompileWhenAnyModuleTheyInlineChanges() throws {
    let url = try #require(Self.manifest(), "no build manifest beside \(LectureRunner.productsFolder.path) (run with swift test)")
    let commands = try Self.compileCommands(String(contentsOf: url, encoding: .utf8))
    // The manifest holds the engine and the lectures, and the lectures are optimised.
    #expect(commands["Tensor"]?.optimised == true && commands["Lecture05Backprop"]?.optimised == true,
            "could not read the compile commands of \(url.path)")
    for (name, command) in commands.sorted(by: { $0.key < $1.key }) where command.optimised {
      let missing = Self.closure(of: name, in: commands).subtracting(command.inputs).sorted()
      #expect(missing.isEmpty, """
        \(name) is compiled with -O but does not list \(missing.joined(separator: ", ")) as direct dependencies: \
        a change inside those modules would leave stale inlined code in \(name) (add them to its dependencies in Package.swift)
        """)
    }
  }
}
