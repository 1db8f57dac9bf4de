import Foundation
import ZeroToHero

let nb = Notebook(.stateOfGPT)

nb.run()
