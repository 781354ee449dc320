import Foundation
import Testing
@testable import CAQESCore

/// A public EJ with three sites, a private EJ whose two clinics hold their own contracts, and a
/// public EJ listed without its sites.
private let registry: [RegistryEntry] = [
    .legalEntity("EJPUB", region: "32"),
    .site("ET1", legalEntity: "EJPUB", holder: "EJPUB", category: "355", region: "32"),
    .site("ET2", legalEntity: "EJPUB", holder: "EJPUB", category: "355", region: "32"),
    .site("ET3", legalEntity: "EJPUB", holder: "EJPUB", category: "101", region: "11"),
    .legalEntity("EJPRI", region: "84"),
    .site("CLI1", legalEntity: "EJPRI", holder: "CLI1", category: "365", region: "84"),
    .site("CLI2", legalEntity: "EJPRI", holder: "CLI2", category: "365", region: "84"),
    .legalEntity("EJSEUL", region: "11"),
]

private func value(_ subject: String, _ measure: String, _ number: Decimal?, line: Int, year: Int = 2023) -> SubjectValue {
    SubjectValue(subject: subject, measure: measure, year: year, value: number.map { .number($0) }, source: "m.csv, ligne \(line)")
}

/// One roll-up case: the values a source gives, and what the holder reads.
struct RollUpCase: Sendable, CustomTestStringConvertible {
    let name: String
    let values: [SubjectValue]
    let holder: String
    let measure: String
    let expected: FormulaValue?
    /// The start of the value's source text.
    let source: String?
    var testDescription: String { name }
}

@Suite("Measures of contract holders: ET rolled up to EJ (D16), each holder once (D6)")
struct HolderMeasuresTests {
    static let catalogue = RulesFixtures.national2022

    @Test("a holder's value", arguments: [
        RollUpCase(name: "public EJ: its sites' amounts add up, the source says how many",
                   values: [value("ET1", "phev_ipp_amount", 100_000, line: 2), value("ET2", "phev_ipp_amount", 80_000, line: 3)],
                   holder: "EJPUB", measure: "phev_ipp_amount", expected: .number(180_000),
                   source: "somme de 2 établissements : ET1 (m.csv, ligne 2) + ET2 (m.csv, ligne 3)"),
        RollUpCase(name: "a site without a value is left out of the sum",
                   values: [value("ET3", "phev_ipp_boxes", 9_000, line: 4)],
                   holder: "EJPUB", measure: "phev_ipp_boxes", expected: .number(9_000),
                   source: "somme de 1 établissement : ET3 (m.csv, ligne 4)"),
        RollUpCase(name: "a value given at EJ level wins over its sites' sum",
                   values: [value("ET1", "phev_ipp_amount", 100_000, line: 2), value("EJPUB", "phev_ipp_amount", 120_000, line: 5)],
                   holder: "EJPUB", measure: "phev_ipp_amount", expected: .number(120_000), source: "m.csv, ligne 5"),
        RollUpCase(name: "a masked site value makes the sum unknown, never zero",
                   values: [value("ET1", "hf_stays", 400, line: 2), value("ET2", "hf_stays", nil, line: 3)],
                   holder: "EJPUB", measure: "hf_stays", expected: nil, source: nil),
        RollUpCase(name: "a private clinic keeps its own value",
                   values: [value("CLI1", "phev_ipp_amount", 50_000, line: 2), value("CLI2", "phev_ipp_amount", 7, line: 3)],
                   holder: "CLI1", measure: "phev_ipp_amount", expected: .number(50_000), source: "m.csv, ligne 2"),
        RollUpCase(name: "an EJ listed without sites holds its own values",
                   values: [value("EJSEUL", "phev_ipp_amount", 10, line: 2)],
                   holder: "EJSEUL", measure: "phev_ipp_amount", expected: .number(10), source: "m.csv, ligne 2"),
        RollUpCase(name: "a FINESS outside the registry is its own holder",
                   values: [value("010000024", "phev_ipp_amount", 3, line: 2)],
                   holder: "010000024", measure: "phev_ipp_amount", expected: .number(3), source: "m.csv, ligne 2"),
        RollUpCase(name: "a value for another year does not enter the sum",
                   values: [value("ET1", "phev_ipp_amount", 1, line: 2), value("ET2", "phev_ipp_amount", 2, line: 3, year: 2022)],
                   holder: "EJPUB", measure: "phev_ipp_amount", expected: .number(1), source: "somme de 1 établissement"),
    ])
    func holderValue(_ example: RollUpCase) {
        let set = HolderMeasures.build(values: example.values, registry: registry, catalogue: Self.catalogue)
        let read = set.value(of: example.measure, year: 2023, for: example.holder)
        #expect(read?.value == example.expected)
        if let source = example.source { #expect(read?.source?.hasPrefix(source) == true, "\(read?.source ?? "nil")") }
        #expect(Set(set.members.map(\.subject)).isDisjoint(with: ["ET1", "ET2", "ET3", "EJPRI"]),
                "no EJ next to its own ETs, no EJ whose sites sign for themselves")
    }

    @Test("the population counts each holder once: sites of a public EJ are not subjects; the EJ takes its sites' most common category and its own region")
    func members() {
        let set = HolderMeasures.build(values: [
            value("ET1", "phev_ipp_boxes", 1, line: 2), value("ET2", "phev_ipp_boxes", 2, line: 3),
            value("ET3", "phev_ipp_boxes", 3, line: 4), value("CLI1", "phev_ipp_boxes", 4, line: 5),
            value("CLI2", "phev_ipp_boxes", 5, line: 6), value("EJPUB", "phev_ipp_amount", 6, line: 7),
        ], registry: registry, catalogue: Self.catalogue)
        #expect(set.members == [
            MeasureSet.Member(subject: "CLI1", category: "365", region: "84"),
            MeasureSet.Member(subject: "CLI2", category: "365", region: "84"),
            MeasureSet.Member(subject: "EJPUB", category: "355", region: "32"),
        ])
        #expect(set.value(of: "phev_ipp_boxes", year: 2023, for: "EJPUB")?.value == .number(6))
    }

    @Test("what is left out is said, in French", arguments: [
        ([value("EJPRI", "phev_ipp_amount", 9, line: 2)], "l'EJ EJPRI n'est pas titulaire"),
        ([value("ET1", "hf_stays", 4, line: 2), value("ET2", "hf_stays", nil, line: 3)], "valeur masquée ou non numérique pour ET2"),
        ([value("ET1", "phev_ipp_amount", 1, line: 2), value("EJPUB", "phev_ipp_amount", 2, line: 3)], "valeur donnée au niveau du titulaire EJPUB"),
    ] as [([SubjectValue], String)])
    func setAside(values: [SubjectValue], reason: String) {
        let assembly = HolderMeasures.assemble(values: values, registry: registry, catalogue: Self.catalogue)
        #expect(assembly.setAside.contains { $0.reason.contains(reason) }, "\(assembly.setAside.map(\.reason))")
        #expect(!assembly.set.members.contains { $0.subject == "EJPRI" })
    }

    @Test("a grade or a rate is not rolled up: the EJ keeps its own, or has none", arguments: [
        (MeasureAggregation.noRollUp, nil as FormulaValue?), (.sum, .number(3)),
    ])
    func notSummable(aggregation: MeasureAggregation, expected: FormulaValue?) {
        let values = [value("ET1", "rate", 1, line: 2), value("ET2", "rate", 2, line: 3),
                      SubjectValue(subject: "ET1", measure: "grade", year: 2023, value: .grade("B"))]
        let assembly = HolderMeasures.assemble(values: values, registry: registry) { $0 == "rate" ? aggregation : .noRollUp }
        #expect(assembly.set.value(of: "rate", year: 2023, for: "EJPUB")?.value == expected)
        #expect(assembly.set.value(of: "grade", year: 2023, for: "EJPUB") == nil)
        #expect(assembly.setAside.contains { $0.value.measure == "grade" && $0.reason.contains("ne s'additionne pas") })
        #expect(assembly.set.members.map(\.subject) == ["EJPUB"], "the EJ is still listed: its indicators are « non évaluable »")
    }

    @Test("N1 of a public EJ: the rate is recomputed from its sites' summed UCD, and the amounts add up (D16, D23)")
    func rateFromSums() throws {
        // ET1 alone: 50 / 60 UCD and 15 000 €; ET2 alone: 10 / 40 UCD and 6 000 €; neither reaches 20 000 €.
        let set = HolderMeasures.build(values: [
            value("ET1", "phev_ara2_ucd", 50, line: 2, year: 2022), value("ET1", "phev_iec_ucd", 10, line: 3, year: 2022),
            value("ET1", "phev_ara2_amount", 15_000, line: 4, year: 2022),
            value("ET2", "phev_ara2_ucd", 10, line: 5, year: 2022), value("ET2", "phev_iec_ucd", 30, line: 6, year: 2022),
            value("ET2", "phev_ara2_amount", 6_000, line: 7, year: 2022),
        ], registry: registry, catalogue: Self.catalogue)
        let run = try TargetingEngine.run(Self.catalogue, referenceYear: 2022, population: .national, measures: set)
        let n1 = try #require(run.decisions.first { $0.subject == "EJPUB" && $0.indicatorCode == "N1" })
        #expect(n1.criteria.map(\.value) == [.number(Decimal(string: "0.6")!), .number(21_000)],
                "60 / 100 UCD pooled, not the mean of 83 % and 25 %")
        #expect(n1.outcome == .targeted)
        #expect(run.decisions.allSatisfy { $0.subject == "EJPUB" })
    }

    @Test("the shipped catalogues: counts and amounts add up, grades do not")
    func shippedDefaults() {
        #expect(RulesFixtures.national2022.measures.allSatisfy { $0.aggregate == .sum })
        #expect(RulesFixtures.hdf.measure("conciliation_grade")?.aggregate == .noRollUp)
        #expect(RulesFixtures.hdf.measure("trastuzumab_sc_stays")?.aggregate == .sum)
    }

    @Test("default aggregation by type and unit", arguments: [
        (FormulaType.number, "€" as String?, MeasureAggregation.sum), (.number, nil, .sum), (.number, "%", .noRollUp),
        (.grade, nil, .noRollUp), (.boolean, nil, .noRollUp),
    ])
    func defaults(type: FormulaType, unit: String?, expected: MeasureAggregation) {
        #expect(MeasureAggregation.defaultFor(type: type, unit: unit) == expected)
        #expect(MeasureDefinition(code: "m", type: type, label: "M", unit: unit).aggregate == expected)
    }

    @Test("the loader reads `aggregate` and refuses a sum of grades, of rates, or an unknown word", arguments: [
        ("{type: number, unit: \"%\", label: Taux, aggregate: none}", nil as String?, MeasureAggregation.noRollUp as MeasureAggregation?),
        ("{type: number, label: Séjours, aggregate: sum}", nil, .sum),
        ("{type: grade, label: Note, aggregate: sum}", "une note (A à D) ne s'additionne pas", nil),
        ("{type: number, unit: \"%\", label: Taux, aggregate: sum}", "un taux (unité « % ») ne s'additionne pas", nil),
        ("{type: number, label: M, aggregate: moyenne}", "valeur « moyenne » invalide pour « aggregate »", nil),
    ] as [(String, String?, MeasureAggregation?)])
    func loader(declaration: String, problem: String?, expected: MeasureAggregation?) {
        let yaml = """
        id: t
        version: 1
        valid_from: 2022
        valid_to: 2022
        scope: national
        measures: {m: \(declaration)}
        indicators: []
        """
        do {
            let catalogue = try CatalogueLoader.load(yaml: yaml, file: "t.yaml")
            #expect(problem == nil)
            #expect(catalogue.measure("m")?.aggregate == expected)
        } catch {
            #expect(problem.map { error.description.contains($0) } == true, "\(error.description)")
        }
    }
}
