import Foundation

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

/// Maps byte strings to `Int32` values; the keys live in one contiguous arena.
///
/// A slot is one 16-byte entry (hash tag, key offset and length, value), so a probe touches one
/// cache line rather than one per field, and GPT-2's table fits in 2 MB.
struct ByteStringTable: Sendable {
  struct Entry: Sendable {
    var offset: Int32 = -1
    var length: Int32 = 0
    var hash: UInt32 = 0
    var value: Int32 = 0
  }

  private var arena: [UInt8] = []
  private var entries: [Entry]
  private var mask: Int
  /// The number of keys stored.
  private(set) var count = 0

  /// An empty table sized for about `capacity` keys.
  init(capacity: Int = 16) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    entries = Array(repeating: Entry(), count: size)
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
  func get(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
    let h = ByteStringTable.hash(bytes)
    let h32 = UInt32(truncatingIfNeeded: h >> 32)
    let n = bytes.count
    return arena.withUnsafeBufferPointer { arena in
      entries.withUnsafeBufferPointer { entries in
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
          let e = entries[i]
          if e.offset < 0 { return nil }
          if e.hash == h32, Int(e.length) == n,
             memcmp(arena.baseAddress! + Int(e.offset), bytes.baseAddress!, n) == 0 {
            return e.value
          }
          i = (i + 1) & mask
        }
      }
    }
  }

  /// The value stored for `bytes`, or nil.
  func get(_ bytes: [UInt8]) -> Int32? { bytes.withUnsafeBufferPointer { get($0) } }

  /// Stores `value` for `bytes` (replacing an earlier value).
  mutating func set(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Int32) {
    if (count + 1) * 2 > entries.count { grow() }
    insert(bytes, hash: ByteStringTable.hash(bytes), value: value)
  }

  /// Stores `value` for `bytes` (replacing an earlier value).
  mutating func set(_ bytes: [UInt8], _ value: Int32) { bytes.withUnsafeBufferPointer { set($0, value) } }

  private mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64, value: Int32) {
    let h32 = UInt32(truncatingIfNeeded: h >> 32)
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let e = entries[i]
      if e.offset < 0 {
        entries[i] = Entry(offset: Int32(arena.count), length: Int32(bytes.count), hash: h32, value: value)
        arena.append(contentsOf: bytes)
        count += 1
        return
      }
      if e.hash == h32, Int(e.length) == bytes.count,
         arena[Int(e.offset)..<Int(e.offset) + bytes.count].elementsEqual(bytes) {
        entries[i].value = value
        return
      }
      i = (i + 1) & mask
    }
  }

  private mutating func grow() {
    let oldArena = arena, oldEntries = entries
    arena = []
    arena.reserveCapacity(oldArena.count)
    entries = Array(repeating: Entry(), count: oldEntries.count * 2)
    mask = entries.count - 1
    count = 0
    oldArena.withUnsafeBufferPointer { old in
      for e in oldEntries where e.offset >= 0 {
        let key = UnsafeBufferPointer(rebasing: old[Int(e.offset)..<Int(e.offset + e.length)])
        insert(key, hash: ByteStringTable.hash(key), value: e.value)
      }
    }
  }
}
