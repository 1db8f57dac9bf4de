// The engine's one summation order for a contiguous run of floats. Every sum the lectures print
// (losses, row sums, softmax normalisers) goes through it, so its order is part of the numbers:
// change it and lectures 1–3 stop reproducing PyTorch to the last printed digit.

/// Sum of `n` contiguous floats: pairwise over halves down to blocks of at most 256, each block
/// summed in 16 vector lanes. The order is fixed (so results never depend on threads), and the
/// rounding error grows with log n instead of n: over lecture 2's 228,146 log-probabilities a
/// plain 16-lane running sum is off by 7e-6 relative, the pairwise sum by about 1e-7.
public func pairwiseSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
  if n <= 256 { return blockSum(x, n) }
  let half = (n / 2 + 15) & ~15
  return pairwiseSum(x, half) + pairwiseSum(x + half, n - half)
}

/// Sum of at most a few hundred floats in 16 lanes, then across lanes, then the tail in order.
/// (Not inlinable: inside this module `acc.sum()` is specialised and inlined; an inlinable body
/// calls the standard library's prespecialised entry point instead, measurably slower.)
@inline(__always)
func blockSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
  var j = 0
  var acc = SIMD16<Float>(repeating: 0)
  if n >= 16 {
    let raw = UnsafeRawPointer(x)
    while j + 16 <= n {
      acc += raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
      j += 16
    }
  }
  var s = acc.sum()
  while j < n { s += x[j]; j += 1 }
  return s
}
