// Packing for `sgemm`: copy a block of B into the contiguous, zero-padded layout the micro-kernels
// stream through. It reads either storage layout, which is how A·Bᵀ is computed without
// materialising a transpose (A needs no packing: the kernels read it in place through strides,
// which covers Aᵀ·B the same way).

/// Packs the `kc × nc` block of op(B) starting at depth `p0`, column `j0` into micro-panels of
/// `nr` columns (the register tile's width, 16 or 32): panel `q` starts at `dst + q·nr·kc` and
/// holds `nr` consecutive floats per k-step (columns past `nc` are zero).
@inline(__always)
func packB(
  _ b: UnsafePointer<Float>, ldb: Int, transposed: Bool,
  depthStart p0: Int, depth kc: Int, columnStart j0: Int, columns nc: Int, panelWidth nr: Int,
  into dst: UnsafeMutablePointer<Float>
) {
  var panel = dst
  var j = 0
  if !transposed && nr == 16 {
    // Four full 16-wide panels per pass: each k-step reads 256 contiguous bytes of a B row, so a
    // source cache line is used by every panel that needs it before it leaves L1 (panel by
    // panel, a row's line straddling two panels was fetched twice when `ldb` is a large power
    // of two, the rows then sharing a few L1 sets).
    while nc &- j >= 64 {
      var src = UnsafeRawPointer(b + (p0 &* ldb &+ j0 &+ j))
      var out = UnsafeMutableRawPointer(panel)
      let panelBytes = 64 &* kc
      for _ in 0..<kc {
        out.storeBytes(of: src.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
        out.storeBytes(of: src.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self),
                       toByteOffset: panelBytes, as: SIMD16<Float>.self)
        out.storeBytes(of: src.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self),
                       toByteOffset: 2 &* panelBytes, as: SIMD16<Float>.self)
        out.storeBytes(of: src.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self),
                       toByteOffset: 3 &* panelBytes, as: SIMD16<Float>.self)
        src += ldb &* 4
        out += 64
      }
      panel += 4 &* 16 &* kc
      j &+= 64
    }
  }
  while j < nc {
    let cols = min(nr, nc &- j)
    if transposed {
      // op(B)[p, j] = b[j·ldb + p]: 16 k-steps × 16 columns at a time, so the 16 source cache
      // lines stay in L1 even when ldb is a large power of two (they share few cache sets).
      var step = 0
      while step < kc {
        let steps = min(16, kc &- step)
        let block = panel + step &* nr
        var group = 0
        while group < cols {
          let width = min(16, cols &- group)
          let src = b + ((j0 &+ j &+ group) &* ldb &+ p0 &+ step)
          for p in 0..<steps {
            let row = block + (p &* nr &+ group)
            for col in 0..<width { row[col] = src[col &* ldb &+ p] }
          }
          group &+= 16
        }
        if cols < nr {
          for p in 0..<steps { for col in cols..<nr { block[p &* nr &+ col] = 0 } }
        }
        step &+= 16
      }
    } else {
      // op(B)[p, j] = b[p·ldb + j]: `nr` contiguous floats per k-step, copied as vectors.
      var src = b + (p0 &* ldb &+ j0 &+ j)
      var out = UnsafeMutableRawPointer(panel)
      if cols == 16 && nr == 16 {
        for _ in 0..<kc {
          out.storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
          src += ldb
          out += 64
        }
      } else if cols == nr {
        for _ in 0..<kc {
          let raw = UnsafeRawPointer(src)
          out.storeBytes(of: raw.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
          out.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self),
                         toByteOffset: 64, as: SIMD16<Float>.self)
          src += ldb
          out += 128
        }
      } else {
        var row = panel
        if cols >= 16 && nr == 32 {
          // Zeros in the upper half, then two overlapping vectors covering columns 0..<cols.
          let tail = (cols &- 16) &* 4
          for _ in 0..<kc {
            let source = UnsafeRawPointer(src), target = UnsafeMutableRawPointer(row)
            let head = source.loadUnaligned(as: SIMD16<Float>.self)
            let rest = source.loadUnaligned(fromByteOffset: tail, as: SIMD16<Float>.self)
            target.storeBytes(of: SIMD16<Float>(), toByteOffset: 64, as: SIMD16<Float>.self)
            target.storeBytes(of: head, as: SIMD16<Float>.self)
            target.storeBytes(of: rest, toByteOffset: tail, as: SIMD16<Float>.self)
            src += ldb
            row += nr
          }
        } else {
          for _ in 0..<kc {
            for col in 0..<cols { row[col] = src[col] }
            for col in cols..<nr { row[col] = 0 }
            src += ldb
            row += nr
          }
        }
      }
    }
    panel += nr &* kc
    j &+= nr
  }
}

/// Packs `rows × kc` of A (row `r`, step `p` at `a[r·rowStride + p·stepStride]`) into panels of
/// `mr` rows: panel `q` starts at `dst + q·mr·kc` and holds `mr` consecutive floats per k-step.
/// A ragged last panel repeats its last real row (the kernel discards those results), so the
/// kernels read packed and in-place A the same way. Contiguous panels keep the kernel's A loads
/// in a few L1 lines: read in place with a row stride of a multiple of 4 KB, six rows fall in
/// one L1 set and evict each other and the B panel.
@inline(__always)
func packA(
  _ a: UnsafePointer<Float>, rowStride: Int, stepStride: Int, rows: Int, depth kc: Int,
  panelHeight mr: Int, into dst: UnsafeMutablePointer<Float>
) {
  var panel = dst
  var r0 = 0
  while r0 < rows {
    let valid = min(mr, rows &- r0)
    if rowStride == 1 {
      // Aᵀ stored: the panel's rows at one step are contiguous, so copy step by step.
      var src = a + r0
      var out = panel
      if valid == mr {
        for _ in 0..<kc {
          for r in 0..<mr { out[r] = src[r] }
          src += stepStride
          out += mr
        }
      } else {
        for _ in 0..<kc {
          for r in 0..<mr { out[r] = src[min(r, valid &- 1)] }
          src += stepStride
          out += mr
        }
      }
    } else {
      for r in 0..<mr {
        let src = a + (r0 &+ min(r, valid &- 1)) &* rowStride
        var out = panel + r
        for p in 0..<kc { out[0] = src[p &* stepStride]; out += mr }
      }
    }
    panel += mr &* kc
    r0 &+= mr
  }
}
