/// The Float32 buffer behind a tensor, shared by the tensor and all of its views.
///
/// A final class so that views (`transpose`, `view`, slices) alias the same memory without a copy,
/// and the memory is freed exactly once when the last tensor using it goes away. The buffer is
/// 64-byte aligned (one cache line, one AVX-512 register) and is *not* initialised: every op that
/// allocates one writes all of it.
final class TensorStorage {
  /// First element of the buffer.
  let base: UnsafeMutablePointer<Float>
  /// Number of floats the buffer holds.
  let capacity: Int

  /// Allocates an uninitialised buffer of `capacity` floats.
  init(capacity: Int) {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(capacity, 1) * MemoryLayout<Float>.stride, alignment: 64)
    self.base = raw.bindMemory(to: Float.self, capacity: Swift.max(capacity, 1))
    self.capacity = capacity
  }

  deinit { UnsafeMutableRawPointer(base).deallocate() }
}
