/// The Float32 buffer behind a tensor, shared by the tensor and all of its views.
///
/// A final class so that views (`transpose`, `view`, slices) alias the same memory without a copy,
/// and the memory is freed exactly once when the last tensor using it goes away. The floats are
/// tail-allocated in the object itself (`ManagedBuffer`): one `malloc` per buffer, which the
/// allocator hands back step after step. They are *not* initialised: every op that allocates a
/// buffer writes all of it. (Kernels use unaligned SIMD loads, so no extra alignment is needed.)
final class TensorStorage: ManagedBuffer<Int, Float> {
  /// An uninitialised buffer of `capacity` floats.
  static func allocate(capacity: Int) -> TensorStorage {
    let buffer = TensorStorage.create(minimumCapacity: Swift.max(capacity, 1)) { _ in capacity }
    return unsafeDowncast(buffer, to: TensorStorage.self)
  }

  /// First element of the buffer (stable for the object's lifetime).
  @inline(__always)
  var base: UnsafeMutablePointer<Float> { withUnsafeMutablePointerToElements { $0 } }

  /// Number of floats the buffer was allocated for.
  var elementCount: Int { header }
}
