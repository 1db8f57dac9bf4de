import Foundation
import ZeroToHero

// Benchmarks: times the workbook's hot workloads (release build, warm-up, several windows,
// medians). Names match ../shared/bench/torch_reference.py so the two can be compared side by side.
//
//   swift run -c release Benchmarks [--json] [--windows N] [NAME-PREFIX ...]

let usage = """
  usage: Benchmarks [--json] [--windows N] [--list] [NAME-PREFIX ...]
    --json         one JSON object per line: name, config, threads, median_ms, min_ms (+ gflops)
    --windows N    timed windows per workload (default 7); the median is reported
    --list         list the workloads and exit
    NAME-PREFIX    run only workloads whose name starts with one of these (e.g. gemm l3)
  """

/// Every workload, in the order they are run. Each engine adds its own in its own file.
let allWorkloads: [Workload] = kernelWorkloads() + randomWorkloads + tensorWorkloads
  + microgradWorkloads() + microgptWorkloads() + nnWorkloads

var json = false
var windows = 7
var prefixes: [String] = []
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
  switch arg {
  case "--json": json = true
  case "--list":
    for w in allWorkloads { print("\(w.name)  (\(w.config))") }
    exit(0)
  case "--windows":
    guard let v = args.popFirst(), let n = Int(v), n > 0 else {
      FileHandle.standardError.write(Data("error: --windows needs a positive integer\n\(usage)\n".utf8)); exit(2)
    }
    windows = n
  case "-h", "--help": print(usage); exit(0)
  default:
    if arg.hasPrefix("-") {
      FileHandle.standardError.write(Data("error: unknown flag '\(arg)'\n\(usage)\n".utf8)); exit(2)
    }
    prefixes.append(arg)
  }
}

#if DEBUG
FileHandle.standardError.write(Data("warning: debug build; run `swift run -c release Benchmarks` for real numbers\n".utf8))
#endif

// As in every lecture (Notebook does this): large activations are reused from the heap.
AllocatorTuning.keepLargeBlocksInHeap()

let selected = prefixes.isEmpty ? allWorkloads : allWorkloads.filter { w in prefixes.contains { w.name.hasPrefix($0) } }
if selected.isEmpty {
  FileHandle.standardError.write(Data("error: no workload matches \(prefixes)\n".utf8)); exit(2)
}
for workload in selected {
  let m = Parallelism.$threadCount.withValue(workload.threads) { measure(workload, windows: windows) }
  print(json ? m.json() : m.line())
}
