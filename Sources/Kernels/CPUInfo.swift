import CKernelsISA
import Foundation

/// The CPU the process runs on, for benchmark headers: figures from different machines must never
/// be compared by accident.
public struct CPUInfo: Sendable {
  /// The model name (CPUID brand string on x86-64, `/proc/cpuinfo` or sysctl elsewhere).
  public let model: String
  /// CPUID family, model and stepping on x86-64 (`family 25 model 1` is Zen 3), else nil.
  public let signature: (family: Int, model: Int, stepping: Int)?
  /// Vector features the CPU and OS support, lower case (`avx2`, `fma`, `avx512f`, …).
  public let features: [String]

  /// The running CPU.
  public static let current = CPUInfo()

  init() {
    let bits = zth_cpu_features()
    let names: [(UInt32, String)] = [
      (UInt32(ZTH_CPU_SSE42), "sse4.2"), (UInt32(ZTH_CPU_AVX), "avx"),
      (UInt32(ZTH_CPU_AVX2), "avx2"), (UInt32(ZTH_CPU_FMA), "fma"),
      (UInt32(ZTH_CPU_F16C), "f16c"), (UInt32(ZTH_CPU_AVX512F), "avx512f"),
      (UInt32(ZTH_CPU_AVX512BW), "avx512bw"), (UInt32(ZTH_CPU_AVX512VL), "avx512vl"),
      (UInt32(ZTH_CPU_AVX512VNNI), "avx512vnni"), (UInt32(ZTH_CPU_AVX512BF16), "avx512bf16"),
    ]
    var features = names.filter { bits & $0.0 != 0 }.map(\.1)
    #if arch(arm64)
    features = ["neon"]
    #endif
    self.features = features
    var sig: [Int32] = [0, 0, 0]
    signature = zth_cpu_signature(&sig) != 0 ? (Int(sig[0]), Int(sig[1]), Int(sig[2])) : nil
    var brand = [CChar](repeating: 0, count: 64)
    if zth_cpu_brand(&brand, Int32(brand.count)) != 0 {
      model = String(decoding: brand.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    } else {
      model = CPUInfo.modelFromSystem() ?? "unknown CPU"
    }
  }

  /// One line for a report header: model, signature, features, and the kernels' instruction set.
  public var summary: String {
    var s = model
    if let sig = signature { s += " (family \(sig.family) model \(sig.model))" }
    s += ", \(ProcessInfo.processInfo.activeProcessorCount) cores"
    s += "; features: " + (features.isEmpty ? "none detected" : features.joined(separator: " "))
    return s
  }

  /// The model name from the operating system, where CPUID is not available.
  static func modelFromSystem() -> String? {
    #if os(Linux)
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      if parts.count == 2, ["model name", "Model", "Hardware"].contains(parts[0].trimmingCharacters(in: .whitespaces)) {
        return parts[1].trimmingCharacters(in: .whitespaces)
      }
    }
    return nil
    #elseif canImport(Darwin)
    var size = 0
    guard sysctlbyname("machdep.cpu.brand_string", nil, &size, nil, 0) == 0, size > 0 else { return nil }
    var buffer = [CChar](repeating: 0, count: size)
    guard sysctlbyname("machdep.cpu.brand_string", &buffer, &size, nil, 0) == 0 else { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    #else
    return nil
    #endif
  }
}
