import Testing
import Kernels

@Suite("huge-page advice covers only whole 2 MB pages inside a buffer")
struct AllocatorTuningTests {
  let page: UInt = 2 << 20

  @Test("the advised range is the 2 MB-aligned interior of the buffer")
  func interior() {
    // A 4 MB buffer starting 64 bytes past a 2 MB boundary holds one whole huge page.
    let start = 7 * page + 64
    #expect(AllocatorTuning.hugePageRange(start: start, byteCount: 4 << 20) == (8 * page)..<(9 * page))
    // Aligned at both ends: all of it.
    #expect(AllocatorTuning.hugePageRange(start: 4 * page, byteCount: 6 << 20) == (4 * page)..<(7 * page))
    // No whole page inside: nothing.
    #expect(AllocatorTuning.hugePageRange(start: page + 4096, byteCount: Int(page)) == nil)
    #expect(AllocatorTuning.hugePageRange(start: 3 * page, byteCount: 0) == nil)
  }

  @Test("advising a buffer changes nothing a caller can see")
  func adviceIsOnlyAHint() {
    let count = 3 << 20  // 12 MB of floats
    let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
    defer { raw.deallocate() }
    AllocatorTuning.adviseHugePages(raw, byteCount: count * 4)
    let floats = raw.bindMemory(to: Float.self, capacity: count)
    for i in stride(from: 0, to: count, by: 4096) { floats[i] = Float(i) }
    var sum: Double = 0
    for i in stride(from: 0, to: count, by: 4096) { sum += Double(floats[i]) }
    let pages = Double(count / 4096)
    #expect(sum == 4096 * pages * (pages - 1) / 2)
  }
}
