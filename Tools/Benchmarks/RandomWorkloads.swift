import ZeroToHero

/// The Random module's workloads: PyTorch-compatible normal draws (torch_reference.py `randn`).
@MainActor let randomWorkloads: [Workload] = [
  Workload(name: "randn-10m", config: "randn 10,000,000 float32", threads: 1, warmup: 1, repsPerWindow: 1) {
    // One buffer, refilled each repetition: the vectorised path (uniforms, then blocks of 16).
    let count = 10_000_000
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
    var generator = TorchGenerator(seed: 2_147_483_647)
    return {
      generator.fillNormal(buffer)
      blackHole(buffer[count - 1])
    }
  },
  Workload(name: "rand-10m", config: "rand 10,000,000 float32 (the generator alone)", threads: 1, warmup: 1,
           repsPerWindow: 1) {
    // The mt19937 draws and their conversion to float32: the part of randn-10m that is not the
    // Box–Muller transform.
    let count = 10_000_000
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
    var generator = TorchGenerator(seed: 2_147_483_647)
    return {
      generator.fillUniform(buffer)
      blackHole(buffer[count - 1])
    }
  },
]

/// Keeps a value alive so the optimiser cannot drop the work that produced it.
@inline(never)
func blackHole(_ value: Float) {
  if value.bitPattern == 0x7FC0_1234 { print("") }
}

