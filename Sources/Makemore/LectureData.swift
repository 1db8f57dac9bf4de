import Datasets

extension Names {
  /// True when these are the lecture's own 32,033 names (the `names.txt` of the repository),
  /// recognised by count and a checksum of the text. Only then do the PyTorch reference numbers
  /// printed beside ours apply; a learner's own names file gets its own numbers and no claims.
  public var isLectureFile: Bool {
    words.count == 32_033 && checksum == Self.lectureChecksum
  }

  /// FNV-1a (64-bit) over the names joined by newlines: a fingerprint, not a security measure.
  public var checksum: UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for w in words {
      for byte in w.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
      h = (h ^ 10) &* 0x0000_0100_0000_01b3
    }
    return h
  }

  /// The checksum of the repository's names.txt (tested in MakemoreTests).
  static let lectureChecksum: UInt64 = 0x9682_a4e5_e24a_370b
}
