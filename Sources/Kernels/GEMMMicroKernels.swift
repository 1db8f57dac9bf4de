import CKernelsISA

// The register-tiled micro-kernels of `sgemm` (see GEMM.swift for the blocking around them, and
// `GEMMKernel` for which one runs where).
//
// A kernel keeps an `mr × nr` block of C in SIMD accumulators and walks A and a packed B panel one
// k-step at a time. The accumulators start at zero and take exactly one fused multiply-add per
// k-step, in k order: every element of C is therefore computed by the same sequence of operations
// whichever kernel, tile, edge path or thread it lands in (`sgemmKernelReference` spells it out).
// Only the tile shape differs, chosen so the accumulators fit the register file:
//   8×32 `SIMD16<Float>`: 16 accumulators = 16 of AVX-512's 32 zmm registers.
//   6×16 `SIMD8<Float>`: 12 accumulators = 12 of AVX2's 16 ymm registers (+2 for B, 1 for A).

/// The 8×32 register tile: `C[8×32] = alpha · Ap·Bp + beta · C` over `kc` packed steps.
///
/// Row `r` of A at step `p` is read at `a[r·aRowStride + p·aStepStride]`, so the kernel reads a
/// row-major A in place (strides lda, 1) or a transposed one (1, lda) without packing it.
/// `b` holds 32 floats per step, `bStepStride` apart: a packed micro-panel (32) or, for a
/// product with few rows, a row-major B read in place (ldb). 16 `SIMD16<Float>` accumulators stay
/// in zmm registers; each step broadcasts 8 A values and issues one FMA per accumulator.
/// Tiles cut by the matrix edge (`mr < MR` or `nr < 32`) go through `scratch`, with the same
/// per-element arithmetic as a full tile.
@inline(__always)
func microKernel8x32(
  kc: Int, a: UnsafePointer<Float>, aRowStride: Int, aStepStride: Int,
  b: UnsafePointer<Float>, bStepStride: Int,
  c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float,
  mr: Int, nr: Int, scratch: UnsafeMutablePointer<Float>
) {
  var c00 = SIMD16<Float>(); var c01 = SIMD16<Float>()
  var c10 = SIMD16<Float>(); var c11 = SIMD16<Float>()
  var c20 = SIMD16<Float>(); var c21 = SIMD16<Float>()
  var c30 = SIMD16<Float>(); var c31 = SIMD16<Float>()
  var c40 = SIMD16<Float>(); var c41 = SIMD16<Float>()
  var c50 = SIMD16<Float>(); var c51 = SIMD16<Float>()
  var c60 = SIMD16<Float>(); var c61 = SIMD16<Float>()
  var c70 = SIMD16<Float>(); var c71 = SIMD16<Float>()
  // Rows past `mr` re-read the last real row (their results are discarded), so a ragged panel
  // needs no padded copy and nothing outside A is ever read.
  let lastRow = mr &- 1
  let o1 = min(1, lastRow) &* aRowStride
  let o2 = min(2, lastRow) &* aRowStride
  let o3 = min(3, lastRow) &* aRowStride
  let o4 = min(4, lastRow) &* aRowStride
  let o5 = min(5, lastRow) &* aRowStride
  let o6 = min(6, lastRow) &* aRowStride
  let o7 = min(7, lastRow) &* aRowStride
  var pa = a
  var pb = UnsafeRawPointer(b)
  let bStepBytes = bStepStride &* 4
  for _ in 0..<kc {
    let b0 = pb.loadUnaligned(as: SIMD16<Float>.self)
    let b1 = pb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    let a0 = SIMD16<Float>(repeating: pa[0])
    c00.addProduct(a0, b0); c01.addProduct(a0, b1)
    let a1 = SIMD16<Float>(repeating: pa[o1])
    c10.addProduct(a1, b0); c11.addProduct(a1, b1)
    let a2 = SIMD16<Float>(repeating: pa[o2])
    c20.addProduct(a2, b0); c21.addProduct(a2, b1)
    let a3 = SIMD16<Float>(repeating: pa[o3])
    c30.addProduct(a3, b0); c31.addProduct(a3, b1)
    let a4 = SIMD16<Float>(repeating: pa[o4])
    c40.addProduct(a4, b0); c41.addProduct(a4, b1)
    let a5 = SIMD16<Float>(repeating: pa[o5])
    c50.addProduct(a5, b0); c51.addProduct(a5, b1)
    let a6 = SIMD16<Float>(repeating: pa[o6])
    c60.addProduct(a6, b0); c61.addProduct(a6, b1)
    let a7 = SIMD16<Float>(repeating: pa[o7])
    c70.addProduct(a7, b0); c71.addProduct(a7, b1)
    pa += aStepStride
    pb += bStepBytes
  }
  if mr == 8 && nr == 32 {
    let va = SIMD16<Float>(repeating: alpha)
    if beta == 0 {
      storeTileRow(c + 0 * ldc, c00 * va, c01 * va)
      storeTileRow(c + 1 * ldc, c10 * va, c11 * va)
      storeTileRow(c + 2 * ldc, c20 * va, c21 * va)
      storeTileRow(c + 3 * ldc, c30 * va, c31 * va)
      storeTileRow(c + 4 * ldc, c40 * va, c41 * va)
      storeTileRow(c + 5 * ldc, c50 * va, c51 * va)
      storeTileRow(c + 6 * ldc, c60 * va, c61 * va)
      storeTileRow(c + 7 * ldc, c70 * va, c71 * va)
    } else {
      let vb = SIMD16<Float>(repeating: beta)
      updateTileRow(c + 0 * ldc, c00 * va, c01 * va, vb)
      updateTileRow(c + 1 * ldc, c10 * va, c11 * va, vb)
      updateTileRow(c + 2 * ldc, c20 * va, c21 * va, vb)
      updateTileRow(c + 3 * ldc, c30 * va, c31 * va, vb)
      updateTileRow(c + 4 * ldc, c40 * va, c41 * va, vb)
      updateTileRow(c + 5 * ldc, c50 * va, c51 * va, vb)
      updateTileRow(c + 6 * ldc, c60 * va, c61 * va, vb)
      updateTileRow(c + 7 * ldc, c70 * va, c71 * va, vb)
    }
  } else {
    storeTileRow(scratch + 0, c00, c01)
    storeTileRow(scratch + 32, c10, c11)
    storeTileRow(scratch + 64, c20, c21)
    storeTileRow(scratch + 96, c30, c31)
    storeTileRow(scratch + 128, c40, c41)
    storeTileRow(scratch + 160, c50, c51)
    storeTileRow(scratch + 192, c60, c61)
    storeTileRow(scratch + 224, c70, c71)
    mergeEdgeTile(scratch, stride: 32, rows: mr, cols: nr, into: c, ldc: ldc, alpha: alpha, beta: beta)
  }
}

/// Stores one 32-wide tile row (two vectors) at `row`.
@inline(__always)
func storeTileRow(_ row: UnsafeMutablePointer<Float>, _ v0: SIMD16<Float>, _ v1: SIMD16<Float>) {
  let raw = UnsafeMutableRawPointer(row)
  raw.storeBytes(of: v0, as: SIMD16<Float>.self)
  raw.storeBytes(of: v1, toByteOffset: 64, as: SIMD16<Float>.self)
}

/// `row[0..<32] = scaled + beta · row[0..<32]`, the `beta != 0` store of a full tile row.
@inline(__always)
func updateTileRow(
  _ row: UnsafeMutablePointer<Float>, _ s0: SIMD16<Float>, _ s1: SIMD16<Float>, _ beta: SIMD16<Float>
) {
  let raw = UnsafeMutableRawPointer(row)
  let old0 = UnsafeRawPointer(raw).loadUnaligned(as: SIMD16<Float>.self)
  let old1 = UnsafeRawPointer(raw).loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
  raw.storeBytes(of: s0 + beta * old0, as: SIMD16<Float>.self)
  raw.storeBytes(of: s1 + beta * old1, toByteOffset: 64, as: SIMD16<Float>.self)
}

/// Writes the valid `rows × cols` corner of a raw accumulator tile (row stride `stride`) into C with
/// the same per-element arithmetic as the full-tile stores: `alpha·acc` or `alpha·acc + beta·c`.
///
/// Rows at least 16 wide go through two overlapping vectors (columns `0..<16` and
/// `cols-16..<cols`); both read C before either writes, so overlapping lanes get the same value.
@inline(never)
func mergeEdgeTile(
  _ tile: UnsafePointer<Float>, stride: Int, rows: Int, cols: Int,
  into c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
) {
  let va = SIMD16<Float>(repeating: alpha), vb = SIMD16<Float>(repeating: beta)
  let tail = (cols &- 16) &* 4
  for r in 0..<rows {
    let src = tile + r &* stride
    let dst = c + r &* ldc
    if cols >= 16 {
      let acc = UnsafeRawPointer(src)
      let out = UnsafeMutableRawPointer(dst)
      let head0 = acc.loadUnaligned(as: SIMD16<Float>.self) * va
      let tail0 = acc.loadUnaligned(fromByteOffset: tail, as: SIMD16<Float>.self) * va
      if beta == 0 {
        out.storeBytes(of: head0, as: SIMD16<Float>.self)
        out.storeBytes(of: tail0, toByteOffset: tail, as: SIMD16<Float>.self)
      } else {
        let oldHead = UnsafeRawPointer(out).loadUnaligned(as: SIMD16<Float>.self)
        let oldTail = UnsafeRawPointer(out).loadUnaligned(fromByteOffset: tail, as: SIMD16<Float>.self)
        out.storeBytes(of: head0 + vb * oldHead, as: SIMD16<Float>.self)
        out.storeBytes(of: tail0 + vb * oldTail, toByteOffset: tail, as: SIMD16<Float>.self)
      }
    } else if beta == 0 {
      for j in 0..<cols { dst[j] = src[j] * alpha }
    } else {
      for j in 0..<cols { dst[j] = src[j] * alpha + beta * dst[j] }
    }
  }
}

/// The 6×16 register tile: `C[6×16] = alpha · Ap·Bp + beta · C` over `kc` steps.
///
/// The same contract as `microKernel8x32` (A read in place through strides, `b` holding 16 floats
/// per step `bStepStride` apart, edge tiles through `scratch` with row stride 16), with 12
/// `SIMD8<Float>` accumulators: on AVX2 they take 12 of the 16 ymm registers, and the two B
/// vectors and the A broadcast fit in the other four, so nothing spills. Each step: 2 vector loads,
/// 6 broadcasts, 12 FMAs. `aRows` is how many rows of A may be read (rows past it re-read the
/// last one): `mr` for A read in place, 6 for packed A (whose ragged panels are padded), which
/// with the constant strides of packed A turns every broadcast address into a constant offset.
@inline(__always)
func microKernel6x16(
  kc: Int, a: UnsafePointer<Float>, aRowStride: Int, aStepStride: Int, aRows: Int,
  b: UnsafePointer<Float>, bStepStride: Int,
  c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float,
  mr: Int, nr: Int, scratch: UnsafeMutablePointer<Float>
) {
  var c00 = SIMD8<Float>(); var c01 = SIMD8<Float>()
  var c10 = SIMD8<Float>(); var c11 = SIMD8<Float>()
  var c20 = SIMD8<Float>(); var c21 = SIMD8<Float>()
  var c30 = SIMD8<Float>(); var c31 = SIMD8<Float>()
  var c40 = SIMD8<Float>(); var c41 = SIMD8<Float>()
  var c50 = SIMD8<Float>(); var c51 = SIMD8<Float>()
  // Rows past `aRows` re-read the last readable row (their results are discarded).
  let lastRow = aRows &- 1
  let o1 = min(1, lastRow) &* aRowStride
  let o2 = min(2, lastRow) &* aRowStride
  let o3 = min(3, lastRow) &* aRowStride
  let o4 = min(4, lastRow) &* aRowStride
  let o5 = min(5, lastRow) &* aRowStride
  // Start fetching the C tile now, so its rows are in L1 by the time the k loop ends (measured
  // on the Zen 3 at n = 1024, per-thread CPU time: 82–86 GFLOP/s with it, 72–79 without).
  for r in 0..<mr {
    zth_prefetch_for_write(c + r &* ldc)
    zth_prefetch_for_write(c + (r &* ldc &+ 15))
  }
  var pa = a
  var pb = UnsafeRawPointer(b)
  let bStepBytes = bStepStride &* 4
  for _ in 0..<kc {
    let b0 = pb.loadUnaligned(as: SIMD8<Float>.self)
    let b1 = pb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
    let a0 = SIMD8<Float>(repeating: pa[0])
    c00.addProduct(a0, b0); c01.addProduct(a0, b1)
    let a1 = SIMD8<Float>(repeating: pa[o1])
    c10.addProduct(a1, b0); c11.addProduct(a1, b1)
    let a2 = SIMD8<Float>(repeating: pa[o2])
    c20.addProduct(a2, b0); c21.addProduct(a2, b1)
    let a3 = SIMD8<Float>(repeating: pa[o3])
    c30.addProduct(a3, b0); c31.addProduct(a3, b1)
    let a4 = SIMD8<Float>(repeating: pa[o4])
    c40.addProduct(a4, b0); c41.addProduct(a4, b1)
    let a5 = SIMD8<Float>(repeating: pa[o5])
    c50.addProduct(a5, b0); c51.addProduct(a5, b1)
    pa += aStepStride
    pb += bStepBytes
  }
  storeTile6x16(c, ldc: ldc, alpha: alpha, beta: beta, rows: mr, columns: nr, scratch: scratch,
                c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51)
}

/// Stores one 16-wide tile row (two `SIMD8` vectors) at `row`.
@inline(__always)
func storeTileRow16(_ row: UnsafeMutablePointer<Float>, _ v0: SIMD8<Float>, _ v1: SIMD8<Float>) {
  let raw = UnsafeMutableRawPointer(row)
  raw.storeBytes(of: v0, as: SIMD8<Float>.self)
  raw.storeBytes(of: v1, toByteOffset: 32, as: SIMD8<Float>.self)
}

/// `row[0..<16] = scaled + beta · row[0..<16]`, the `beta != 0` store of a full 16-wide tile row.
@inline(__always)
func updateTileRow16(
  _ row: UnsafeMutablePointer<Float>, _ s0: SIMD8<Float>, _ s1: SIMD8<Float>, _ beta: SIMD8<Float>
) {
  let raw = UnsafeMutableRawPointer(row)
  let old0 = UnsafeRawPointer(raw).loadUnaligned(as: SIMD8<Float>.self)
  let old1 = UnsafeRawPointer(raw).loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
  raw.storeBytes(of: s0 + beta * old0, as: SIMD8<Float>.self)
  raw.storeBytes(of: s1 + beta * old1, toByteOffset: 32, as: SIMD8<Float>.self)
}

/// `row[0..<16] += s`: the store of a full 16-wide tile row when `alpha == 1` and `beta == 1`
/// (a later k-block). The same result as `updateTileRow16` with those values, since `1·x == x`
/// exactly, without its multiplies.
@inline(__always)
func addTileRow16(_ row: UnsafeMutablePointer<Float>, _ s0: SIMD8<Float>, _ s1: SIMD8<Float>) {
  let raw = UnsafeMutableRawPointer(row)
  let old0 = UnsafeRawPointer(raw).loadUnaligned(as: SIMD8<Float>.self)
  let old1 = UnsafeRawPointer(raw).loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
  raw.storeBytes(of: s0 + old0, as: SIMD8<Float>.self)
  raw.storeBytes(of: s1 + old1, toByteOffset: 32, as: SIMD8<Float>.self)
}

/// One strip of the 6×16 tile: `C[6 × 16·panels] = alpha · A·Bp + beta · C` over `kc` steps, the
/// strip's six rows of A against `panels` consecutive packed B panels (`16·kc` floats each), with
/// the per-element arithmetic of `microKernel6x16` (every tile's accumulators start at zero and
/// take one FMA per step in k order), so results are bit-identical to it.
///
/// Why a strip: the six A rows (`6·kc` floats) stay in L1 while the packed B block, sized for
/// L2, streams past them panel by panel; looping over the panels here rather than calling a
/// kernel per tile keeps the A offsets in registers and leaves only the stores between tiles.
/// Prefetches, all hints with no effect on results: B 512 bytes ahead (the next panel follows
/// the current one in memory), this tile's C rows 32 steps before the loop ends (early enough to
/// be in L1 for the stores, late enough not to be evicted by the B stream first), and, spread
/// over the panels, the next strip's A rows into L2 (`nextA`, rows `nextARowStride` apart; nil
/// for the last strip). Row `r` of A at step `p` is `a[r·aRowStride + p]`; rows past `mr` re-read the
/// last row. The last panel may be narrower (`lastWidth` columns): it and a strip of fewer than
/// six rows go through `scratch` (96 floats).
@inline(__always)
func microKernel6x16Strip(
  kc: Int, a: UnsafePointer<Float>, aRowStride: Int, mr: Int,
  b: UnsafePointer<Float>, panels: Int, lastWidth: Int,
  c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float,
  nextA: UnsafePointer<Float>?, nextARowStride: Int, scratch: UnsafeMutablePointer<Float>
) {
  let lastRow = mr &- 1
  let o1 = min(1, lastRow) &* aRowStride
  let o2 = min(2, lastRow) &* aRowStride
  let o3 = min(3, lastRow) &* aRowStride
  let o4 = min(4, lastRow) &* aRowStride
  let o5 = min(5, lastRow) &* aRowStride
  let lateSteps = min(32, kc)
  // The next strip's 6·⌈kc/16⌉ cache lines, a few before each tile.
  let linesPerRow = (kc &+ 15) >> 4
  let linesPerPanel = (6 &* linesPerRow &+ panels &- 1) / panels
  var prefetchRow = nextA == nil ? 6 : 0, prefetchLine = 0
  var pb = UnsafeRawPointer(b)
  var cTile = c
  for panel in 0..<panels {
    if let nextA {
      var left = linesPerPanel
      while left > 0 && prefetchRow < 6 {
        zth_prefetch_to_l2(nextA + (prefetchRow &* nextARowStride &+ prefetchLine &* 16))
        prefetchLine &+= 1
        if prefetchLine == linesPerRow { prefetchLine = 0; prefetchRow &+= 1 }
        left &-= 1
      }
    }
    var c00 = SIMD8<Float>(); var c01 = SIMD8<Float>()
    var c10 = SIMD8<Float>(); var c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(); var c21 = SIMD8<Float>()
    var c30 = SIMD8<Float>(); var c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>(); var c41 = SIMD8<Float>()
    var c50 = SIMD8<Float>(); var c51 = SIMD8<Float>()
    var pa = a
    // Steps 0 ..< kc-32, then the C prefetch, then the last 32 steps: the same FMAs in k order.
    for phase in 0..<2 {
      if phase == 1 {
        for r in 0..<mr {
          zth_prefetch_for_write(cTile + r &* ldc)
          zth_prefetch_for_write(cTile + (r &* ldc &+ 15))
        }
      }
      for _ in 0..<(phase == 0 ? kc &- lateSteps : lateSteps) {
        zth_prefetch_for_read(pb + 512)
        let b0 = pb.loadUnaligned(as: SIMD8<Float>.self)
        let b1 = pb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
        let a0 = SIMD8<Float>(repeating: pa[0])
        c00.addProduct(a0, b0); c01.addProduct(a0, b1)
        let a1 = SIMD8<Float>(repeating: pa[o1])
        c10.addProduct(a1, b0); c11.addProduct(a1, b1)
        let a2 = SIMD8<Float>(repeating: pa[o2])
        c20.addProduct(a2, b0); c21.addProduct(a2, b1)
        let a3 = SIMD8<Float>(repeating: pa[o3])
        c30.addProduct(a3, b0); c31.addProduct(a3, b1)
        let a4 = SIMD8<Float>(repeating: pa[o4])
        c40.addProduct(a4, b0); c41.addProduct(a4, b1)
        let a5 = SIMD8<Float>(repeating: pa[o5])
        c50.addProduct(a5, b0); c51.addProduct(a5, b1)
        pa += 1
        pb += 64
      }
    }
    storeTile6x16(cTile, ldc: ldc, alpha: alpha, beta: beta, rows: mr,
                  columns: panel == panels &- 1 ? lastWidth : 16, scratch: scratch,
                  c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51)
    cTile += 16
  }
}

/// Stores a 6×16 accumulator tile into C (`rows × columns` of it valid): `alpha·acc` (`beta == 0`)
/// or `alpha·acc + beta·C`, the stores both 6×16 kernels share. A full tile with `alpha == 1` and
/// `beta` 0 or 1 (every product the engine computes) stores `acc` or `acc + C` inline, the same
/// bits without the multiplies by 1; other full tiles go through `storeScaledTile6x16`, and tiles
/// cut by the matrix edge through `scratch` (96 floats) and `mergeEdgeTile`.
@inline(__always)
func storeTile6x16(
  _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float, rows: Int, columns: Int,
  scratch: UnsafeMutablePointer<Float>,
  _ c00: SIMD8<Float>, _ c01: SIMD8<Float>, _ c10: SIMD8<Float>, _ c11: SIMD8<Float>,
  _ c20: SIMD8<Float>, _ c21: SIMD8<Float>, _ c30: SIMD8<Float>, _ c31: SIMD8<Float>,
  _ c40: SIMD8<Float>, _ c41: SIMD8<Float>, _ c50: SIMD8<Float>, _ c51: SIMD8<Float>
) {
  if rows == 6 && columns == 16 {
    if alpha == 1 && beta == 0 {
      storeTileRow16(c, c00, c01)
      storeTileRow16(c + ldc, c10, c11)
      storeTileRow16(c + 2 &* ldc, c20, c21)
      storeTileRow16(c + 3 &* ldc, c30, c31)
      storeTileRow16(c + 4 &* ldc, c40, c41)
      storeTileRow16(c + 5 &* ldc, c50, c51)
    } else if alpha == 1 && beta == 1 {
      addTileRow16(c, c00, c01)
      addTileRow16(c + ldc, c10, c11)
      addTileRow16(c + 2 &* ldc, c20, c21)
      addTileRow16(c + 3 &* ldc, c30, c31)
      addTileRow16(c + 4 &* ldc, c40, c41)
      addTileRow16(c + 5 &* ldc, c50, c51)
    } else {
      storeScaledTile6x16(c, ldc: ldc, alpha: alpha, beta: beta,
                          c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51)
    }
  } else {
    storeTileRow16(scratch + 0, c00, c01)
    storeTileRow16(scratch + 16, c10, c11)
    storeTileRow16(scratch + 32, c20, c21)
    storeTileRow16(scratch + 48, c30, c31)
    storeTileRow16(scratch + 64, c40, c41)
    storeTileRow16(scratch + 80, c50, c51)
    mergeEdgeTile(scratch, stride: 16, rows: rows, cols: columns, into: c, ldc: ldc, alpha: alpha, beta: beta)
  }
}

/// The general full-tile store of the 6×16 kernels: `alpha·acc` (`beta == 0`) or
/// `alpha·acc + beta·C`, row by row. Out of line: the engine always multiplies with `alpha == 1`.
@inline(never)
func storeScaledTile6x16(
  _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float,
  _ c00: SIMD8<Float>, _ c01: SIMD8<Float>, _ c10: SIMD8<Float>, _ c11: SIMD8<Float>,
  _ c20: SIMD8<Float>, _ c21: SIMD8<Float>, _ c30: SIMD8<Float>, _ c31: SIMD8<Float>,
  _ c40: SIMD8<Float>, _ c41: SIMD8<Float>, _ c50: SIMD8<Float>, _ c51: SIMD8<Float>
) {
  let va = SIMD8<Float>(repeating: alpha)
  if beta == 0 {
    storeTileRow16(c + 0 * ldc, c00 * va, c01 * va)
    storeTileRow16(c + 1 * ldc, c10 * va, c11 * va)
    storeTileRow16(c + 2 * ldc, c20 * va, c21 * va)
    storeTileRow16(c + 3 * ldc, c30 * va, c31 * va)
    storeTileRow16(c + 4 * ldc, c40 * va, c41 * va)
    storeTileRow16(c + 5 * ldc, c50 * va, c51 * va)
  } else {
    let vb = SIMD8<Float>(repeating: beta)
    updateTileRow16(c + 0 * ldc, c00 * va, c01 * va, vb)
    updateTileRow16(c + 1 * ldc, c10 * va, c11 * va, vb)
    updateTileRow16(c + 2 * ldc, c20 * va, c21 * va, vb)
    updateTileRow16(c + 3 * ldc, c30 * va, c31 * va, vb)
    updateTileRow16(c + 4 * ldc, c40 * va, c41 * va, vb)
    updateTileRow16(c + 5 * ldc, c50 * va, c51 * va, vb)
  }
}
