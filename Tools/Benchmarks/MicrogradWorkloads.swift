import ZeroToHero

/// Lecture 1's workloads: one step of micrograd's moons demo (2-16-16-1 MLP, ReLU hidden layers,
/// linear output, 100 points, SVM max-margin loss + 1e-4·Σp², forward + backward + SGD) on the
/// tape engine, and the same step on the class engine for comparison. Python micrograd 0.1.0 takes
/// 877 ms per step on this machine (ENGINEERING_NOTES.md).
func microgradWorkloads() -> [Workload] {
  /// The demo's model and data, seeded as the lecture seeds them.
  func setup() -> (Micrograd.MLP, TwoMoons) {
    var rng = PythonRandom(seed: 1337)
    let model = Micrograd.MLP(2, [16, 16, 1], style: .repo, rng: &rng)
    var dataRNG = PythonRandom(seed: 1337)
    return (model, TwoMoons(count: 100, noise: 0.1, rng: &dataRNG))
  }
  return [
    Workload(name: "micrograd-moons-step",
             config: "tape engine: 2-16-16-1 ReLU MLP, 100 points, SVM loss + L2, fwd+bwd+SGD",
             warmup: 5, repsPerWindow: 50,
             make: {
               let (model, moons) = setup()
               var tapeModel = TapeMLP(copying: model)
               var k = 0
               return {
                 tapeModel.trainingStep(points: moons.points, labels: moons.labels,
                                        learningRate: moonsLearningRate(step: k % 100))
                 k += 1
               }
             }),
    Workload(name: "micrograd-class-moons",
             config: "class engine (Value objects + topological sort), same step",
             warmup: 1, repsPerWindow: 2,
             make: {
               let (model, moons) = setup()
               var k = 0
               return {
                 trainingStep(model, points: moons.points, labels: moons.labels,
                              learningRate: moonsLearningRate(step: k % 100))
                 k += 1
               }
             }),
  ]
}
