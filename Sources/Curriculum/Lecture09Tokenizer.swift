import Notebook
import Quiz

extension LectureInfo {
  /// Lecture 9: Let's build the GPT Tokenizer. Unicode and UTF-8, byte-pair encoding from scratch
  /// (get_stats, merge, train, encode, decode), GPT-2 and GPT-4 regex splitting, their real
  /// vocabularies, special tokens, SentencePiece's variant, and why tokenization explains many of
  /// a language model's oddities. (In the course it comes after lecture 8, the GPT from scratch,
  /// and before lecture 10, which trains GPT-2 on this tokenizer's output.)
  public static let tokenizer = LectureInfo(
    number: 9, slug: "Tokenizer", executable: "Lecture09Tokenizer",
    title: "Let's build the GPT Tokenizer",
    summary: "Byte-level BPE from scratch (get_stats, merge, training with the compression ratio, decoding and "
      + "encoding), GPT-2 and GPT-4 regex splitting, GPT-2's and GPT-4's real vocabularies identical to tiktoken, "
      + "special tokens, SentencePiece's code-point BPE with byte fallback, and the tokenization weirdness tour.",
    objectives: [
      Objective("Count code points and UTF-8/16/32 bytes of a string, and encode a code point in UTF-8 by hand",
                quiz: ["l9-utf8-bytes", "l9-utf8-layout", "l9-why-utf8"]),
      Objective("Explain why a model is not fed raw bytes, and what BPE buys (sequence length vs vocabulary)",
                quiz: ["l9-raw-bytes", "l9-vocab-size"]),
      Objective("Run byte-pair encoding by hand: count pairs, merge the most frequent, repeat",
                quiz: ["l9-bpe-aaab", "l9-merge-count", "l9-compression"]),
      Objective("Decode ids to text (with U+FFFD for invalid UTF-8) and encode text by merging the lowest-ranked pair first",
                quiz: ["l9-decode-invalid", "l9-encode-order"]),
      Objective("Explain GPT-2's and GPT-4's regex pre-splitting and how they differ on contractions, numbers and whitespace",
                quiz: ["l9-regex-why", "l9-gpt4-digits"]),
      Objective("Handle special tokens safely and explain tokenization quirks (SolidGoldMagikarp, trailing spaces, non-English)",
                quiz: ["l9-special-token", "l9-magikarp", "l9-trailing-space"]),
      Objective("Describe SentencePiece's BPE on code points with byte fallback", quiz: ["l9-sentencepiece"]),
    ],
    defaultSeed: 0,
    tests: ["Tests/LectureTests/Lecture09Tests.swift", "Tests/TokenizerTests/TrainingTests.swift",
            "Tests/TokenizerTests/EncodingTests.swift", "Tests/TokenizerTests/VocabularyTests.swift",
            "Tests/TokenizerTests/SplitTests.swift"],
    questions: [
      Question(id: "l9-utf8-bytes", prompt: "How many bytes does UTF-8 use for the Korean syllable 안 (code point 50504)?",
               kind: .numeric(answer: 3, tolerance: 0),
               explanation: "50504 needs 16 bits, more than the 11 of a 2-byte sequence, so it takes the 3-byte form "
                 + "1110xxxx 10xxxxxx 10xxxxxx: 236 149 136."),
      Question(id: "l9-utf8-layout", prompt: "Compute the first UTF-8 byte of 안 (50504 = 0b1100_0101_0100_1000): "
                 + "the 3-byte form puts the top 4 bits after the prefix 1110.",
               kind: .numeric(answer: 236, tolerance: 0),
               explanation: "The top 4 of the 16 bits are 1100; 1110_1100 = 128 + 64 + 32 + 8 + 4 = 236."),
      Question(id: "l9-why-utf8", prompt: "Why do tokenizers start from UTF-8 rather than UTF-16 or UTF-32?",
               kind: .multipleChoice([
                 "UTF-8 is the only encoding that covers emoji",
                 "It is compact for ASCII-heavy text, has no byte-order issues and is the web's standard; UTF-32 wastes 3 zero bytes per ASCII character",
                 "UTF-8 has a fixed width of one byte per character",
                 "UTF-16 cannot encode Korean",
               ], answer: 1),
               explanation: "\"안녕하세요 👋 (hello in Korean!)\" is 39 bytes in UTF-8, 54 in UTF-16 and 104 in UTF-32: "
                 + "the wider encodings fill the English part with zero bytes."),
      Question(id: "l9-raw-bytes", prompt: "Explain why a transformer is not simply fed the raw UTF-8 bytes (vocabulary 256).",
               kind: .shortAnswer(accepted: ["sequence", "length", "context", "longer", "attention"]),
               explanation: "The sequences get several times longer, so a fixed context window covers much less text and "
                 + "attention (quadratic in length) costs more; BPE compresses the bytes into fewer, larger tokens."),
      Question(id: "l9-bpe-aaab", prompt: "minbpe trains on \"aaabdaaabac\" with vocab 259 (three merges). What does "
                 + "encoding the same text give?",
               kind: .multipleChoice(["[258, 100, 258, 97, 99]", "[256, 97, 98, 100, 256, 97, 98, 97, 99]",
                                      "[257, 100, 257, 97, 99]", "[97, 97, 97, 98, 100, 97, 97, 97, 98, 97, 99]"], answer: 0),
               explanation: "Merges (97, 97) → 256 'aa', (256, 97) → 257 'aaa', (257, 98) → 258 'aaab'; then "
                 + "aaab d aaab a c = [258, 100, 258, 97, 99]."),
      Question(id: "l9-merge-count", prompt: "A BPE tokenizer with vocab size 276 made how many merges?",
               kind: .numeric(answer: 20, tolerance: 0),
               explanation: "The first 256 ids are the single bytes; every merge adds one token: 276 − 256 = 20."),
      Question(id: "l9-compression", prompt: "Compute the compression ratio when 24,597 bytes become 19,438 tokens (2 decimals).",
               kind: .numeric(answer: 1.27, tolerance: 0.005),
               explanation: "bytes / tokens = 24,597 / 19,438 ≈ 1.27: each token stands for 1.27 bytes on average."),
      Question(id: "l9-decode-invalid", prompt: "Decoding the single token 128 (byte 0x80) as UTF-8 fails in Python with a strict decoder. What does minbpe do instead?",
               kind: .multipleChoice([
                 "Raises an exception",
                 "Returns an empty string",
                 "Decodes with errors=\"replace\": the invalid byte becomes U+FFFD (�)",
                 "Skips the token silently",
               ], answer: 2),
               explanation: "0x80 is a continuation byte (10xxxxxx) with no start byte; errors=\"replace\" turns it into "
                 + "the replacement character."),
      Question(id: "l9-encode-order", prompt: "When encoding, which pair does the loop merge next, and why?",
               kind: .shortAnswer(accepted: ["lowest", "earliest", "first learned", "smallest", "rank"]),
               explanation: "The pair with the lowest merge index (learned earliest): later merges were learned on text "
                 + "where the earlier merges had already happened, so they must be applied in the same order."),
      Question(id: "l9-regex-why", prompt: "Why do GPT-2 and GPT-4 split text with a regex before BPE?",
               kind: .multipleChoice([
                 "To speed up decoding",
                 "So merges never cross letter/number/punctuation/space boundaries: 'dog', 'dog.' and 'dog!' share the token 'dog'",
                 "To remove punctuation",
                 "Because BPE cannot handle spaces",
               ], answer: 1),
               explanation: "Without the split, BPE would learn many variants of each word glued to punctuation, wasting vocabulary."),
      Question(id: "l9-gpt4-digits", prompt: "With GPT-4's pattern, how many chunks does the number 1234567 become (numbers are split into runs of at most 3 digits)?",
               kind: .numeric(answer: 3, tolerance: 0),
               explanation: "\\p{N}{1,3} takes 123, 456, 7: three chunks. GPT-2's pattern keeps all seven digits in one chunk."),
      Question(id: "l9-special-token", prompt: "tiktoken's encode(\"<|endoftext|>\") without allowed_special:",
               kind: .multipleChoice([
                 "returns [50256]",
                 "raises an error naming the special token",
                 "returns the ordinary tokens of the string",
                 "returns []",
               ], answer: 1),
               explanation: "A special token in user text is an error unless explicitly allowed: silently emitting it would "
                 + "let text inject control tokens into the model."),
      Question(id: "l9-magikarp", prompt: "Why does GPT-2-era ChatGPT misbehave on \" SolidGoldMagikarp\"?",
               kind: .shortAnswer(accepted: ["never", "untrained", "training data", "reddit", "not seen", "rare"]),
               explanation: "It is a single token in the tokenizer's vocabulary (learned from a Reddit username frequent in the "
                 + "tokenizer's training data), but the token almost never occurs in the model's training data, so its embedding "
                 + "was never trained."),
      Question(id: "l9-trailing-space", prompt: "Why does a prompt ending in a space warn in the OpenAI playground?",
               kind: .multipleChoice([
                 "Spaces are not allowed",
                 "In GPT tokenization the space usually belongs to the next word (' world'), so a lone trailing space is a rare token and the model is out of distribution",
                 "The space is removed",
                 "It doubles the token count",
               ], answer: 1),
               explanation: "Words carry their leading space; a prompt ending in ' ' splits that token, something the model rarely saw."),
      Question(id: "l9-vocab-size", prompt: "Name one cost of making the vocabulary larger.",
               kind: .shortAnswer(accepted: ["embedding", "parameters", "softmax", "lm_head", "rare", "undertrained", "compute"]),
               explanation: "The embedding table and the final layer grow linearly with it, each token is seen less often in "
                 + "training (under-trained rows), and each token squeezes more text into one forward step."),
      Question(id: "l9-sentencepiece", prompt: "How does SentencePiece (Llama 2) handle a character that is not in its vocabulary?",
               kind: .multipleChoice([
                 "It maps it to <unk> always",
                 "With byte_fallback, it encodes the character's UTF-8 bytes as byte tokens like <0xF0>",
                 "It drops the character",
                 "It merges it with the previous character",
               ], answer: 1),
               explanation: "SentencePiece runs BPE on code points; rare code points are not in the vocabulary, and byte fallback "
                 + "spells them as their UTF-8 bytes instead of <unk>."),
    ],
    reportArguments: ["--full"],
    codeBehind: [
      CodeExcerpt("The fast trainer's contract", file: "Sources/Tokenizer/Training.swift",
                  declarations: ["public static func train("],
                  prose: "The big runs use the library's trainer: the same rule as the lesson's loop (most frequent pair, "
                    + "ties to the first seen), with pair counts updated incrementally instead of recounted. The lecture "
                    + "checks that it chooses the same merges as the loop written in the cells."),
      CodeExcerpt("Encoding with tiktoken's vocabulary", file: "Sources/Tokenizer/NaiveBPE.swift",
                  declarations: ["public static func encode(_ chunk: [UInt8], ranks"],
                  prose: "minbpe's `encode_chunk` with a byte shuffle: what exercise step 3 uses to reproduce GPT-4's ids "
                    + "from the recovered merges."),
    ],
    next: NextLecture(
      number: 10, title: "Let's reproduce GPT-2 (124M)", page: "Lecture10-GPT2.md",
      bridge: "Lecture 8 built a GPT on characters; lecture 10 builds GPT-2 (124M) and trains it on text encoded "
        + "with exactly the GPT-2 tokenizer used here: tiny Shakespeare becomes 338,025 tokens, the first batch of "
        + "(B, T) token ids comes from it, and the 50,257-row embedding table and output layer are this vocabulary."))
}
