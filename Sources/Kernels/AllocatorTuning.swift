#if canImport(Glibc)
import Glibc

// glibc's `mallopt` is not exported by the Glibc module; declare the C symbol directly.
@_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Process-wide tuning of the C allocator for tensor workloads.
public enum AllocatorTuning {
  /// Keeps large freed blocks (up to 512 MB) inside the heap instead of returning them to the
  /// kernel.
  ///
  /// By default glibc serves blocks above 128 KB–32 MB with `mmap` and unmaps them on `free`, so a
  /// training loop that frees and re-allocates the same 25 MB activations every step pays for the
  /// kernel zeroing fresh pages each time (measured on lecture 2's full-batch gradient descent:
  /// 2.1 s → 0.2 s of system time per 20 steps). Raising the mmap and trim thresholds lets each
  /// step reuse the previous step's blocks, which is what PyTorch's caching allocator achieves.
  /// Call it once at start-up (every lecture does, through `Notebook`). No effect off Linux.
  public static func keepLargeBlocksInHeap() {
    #if canImport(Glibc)
    _ = glibcMallopt(-3, 512 << 20)  // M_MMAP_THRESHOLD
    _ = glibcMallopt(-1, 1 << 30)    // M_TRIM_THRESHOLD
    #endif
  }
}
