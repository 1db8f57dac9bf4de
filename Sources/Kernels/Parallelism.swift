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
  /// Otherwise the chunks go to the process's `WorkerPool` (threads that spin briefly between jobs,
  /// so a job starts in well under a microsecond), or to Dispatch when the pool is already busy.
  @inlinable
  public static func forEachChunk(_ chunks: Int, threads: Int = threadCount, _ body: (Int) -> Void) {
    if chunks <= 0 { return }
    if threads <= 1 || chunks == 1 {
      for c in 0..<chunks { body(c) }
      return
    }
    if WorkerPool.shared.run(chunks, threads: threads, body) { return }
    withoutActuallyEscaping(body) { body in
      let box = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: chunks) { c in box.value(c) }
    }
  }
}

extension Parallelism {
  /// Runs two independent jobs at the same time, on half of `threads` each (the first gets the
  /// odd one); inside each, `threadCount` is its share, so the kernels it calls split only that.
  /// With one thread they run one after the other. For two products that do not depend on each
  /// other (the dX and dW GEMMs of a layer's backward pass): one dispatch, and each product runs
  /// whole on its core instead of both being cut in two. Results do not depend on the split.
  public static func concurrently(threads: Int = threadCount, _ first: () -> Void, _ second: () -> Void) {
    if threads <= 1 {
      first()
      second()
      return
    }
    let shares = [(threads + 1) / 2, threads / 2]
    forEachChunk(2, threads: 2) { job in
      $threadCount.withValue(shares[job]) { job == 0 ? first() : second() }
    }
  }
}

/// Wraps a value that is safe to share because every thread touches a disjoint part of it.
public struct UncheckedSendable<Value>: @unchecked Sendable {
  public let value: Value
  @inlinable public init(_ value: Value) { self.value = value }
}
