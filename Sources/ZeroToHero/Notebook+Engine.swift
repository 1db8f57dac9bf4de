import Datasets
import Kernels
import Notebook

extension EngineHooks {
  /// The engine as the lectures use it: kernel threads through `Parallelism`, data files through
  /// `DataFiles` (which honours `--data` and explains a missing file), large blocks kept in the heap.
  public static let standard = EngineHooks(
    withThreads: { threads, body in Parallelism.$threadCount.withValue(threads) { body() } },
    locateData: { name, directory in try DataFiles.locate(name, dataDirectory: directory) },
    readData: { name, directory in try DataFiles.readText(name, dataDirectory: directory) },
    prepare: { AllocatorTuning.keepLargeBlocksInHeap() })
}

extension Notebook {
  /// The notebook of `lecture` with the standard engine hooks, parsing the process's arguments:
  /// what a lecture's `main.swift` writes first (`let nb = Notebook(.micrograd)`).
  public convenience init(_ lecture: LectureInfo, extraFlags: [ExtraFlag] = []) {
    self.init(lecture, engine: .standard, extraFlags: extraFlags)
  }
}
