import Foundation

/// Reference data the tests compare against: JSON made with PyTorch 2.15 / CPython 3.11 (see
/// `Fixtures/README.md`), copied into the repository so the tests pass on a plain clone.
public enum Fixtures {
  /// The URL of a bundled fixture file such as `torch_rng.json`.
  public static func url(_ name: String) -> URL {
    let base = (name as NSString).deletingPathExtension
    let ext = (name as NSString).pathExtension
    if let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures") {
      return url
    }
    // Fall back to the source tree (useful when resources are not bundled, e.g. some IDEs).
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
  }

  /// The parsed JSON object of a bundled fixture.
  public static func json(_ name: String) throws -> Any {
    let data = try Data(contentsOf: url(name))
    return try JSONSerialization.jsonObject(with: data)
  }

  /// The repository root (the folder holding Package.swift), found from this source file.
  public static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }
}
