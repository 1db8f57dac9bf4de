/// Open-addressing hash tables for the hot paths of encoding and training.
///
/// Swift's `Dictionary` hashes with SipHash and boxes array keys; these tables hash a pair of
/// token ids (one multiply) or a byte span (FNV-1a) straight from a buffer, and never allocate on
/// lookup. Both are value types with no deletion (the tokenizer's tables only grow).

/// Maps a pair of token ids to an `Int32` (the merged token's id, or a pair's index in training).
struct PairTable: Sendable {
  private var keys: [UInt64]
  private var values: [Int32]
  private var mask: Int
  /// The number of pairs stored.
  public private(set) var count = 0

  static let empty = UInt64.max

  /// An empty table sized for about `capacity` pairs.
  public init(capacity: Int = 16) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    keys = Array(repeating: PairTable.empty, count: size)
    values = Array(repeating: -1, count: size)
    mask = size - 1
  }

  @inline(__always)
  static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

  @inline(__always)
  static func slot(_ key: UInt64, _ mask: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29) & mask
  }

  /// The value stored for the pair `(a, b)`, or nil.
  @inline(__always)
  public func get(_ a: Int32, _ b: Int32) -> Int32? {
    let k = PairTable.key(a, b)
    return keys.withUnsafeBufferPointer { keys in
      var i = PairTable.slot(k, mask)
      while true {
        let stored = keys[i]
        if stored == k { return values[i] }
        if stored == PairTable.empty { return nil }
        i = (i + 1) & mask
      }
    }
  }

  /// Stores `value` for `(a, b)`, replacing an earlier value; returns whether the pair was new.
  @discardableResult
  public mutating func set(_ a: Int32, _ b: Int32, _ value: Int32) -> Bool {
    if (count + 1) * 2 > keys.count { grow() }
    let k = PairTable.key(a, b)
    var i = PairTable.slot(k, mask)
    while true {
      let stored = keys[i]
      if stored == k { values[i] = value; return false }
      if stored == PairTable.empty {
        keys[i] = k
        values[i] = value
        count += 1
        return true
      }
      i = (i + 1) & mask
    }
  }

  private mutating func grow() {
    let oldKeys = keys, oldValues = values
    keys = Array(repeating: PairTable.empty, count: oldKeys.count * 2)
    values = Array(repeating: -1, count: oldKeys.count * 2)
    mask = keys.count - 1
    count = 0
    for i in oldKeys.indices where oldKeys[i] != PairTable.empty {
      set(Int32(truncatingIfNeeded: oldKeys[i] >> 32), Int32(truncatingIfNeeded: oldKeys[i] & 0xFFFF_FFFF), oldValues[i])
    }
  }
}

/// Maps byte strings to `Int` values; the keys live in one contiguous arena.
struct ByteStringTable: Sendable {
  private var arena: [UInt8] = []
  private var offsets: [Int32]
  private var lengths: [Int32]
  private var hashes: [UInt32]
  private var values: [Int]
  private var mask: Int
  /// The number of keys stored.
  public private(set) var count = 0

  /// An empty table sized for about `capacity` keys.
  public init(capacity: Int = 16) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    offsets = Array(repeating: -1, count: size)
    lengths = Array(repeating: 0, count: size)
    hashes = Array(repeating: 0, count: size)
    values = Array(repeating: 0, count: size)
    mask = size - 1
  }

  @inline(__always)
  static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return h ^ (h >> 29)
  }

  /// The value stored for `bytes`, or nil.
  @inline(__always)
  public func get(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    let h = ByteStringTable.hash(bytes)
    let h32 = UInt32(truncatingIfNeeded: h >> 32)
    var i = Int(truncatingIfNeeded: h) & mask
    return arena.withUnsafeBufferPointer { arena in
      while true {
        let offset = offsets[i]
        if offset < 0 { return nil }
        if hashes[i] == h32, Int(lengths[i]) == bytes.count {
          let start = Int(offset)
          var same = true
          for k in 0..<bytes.count where arena[start + k] != bytes[k] { same = false; break }
          if same { return values[i] }
        }
        i = (i + 1) & mask
      }
    }
  }

  /// The value stored for `bytes`, or nil.
  public func get(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBufferPointer { get($0) } }

  /// Stores `value` for `bytes` (replacing an earlier value).
  public mutating func set(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Int) {
    if (count + 1) * 2 > offsets.count { grow() }
    let h = ByteStringTable.hash(bytes)
    insert(bytes, hash: h, value: value)
  }

  /// Stores `value` for `bytes` (replacing an earlier value).
  public mutating func set(_ bytes: [UInt8], _ value: Int) { bytes.withUnsafeBufferPointer { set($0, value) } }

  private mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64, value: Int) {
    let h32 = UInt32(truncatingIfNeeded: h >> 32)
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let offset = offsets[i]
      if offset < 0 {
        offsets[i] = Int32(arena.count)
        lengths[i] = Int32(bytes.count)
        hashes[i] = h32
        values[i] = value
        arena.append(contentsOf: bytes)
        count += 1
        return
      }
      if hashes[i] == h32, Int(lengths[i]) == bytes.count,
         arena[Int(offset)..<Int(offset) + bytes.count].elementsEqual(bytes) {
        values[i] = value
        return
      }
      i = (i + 1) & mask
    }
  }

  private mutating func grow() {
    let oldArena = arena, oldOffsets = offsets, oldLengths = lengths, oldValues = values
    let size = oldOffsets.count * 2
    arena = []
    arena.reserveCapacity(oldArena.count)
    offsets = Array(repeating: -1, count: size)
    lengths = Array(repeating: 0, count: size)
    hashes = Array(repeating: 0, count: size)
    values = Array(repeating: 0, count: size)
    mask = size - 1
    count = 0
    oldArena.withUnsafeBufferPointer { old in
      for i in oldOffsets.indices where oldOffsets[i] >= 0 {
        let key = UnsafeBufferPointer(rebasing: old[Int(oldOffsets[i])..<Int(oldOffsets[i] + oldLengths[i])])
        insert(key, hash: ByteStringTable.hash(key), value: oldValues[i])
      }
    }
  }
}
