// Packing routines for `sgemm`: copy a block of A or B into the contiguous, zero-padded layout
// the micro-kernels stream through. Each routine reads either storage layout, which is how the
// transposed products A·Bᵀ and Aᵀ·B are computed without materialising a transpose.

/// Packs the `mc × kc` block of op(A) starting at row `i0`, depth `p0` into micro-panels of `mr`
/// rows: panel `q` starts at `dst + q·mr·kc` and holds, for each k-step, the `mr` values of that
/// column (rows past `mc` are zero, so edge tiles need no special case in the kernel).
@inline(__always)
func packA(
  _ a: UnsafePointer<Float>, lda: Int, transposed: Bool,
  rowStart i0: Int, rows mc: Int, depthStart p0: Int, depth kc: Int, panelRows mr: Int,
  into dst: UnsafeMutablePointer<Float>
) {
  var panel = dst
  var i = 0
  while i < mc {
    let rows = min(mr, mc &- i)
    if transposed {
      // op(A)[i, p] = a[p·lda + i]: each k-step's rows are contiguous in memory.
      var src = a + (p0 &* lda &+ i0 &+ i)
      var out = panel
      if rows == mr {
        for _ in 0..<kc {
          for r in 0..<mr { out[r] = src[r] }
          src += lda
          out += mr
        }
      } else {
        for _ in 0..<kc {
          for r in 0..<rows { out[r] = src[r] }
          for r in rows..<mr { out[r] = 0 }
          src += lda
          out += mr
        }
      }
    } else {
      // op(A)[i, p] = a[(i)·lda + p]: read each row contiguously, scatter with stride mr.
      for r in 0..<rows {
        let src = a + ((i0 &+ i &+ r) &* lda &+ p0)
        var out = panel + r
        for p in 0..<kc {
          out.pointee = src[p]
          out += mr
        }
      }
      if rows < mr {
        for r in rows..<mr {
          var out = panel + r
          for _ in 0..<kc {
            out.pointee = 0
            out += mr
          }
        }
      }
    }
    panel += mr &* kc
    i &+= mr
  }
}

/// Packs the `kc × nc` block of op(B) starting at depth `p0`, column `j0` into micro-panels of 32
/// columns: panel `q` starts at `dst + q·32·kc` and holds 32 consecutive floats per k-step
/// (columns past `nc` are zero).
@inline(__always)
func packB(
  _ b: UnsafePointer<Float>, ldb: Int, transposed: Bool,
  depthStart p0: Int, depth kc: Int, columnStart j0: Int, columns nc: Int,
  into dst: UnsafeMutablePointer<Float>
) {
  let nr = 32
  var panel = dst
  var j = 0
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
      // op(B)[p, j] = b[p·ldb + j]: 32 contiguous floats per k-step, copied as two vectors.
      var src = b + (p0 &* ldb &+ j0 &+ j)
      var out = UnsafeMutableRawPointer(panel)
      if cols == nr {
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
        for _ in 0..<kc {
          for col in 0..<cols { row[col] = src[col] }
          for col in cols..<nr { row[col] = 0 }
          src += ldb
          row += nr
        }
      }
    }
    panel += nr &* kc
    j &+= nr
  }
}
