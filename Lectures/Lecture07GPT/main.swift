import Foundation
import ZeroToHero

let nb = Notebook(.gpt)

let shakespeare = nb.cell("The data: tiny Shakespeare", "The text every cell trains on.") { c in
  try CharacterText(text: nb.readText("tinyshakespeare.txt"))
}

declareExercises(nb, shakespeare: shakespeare)

nb.run()
