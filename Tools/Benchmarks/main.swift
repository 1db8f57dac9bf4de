import Foundation
import ZeroToHero

// Benchmarks: times the workbook's hot workloads (release build, warm-up, several windows,
// medians). Names match ../shared/bench/torch_reference.py so the two can be compared side by side.
//
//   swift run -c release Benchmarks [--json] [--windows N] [NAME-PREFIX ...]

let usage = """
  usage: Benchmarks [--json] [--windows N] [--kernel VARIANT] [--list] [NAME-PREFIX ...]
    --json         one JSON object per line: name, config, threads, median_ms, min_ms, cpu_ms
                   (+ gflops, peak_gflops, peak_fraction), isa, kernel, cpu; header to stderr
    --windows N    timed windows per workload (default 7); the median is reported
    --kernel V     GEMM micro-kernel for every workload: \(GEMMKernel.allCases.map(\.rawValue).joined(separator: ", "))
                   (default: \(GEMMKernel.selected.rawValue), the one chosen for this CPU)
    --list         list the workloads and exit
    --llmc DIR …   write GPT-2 124M in llm.c's format to DIR and run its steps beside train_gpt2.c (see GPT2Workloads.swift)
    --openblas LIB [N …]  our sgemm and OpenBLAS's (LIB opened at run time), window by window in one
                   process; prints the median ratio of the pairs (see OpenBLASPairs.swift)
    NAME-PREFIX    run only workloads whose name starts with one of these (e.g. gemm l3);
                   =NAME runs only the workload named exactly NAME (e.g. =l7-gpt-iter, not its -t2 twin)
  """

// The side-by-side with llm.c's CPU trainer (GPT2Workloads.swift) has its own arguments.
if CommandLine.arguments.dropFirst().first == "--llmc" { exit(llmcSideBySide(Array(CommandLine.arguments.dropFirst(2)))) }
// So has the paired comparison with OpenBLAS (OpenBLASPairs.swift).
if CommandLine.arguments.dropFirst().first == "--openblas" { exit(openBLASPairs(Array(CommandLine.arguments.dropFirst(2)))) }

var json = false
var gemmKernel = GEMMKernel.selected
var listOnly = false
var windows = 7
var prefixes: [String] = []
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
  switch arg {
  case "--json": json = true
  case "--list": listOnly = true
  case "--windows":
    guard let v = args.popFirst(), let n = Int(v), n > 0 else {
      FileHandle.standardError.write(Data("error: --windows needs a positive integer\n\(usage)\n".utf8)); exit(2)
    }
    windows = n
  case "--kernel":
    guard let v = args.popFirst(), let k = GEMMKernel(rawValue: v) else {
      FileHandle.standardError.write(Data("error: --kernel needs one of \(GEMMKernel.allCases.map(\.rawValue))\n\(usage)\n".utf8)); exit(2)
    }
    gemmKernel = k
  case "-h", "--help": print(usage); exit(0)
  default:
    if arg.hasPrefix("-") {
      FileHandle.standardError.write(Data("error: unknown flag '\(arg)'\n\(usage)\n".utf8)); exit(2)
    }
    prefixes.append(arg)
  }
}

/// Every workload, in the order they are run. Each engine adds its own in its own file.
let allWorkloads: [Workload] = kernelWorkloads() + randomWorkloads + tensorWorkloads
  + microgradWorkloads() + microgptWorkloads() + nnWorkloads
  + nnWorkloads.filter { ["l7-gpt-iter", "l7-gpt-eval", "gpt2-block-fwdbwd"].contains($0.name) }.map { $0.onThreads(2) }
  + tokenizerWorkloads() + gpt2Workloads
if listOnly {
  for w in allWorkloads { print("\(w.name)  (\(w.config))") }
  exit(0)
}

#if DEBUG
FileHandle.standardError.write(Data("warning: debug build; run `swift run -c release Benchmarks` for real numbers\n".utf8))
#endif

// As in every lecture (Notebook does this): large activations are reused from the heap.
AllocatorTuning.keepLargeBlocksInHeap()

let selected = prefixes.isEmpty ? allWorkloads : allWorkloads.filter { w in
  prefixes.contains { $0.hasPrefix("=") ? w.name == $0.dropFirst() : w.name.hasPrefix($0) }
}
if selected.isEmpty {
  FileHandle.standardError.write(Data("error: no workload matches \(prefixes)\n".utf8)); exit(2)
}
// Header: the machine, the kernel variant and its measured peak (figures name where they came from).
let cpu = CPUInfo.current
let peak = selected.contains { $0.flops != nil } ? MeasuredPeak.measure() : nil
let stamp = MachineStamp(isa: KernelISA.compiled.rawValue, kernel: gemmKernel.rawValue,
                         cpu: cpu.signature.map { "\(cpu.model) (family \($0.family) model \($0.model))" } ?? cpu.model,
                         peak: peak)
var header = "# cpu: \(cpu.summary)\n# kernels compiled for \(stamp.isa); GEMM micro-kernel \(stamp.kernel)"
header += gemmKernel == GEMMKernel.selected ? " (selected for this build)\n" : " (forced with --kernel; this build selects \(GEMMKernel.selected.rawValue))\n"
if let p = peak {
  header += String(format: "# measured fp32 peak: %.1f GFLOP/s on 1 thread (thread CPU time), %.1f on 2 threads (wall-clock, low when the machine is busy); %d-lane FMAs\n",
                   p.oneThread, p.twoThreads, fmaLanes)
}
if json { FileHandle.standardError.write(Data(header.utf8)) } else { print(header, terminator: "") }
for workload in selected {
  let m = GEMMKernel.$current.withValue(gemmKernel) {
    Parallelism.$threadCount.withValue(workload.threads) { measure(workload, windows: windows) }
  }
  print(json ? m.json(stamp) : m.line(stamp))
}
