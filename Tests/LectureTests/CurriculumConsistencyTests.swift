import Foundation
import Testing
import TestSupport
import ZeroToHero

/// The places a lecture lives must agree: Package.swift's `lectures` list, `Curriculum.lectures`,
/// `Lectures/<executable>/main.swift`, the committed study page, the test files its metadata
/// names, its snapshot, and its quiz bank and objectives. (CONTRIBUTING.md: "Adding a lecture".)
@Suite struct CurriculumConsistencyTests {
  static let root = Fixtures.packageRoot

  /// The executables in Package.swift's `let lectures = [...]` line.
  static func packageLectures() throws -> [String] {
    let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
    let line = try #require(manifest.split(separator: "\n").first { $0.hasPrefix("let lectures = [") })
    return line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
  }

  @Test func packageAndCurriculumListTheSameLectures() throws {
    #expect(try Self.packageLectures() == Curriculum.lectures.map(\.executable))
    let numbers = Curriculum.lectures.map(\.number)
    #expect(numbers == numbers.sorted() && Set(numbers).count == numbers.count)
  }

  @Test(arguments: Curriculum.lectures)
  func everyPlaceOfALectureExists(_ lecture: LectureInfo) throws {
    let fm = FileManager.default
    #expect(fm.fileExists(atPath: Self.root.appendingPathComponent(lecture.sourcePath).path), "no \(lecture.sourcePath)")
    #expect(fm.fileExists(atPath: Self.root.appendingPathComponent("Reports/\(lecture.reportFileName)").path),
            "no committed page Reports/\(lecture.reportFileName)")
    #expect(fm.fileExists(atPath: Self.root.appendingPathComponent("Tests/Snapshots/\(lecture.executable).txt").path),
            "no snapshot Tests/Snapshots/\(lecture.executable).txt")
    #expect(!lecture.tests.isEmpty)
    for test in lecture.tests {
      #expect(fm.fileExists(atPath: Self.root.appendingPathComponent(test).path), "\(lecture.executable) names a missing test file \(test)")
    }
    for excerpt in lecture.codeBehind {
      let source = try String(contentsOf: Self.root.appendingPathComponent(excerpt.file), encoding: .utf8)
      for declaration in excerpt.declarations {
        #expect(SourceExtractor.declaration(declaration, in: source) != nil, "\(excerpt.file) has no \(declaration)")
      }
    }
    if let next = lecture.next, let target = Curriculum.lectures.first(where: { $0.number == next.number }) {
      #expect(next.page == target.reportFileName)
    }
  }

  @Test func questionIdsAreUniqueAcrossLectures() {
    let ids = Curriculum.allQuestions.map(\.question.id)
    #expect(Set(ids).count == ids.count, "duplicate ids: \(Dictionary(grouping: ids) { $0 }.filter { $1.count > 1 }.keys.sorted())")
    let prompts = Curriculum.allQuestions.map { $0.question.prompt.lowercased() }
    #expect(Set(prompts).count == prompts.count, "the same question is asked twice")
  }

  /// Every objective names at least one question of its lecture's bank, and every question it
  /// names exists.
  @Test(arguments: Curriculum.lectures)
  func everyObjectiveIsCheckedByTheQuiz(_ lecture: LectureInfo) {
    let ids = Set(lecture.questions.map(\.id))
    for objective in lecture.objectives {
      #expect(!objective.quiz.isEmpty, "\(lecture.executable): no question checks “\(objective.text)”")
      for id in objective.quiz { #expect(ids.contains(id), "\(lecture.executable): objective names unknown question \(id)") }
    }
  }
}

extension LectureInfo: CustomTestStringConvertible {
  public var testDescription: String { executable }
}
