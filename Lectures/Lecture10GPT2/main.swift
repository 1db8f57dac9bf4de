import Foundation
import ZeroToHero

let nb = Notebook(.gpt2)

nb.run()
