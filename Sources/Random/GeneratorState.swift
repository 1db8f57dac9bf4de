// Saving and restoring a generator mid-stream (PyTorch's `get_state` / `set_state`), so that a
// training run stopped at a checkpoint and resumed draws exactly the batches and dropout masks the
// uninterrupted run would have drawn.

extension TorchGenerator {
  /// Number of words in `stateWords`.
  public static let stateWordCount = 4 + MersenneTwister.stateSize

  /// The complete state as 64-bit words: `[initial seed, engine index, has cached normal (0/1),
  /// cached normal's bit pattern, 624 engine words]`. `TorchGenerator(stateWords:)` restores it.
  public var stateWords: [UInt64] {
    [initialSeed, UInt64(engine.index), cachedNormal == nil ? 0 : 1, cachedNormal?.bitPattern ?? 0]
      + engine.state.map(UInt64.init)
  }

  /// The generator whose `stateWords` are `words`, or nil if they cannot be one (wrong count,
  /// engine index past 624, an engine word wider than 32 bits, a flag other than 0/1).
  public init?(stateWords words: [UInt64]) {
    guard words.count == Self.stateWordCount, words[1] <= UInt64(MersenneTwister.stateSize), words[2] <= 1,
          words[4...].allSatisfy({ $0 <= UInt64(UInt32.max) }) else { return nil }
    self.init(seed: words[0])
    engine.state = words[4...].map { UInt32($0) }
    engine.index = Int(words[1])
    cachedNormal = words[2] == 1 ? Double(bitPattern: words[3]) : nil
  }
}
