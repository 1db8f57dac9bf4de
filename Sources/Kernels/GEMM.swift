/// Single-precision general matrix multiply on row-major matrices:
/// `C[m×n] = alpha · op(A) · op(B) + beta · C`, where `op(X)` is `X` or `Xᵀ`.
///
/// `a` holds `op(A)` of shape `m×k` (stored `m×k` with row stride `lda`, or `k×m` when
/// `transA`); `b` holds `op(B)` of shape `k×n` (stored `k×n`, or `n×k` when `transB`). The
/// transposed variants let backward passes compute `dA = dC·Bᵀ` and `dB = Aᵀ·dC` without
/// materialising a transpose. With `beta == 0`, `C` is overwritten (it may hold garbage).
///
/// NOTE: reference implementation; the packed, register-tiled SIMD version replaces the body.
public func sgemm(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
  alpha: Float = 1,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float = 0,
  c: UnsafeMutablePointer<Float>, ldc: Int,
  threads: Int = Parallelism.threadCount
) {
  sgemmReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                 a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}

/// The plain triple loop that defines what `sgemm` computes; tests compare the fast kernel to it.
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
