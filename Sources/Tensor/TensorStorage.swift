/// The Float32 buffer behind a tensor, shared by the tensor and all of its views.
///
/// A final class so that views (`transpose`, `view`, slices) alias the same memory without a copy,
/// and the memory is freed exactly once when the last tensor using it goes away. The floats are
/// tail-allocated in the object itself (`ManagedBuffer`): one `malloc` per buffer, which the
/// allocator hands back step after step. They are *not* initialised: every op that allocates a
/// buffer writes all of it.
///
/// The first float sits on a 64-byte (cache-line) boundary, so that a row of 16 floats is one
/// cache line instead of straddling two (the tail would otherwise start 24 bytes into the object).
/// The allocation has 15 spare floats and `base` skips to the first aligned one. Kernels still use
/// unaligned SIMD loads: the alignment is for speed only, never for correctness.
final class TensorStorage: ManagedBuffer<Int, Float> {
  /// Spare floats so that a 64-byte boundary always falls within the allocation's first 16.
  static let alignmentSlack = 15

  /// An uninitialised buffer of `capacity` floats.
  static func allocate(capacity: Int) -> TensorStorage {
    let buffer = TensorStorage.create(minimumCapacity: Swift.max(capacity, 1) + alignmentSlack) { _ in capacity }
    return unsafeDowncast(buffer, to: TensorStorage.self)
  }

  /// First element of the buffer, 64-byte aligned. Stable for the object's lifetime: the object
  /// never moves, and the offset depends only on its address.
  @inline(__always)
  var base: UnsafeMutablePointer<Float> {
    withUnsafeMutablePointerToElements { p in
      let address = UInt(bitPattern: p)
      return p + Int(((address &+ 63) & ~UInt(63) &- address) / 4)
    }
  }

  /// Number of floats the buffer was allocated for.
  var elementCount: Int { header }
}
