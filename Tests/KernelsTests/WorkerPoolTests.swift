import Dispatch
import Foundation
import Kernels
import Testing

/// `Parallelism.forEachChunk` runs on the process's worker pool (spinning threads, a shared chunk
/// counter) and falls back to Dispatch when the pool is busy. Whatever the path, every chunk must
/// run exactly once, the call must return only after all of them finished, and no more threads
/// than asked for may take part.
@Suite struct WorkerPoolTests {
  /// Runs `chunks` chunks on `threads` threads, returning how many times each chunk ran and how
  /// many distinct threads ran them.
  private func run(_ chunks: Int, threads: Int, work: Int = 0) -> (counts: [Int], threadsSeen: Int) {
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: chunks)
    counts.initialize(repeating: 0, count: chunks)
    let owners = UnsafeMutablePointer<UInt>.allocate(capacity: chunks)
    defer { counts.deallocate(); owners.deallocate() }
    let shared = UncheckedSendable((counts, owners))
    Parallelism.forEachChunk(chunks, threads: threads) { c in
      var x = 0.0
      for i in 0..<work { x += Double(i).squareRoot() }
      if x < 0 { print(x) }
      shared.value.0[c] += 1  // each chunk has its own slot: no two threads write the same one
      shared.value.1[c] = UInt(bitPattern: pthread_self().hashValue)
    }
    return (Array(UnsafeBufferPointer(start: counts, count: chunks)),
            Set(UnsafeBufferPointer(start: owners, count: chunks)).count)
  }

  @Test func everyChunkRunsExactlyOnce() {
    for threads in [2, 3, 8] {
      for chunks in [2, 3, 7, 64, 1000, 20_000] {  // 20,000 is above the pool's limit: Dispatch
        for _ in 0..<20 {
          let (counts, seen) = run(chunks, threads: threads)
          #expect(counts.allSatisfy { $0 == 1 }, "threads \(threads), chunks \(chunks)")
          #expect(seen <= threads)
        }
      }
    }
  }

  @Test func manySmallJobsInARowAllComplete() {
    // The pattern of a training step: thousands of jobs of a few microseconds, back to back.
    var total = 0
    for i in 0..<5_000 {
      let (counts, _) = run(2 + i % 5, threads: 2, work: i % 3 == 0 ? 500 : 0)
      total += counts.reduce(0, +)
    }
    #expect(total == (0..<5_000).reduce(0) { $0 + 2 + $1 % 5 })
  }

  @Test func nestedCallsFromChunksComplete() {
    // A chunk that itself splits work finds the pool busy and uses Dispatch.
    let cells = UnsafeMutablePointer<Int>.allocate(capacity: 16)
    cells.initialize(repeating: 0, count: 16)
    defer { cells.deallocate() }
    let shared = UncheckedSendable(cells)
    Parallelism.forEachChunk(4, threads: 2) { outer in
      Parallelism.forEachChunk(4, threads: 2) { inner in shared.value[outer * 4 + inner] += 1 }
    }
    #expect(Array(UnsafeBufferPointer(start: cells, count: 16)) == Array(repeating: 1, count: 16))
  }

  @Test func callersOnSeveralThreadsAtOnceAllComplete() {
    // Parallel tests and `Parallelism.concurrently` submit from several threads: one gets the pool,
    // the others fall back, and nobody waits for a job that is not theirs.
    let results = UnsafeMutablePointer<Int>.allocate(capacity: 4)
    results.initialize(repeating: 0, count: 4)
    defer { results.deallocate() }
    let shared = UncheckedSendable(results)
    DispatchQueue.concurrentPerform(iterations: 4) { caller in
      var sum = 0
      for _ in 0..<300 { sum += run(5, threads: 2).counts.reduce(0, +) }
      shared.value[caller] = sum
    }
    #expect(Array(UnsafeBufferPointer(start: results, count: 4)) == Array(repeating: 1_500, count: 4))
  }

  @Test func oneThreadRunsInlineInOrder() {
    var order: [Int] = []
    Parallelism.forEachChunk(5, threads: 1) { order.append($0) }
    #expect(order == [0, 1, 2, 3, 4])
  }
}
