import Dispatch
import Foundation

/// How many threads the kernels may use, scoped with `Parallelism.$threadCount.withValue(n) { … }`.
///
/// A task-local value rather than a global variable: Swift 6 forbids shared mutable globals, and a
/// lecture's `--threads N` flag should apply to everything the lecture runs without being passed
/// through every call. Kernels split work so that every output element is computed by exactly one
/// thread, so the thread count never changes a result.
public enum Parallelism {
  /// The number of threads kernels may use (default: every core the process may run on).
  @TaskLocal public static var threadCount: Int = ProcessInfo.processInfo.activeProcessorCount

  /// Runs `body(chunk)` for `chunks` disjoint chunks, on up to `threads` threads.
  ///
  /// The calling thread takes part. With `threads <= 1` or a single chunk everything runs inline.
  @inlinable
  public static func forEachChunk(_ chunks: Int, threads: Int = threadCount, _ body: (Int) -> Void) {
    if chunks <= 0 { return }
    if threads <= 1 || chunks == 1 {
      for c in 0..<chunks { body(c) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let box = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: chunks) { c in box.value(c) }
    }
  }
}

/// Wraps a value that is safe to share because every thread touches a disjoint part of it.
public struct UncheckedSendable<Value>: @unchecked Sendable {
  public let value: Value
  @inlinable public init(_ value: Value) { self.value = value }
}
