import CKernelsISA

/// The register-tile micro-kernels `sgemm` can run, and the one chosen for the CPU the package was
/// compiled for.
///
/// Every variant computes each element of C with the same operations in the same order (see
/// `sgemmKernelReference`): the tile shape decides only how many accumulators stay in registers,
/// so results are bit-identical on AVX-512, AVX2 and arm64, and tests compare variants with `==`.
public enum GEMMKernel: String, CaseIterable, Sendable, CustomStringConvertible {
  /// 8×32 tile in 16 `SIMD16<Float>` accumulators: 16 of the 32 zmm registers on AVX-512. On a
  /// 256-bit target each accumulator needs two ymm registers (32 of 16) and the loop spills.
  case tile8x32 = "8x32-simd16"
  /// 6×16 tile in 12 `SIMD8<Float>` accumulators: 12 of the 16 ymm registers on AVX2, leaving
  /// room for two B vectors and the A broadcast; on arm64 24 of the 32 NEON registers. The
  /// portable choice for every CPU without AVX-512.
  case tile6x16 = "6x16-simd8"

  /// The kernel for the instruction set this module was compiled for (`-target-cpu native`):
  /// 8×32 when the compiler may use AVX-512, 6×16 everywhere else.
  public static let selected: GEMMKernel = KernelISA.compiled == .avx512 ? .tile8x32 : .tile6x16

  /// The variant `sgemm` uses when not told otherwise: `selected`, unless a caller scopes another
  /// with `GEMMKernel.$current.withValue(.tile8x32) { … }` (Benchmarks' `--kernel`, to compare
  /// variants on one machine; results are the same, only the speed differs). Like every task-local
  /// value it is not seen by `sgemm` calls made on Dispatch worker threads, which use `selected`.
  @TaskLocal public static var current: GEMMKernel = selected

  /// Rows of the register tile.
  @inline(__always) var mr: Int { self == .tile8x32 ? 8 : 6 }
  /// Columns of the register tile (the width of a packed B panel).
  @inline(__always) var nr: Int { self == .tile8x32 ? 32 : 16 }

  /// Depth of one k-block (256 on every CPU and for every variant): each element of C sums its
  /// products in k order within blocks that start at multiples of this, so a caller that skips
  /// all-zero terms at the start of a sum must start at such a multiple to keep the same result.
  public static var depthBlock: Int { GEMMBlocking.kc }

  /// The name printed by Benchmarks, e.g. `6x16-simd8`.
  public var description: String { rawValue }
}

/// The vector instruction set the numeric modules were compiled for.
///
/// Read at compile time from the C compiler's predefined macros (`__AVX512F__`, `__AVX2__`,
/// `__aarch64__`) as seen by the Swift compiler when it compiled this module with the package's
/// `-target-cpu native`, so it names the registers the SIMD kernels actually use.
public enum KernelISA: String, Sendable {
  /// x86-64 with AVX-512F: 32 × 512-bit registers.
  case avx512
  /// x86-64 with AVX2 and FMA (no AVX-512): 16 × 256-bit registers.
  case avx2
  /// 64-bit ARM (NEON): 32 × 128-bit registers.
  case arm64
  /// Anything else: the portable Swift SIMD code, as the compiler lowers it.
  case generic

  /// The instruction set of this build.
  public static let compiled: KernelISA = {
    // Indexing a table (rather than `if` on each constant) keeps the compiler from warning that
    // the branches of the other instruction sets are never executed.
    let table: [KernelISA] = [.generic, .arm64, .avx2, .avx2, .avx512, .avx512, .avx512, .avx512]
    let bits = (ZTH_BUILT_FOR_AVX512F != 0 ? 4 : 0) | (ZTH_BUILT_FOR_AVX2_FMA != 0 ? 2 : 0)
      | (ZTH_BUILT_FOR_ARM64 != 0 ? 1 : 0)
    return table[bits]
  }()
}
