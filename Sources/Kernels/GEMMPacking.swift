// Packing for `sgemm`: copy a block of B into the contiguous, zero-padded layout the micro-kernels
// stream through. It reads either storage layout, which is how A·Bᵀ is computed without
// materialising a transpose (A needs no packing: the kernels read it in place through strides,
// which covers Aᵀ·B the same way).

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
        if cols >= 16 {
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
