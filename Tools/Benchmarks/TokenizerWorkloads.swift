import Foundation
import ZeroToHero

/// The Tokenizer module's workloads (torch_reference.py `bpe` and `tiktoken`): BPE training and
/// GPT-2 encoding of all of tiny Shakespeare. Each checks its result once before it is timed.
func tokenizerWorkloads() -> [Workload] {
  [
    Workload(name: "bpe-train-512", config: "GPT-4-split byte-level BPE trained to vocab 512 on tiny Shakespeare (minbpe's merges)",
             threads: 1, warmup: 1, repsPerWindow: 1) {
      let text = shakespeareText()
      do {
        let check = try BytePairTokenizer.train(text, vocabSize: 512, pattern: .gpt4)
        let count = check.encodeOrdinary(text).count
        if count != 547_276 { fatalError("Benchmarks: bpe-train-512 encodes tiny Shakespeare to \(count) tokens, expected 547,276") }
      } catch { fatalError("Benchmarks: \(error)") }
      return {
        let t = try? BytePairTokenizer.train(text, vocabSize: 512, pattern: .gpt4)
        blackHole(Float(t?.merges.count ?? 0))
      }
    },
    Workload(name: "gpt2-encode-shakespeare", config: "GPT-2 encoding of tiny Shakespeare (338,025 tokens), all cores",
             threads: ProcessInfo.processInfo.activeProcessorCount, warmup: 2, repsPerWindow: 1) {
      let text = shakespeareText()
      let gpt2: BytePairTokenizer
      do { gpt2 = try BytePairTokenizer.gpt2() } catch { fatalError("Benchmarks: \(error)") }
      let count = gpt2.encodeOrdinary(text).count
      if count != 338_025 { fatalError("Benchmarks: GPT-2 encodes tiny Shakespeare to \(count) tokens, expected 338,025") }
      return { blackHole(Float(gpt2.encodeOrdinary(text).count)) }
    },
    Workload(name: "gpt2-encode-shakespeare-t1", config: "the same on one thread", threads: 1, warmup: 2, repsPerWindow: 1) {
      let text = shakespeareText()
      let gpt2: BytePairTokenizer
      do { gpt2 = try BytePairTokenizer.gpt2() } catch { fatalError("Benchmarks: \(error)") }
      return { blackHole(Float(gpt2.encodeOrdinary(text).count)) }
    },
    Workload(name: "cl100k-load", config: "read, checksum and index cl100k_base.tiktoken (100,256 tokens)", threads: 1,
             warmup: 1, repsPerWindow: 1) {
      { blackHole(Float((try? BytePairTokenizer.cl100k())?.ordinaryCount ?? 0)) }
    },
    // The pre-tokenizer alone: the hand-written scanner against Swift Regex on the same pattern.
    Workload(name: "gpt4-split-scanner", config: "GPT-4 split of tiny Shakespeare, hand-written scanner",
             threads: 1, warmup: 1, repsPerWindow: 1) {
      let bytes = Array(shakespeareText().utf8)
      return { blackHole(Float(SplitPattern.gpt4.chunkRanges(bytes).count)) }
    },
    Workload(name: "gpt4-split-regex", config: "GPT-4 split of tiny Shakespeare, Swift Regex (the test reference)",
             threads: 1, warmup: 0, repsPerWindow: 1) {
      let text = shakespeareText()
      let splitter = RegexSplitter(.gpt4)
      return { blackHole(Float(splitter.split(text).count)) }
    },
  ]
}

/// tinyshakespeare.txt, found as the lectures find it.
private func shakespeareText() -> String {
  do { return try DataFiles.readText("tinyshakespeare.txt") } catch { fatalError("Benchmarks: \(error)") }
}
