import Foundation
import ZeroToHero

// `Workbook tokenize`: the tiktokenizer web app's view in the terminal — the text with each token
// on its own background colour, then the ids.

let tokenizeUsage = """
  usage: swift run Workbook tokenize [--gpt2 | --gpt4 | --model FILE] [TEXT | --file FILE]

    --gpt2          GPT-2's vocabulary (gpt2.tiktoken; the default)
    --gpt4          GPT-4's vocabulary (cl100k_base.tiktoken)
    --model FILE    a tokenizer trained and saved by this package or by minbpe (a .model file)
    --file FILE     tokenize the contents of FILE instead of TEXT
    --data DIR      the folder holding the .tiktoken files (default: found in the checkout)

  Special tokens such as <|endoftext|> are shown as the single tokens they are (as the web app does).
  Without colour (NO_COLOR, --no-color or a pipe) tokens are shown as [bracketed] pieces.
  Exit status: 0 ok, 1 a file could not be read, 2 usage error.
  """

/// Runs `Workbook tokenize` with its arguments (after the command name).
func tokenize(_ arguments: [String]) {
  var vocabulary = "gpt2", modelPath: String?, filePath: String?, dataDirectory: String?
  var texts: [String] = []
  var color = console.color
  var args = arguments[...]
  func value(_ flag: String) -> String {
    guard let v = args.popFirst() else { fail("\(flag) needs a value\n\(tokenizeUsage)", status: 2) }
    return v
  }
  while let arg = args.popFirst() {
    switch arg {
    case "--gpt2": vocabulary = "gpt2"
    case "--gpt4": vocabulary = "gpt4"
    case "--model": vocabulary = "model"; modelPath = value(arg)
    case "--file": filePath = value(arg)
    case "--data": dataDirectory = value(arg)
    case "--no-color": color = false
    case "-h", "--help": console.out(tokenizeUsage + "\n"); exit(0)
    default:
      if arg.hasPrefix("--") { fail("unknown flag '\(arg)' for tokenize\n\(tokenizeUsage)", status: 2) }
      texts.append(arg)
    }
  }
  if filePath != nil, !texts.isEmpty { fail("give TEXT or --file, not both", status: 2) }
  if filePath == nil, texts.isEmpty { fail("tokenize needs TEXT or --file FILE\n\(tokenizeUsage)", status: 2) }
  let text: String
  if let filePath {
    do { text = try DataFiles.readText(at: URL(fileURLWithPath: filePath)) } catch { fail("\(error)", status: 1) }
  } else {
    text = texts.joined(separator: " ")
  }
  let tokenizer: BytePairTokenizer
  do {
    switch vocabulary {
    case "gpt4": tokenizer = try BytePairTokenizer.cl100k(dataDirectory: dataDirectory)
    case "model": tokenizer = try BytePairTokenizer.load(modelFile: URL(fileURLWithPath: modelPath!))
    default: tokenizer = try BytePairTokenizer.gpt2(dataDirectory: dataDirectory)
    }
  } catch { fail("\(error)", status: 1) }
  let ids: [Int]
  do { ids = try tokenizer.encode(text, allowedSpecial: .all) } catch { fail("\(error)", status: 1) }
  let name = vocabulary == "model" ? URL(fileURLWithPath: modelPath!).lastPathComponent : vocabulary
  console.out(console.styled("\(name): \(ids.count) tokens, \(text.unicodeScalars.count) characters, \(text.utf8.count) bytes", .bold) + "\n")
  console.out(TokenView.render(ids, tokenizer: tokenizer, color: color) + "\n")
  console.out("ids: [" + ids.map(String.init).joined(separator: ", ") + "]\n")
}

/// The coloured (or bracketed) token view.
enum TokenView {
  /// Pastel backgrounds (256-colour palette) with black text, cycled token by token.
  static let backgrounds = [153, 223, 194, 218, 230, 189]

  /// Tokens shown one after another; tokens that together make one character (a partial UTF-8
  /// sequence each) are shown as one piece.
  static func render(_ ids: [Int], tokenizer: BytePairTokenizer, color: Bool) -> String {
    var out = ""
    var pending: [UInt8] = []
    var piece = 0
    for (k, id) in ids.enumerated() {
      pending += tokenizer.bytes(of: id) ?? []
      // Wait for the rest of a character cut across tokens (at most 3 more bytes).
      if String(validating: pending, as: UTF8.self) == nil, pending.count < 4, k < ids.count - 1 { continue }
      let text = String(decoding: pending, as: UTF8.self)
      pending.removeAll()
      if color {
        let on = "\u{1B}[30;48;5;\(backgrounds[piece % backgrounds.count])m", off = "\u{1B}[0m"
        // A newline shows as ↵ and really breaks the line; the colour stops at the line's end.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (k, line) in lines.enumerated() {
          let shown = line + (k < lines.count - 1 ? "↵" : "")
          if !shown.isEmpty { out += on + shown + off }
          if k < lines.count - 1 { out += "\n" }
        }
      } else {
        out += "[" + text.replacingOccurrences(of: "\n", with: "\\n") + "]"
      }
      piece += 1
    }
    return out
  }
}
