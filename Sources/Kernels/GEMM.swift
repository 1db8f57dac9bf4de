import CKernelsISA

/// Single-precision general matrix multiply on row-major matrices:
/// `C[m×n] = alpha · op(A) · op(B) + beta · C`, where `op(X)` is `X` or `Xᵀ`.
///
/// `a` holds `op(A)` of shape `m×k` (stored `m×k` with row stride `lda`, or `k×m` when
/// `transA`); `b` holds `op(B)` of shape `k×n` (stored `k×n`, or `n×k` when `transB`). The
/// transposed variants let backward passes compute `dA = dC·Bᵀ` and `dB = Aᵀ·dC` without
/// materialising a transpose. With `beta == 0`, `C` is overwritten (it may hold garbage);
/// with `beta == 1` the product is added to `C` (gradient accumulation). `C` must not overlap
/// `A` or `B`.
///
/// Implementation: cache-blocked (k in blocks of 256 on every CPU, rows and columns in blocks
/// tuned per kernel), B packed into zero-padded panels as wide as the register tile, A read in
/// place through strides, and a register tile of SIMD FMAs chosen for the instruction set the
/// package was compiled for (`GEMMKernel.selected`: 8×32 on AVX-512, 6×16 on AVX2 and others;
/// see GEMMMicroKernels.swift and Sources/Kernels/README.md). `kernel` picks another variant
/// (default `GEMMKernel.current`; tests run every one); all variants give bit-identical results. Above 2 Mflop the work is
/// shared by `threads` threads: each packed B block is shared, and its C tiles are split between
/// threads by rows or by columns — never along k — so each element of C is computed by exactly
/// one thread with the same operations, and the result is bit-identical for every thread count.
public func sgemm(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
  alpha: Float = 1,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float = 0,
  c: UnsafeMutablePointer<Float>, ldc: Int,
  threads: Int = Parallelism.threadCount,
  kernel: GEMMKernel = .current
) {
  checkGEMMArguments(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
  if m == 0 || n == 0 { return }
  if k == 0 || alpha == 0 {
    scaleMatrix(c, rows: m, columns: n, ld: ldc, by: beta)
    return
  }
  let blocking = GEMMBlocking.tuned(for: kernel)
  let operands = GEMMOperands(transA: transA, transB: transB, k: k, alpha: alpha, a: a, lda: lda,
                              b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
  let flops = 2 * Double(m) * Double(n) * Double(k)
  let wanted = max(1, min(threads, Int(flops / GEMMBlocking.minimumFlopsPerThread)))
  let rowTiles = (m + blocking.mr - 1) / blocking.mr
  let columnTiles = (n + blocking.nr - 1) / blocking.nr
  if wanted <= 1 || max(rowTiles, columnTiles) < 2 {
    sgemmBlocked(operands, rows: 0..<m, columns: 0..<n, blocking: blocking)
    return
  }
  if blocking.usesStrips(transA: transA, bInPlace: false, depth: k, columns: n) && m > 2 * blocking.mr {
    // Strips: threads take whole column blocks (about four each, so a thread slowed down by other
    // processes takes fewer), each packing its own B block for every k-block and running all the
    // strips past it: one parallel region per product instead of two per B block. A block
    // narrower than 128 columns (n < 1,024 on two threads) runs the panel sweep instead, as
    // `sgemmBlocked` decides from its own width (gemm-512-t2: 1.52 ms this way, 1.75 before).
    // Each element of C is still computed by one thread with the same operations.
    let width = min(blocking.stripColumns, max(64, (n + 4 * wanted - 1) / (4 * wanted) + 15) / 16 * 16)
    let chunks = (n + width - 1) / width
    Parallelism.forEachChunk(chunks, threads: wanted) { chunk in
      sgemmBlocked(operands, rows: 0..<m, columns: (chunk * width)..<min(n, (chunk + 1) * width), blocking: blocking)
    }
    return
  }
  let blockFlops = 2 * Double(m) * Double(min(n, blocking.nc)) * Double(min(k, blocking.kc))
  if blockFlops >= Double(wanted) * GEMMBlocking.minimumFlopsPerThread {
    sgemmParallel(operands, m: m, n: n, threads: wanted, blocking: blocking)
    return
  }
  // Many small k-blocks (k much larger than m and n): two dispatches per block would cost more
  // than they share, so each thread runs the whole product on its own run of tiles instead,
  // splitting the longer side of C (each chunk packs all of B, or reads all of A).
  let splitRows = rowTiles >= columnTiles
  let tiles = splitRows ? rowTiles : columnTiles
  let tileSize = splitRows ? blocking.mr : blocking.nr
  let extent = splitRows ? m : n
  let tilesPerChunk = (tiles + wanted - 1) / wanted
  let chunks = (tiles + tilesPerChunk - 1) / tilesPerChunk
  Parallelism.forEachChunk(chunks, threads: wanted) { chunk in
    let start = chunk * tilesPerChunk * tileSize
    let range = start..<min(extent, start + tilesPerChunk * tileSize)
    if splitRows {
      sgemmBlocked(operands, rows: range, columns: 0..<n, blocking: blocking)
    } else {
      sgemmBlocked(operands, rows: 0..<m, columns: range, blocking: blocking)
    }
  }
}

/// The plain triple loop that defines what `sgemm` computes (up to rounding: it sums all of k in
/// one accumulator); tests compare the fast kernels to it with a tolerance.
public func sgemmReference(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
  alpha: Float = 1,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float = 0,
  c: UnsafeMutablePointer<Float>, ldc: Int
) {
  for i in 0..<m {
    for j in 0..<n {
      var acc: Float = 0
      for p in 0..<k {
        let av = transA ? a[p * lda + i] : a[i * lda + p]
        let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
        acc += av * bv
      }
      c[i * ldc + j] = alpha * acc + (beta == 0 ? 0 : beta * c[i * ldc + j])
    }
  }
}

/// The exact arithmetic of every `sgemm` kernel variant, written as scalar loops.
///
/// For each element of C, k is cut into blocks of `GEMMBlocking.kc` (256) steps; each block sums
/// its products in k order in a fresh accumulator with one fused multiply-add per step
/// (`acc = fma(a, b, acc)`), then stores `alpha·acc` (first block, `beta == 0`),
/// `alpha·acc + beta·c` (first block otherwise) or `alpha·acc + c` (later blocks). Every
/// micro-kernel, edge path and thread split does exactly this, so tests compare them to it with
/// `==`; the same holds for a variant this machine cannot run fast (its lanes do the same
/// scalar operations).
public func sgemmKernelReference(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
  alpha: Float = 1,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float = 0,
  c: UnsafeMutablePointer<Float>, ldc: Int
) {
  checkGEMMArguments(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
  if m == 0 || n == 0 { return }
  if k == 0 || alpha == 0 {
    scaleMatrix(c, rows: m, columns: n, ld: ldc, by: beta)
    return
  }
  for i in 0..<m {
    for j in 0..<n {
      var pc = 0
      while pc < k {
        var acc: Float = 0
        for p in pc..<min(k, pc + GEMMBlocking.kc) {
          let av = transA ? a[p * lda + i] : a[i * lda + p]
          let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
          acc = acc.addingProduct(av, bv)
        }
        let blockBeta = pc == 0 ? beta : 1
        c[i * ldc + j] = blockBeta == 0 ? alpha * acc : alpha * acc + blockBeta * c[i * ldc + j]
        pc += GEMMBlocking.kc
      }
    }
  }
}

// MARK: - Implementation

/// Cache-blocking parameters of the packed kernel.
struct GEMMBlocking {
  /// Depth of one packed block, the same for every kernel: it decides where each element's sum is
  /// cut into partial sums, so changing it per CPU would change results. A B micro-panel is
  /// `kc × nr` floats (32 KB for 8×32, 16 KB for 6×16), kept in L1.
  static let kc = 256
  /// The register tile.
  let kernel: GEMMKernel
  /// Rows of A swept per packed B block (`mc × kc` floats of A, kept in L2).
  var mc: Int
  /// Columns of B packed at once (`kc × nc` floats).
  var nc: Int

  /// Rows of the register tile.
  var mr: Int { kernel.mr }
  /// Columns of the register tile (width of a packed B panel).
  var nr: Int { kernel.nr }
  /// Depth of one packed block (`GEMMBlocking.kc`).
  var kc: Int { GEMMBlocking.kc }

  /// A stored transposed is copied into contiguous `mr`-row panels when a block of C spans at
  /// least this many B panels (so the copy is shared by that many tiles); otherwise, and always
  /// for a row-major A, the kernel reads A in place. Measured with the 6×16 tile on the Zen 3
  /// (per-thread CPU time, Aᵀ·B, n = 1024): 86 GFLOP/s packed vs 65 in place — read in place,
  /// each k-step of Aᵀ is a new cache line and with a power-of-two `lda` they share a few L1
  /// sets; at n = 256 packing cost more than it saved (73 vs 75), hence 16 panels. A row-major A
  /// gained nothing from packing at n = 128…1024 (up to 10% lost at n = 128), so it never is.
  var packAMinimumPanels: Int

  /// Below this many flops per thread, an extra thread costs more than it saves. 1 Mflop (about
  /// 12 µs on one Zen 3 core) since parallel regions run on `WorkerPool` (a job starts in well under
  /// a microsecond); it was 4 Mflop with Dispatch's 7–10 µs wake-up. Measured on lecture 7's
  /// training step (2 threads): 8.1–9.5 ms at 1 Mflop vs 9.5–11.1 ms at 4 Mflop, same session.
  static let minimumFlopsPerThread: Double = 1_000_000

  /// Whether A is packed for a block of C that spans `panels` B panels and `rows` rows.
  func packsA(panels: Int, rows: Int, transposed: Bool) -> Bool {
    transposed && panels >= packAMinimumPanels && rows > mr
  }

  /// Whether a product runs strip by strip (`microKernel6x16Strip`: six A rows kept in L1, a
  /// packed B block sized for L2 streaming past them): the 6×16 kernel with a row-major A, a
  /// packed B, and enough depth and width for a strip's per-tile prefetches and its copy to pay
  /// (k ≥ 128 and n ≥ 128; lecture 7's FFN products, k = 256 with n = 64, were measured about 5%
  /// slower in strips: four tiles per strip do not repay its copy and prefetches). Other products
  /// sweep each B panel down an `mc`-row block of A.
  func usesStrips(transA: Bool, bInPlace: Bool, depth k: Int, columns n: Int) -> Bool {
    kernel == .tile6x16 && !transA && !bInPlace && k >= 128 && n >= 128
  }

  /// Columns of B packed at once: `stripColumns` for strips (the block must stay in L2 while
  /// every strip of A passes), `nc` otherwise.
  func columnsPerBlock(strips: Bool) -> Int { strips ? stripColumns : nc }

  /// Columns of a packed B block in the strip order (`kc × stripColumns` floats, 256 KB at 256:
  /// half of a Zen 3 core's L2).
  var stripColumns: Int = 256

  /// Floats of the copy of one strip of A (`6 × kc`, rows 1 KB apart at kc = 256 whatever `lda`).
  static let stripFloats = 6 * kc

  /// The blocking measured for each kernel (see Sources/Kernels/README.md). 8×32: mc 96, nc 2048,
  /// tuned on an AVX-512 Zen 5 (A never packed: that path is unchanged). 6×16, on an AVX2 Zen 3:
  /// mc 96/144/192/384 and nc 2048 vs 512 were within the noise at n = 512 and 1024, nc 256 lost
  /// ~8% at n = 1024 in that order; kept 96 and 2048 for it (strips use `stripColumns`).
  static func tuned(for kernel: GEMMKernel) -> GEMMBlocking {
    switch kernel {
    case .tile8x32: return GEMMBlocking(kernel: kernel, mc: 96, nc: 2048, packAMinimumPanels: .max)
    case .tile6x16: return GEMMBlocking(kernel: kernel, mc: 96, nc: 2048, packAMinimumPanels: 16)
    }
  }
}

/// The arguments of one `sgemm` call, bundled so chunks running on other threads can share them.
struct GEMMOperands: @unchecked Sendable {
  let transA: Bool, transB: Bool, k: Int, alpha: Float
  let a: UnsafePointer<Float>, lda: Int
  let b: UnsafePointer<Float>, ldb: Int
  let beta: Float
  let c: UnsafeMutablePointer<Float>, ldc: Int
}

/// Stops with a message naming the offending sizes when the arguments cannot describe matrices.
@inline(__always)
func checkGEMMArguments(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int
) {
  guard m >= 0, n >= 0, k >= 0 else {
    preconditionFailure("sgemm: negative size m=\(m) n=\(n) k=\(k)")
  }
  let aColumns = transA ? m : k, bColumns = transB ? k : n
  guard lda >= aColumns || (m == 0 || k == 0), ldb >= bColumns || (n == 0 || k == 0),
        ldc >= n || m == 0 else {
    preconditionFailure(
      "sgemm: leading dimension too small: lda=\(lda) (needs \(aColumns)), ldb=\(ldb) (needs \(bColumns)), "
        + "ldc=\(ldc) (needs \(n)) for m=\(m) n=\(n) k=\(k) transA=\(transA) transB=\(transB)")
  }
}

/// `C = beta · C` (with `beta == 0` writing zeros, whatever C held).
func scaleMatrix(_ c: UnsafeMutablePointer<Float>, rows: Int, columns: Int, ld: Int, by beta: Float) {
  if beta == 1 { return }
  for i in 0..<rows {
    let row = c + i * ld
    if beta == 0 {
      row.update(repeating: 0, count: columns)
    } else {
      for j in 0..<columns { row[j] = beta * row[j] }
    }
  }
}

/// Computes the block `rows × columns` of C on the calling thread, with its own packing buffers.
///
/// Loop order (outside in): column blocks of `nc`, k-blocks of `kc` (B block packed once),
/// then `multiplyPackedBlock`. A row-major A is not packed: the kernel reads it in place through
/// strides (a broadcast load costs the same from any address, and skipping the copy pays off for
/// the skinny products the lectures are full of); a transposed A is packed for wide blocks of C
/// (see `GEMMBlocking.packAMinimumPanels`).
@inline(never)
func sgemmBlocked(_ op: GEMMOperands, rows: Range<Int>, columns: Range<Int>, blocking: GEMMBlocking) {
  // With one or two row panels a packed B panel would be used once or twice: cheaper to read a
  // row-major B in place (only a ragged last panel, which would read past the rows, is packed).
  let bInPlace = !op.transB && rows.count <= 2 * blocking.mr
  let strips = blocking.usesStrips(transA: op.transA, bInPlace: bInPlace, depth: op.k, columns: columns.count)
  let blockColumns = blocking.columnsPerBlock(strips: strips)
  let nr = blocking.nr
  let kcMax = min(op.k, blocking.kc)
  let ncMax = bInPlace ? nr : (min(columns.count, blockColumns) + nr - 1) / nr * nr
  let packA = blocking.packsA(panels: (min(columns.count, blockColumns) + nr - 1) / nr, rows: rows.count, transposed: op.transA)
  let packedACount = packA ? (min(rows.count, blocking.mc) + blocking.mr - 1) / blocking.mr * blocking.mr * kcMax : 0
  let stripCount = strips ? GEMMBlocking.stripFloats : 0
  withScratchFloats(kcMax * ncMax + blocking.mr * nr + max(packedACount, stripCount)) { buffer in
    let packedB = buffer, scratch = buffer + kcMax * ncMax
    let packedA = packA ? scratch + blocking.mr * nr : nil
    var jc = columns.lowerBound
    while jc < columns.upperBound {
      let nc = min(blockColumns, columns.upperBound - jc)
      var pc = 0
      while pc < op.k {
        let kc = min(blocking.kc, op.k - pc)
        if !bInPlace {
          packB(op.b, ldb: op.ldb, transposed: op.transB, depthStart: pc, depth: kc,
                columnStart: jc, columns: nc, panelWidth: nr, into: packedB)
        } else if nc % nr != 0 {
          packB(op.b, ldb: op.ldb, transposed: false, depthStart: pc, depth: kc,
                columnStart: jc + nc / nr * nr, columns: nc % nr, panelWidth: nr, into: packedB)
        }
        multiplyPackedBlock(op, packedB: packedB, bInPlace: bInPlace, depthStart: pc, depth: kc,
                            columnStart: jc, columns: nc, rows: rows, panels: 0..<((nc + nr - 1) / nr),
                            strips: strips, blocking: blocking, scratch: scratch, packedA: packedA)
        pc += kc
      }
      jc += nc
    }
  }
}

/// The multi-threaded `sgemm`: each packed B block is shared by all threads (packed by them
/// together, panel ranges split between them), then its C tiles are handed out in chunks —
/// runs of row tiles, or of column panels when C is wide — about four per thread so that a
/// thread slowed down by other processes gets fewer. Each chunk is one rectangle of C computed
/// by one thread for that k-block, so the result does not depend on the thread count.
@inline(never)
func sgemmParallel(_ op: GEMMOperands, m: Int, n: Int, threads: Int, blocking: GEMMBlocking) {
  let nr = blocking.nr
  let kcMax = min(op.k, blocking.kc)
  let strips = blocking.usesStrips(transA: op.transA, bInPlace: false, depth: op.k, columns: n)
  let blockColumns = blocking.columnsPerBlock(strips: strips)
  let ncMax = (min(n, blockColumns) + nr - 1) / nr * nr
  withScratchFloats(kcMax * ncMax) { packedB in
    for jc in stride(from: 0, to: n, by: blockColumns) {
      let nc = min(blockColumns, n - jc)
      let panels = (nc + nr - 1) / nr
      for pc in stride(from: 0, to: op.k, by: blocking.kc) {
        let kc = min(blocking.kc, op.k - pc)
        // Pack this B block: panel runs split between threads when it is big enough to pay.
        let packers = kc * nc >= 65_536 ? min(threads, panels) : 1
        let panelsPerPacker = (panels + packers - 1) / packers
        Parallelism.forEachChunk(packers, threads: threads) { packer in
          let first = packer * panelsPerPacker, last = min(panels, first + panelsPerPacker)
          if first < last {
            packB(op.b, ldb: op.ldb, transposed: op.transB, depthStart: pc, depth: kc,
                  columnStart: jc + first * nr, columns: min(nc, last * nr) - first * nr,
                  panelWidth: nr, into: packedB + first * nr * kc)
          }
        }
        // Multiply it: chunks of row tiles (or of column panels when C is wider than tall).
        let rowTiles = (m + blocking.mr - 1) / blocking.mr
        let byRows = rowTiles >= panels
        let units = byRows ? rowTiles : panels
        let perChunk = max(1, (units + 4 * threads - 1) / (4 * threads))
        let chunks = (units + perChunk - 1) / perChunk
        Parallelism.forEachChunk(chunks, threads: threads) { chunk in
          let first = chunk * perChunk, last = min(units, first + perChunk)
          let rows = byRows ? (first * blocking.mr)..<min(m, last * blocking.mr) : 0..<m
          let chunkPanels = byRows ? 0..<panels : first..<last
          let packA = blocking.packsA(panels: chunkPanels.count, rows: rows.count, transposed: op.transA)
          let packedACount = packA ? (min(rows.count, blocking.mc) + blocking.mr - 1) / blocking.mr * blocking.mr * kc : 0
          withScratchFloats(blocking.mr * nr + max(packedACount, strips ? GEMMBlocking.stripFloats : 0)) { scratch in
            multiplyPackedBlock(op, packedB: packedB, bInPlace: false, depthStart: pc, depth: kc,
                                columnStart: jc, columns: nc,
                                rows: rows, panels: chunkPanels, strips: strips, blocking: blocking,
                                scratch: scratch, packedA: packA ? scratch + blocking.mr * nr : nil)
          }
        }
      }
    }
  }
}

/// Multiplies the rows `rows` of A (depth `depthStart ..< depthStart + depth`) by the B panels
/// `panels` of a packed block and stores into C: the first k-block applies the caller's `beta`,
/// later ones add to what earlier ones stored. With `bInPlace`, whole panels are read from a
/// row-major B directly and only a ragged last panel comes from `packedB` (at its start).
///
/// Loop order: row blocks of `mc` (A block kept in L2), `nr`-column B micro-panels (kept in L1),
/// `mr`-row A panels read in place.
@inline(__always)
func multiplyPackedBlock(
  _ op: GEMMOperands, packedB: UnsafeMutablePointer<Float>, bInPlace: Bool, depthStart pc: Int, depth kc: Int,
  columnStart jc: Int, columns nc: Int, rows: Range<Int>, panels: Range<Int>, strips: Bool,
  blocking: GEMMBlocking, scratch: UnsafeMutablePointer<Float>, packedA: UnsafeMutablePointer<Float>?
) {
  let mr = blocking.mr, nr = blocking.nr
  let beta = pc == 0 ? op.beta : 1
  if strips {
    multiplyStrips6x16(op, packedB: packedB, depthStart: pc, depth: kc, columnStart: jc, columns: nc,
                       rows: rows, panels: panels, beta: beta, scratch: scratch)
    return
  }
  // A in place: row r, step p at a[r·aRowStride + p·aStepStride].
  let sourceRowStride = op.transA ? 1 : op.lda
  let sourceStepStride = op.transA ? op.lda : 1
  // Packed A: panel q (rows ic+q·mr ..< ic+(q+1)·mr) at packedA + q·mr·kc, mr floats per step.
  let aRowStride = packedA == nil ? sourceRowStride : 1
  let aStepStride = packedA == nil ? sourceStepStride : mr
  var ic = rows.lowerBound
  while ic < rows.upperBound {
    let mc = min(blocking.mc, rows.upperBound - ic)
    let aBlock: UnsafePointer<Float>
    if let packedA {
      packA(op.a + (pc * sourceStepStride + ic * sourceRowStride), rowStride: sourceRowStride,
            stepStride: sourceStepStride, rows: mc, depth: kc, panelHeight: mr, into: packedA)
      aBlock = UnsafePointer(packedA)
    } else {
      aBlock = op.a + (pc * aStepStride + ic * aRowStride)
    }
    for panel in panels {
      let jr = panel * nr
      let width = min(nr, nc - jr)
      let direct = bInPlace && width == nr
      let bPanel = direct ? op.b + (pc * op.ldb + jc + jr) : UnsafePointer(packedB + (bInPlace ? 0 : jr * kc))
      let bStepStride = direct ? op.ldb : nr
      let cColumn = op.c + (jc + jr)
      var ir = 0
      switch blocking.kernel {
      case .tile8x32:
        while ir < mc {
          let aPanel = aBlock + (packedA == nil ? ir * aRowStride : ir * kc)
          microKernel8x32(kc: kc, a: aPanel, aRowStride: aRowStride, aStepStride: aStepStride,
                          b: bPanel, bStepStride: bStepStride,
                          c: cColumn + (ic + ir) * op.ldc, ldc: op.ldc, alpha: op.alpha, beta: beta,
                          mr: min(mr, mc - ir), nr: width, scratch: scratch)
          ir += mr
        }
      case .tile6x16 where packedA != nil:
        // Packed A: constant strides (1, 6), so the kernel's A addresses fold to constants.
        while ir < mc {
          microKernel6x16(kc: kc, a: aBlock + ir * kc, aRowStride: 1, aStepStride: 6, aRows: 6,
                          b: bPanel, bStepStride: bStepStride,
                          c: cColumn + (ic + ir) * op.ldc, ldc: op.ldc, alpha: op.alpha, beta: beta,
                          mr: min(mr, mc - ir), nr: width, scratch: scratch)
          ir += mr
        }
      case .tile6x16 where aStepStride == 1 && bStepStride == nr:
        // Row-major A read in place and a packed B panel (the common case): constant steps let
        // the unrolled k loop address the next step by displacement; with runtime strides it
        // needed six more offset registers and reloaded three from the stack every two steps.
        while ir < mc {
          let rowsLeft = min(mr, mc - ir)
          microKernel6x16(kc: kc, a: aBlock + ir * aRowStride, aRowStride: aRowStride, aStepStride: 1,
                          aRows: rowsLeft, b: bPanel, bStepStride: 16,
                          c: cColumn + (ic + ir) * op.ldc, ldc: op.ldc, alpha: op.alpha, beta: beta,
                          mr: rowsLeft, nr: width, scratch: scratch)
          ir += mr
        }
      case .tile6x16:
        while ir < mc {
          let rowsLeft = min(mr, mc - ir)
          microKernel6x16(kc: kc, a: aBlock + ir * aRowStride, aRowStride: aRowStride, aStepStride: aStepStride,
                          aRows: rowsLeft, b: bPanel, bStepStride: bStepStride,
                          c: cColumn + (ic + ir) * op.ldc, ldc: op.ldc, alpha: op.alpha, beta: beta,
                          mr: rowsLeft, nr: width, scratch: scratch)
          ir += mr
        }
      }
    }
    ic += mc
  }
}

/// The strip order of the 6×16 kernel over one packed B block: for each strip of six rows of A
/// (in `rows`), `microKernel6x16Strip` runs it against the B panels `panels` (full panels packed
/// `16·kc` floats apart from `packedB`), storing into C with `beta`.
///
/// A full strip shared by at least four tiles is first copied to `scratch + 96` with rows `kc`
/// floats apart: read in place, the six rows are `lda` apart, and with a power-of-two `lda` (1,024
/// floats, 4 KB) their cache lines all fall in the same few L1 sets, where the B stream evicts them.
@inline(__always)
func multiplyStrips6x16(
  _ op: GEMMOperands, packedB: UnsafeMutablePointer<Float>, depthStart pc: Int, depth kc: Int,
  columnStart jc: Int, columns nc: Int, rows: Range<Int>, panels: Range<Int>, beta: Float,
  scratch: UnsafeMutablePointer<Float>
) {
  let lda = op.lda
  let lastWidth = min(16, nc - (panels.upperBound - 1) * 16)
  let copiesStrips = panels.count >= 4
  let strip = scratch + 96
  let b = UnsafePointer(packedB + panels.lowerBound * 16 * kc)
  var ir = rows.lowerBound
  while ir < rows.upperBound {
    let mr = min(6, rows.upperBound - ir)
    var a = op.a + (ir * lda + pc)
    var rowStride = lda
    if copiesStrips && mr == 6 {
      for r in 0..<6 { (strip + r * kc).update(from: a + r * lda, count: kc) }
      a = UnsafePointer(strip)
      rowStride = kc
    }
    let nextA: UnsafePointer<Float>? = ir + 6 < rows.upperBound ? op.a + ((ir + 6) * lda + pc) : nil
    microKernel6x16Strip(kc: kc, a: a, aRowStride: rowStride, mr: mr, b: b, panels: panels.count,
                         lastWidth: lastWidth, c: op.c + (ir * op.ldc + jc + panels.lowerBound * 16),
                         ldc: op.ldc, alpha: op.alpha, beta: beta, nextA: nextA, nextARowStride: lda,
                         scratch: scratch)
    ir += 6
  }
}

/// Runs `body` with `count` uninitialised, 64-byte-aligned floats private to this call: on the
/// stack up to 64 KB (small products pay no allocation), on the heap above (Dispatch worker
/// threads have small stacks).
@inline(__always)
func withScratchFloats(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
  let bytes = count * MemoryLayout<Float>.stride
  if bytes <= 65_536 {
    withUnsafeTemporaryAllocation(byteCount: bytes, alignment: 64) { raw in
      body(raw.baseAddress!.bindMemory(to: Float.self, capacity: count))
    }
  } else {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    defer { raw.deallocate() }
    body(raw.bindMemory(to: Float.self, capacity: count))
  }
}
