import Foundation
import Random
import Tensor

/// Sampling many continuations at once from lecture 7's `GPTLanguageModel`, with a temperature
/// and an optional mask of allowed tokens (constrained decoding). Lecture 8 samples hundreds of
/// completions (few-shot prompts, reinforcement learning, self-consistency, constrained
/// decoding); one forward per step over the whole batch is what makes that cheap.
extension GPTLanguageModel {
  /// Samples `maxNewTokens` tokens after each of `prompts` (all of the same length), one forward
  /// of the (B, T) batch per step, the context cropped to the last `blockSize` tokens.
  ///
  /// At each step, row by row in order: the last position's logits divided by `temperature`,
  /// softmax, then the tokens `allowed(row, tokensSoFar)` rejects get probability 0 (when
  /// `allowed` returns nil or allows nothing, the row is finished and pads with `padding` from then on; when every allowed token
  /// has probability 0 in float32 the draw is uniform over the allowed ones), then one
  /// `multinomial` draw from `generator`. Returns the new tokens of each row (without the prompt).
  /// Runs without recording a graph.
  public func sampleBatch(prompts: [[Int]], maxNewTokens: Int, temperature: Float = 1, generator: inout TorchGenerator,
                          padding: Int = 0, allowed: ((Int, [Int]) -> [Bool]?)? = nil) -> [[Int]] {
    require(!prompts.isEmpty && !prompts[0].isEmpty && prompts.allSatisfy({ $0.count == prompts[0].count }),
            "GPTLanguageModel.sampleBatch: expects at least one prompt, all of the same non-zero length")
    require(temperature > 0, "GPTLanguageModel.sampleBatch: temperature must be positive, got \(temperature)")
    let b = prompts.count, v = config.vocabSize
    var rows = prompts
    var out = [[Int]](repeating: [], count: b)
    var finished = [Bool](repeating: false, count: b)
    Tensor.withNoGrad {
      for _ in 0..<maxNewTokens {
        let t = Swift.min(rows[0].count, config.blockSize)
        let window = rows.flatMap { $0.suffix(t) }
        let logits = self(IntTensor(window, shape: [b, t])).select(dim: 1, index: t - 1)      // (B, V)
        let probs = (temperature == 1 ? logits : logits / temperature).softmax(dim: -1).scalars
        for r in 0..<b {
          var p = Array(probs[(r * v)..<((r + 1) * v)])
          var next = padding
          if !finished[r] {
            if let allowed {
              if let mask = allowed(r, out[r]), mask.contains(true) {
                for i in 0..<v where !mask[i] { p[i] = 0 }
                if !p.contains(where: { $0 > 0 }) { p = mask.map { $0 ? 1 : 0 } }
                next = generator.multinomial(p, numSamples: 1)[0]
              } else {
                finished[r] = true
              }
            } else {
              next = generator.multinomial(p, numSamples: 1)[0]
            }
          }
          if finished[r] { next = padding }
          rows[r].append(next)
          out[r].append(next)
        }
      }
    }
    return out
  }
}

/// Entropy in nats, −Σ p·ln p, of one probability distribution (zeros contribute nothing):
/// how many "effective choices" a sampler has, e^H of them.
public func entropy(_ probabilities: [Float]) -> Double {
  var h = 0.0
  for p in probabilities where p > 0 { h -= Double(p) * Foundation.log(Double(p)) }
  return h
}
