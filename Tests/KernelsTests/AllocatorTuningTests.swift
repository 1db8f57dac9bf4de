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

  @Test("for any buffer, the range is inside it, 2 MB-aligned, and misses no whole 2 MB page")
  func rangeProperties() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
    for _ in 0..<2_000 {
      let start = UInt(next() % (1 << 40)) & ~UInt(3)
      let count = Int(next() % (24 << 20))
      let end = start + UInt(count)
      guard let range = AllocatorTuning.hugePageRange(start: start, byteCount: count) else {
        // Nothing advised: then no 2 MB-aligned page fits between start and end.
        let firstBoundary = (start + page - 1) / page * page
        #expect(firstBoundary + page > end, "start \(start) count \(count)")
        continue
      }
      #expect(range.lowerBound >= start && range.upperBound <= end)
      #expect(range.lowerBound % page == 0 && range.upperBound % page == 0)
      #expect(range.lowerBound - start < page && end - range.upperBound < page)
    }
  }
}
