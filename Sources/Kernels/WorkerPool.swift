import CKernelsISA
import Dispatch
import Foundation

/// The threads that run `Parallelism.forEachChunk`'s chunks: one per extra core, started on first
/// use, spinning for a moment after each job so that the next one starts within a fraction of a
/// microsecond, then sleeping until woken.
///
/// Why not `DispatchQueue.concurrentPerform`: waking a Dispatch worker costs 7–10 µs here (2-vCPU
/// Zen 3 VM: two 2.8 µs chunks took 12 µs with Dispatch, 5.7 µs on one thread and 3.4 µs with this
/// pool), and a GPT training step at lecture 7's size runs a hundred or more parallel regions of a
/// few microseconds each — with Dispatch, a second core made those slower instead of faster.
///
/// Chunks are claimed one at a time from a shared counter by the calling thread and the workers,
/// so which thread runs a chunk varies from run to run, but every chunk is run exactly once with
/// the same arguments: results never depend on the threads (the kernels' rule; see Parallelism).
///
/// One pool per process, like Dispatch's global queues: a process-wide resource that holds no
/// results, only threads waiting for work. When it is already running a job (a nested call from a
/// chunk, or a second thread submitting at the same time, as parallel tests do), a call falls back
/// to Dispatch, which is always correct, only slower to start.
@usableFromInline
final class WorkerPool: @unchecked Sendable {
  /// The process's pool: `activeProcessorCount − 1` workers (the caller is the other thread).
  @usableFromInline static let shared = WorkerPool(workers: ProcessInfo.processInfo.activeProcessorCount - 1)

  /// How long a worker spins for the next job before it sleeps (nanoseconds). A training step's
  /// parallel regions come a few to tens of microseconds apart; a sleeping worker costs a futex
  /// wake (several microseconds) to restart.
  static let spinNanoseconds: UInt64 = 200_000

  // The job ticket, one 64-bit word so that a worker reads all of it in one atomic load and claims
  // a chunk with one compare-and-swap: bits 0–13 the next chunk, 14–27 the chunk count, 28–35 how
  // many workers may help, 36–62 the job's generation (a worker that slept through a job can never
  // claim a chunk of the next one with the old one's count).
  static let countShift: Int64 = 14, allowedShift: Int64 = 28, generationShift: Int64 = 36
  /// The most chunks one pooled job can have (larger jobs go to Dispatch).
  static let maximumChunks = (1 << 14) - 1
  static let fieldMask: Int64 = (1 << 14) - 1

  /// Three counters, each on its own cache line: the ticket, chunks finished, workers asleep.
  private let counters: UnsafeMutablePointer<Int64>
  private var ticket: UnsafeMutablePointer<Int64> { counters }
  private var finished: UnsafeMutablePointer<Int64> { counters + 8 }
  private var sleepers: UnsafeMutablePointer<Int64> { counters + 16 }
  /// 1 while a job is running (a second caller then uses Dispatch).
  private var owned: UnsafeMutablePointer<Int64> { counters + 24 }
  /// The job's body. Written by the submitter before it publishes the ticket (release) and read
  /// by a worker only after it claimed a chunk of that ticket (acquire), so it is never stale.
  private var body: ((Int) -> Void)?
  private var generation: Int64 = 0
  private let wake = NSCondition()
  /// Number of worker threads (the caller makes one more).
  let workers: Int

  init(workers: Int) {
    self.workers = max(0, min(workers, 255))
    let raw = UnsafeMutableRawPointer.allocate(byteCount: 4 * 64, alignment: 64)
    counters = raw.bindMemory(to: Int64.self, capacity: 32)
    counters.initialize(repeating: 0, count: 32)
    for index in 0..<self.workers {
      let thread = Thread { [unowned self] in self.workerLoop(index) }
      thread.name = "zth-worker-\(index + 1)"
      thread.stackSize = 4 << 20
      thread.start()
    }
  }

  /// Runs `body(c)` for every `c` in `0..<chunks`, on the calling thread and up to `threads − 1`
  /// workers; returns when all are done. Returns false, having run nothing, when the pool is busy.
  @usableFromInline
  func run(_ chunks: Int, threads: Int, _ body: (Int) -> Void) -> Bool {
    guard chunks <= WorkerPool.maximumChunks, workers > 0,
          zth_atomic_compare_exchange(owned, 0, 1) != 0 else { return false }
    withoutActuallyEscaping(body) { body in
      self.body = body
      generation = (generation + 1) & ((1 << 27) - 1)  // keeps the ticket positive
      let allowed = Int64(min(threads - 1, workers))
      zth_atomic_store_release(finished, 0)
      zth_atomic_store_seq_cst(ticket, generation << WorkerPool.generationShift
                                 | allowed << WorkerPool.allowedShift | Int64(chunks) << WorkerPool.countShift)
      if zth_atomic_load_seq_cst(sleepers) > 0 {
        wake.lock(); wake.broadcast(); wake.unlock()
      }
      // The caller works too, then waits for the chunks the workers took.
      while let chunk = claim(generation: generation) {
        body(chunk)
        _ = zth_atomic_fetch_add(finished, 1)
      }
      var spins = 0
      while zth_atomic_load_acquire(finished) < Int64(chunks) {
        spins += 1
        if spins < 4096 { zth_cpu_relax() } else { sched_yield() }
      }
      self.body = nil
    }
    zth_atomic_store_release(owned, 0)
    return true
  }

  /// Claims the next chunk of job `generation`, or returns nil when it has none left.
  @inline(__always)
  private func claim(generation: Int64) -> Int? {
    while true {
      let value = zth_atomic_load_acquire(ticket)
      guard value >> WorkerPool.generationShift == generation else { return nil }
      let next = value & WorkerPool.fieldMask
      let count = (value >> WorkerPool.countShift) & WorkerPool.fieldMask
      if next >= count { return nil }
      if zth_atomic_compare_exchange(ticket, value, value + 1) != 0 { return Int(next) }
    }
  }

  /// Runs one claimed chunk. Not inlined, so that the worker's reference to the body is released
  /// before the chunk is counted as finished (the submitter then clears it and checks it did not
  /// escape).
  @inline(never)
  private func runChunk(_ chunk: Int) {
    body.unsafelyUnwrapped(chunk)
  }

  /// A worker: takes chunks of each new job it may help with; between jobs spins, then sleeps.
  private func workerLoop(_ index: Int) {
    var seen: Int64 = 0
    while true {
      let value = zth_atomic_load_acquire(ticket)
      let generation = value >> WorkerPool.generationShift
      if generation != seen {
        if Int64(index) < (value >> WorkerPool.allowedShift) & 0xFF {
          while let chunk = claim(generation: generation) {
            runChunk(chunk)
            _ = zth_atomic_fetch_add(finished, 1)
          }
        }
        seen = generation
      }
      waitForJob(after: seen)
    }
  }

  /// Returns once the ticket's generation differs from `seen`: spins for `spinNanoseconds`,
  /// then sleeps on the condition until a submitter wakes it.
  private func waitForJob(after seen: Int64) {
    let start = DispatchTime.now().uptimeNanoseconds
    var spins = 0
    while zth_atomic_load_acquire(ticket) >> WorkerPool.generationShift == seen {
      zth_cpu_relax()
      spins += 1
      if spins & 63 == 0, DispatchTime.now().uptimeNanoseconds - start > WorkerPool.spinNanoseconds {
        wake.lock()
        _ = zth_atomic_fetch_add_seq_cst(sleepers, 1)
        while zth_atomic_load_seq_cst(ticket) >> WorkerPool.generationShift == seen { wake.wait() }
        _ = zth_atomic_fetch_add_seq_cst(sleepers, -1)
        wake.unlock()
        return
      }
    }
  }
}
