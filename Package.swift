// swift-tools-version: 6.0
// Zero to Hero in Swift: Karpathy's "Neural Networks: Zero to Hero" as runnable, literate Swift.
//
// Toolchain only: this package has no package dependencies (Foundation, Dispatch, XCTest and
// Swift Testing come with the toolchain).
import PackageDescription

// Numeric modules are compiled optimised in *every* configuration, because learners type plain
// `swift run Lecture03MLP` (a debug build). `-target-cpu native` lets `SIMD16<Float>.addProduct`
// become a hardware FMA instead of a per-lane `fmaf` call (1.4 vs ~200 GFLOP/s measured here), and
// `-O` keeps a debug build of a SIMD kernel within 2x of release (1.72 s → 0.045 s measured).
// `-wmo` (whole-module optimisation; `-num-threads 2` keeps one object file per source file, as
// SwiftPM's debug index expects, and `-disable-batch-mode` silences the driver's note) lets a debug
// build inline across files too — without it the GEMM micro-kernel, `load16`/`store16` and the other
// small helpers stayed calls: lecture 7's training step took 15.8 ms in `swift run`, 12.8 ms with it.
// SwiftPM accepts these unsafe flags because this is a root package; another package can still
// depend on the libraries by local path (a path dependency).
let numeric: [SwiftSetting] = [.unsafeFlags(["-O", "-wmo", "-disable-batch-mode", "-num-threads", "2", "-target-cpu", "native"])]
let libm: [LinkerSetting] = [.linkedLibrary("m", .when(platforms: [.linux]))]

/// The modules `import ZeroToHero` re-exports.
///
/// Targets built with `numeric` (`-O -wmo`) inline code across modules: small functions of an
/// optimised library (`Tensor.item()`, `subscript(at:)`, `TensorStorage.base`, …) are serialised
/// into its `.swiftmodule` and compiled into its clients' object files. SwiftPM re-runs a target's
/// compile command only when one of its *direct* dependencies' `.swiftmodule` changes, and
/// `ZeroToHero.swiftmodule` stays byte-identical when only a function body in `Tensor` changes. So
/// an optimised target that reached the engine only through `ZeroToHero` kept stale inlined copies
/// of the engine after such a change (e.g. the old `TensorStorage.base` reading floats where the
/// new library no longer writes them: NaN gradients in lecture 5 until `main.swift` was touched).
/// The lectures and Benchmarks therefore list every re-exported module directly as well;
/// `BuildGraphTests` checks this on the build manifest.
let umbrella: [Target.Dependency] = [
  "Random", "Kernels", "Micrograd", "Tensor", "NN", "Datasets", "Makemore", "Report", "Quiz", "Notebook", "Curriculum",
  "Tokenizer",
]

/// One executable per lecture, each a `main.swift` that reads top to bottom like its notebook.
let lectures = ["Lecture01Micrograd", "Lecture02Bigram", "Lecture03MLP", "Lecture04BatchNorm", "Lecture05Backprop", "Lecture06WaveNet", "Lecture07GPT", "Lecture08StateOfGPT", "Lecture09Tokenizer", "Lecture10GPT2", "MicroGPT"]

let package = Package(
  name: "ZeroToHero",
  products: [
    .library(name: "ZeroToHero", targets: ["ZeroToHero"]),
    .library(name: "Random", targets: ["Random"]),
    .library(name: "Kernels", targets: ["Kernels"]),
    .library(name: "Micrograd", targets: ["Micrograd"]),
    .library(name: "Tensor", targets: ["Tensor"]),
    .library(name: "NN", targets: ["NN"]),
    .library(name: "Datasets", targets: ["Datasets"]),
    .library(name: "Makemore", targets: ["Makemore"]),
    .library(name: "Report", targets: ["Report"]),
    .library(name: "Notebook", targets: ["Notebook"]),
    .library(name: "Quiz", targets: ["Quiz"]),
    .library(name: "Curriculum", targets: ["Curriculum"]),
    .library(name: "Tokenizer", targets: ["Tokenizer"]),
    .executable(name: "Workbook", targets: ["Workbook"]),
    .executable(name: "Benchmarks", targets: ["Benchmarks"]),
  ] + lectures.map { .executable(name: $0, targets: [$0]) },
  targets: [
    // MARK: - Engine (numeric, always optimised)
    .target(name: "Random", swiftSettings: numeric, linkerSettings: libm),
    // Kernels' compile-time ISA macros and CPUID (a C target of ours; see Sources/Kernels/README.md).
    .target(name: "CKernelsISA"),
    .target(name: "Kernels", dependencies: ["CKernelsISA"], exclude: ["README.md"],
            swiftSettings: numeric, linkerSettings: libm),
    .target(name: "Micrograd", dependencies: ["Random"], swiftSettings: numeric, linkerSettings: libm),
    .target(name: "Tensor", dependencies: ["Kernels", "Random"], exclude: ["README.md"],
            swiftSettings: numeric, linkerSettings: libm),
    .target(name: "NN", dependencies: ["Tensor", "Random", "Kernels"], exclude: ["README.md"], swiftSettings: numeric, linkerSettings: libm),
    .target(name: "Datasets", dependencies: ["Random"], swiftSettings: numeric),
    // Random (seen through Datasets) and Kernels (through Tensor) are listed directly for the
    // reason given at `umbrella`: code of theirs inlined here must be recompiled when they change.
    .target(name: "Tokenizer", dependencies: ["Kernels", "Datasets", "Random"], exclude: ["README.md"], swiftSettings: numeric),
    .target(name: "Makemore", dependencies: ["Datasets", "Tensor", "Random", "Kernels"], swiftSettings: numeric),

    // MARK: - Workbook runtime (cells, reports, quizzes)
    .target(name: "Report", exclude: ["README.md"], swiftSettings: numeric),
    .target(name: "Quiz", dependencies: ["Report", "Random"]),
    // The runtime knows nothing of the content or the engine: lectures hand it their metadata
    // (Curriculum) and the engine hooks (threads, data files) through ZeroToHero.
    .target(name: "Notebook", dependencies: ["Report", "Quiz"], exclude: ["README.md"]),
    .target(name: "Curriculum", dependencies: ["Quiz", "Notebook"]),
    .target(name: "ZeroToHero", dependencies: umbrella),

    // MARK: - Tools
    .executableTarget(name: "Workbook", dependencies: ["ZeroToHero"], path: "Tools/Workbook"),
    .executableTarget(name: "Benchmarks", dependencies: ["ZeroToHero"] + umbrella, path: "Tools/Benchmarks",
                      swiftSettings: numeric),

    // MARK: - Tests
    .target(name: "TestSupport", dependencies: ["ZeroToHero"], path: "Tests/TestSupport",
            resources: [.copy("Fixtures")]),
    .testTarget(name: "RandomTests", dependencies: ["Random", "TestSupport"]),
    .testTarget(name: "KernelsTests", dependencies: ["Kernels", "TestSupport"]),
    .testTarget(name: "MicrogradTests", dependencies: ["Micrograd", "TestSupport"]),
    .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
    .testTarget(name: "NNTests", dependencies: ["NN", "TestSupport"]),
    .testTarget(name: "ReportTests", dependencies: ["Report", "TestSupport"]),
    .testTarget(name: "NotebookTests", dependencies: ["Notebook", "Quiz", "Curriculum", "Datasets", "TestSupport"]),
    .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "Random", "TestSupport"]),
    .testTarget(name: "LectureTests", dependencies: ["ZeroToHero", "TestSupport"]),
    .testTarget(name: "MakemoreTests", dependencies: ["Makemore", "Datasets", "Tensor", "Random", "TestSupport"]),
  ] + lectures.map {
    .executableTarget(name: $0, dependencies: ["ZeroToHero"] + umbrella, path: "Lectures/\($0)", swiftSettings: numeric)
  }
)
