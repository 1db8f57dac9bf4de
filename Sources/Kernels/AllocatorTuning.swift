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

  /// Buffers of at least this many bytes (4 MB, numpy's threshold) are backed by 2 MB pages
  /// where the system allows it (`adviseHugePages`).
  public static let hugePageThreshold = 4 << 20

  /// The 2 MB-aligned part of `[start, start + byteCount)`: the pages `adviseHugePages` asks to
  /// back with huge pages (nil when the range holds no whole 2 MB page).
  public static func hugePageRange(start: UInt, byteCount: Int) -> Range<UInt>? {
    let page: UInt = 2 << 20
    let first = (start &+ page &- 1) & ~(page &- 1)
    let end = (start &+ UInt(byteCount)) & ~(page &- 1)
    return first < end ? first..<end : nil
  }

  /// Asks Linux to back a large buffer with 2 MB pages (transparent huge pages, `MADV_HUGEPAGE`),
  /// as numpy does for its arrays of 4 MB and more. With 4 KB pages the operands of a large
  /// product (three 4 MB matrices at n = 1,024) overflow the CPU's TLB, and every miss walks the
  /// page tables (in a virtual machine, two sets of them). Measured on the Zen 3 VM, ours and
  /// OpenBLAS on the same buffers window by window: `gemm-1024-t1` 84–91 → 92–94 GFLOP/s, OpenBLAS
  /// gaining as much. `Benchmarks` allocates its GEMM matrices this way so that they are on equal
  /// terms with numpy's. Tensors do not (yet): advising every large buffer of a training step
  /// costs a system call per allocation, and GPT-2's block step measured slower with it (one
  /// interleaved run: 639 ms median against 557 without). A hint:
  /// no effect on results, none below `hugePageThreshold`, none when THP is disabled, none off
  /// Linux. Call it before the buffer is first written (pages already touched stay small).
  public static func adviseHugePages(_ start: UnsafeMutableRawPointer, byteCount: Int) {
    #if canImport(Glibc)
    guard byteCount >= hugePageThreshold,
          let range = hugePageRange(start: UInt(bitPattern: start), byteCount: byteCount) else { return }
    _ = madvise(UnsafeMutableRawPointer(bitPattern: range.lowerBound), Int(range.upperBound - range.lowerBound),
                14)  // MADV_HUGEPAGE
    #endif
  }
}
