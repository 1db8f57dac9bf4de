// Splitting element-wise and row-wise work across threads without changing any result: every
// output element (or row) is computed by exactly one thread with the same instructions as the
// single-threaded loop, so the thread count only changes which core does the work.

extension Parallelism {
  /// Elements below which an element-wise loop stays on the calling thread (a dispatch costs a few
  /// microseconds; 32K floats stream through one core in about that time).
  public static let elementGrain = 1 << 15

  /// Runs `body(range)` over disjoint ranges that cover `0..<count`, on up to `threadCount` threads,
  /// with at least `grain` items per range (everything inline below `2 · grain`). Use it only for
  /// loops whose items are independent (element-wise maps, whole rows): never to split a sum.
  @inlinable
  public static func forEachRange(_ count: Int, grain: Int = elementGrain, _ body: (Range<Int>) -> Void) {
    let threads = threadCount
    let chunks = Swift.min(threads, count / Swift.max(grain, 1))
    if chunks <= 1 {
      if count > 0 { body(0..<count) }
      return
    }
    // Ranges start at multiples of 16, so SIMD blocks fall where they fall single-threaded.
    let per = ((count + chunks - 1) / chunks + 15) & ~15
    forEachChunk(chunks, threads: threads) { c in
      let start = c * per, end = Swift.min(count, start + per)
      if start < end { body(start..<end) }
    }
  }

  /// Runs `body(rows)` over disjoint row ranges covering `0..<rows` for rows of `cols` elements,
  /// splitting only when there are at least `2 · elementGrain` elements in all. Each row is
  /// computed whole by one thread, so per-row reductions keep their order.
  @inlinable
  public static func forEachRowRange(_ rows: Int, cols: Int, _ body: (Range<Int>) -> Void) {
    if rows <= 0 { return }
    let threads = threadCount
    let grain = Swift.max(1, elementGrain / Swift.max(cols, 1))
    let chunks = Swift.min(threads, rows / grain)
    if chunks <= 1 { body(0..<rows); return }
    let per = (rows + chunks - 1) / chunks
    forEachChunk(chunks, threads: threads) { c in
      let start = c * per, end = Swift.min(rows, start + per)
      if start < end { body(start..<end) }
    }
  }
}
