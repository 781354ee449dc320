import Foundation
import Testing
@testable import CAQESCore

@Suite("Measure set")
struct MeasureSetTests {
    @Test("values read back per establishment, measure and year, in any insertion order; missing stays nil")
    func readBack() {
        var set = MeasureSet(members: [MeasureSet.Member(subject: "A", category: "355", region: "32")])
        set.set(3, measure: "m", year: 2023, for: "A")
        set.set(1, measure: "m", year: 2021, for: "A")   // before the first year recorded
        set.set(5, measure: "m", year: 2025, for: "B")   // adds B, after the last year
        set.add(MeasureSet.Member(subject: "C"))         // a member added after the columns exist
        #expect(set.value(of: "m", year: 2021, for: "A")?.value == .number(1))
        #expect(set.value(of: "m", year: 2023, for: "A")?.value == .number(3))
        #expect(set.value(of: "m", year: 2022, for: "A") == nil)
        #expect(set.value(of: "m", year: 2025, for: "B")?.value == .number(5))
        #expect(set.value(of: "m", year: 2025, for: "C") == nil)
        #expect(set.value(of: "other", year: 2023, for: "A") == nil)
        #expect(set.members.map(\.subject) == ["A", "B", "C"])
    }

    @Test("a frame's contexts see their year, reference year, category and the population of their scope")
    func frames() {
        var set = MeasureSet(members: [
            MeasureSet.Member(subject: "A", category: "355", region: "32"),
            MeasureSet.Member(subject: "B", category: "106", region: "32"),
            MeasureSet.Member(subject: "C", category: "355", region: "11"),
        ])
        set.set(MeasureValue(.number(7), source: "import.csv, ligne 2"), measure: "m", year: 2023, for: "A")
        let regional = set.frame(year: 2023, referenceYear: 2021, population: .region("32"))
        #expect(regional.members.map(\.subject) == ["A", "B"])
        #expect(regional.context(for: "C") == nil)
        let a = regional.context(for: "A")!
        #expect((a.year, a.referenceYear, a.category) == (2023, 2021, "355"))
        #expect(a.value(of: "m", year: 2023)?.source == "import.csv, ligne 2")
        #expect(a.population(category: nil).map(\.subject) == ["A", "B"])
        #expect(a.population(category: "355").map(\.subject) == ["A"])
        let national = set.frame(year: 2023, referenceYear: nil, population: .national)
        #expect(national.context(for: "A")!.population(category: "355").map(\.subject) == ["A", "C"])
    }
}
