import Foundation
import Testing
@testable import CAQESCore

/// One establishment's biosimilar use in 2023 (UCD biosimilar, originator; nil = the molecule's data is absent).
struct BiosimilarCase: CustomTestStringConvertible, Sendable {
    let name: String
    let trastuzumab: (Decimal, Decimal)?
    let rituximab: (Decimal, Decimal)?
    /// Regional indicators counted for the envelope (biosimilars count once, with HDF-PRESC achieved too).
    let counted: Int
    let groupStatus: RegionalTargetStatus
    var testDescription: String { name }
}

private let cases: [BiosimilarCase] = [
    BiosimilarCase(name: "both molecules meet 92 %: one indicator, not two", trastuzumab: (930, 70), rituximab: (950, 50),
                   counted: 2, groupStatus: .achieved),
    BiosimilarCase(name: "one molecule misses its target: the biosimilar indicator is not achieved",
                   trastuzumab: (930, 70), rituximab: (900, 100), counted: 1, groupStatus: .notAchieved),
    BiosimilarCase(name: "rituximab not used (no UCD): trastuzumab alone decides", trastuzumab: (930, 70), rituximab: (0, 0),
                   counted: 2, groupStatus: .achieved),
    BiosimilarCase(name: "trastuzumab not used and rituximab short: not achieved", trastuzumab: (0, 0), rituximab: (900, 100),
                   counted: 1, groupStatus: .notAchieved),
    BiosimilarCase(name: "neither molecule used: the indicator does not apply", trastuzumab: (0, 0), rituximab: (0, 0),
                   counted: 1, groupStatus: .notApplicable),
    BiosimilarCase(name: "rituximab data missing: not evaluable, not counted", trastuzumab: (930, 70), rituximab: nil,
                   counted: 1, groupStatus: .notEvaluable(missing: [MissingValue(code: "rituximab_biosimilar_ucd", year: 2023),
                                                                     MissingValue(code: "rituximab_originator_ucd", year: 2023)],
                                                           reasons: [])),
]

@Suite("HDF biosimilars count as one regional indicator (D24)")
struct BiosimilarGroupTests {
    @Test("the envelope counts the biosimilar molecules as one indicator", arguments: cases)
    func counted(_ example: BiosimilarCase) throws {
        var values: [String: [Int: Decimal]] = [
            "audit_prescriptions_compliant": [2023: 85], "audit_prescriptions_assessed": [2023: 100],
        ]
        if let (bio, originator) = example.trastuzumab {
            values["trastuzumab_biosimilar_ucd"] = [2023: bio]
            values["trastuzumab_originator_ucd"] = [2023: originator]
        }
        if let (bio, originator) = example.rituximab {
            values["rituximab_biosimilar_ucd"] = [2023: bio]
            values["rituximab_originator_ucd"] = [2023: originator]
        }
        let set = RulesFixtures.measures(values)
        let results = try RegionalTargets.run(RulesFixtures.hdf, year: 2023, measures: set,
                                              indicators: [RulesFixtures.subject: ["HDF-BIO-TRA", "HDF-BIO-RIT", "HDF-PRESC"]])
        #expect(RegionalTargets.achievedCounts(results) == [RulesFixtures.subject: example.counted])
        let groups = RegionalTargets.groups(results, catalogue: RulesFixtures.hdf)
        let group = try #require(groups.first { $0.code == "HDF-BIO" })
        #expect(group.status == example.groupStatus, "\(group.trace)")
        #expect(group.members == ["HDF-BIO-TRA", "HDF-BIO-RIT"])
    }

    @Test("a molecule the establishment does not use does not apply, and says why")
    func notUsed() throws {
        let set = RulesFixtures.measures(["rituximab_biosimilar_ucd": [2023: 0], "rituximab_originator_ucd": [2023: 0]])
        let context = RulesFixtures.context(set, year: 2023, scope: .region("32"))
        let result = try RegionalTargets.evaluate(RulesFixtures.hdf.indicator("HDF-BIO-RIT")!, in: context)
        #expect(result.status == .notApplicable)
        #expect(result.trace.contains("sans objet"))
    }

    @Test("the HDF catalogue counts four regional indicators (the seeds' count)")
    func fourIndicators() throws {
        let units = Set(RulesFixtures.hdf.indicators.filter { $0.target != nil }.map { $0.envelopeGroup ?? $0.code })
        #expect(units.count == 4)
    }
}
