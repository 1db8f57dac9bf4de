import Foundation

/// What the runtime needs from the engine, handed in by the lecture so that the runtime imports
/// neither Kernels nor Datasets: how to run with a thread count, how to find a data file, and
/// one-time process set-up.
///
/// Lectures do not build this themselves: `Notebook(.micrograd)` (defined in the ZeroToHero
/// umbrella) passes `EngineHooks.standard`, wired to Kernels and Datasets. Tests of the runtime
/// pass `EngineHooks.plain`.
public struct EngineHooks: Sendable {
  /// Runs `body` with the kernels limited to `threads` threads.
  public var withThreads: @Sendable (_ threads: Int, _ body: () -> Void) -> Void
  /// The URL of data file `name`, looked up in `directory` (`--data`) or the usual places.
  public var locateData: @Sendable (_ name: String, _ directory: String?) throws -> URL
  /// The text of data file `name` (readable, valid UTF-8, not empty).
  public var readData: @Sendable (_ name: String, _ directory: String?) throws -> String
  /// Called once before the first cell (e.g. allocator tuning).
  public var prepare: @Sendable () -> Void

  /// Hooks from closures.
  public init(withThreads: @escaping @Sendable (Int, () -> Void) -> Void,
              locateData: @escaping @Sendable (String, String?) throws -> URL,
              readData: @escaping @Sendable (String, String?) throws -> String,
              prepare: @escaping @Sendable () -> Void = {}) {
    self.withThreads = withThreads
    self.locateData = locateData
    self.readData = readData
    self.prepare = prepare
  }

  /// No engine: threads are ignored, data files are looked up as `directory/name` or `./name`.
  public static let plain = EngineHooks(
    withThreads: { _, body in body() },
    locateData: { name, directory in URL(fileURLWithPath: (directory ?? ".") + "/" + name) },
    readData: { name, directory in
      try String(contentsOf: URL(fileURLWithPath: (directory ?? ".") + "/" + name), encoding: .utf8)
    })
}
