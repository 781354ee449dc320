import Foundation
import Testing
@testable import CAQESCore

@Suite("Grid sanction scale")
struct GridSanctionTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let global: String
        let target: String
        let previous: String?
        let products: String
        let outcome: GridSanction.Outcome
        let rate: String
        let amount: String
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "B.8 ex. 14 : écart 5 → 0,03 % de 80 M€", global: "65", target: "70", previous: nil,
            products: "80000000", outcome: .due, rate: "0.03", amount: "24000"),
        Row(name: "cible atteinte exactement", global: "70", target: "70", previous: nil,
            products: "80000000", outcome: .targetMet, rate: "0", amount: "0"),
        Row(name: "cible dépassée", global: "75.5", target: "70", previous: nil,
            products: "80000000", outcome: .targetMet, rate: "0", amount: "0"),
        Row(name: "écart 0,5 → 0,01 %", global: "69.5", target: "70", previous: nil,
            products: "80000000", outcome: .due, rate: "0.01", amount: "8000"),
        Row(name: "écart 1 → 0,01 %", global: "69", target: "70", previous: nil,
            products: "1000000", outcome: .due, rate: "0.01", amount: "100"),
        Row(name: "écart 2 → 0,01 % (S3 : 500 M€ → 50\u{202F}000 €)", global: "68", target: "70", previous: nil,
            products: "500000000", outcome: .due, rate: "0.01", amount: "50000"),
        Row(name: "écart 3 → 0,02 %", global: "67", target: "70", previous: nil,
            products: "80000000", outcome: .due, rate: "0.02", amount: "16000"),
        Row(name: "écart 4 → 0,02 %", global: "66", target: "70", previous: nil,
            products: "80000000", outcome: .due, rate: "0.02", amount: "16000"),
        Row(name: "écart 4,5 → 0,03 %", global: "65.5", target: "70", previous: nil,
            products: "80000000", outcome: .due, rate: "0.03", amount: "24000"),
        Row(name: "écart 6 → 0,03 %", global: "64", target: "70", previous: nil,
            products: "80000000", outcome: .due, rate: "0.03", amount: "24000"),
        Row(name: "écart 7 → 0,04 %", global: "63", target: "70", previous: nil,
            products: "80000000", outcome: .due, rate: "0.04", amount: "32000"),
        Row(name: "progression de 6 points : exonéré", global: "65", target: "70", previous: "59",
            products: "80000000", outcome: .waived, rate: "0", amount: "0"),
        Row(name: "progression de 5 points exactement : exonéré", global: "65", target: "70", previous: "60",
            products: "80000000", outcome: .waived, rate: "0", amount: "0"),
        Row(name: "progression de 4,5 points : sanctionné", global: "65", target: "70", previous: "60.5",
            products: "80000000", outcome: .due, rate: "0.03", amount: "24000"),
        Row(name: "arrondi au centime", global: "69", target: "70", previous: nil,
            products: "1234567.89", outcome: .due, rate: "0.01", amount: "123.46"),
        Row(name: "demi-centime arrondi loin de zéro", global: "69", target: "70", previous: nil,
            products: "50", outcome: .due, rate: "0.01", amount: "0.01"),
    ]

    @Test("Sanction = ceil(gap / 2) × 0,01 % of AM products N-1, unless target met or waived", arguments: rows)
    func sanction(row: Row) {
        let result = GridSanction.compute(globalPercentage: GridFixtures.dec(row.global), target: GridFixtures.dec(row.target),
                                          previousPercentage: row.previous.map(GridFixtures.dec),
                                          insuranceProductsPreviousYear: GridFixtures.dec(row.products))
        #expect(result.outcome == row.outcome)
        #expect(result.ratePercent == GridFixtures.dec(row.rate))
        #expect(result.amount == GridFixtures.dec(row.amount))
    }

    @Test("B.8 ex. 14 shows its calculation in French")
    func example14Explanation() {
        let result = GridSanction.compute(globalPercentage: 65, target: 70, previousPercentage: 62,
                                          insuranceProductsPreviousYear: 80_000_000)
        #expect(result.gap == 5 && result.steps == 3)
        #expect(result.explanation == "écart de 5 points à la cible de 70 % → 3 × 0,01 % = 0,03 % des produits "
            + "d'assurance maladie N-1 (80\u{202F}000\u{202F}000,00 €) = 24\u{202F}000,00 €")
        let waived = GridSanction.compute(globalPercentage: 65, target: 70, previousPercentage: 59,
                                          insuranceProductsPreviousYear: 80_000_000)
        #expect(waived.explanation == "écart de 5 points à la cible, mais progression de 6 points (59 % → 65 %, seuil 5) : pas de sanction")
    }

    @Test("A region's own scale: waiver threshold and rate per step")
    func regionalScale() {
        let scale = SanctionScale(pointsPerStep: 1, ratePerStepPercent: GridFixtures.dec("0.02"), waiverImprovementPoints: 3)
        let result = GridSanction.compute(globalPercentage: 65, target: 70, previousPercentage: 61,
                                          insuranceProductsPreviousYear: 80_000_000, scale: scale)
        #expect(result.outcome == .waived)
        let due = GridSanction.compute(globalPercentage: 65, target: 70, previousPercentage: 63,
                                       insuranceProductsPreviousYear: 80_000_000, scale: scale)
        #expect(due.ratePercent == GridFixtures.dec("0.1") && due.amount == 80_000)
    }

    @Test("The shipped grid carries the Normandie scale")
    func shippedScale() throws {
        #expect(try GridFixtures.normandie().sanctionScale == SanctionScale())
    }
}
