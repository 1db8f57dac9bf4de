import Foundation
import Testing
@testable import Report

@Suite struct TicksTests {
  @Test func unitIntervalGetsTenthsOrFifths() {
    let ticks = Ticks.linear(0, 1, target: 6)
    #expect(ticks.first == 0)
    #expect(abs(ticks.last! - 1) < 1e-12)
    #expect(Ticks.labels(ticks) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
  }

  @Test func negativeRangeIncludesZeroAndMinusThree() {
    let ticks = Ticks.linear(-3, 0, target: 6)
    #expect(Ticks.labels(ticks) == ["-3.0", "-2.5", "-2.0", "-1.5", "-1.0", "-0.5", "0.0"])
    #expect(ticks.last == 0)  // never -0
    #expect(!Ticks.labels(ticks).contains("-0.0"))
  }

  @Test func stepsAreOneTwoOrFiveTimesAPowerOfTen() {
    for (lo, hi) in [(0.0, 7.3), (-123.0, 456.0), (1e-6, 3e-6), (0.0, 200_000.0), (2.1, 2.13)] {
      let ticks = Ticks.linear(lo, hi)
      #expect(ticks.count >= 3 && ticks.count <= 12, "\(lo)…\(hi): \(ticks)")
      let step = ticks[1] - ticks[0]
      let mantissa = step / pow(10, floor(log10(step)))
      #expect([1.0, 2.0, 5.0].contains { abs($0 - mantissa) < 1e-6 }, "step \(step)")
      #expect(ticks.allSatisfy { $0 >= lo - 1e-12 && $0 <= hi + 1e-12 })
    }
  }

  @Test func logTicksArePowersOfTen() {
    let ticks = Ticks.log10(loExponent: -4, hiExponent: 2)
    #expect(ticks.count == 7)
    #expect(Ticks.logLabels(ticks) == ["0.0001", "0.001", "0.01", "0.1", "1", "10", "100"])
    let wide = Ticks.log10(loExponent: -20, hiExponent: 20)
    #expect(wide.count <= 9 && wide.count >= 5)
  }

  @Test func logTicksWithinOneDecadeUseOneTwoFive() {
    // loss between 2 and 6 on a log axis: no power of ten inside, so 2, 3, 4, 5, 6 or 2, 5
    let ticks = Ticks.log10(loExponent: log10(1.9), hiExponent: log10(6.2))
    #expect(ticks.count >= 2)
    #expect(ticks.allSatisfy { $0 >= 1.9 && $0 <= 6.2 })
  }

  @Test func constantDataGetsAUsableAxis() {
    let axis = AxisScale.fit([5, 5, 5])
    #expect(axis.lo < 5 && axis.hi > 5)
    #expect(axis.ticks.contains(5))
    let zero = AxisScale.fit([0, 0])
    #expect(zero.lo < 0 && zero.hi > 0)
    let log = AxisScale.fit([100, 100], log: true)
    #expect(log.lo < 2 && log.hi > 2)
  }

  @Test func emptyDataAndNaNDoNotCrash() {
    let empty = AxisScale.fit([])
    #expect(empty.ticks.count >= 2)
    #expect(Ticks.linear(.nan, 1).isEmpty)
    #expect(Ticks.linear(0, .infinity).isEmpty)
    #expect(Ticks.log10(loExponent: .nan, hiExponent: 1).isEmpty)
    #expect(Ticks.niceStep(span: .nan) == 1)
  }

  @Test func tinyAndHugeValuesUseScientificLabels() {
    let tiny = Ticks.labels(Ticks.linear(1e-7, 5e-7))
    #expect(tiny.allSatisfy { $0.contains("e-7") || $0 == "0" }, "\(tiny)")
    let huge = Ticks.labels(Ticks.linear(0, 3e7))
    #expect(huge.contains("1e7"), "\(huge)")
  }
}

@Suite struct NumberFormatTests {
  @Test func fixedIsLocaleFreeAndNeverNegativeZero() {
    #expect(NumberFormat.fixed(3.14159, decimals: 2) == "3.14")
    #expect(NumberFormat.fixed(-0.0001, decimals: 2) == "0.00")
    #expect(NumberFormat.fixed(-2.5, decimals: 0) == "-3")
    #expect(NumberFormat.fixed(0.05, decimals: 3) == "0.050")
    #expect(NumberFormat.fixed(1234567, decimals: 1) == "1234567.0")
    #expect(NumberFormat.fixed(.nan, decimals: 2) == "nan")
    #expect(NumberFormat.fixed(-.infinity, decimals: 2) == "-inf")
  }

  @Test func compactTrimsAndSwitchesToScientific() {
    #expect(NumberFormat.compact(2.5) == "2.5")
    #expect(NumberFormat.compact(5438) == "5438")
    #expect(NumberFormat.compact(0.0001234) == "0.0001234")
    #expect(NumberFormat.compact(0.00001234) == "1.234e-5")
    #expect(NumberFormat.compact(12_345_678) == "1.235e7")
    #expect(NumberFormat.compact(-3) == "-3")
    #expect(NumberFormat.compact(0) == "0")
    #expect(NumberFormat.scientific(9.9999, significant: 3) == "1e1")
  }
}
