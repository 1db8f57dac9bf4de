import Foundation
import ZeroToHero

/// Lecture 7's exercises (EX1–EX4), declared after the lecture's own cells so that they run last.
func declareExercises(_ nb: Notebook, shakespeare: Shared<CharacterText>) {
}
