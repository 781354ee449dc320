import Foundation
import Testing
@testable import CAQESCore

/// A DOMAIN B.8 national example: the indicator, its inputs for N-1 (2022) and N (2023), the euros paid.
struct NationalExample: CustomTestStringConvertible, Sendable {
    let name: String
    let indicator: String
    let values: [String: [Int: Decimal]]
    let savings: Decimal
    let amount: Decimal
    var testDescription: String { name }
}

private func d(_ text: String) -> Decimal { Decimal(string: text)! }

/// Inputs as spent in N-1 (2022) and N (2023).
private func spend(_ pairs: [String: (String, String)]) -> [String: [Int: Decimal]] {
    pairs.mapValues { [2022: d($0.0), 2023: d($0.1)] }
}

private let examples: [NationalExample] = [
    NationalExample(name: "B.8-1 ARA II + IEC: 250 000 → 220 000 pays 9 000 €", indicator: "N1",
                    values: spend(["phev_ara2_amount": ("150000", "130000"), "phev_iec_amount": ("100000", "90000")]),
                    savings: 30000, amount: 9000),
    NationalExample(name: "B.8-2 IPP: 180 000 → 165 000 pays 3 000 €", indicator: "N2",
                    values: spend(["phev_ipp_amount": ("180000", "165000")]), savings: 15000, amount: 3000),
    NationalExample(name: "B.8-2 IPP edge: spending rose to 190 000, pays 0 €", indicator: "N2",
                    values: spend(["phev_ipp_amount": ("180000", "190000")]), savings: 0, amount: 0),
    NationalExample(name: "B.8-3 ezetimibe: 60 000 → 48 000 pays 3 600 €", indicator: "N3",
                    values: spend(["phev_ezetimibe_amount": ("60000", "48000")]), savings: 12000, amount: 3600),
    NationalExample(name: "B.8-4 PERFADOM diffuser + active: 400 000 → 350 000 pays 10 000 €", indicator: "N4",
                    values: spend(["phev_perfadom_diffuser_amount": ("150000", "100000"),
                                   "phev_perfadom_active_amount": ("250000", "250000")]),
                    savings: 50000, amount: 10000),
    NationalExample(name: "B.8-5 dressings: 120 → 105 € per patient × 900 patients pays 4 050 €", indicator: "N5",
                    values: spend(["phev_dressing_amount": ("96000", "94500"), "phev_dressing_patients": ("800", "900")]),
                    savings: 13500, amount: 4050),
    NationalExample(name: "B.8-6 transports: seed formula ÷ average TAP cost pays 48 000 €, not 9 600 €", indicator: "N6",
                    values: [
                        // N-1: ambulance share 0.55; N: 0.52 of 2 000 000, ambulance 300 €/trip, TAP 60 €/trip.
                        "transport_ambulance_amount": [2022: 550000, 2023: 1040000],
                        "transport_tap_amount": [2022: 450000, 2023: 960000],
                        "transport_ambulance_trips": [2022: 1800, 2023: d("1040000") / 300],
                        "transport_tap_trips": [2022: 7500, 2023: 16000],
                    ],
                    savings: 240000, amount: 48000),
    NationalExample(name: "B.8-7 heart-failure readmissions: 800 000 → 700 000 pays 30 000 €", indicator: "N7",
                    values: spend(["hf_readmission_amount": ("800000", "700000")]), savings: 100000, amount: 30000),
]

@Suite("National incentive (DOMAIN B.8 examples 1–8)")
struct NationalIncentiveTests {
    let catalogue = RulesFixtures.national2022

    @Test("worked example pays the exact euros", arguments: examples)
    func workedExample(_ example: NationalExample) throws {
        let set = RulesFixtures.measures(example.values)
        let line = try NationalIncentive.compute(catalogue.indicator(example.indicator)!,
                                                 in: RulesFixtures.context(set, year: 2023))
        #expect(line.status == .paid)
        #expect(Money.roundToCent(line.savings!) == example.savings)
        #expect(line.amount == example.amount)
        #expect(line.trace.hasPrefix("\(example.indicator) 2023 : "))
    }

    @Test("B.8-8 EPA composite: 1 440 + 3 240 + 0 + 960 = 5 640 of savings pays 1 692 €")
    func epaComposite() throws {
        // Contract starting 2022: the reference period is 2021 (the year before, OP-2).
        var values: [String: [Int: Decimal]] = [:]
        let rows: [(i: Int, eligible: Decimal, refWithTest: Decimal, withTest: Decimal, act: Decimal)] = [
            (1, 1000, 300, 180, 20),   // rate 30 % → 18 %: 120 avoided stays × 20 € × 60 % = 1 440
            (2, 2000, 800, 500, 18),   // 40 % → 25 %: 300 × 18 € × 60 % = 3 240
            (3, 1000, 100, 150, 5),    // rose: 0
            (4, 1000, 500, 300, 8),    // 50 % → 30 %: 200 × 8 € × 60 % = 960
        ]
        for row in rows {
            values["epa\(row.i)_eligible_stays"] = [2021: row.eligible, 2023: row.eligible]
            values["epa\(row.i)_stays_with_test"] = [2021: row.refWithTest, 2023: row.withTest]
            values["epa\(row.i)_act_amount"] = [2023: row.act]
        }
        let set = RulesFixtures.measures(values)
        let terms = ContractIncentiveTerms(subject: RulesFixtures.subject, startYear: 2022, indicators: ["N8"])
        let lines = try NationalIncentive.run(catalogue, year: 2023, measures: set, contracts: [terms])
        #expect(lines.count == 1)
        #expect(lines[0].savings == 5640)
        #expect(lines[0].amount == 1692)
    }

    @Test("no N-1 value: not evaluable, naming the missing measure, nothing paid")
    func missingPreviousYear() throws {
        let set = RulesFixtures.measures(["phev_ipp_amount": [2023: 165000]])
        let line = try NationalIncentive.compute(catalogue.indicator("N2")!, in: RulesFixtures.context(set, year: 2023))
        #expect(line.status == .notEvaluable(missing: [MissingValue(code: "phev_ipp_amount", year: 2022)], reasons: []))
        #expect(line.amount == 0)
        #expect(line.trace.contains("phev_ipp_amount (2022)"))
    }

    @Test("zero patients in N-1: dressings not evaluable (division by zero named), nothing paid")
    func zeroDenominator() throws {
        let set = RulesFixtures.measures(spend(["phev_dressing_amount": ("0", "94500"), "phev_dressing_patients": ("0", "900")]))
        let line = try NationalIncentive.compute(catalogue.indicator("N5")!, in: RulesFixtures.context(set, year: 2023))
        guard case .notEvaluable(_, let reasons) = line.status else {
            Issue.record("expected non évaluable, got \(line.status)")
            return
        }
        #expect(reasons.contains { $0.contains(RulesFixtures.subject) })
        #expect(line.amount == 0)
    }

    @Test("a contract rate lower than the cap is applied; above the cap it is refused")
    func contractRate() throws {
        let set = RulesFixtures.measures(spend(["phev_ipp_amount": ("180000", "165000")]))
        let n2 = catalogue.indicator("N2")!
        let lower = try NationalIncentive.compute(n2, in: RulesFixtures.context(set, year: 2023), contractRate: d("0.15"))
        #expect(lower.amount == 2250)
        #expect(throws: IncentiveError.rateAboveCap(indicator: "N2", rate: d("0.25"), cap: d("0.2"))) {
            try NationalIncentive.compute(n2, in: RulesFixtures.context(set, year: 2023), contractRate: d("0.25"))
        }
    }

    @Test("indicators are not netted: a rise on N2 does not reduce N1's incentive")
    func noNetting() throws {
        let set = RulesFixtures.measures(spend([
            "phev_ara2_amount": ("150000", "130000"), "phev_iec_amount": ("100000", "90000"),
            "phev_ipp_amount": ("100000", "200000"),
        ]))
        let terms = ContractIncentiveTerms(subject: RulesFixtures.subject, startYear: 2022, indicators: ["N1", "N2"])
        let lines = try NationalIncentive.run(catalogue, year: 2023, measures: set, contracts: [terms])
        #expect(NationalIncentive.total(lines) == 9000)
    }

    @Test("informative indicators are computed and shown, never paid")
    func informativeNeverPaid() throws {
        let set = RulesFixtures.measures([
            "phev_ara2_amount": [2022: 150000, 2023: 130000], "phev_iec_amount": [2022: 100000, 2023: 90000],
            "phev_ara2_ucd": [2023: 600], "phev_iec_ucd": [2023: 400],
        ])
        let terms = ContractIncentiveTerms(subject: RulesFixtures.subject, startYear: 2022, indicators: ["N1"])
        let lines = try NationalIncentive.run(catalogue, year: 2023, measures: set, contracts: [terms])
        let informative = try #require(lines.first { $0.indicatorCode == "N1.2" })
        #expect(informative.status == .informative)
        #expect(informative.value == .number(d("0.6")))
        #expect(informative.amount == 0)
        #expect(NationalIncentive.total(lines) == 9000)
    }

    @Test("rounding to the cent is half away from zero, once at the end")
    func rounding() throws {
        // 0,05 € of savings × 30 % = 0,015 → 0,02
        let set = RulesFixtures.measures(spend(["phev_ipp_amount": ("100.05", "100")]))
        let line = try NationalIncentive.compute(catalogue.indicator("N2")!, in: RulesFixtures.context(set, year: 2023),
                                                 contractRate: d("0.1"))
        #expect(line.amount == d("0.01"))  // 0,005 → 0,01
        #expect(Money.roundToCent(d("0.015")) == d("0.02"))
        #expect(Money.roundToCent(d("-0.015")) == d("-0.02"))
    }

    @Test("an unknown contracted indicator is refused with its code")
    func unknownIndicator() {
        let terms = ContractIncentiveTerms(subject: RulesFixtures.subject, startYear: 2025, indicators: ["N8"])
        #expect(throws: IncentiveError.unknownIndicator("N8", catalogue: "national-2025")) {
            try NationalIncentive.run(RulesFixtures.national2025, year: 2025, measures: MeasureSet(), contracts: [terms])
        }
    }
}
