import Foundation
import Testing
@testable import CAQESCore

@Suite("Regional FIR envelope (D12) and refusal sanction (D14)")
struct RegionalEnvelopeTests {
    private func amounts(_ allocation: EnvelopeAllocation) -> [Decimal] { allocation.shares.map(\.amount) }

    @Test("proportional sharing by achieved indicators")
    func proportional() throws {
        let allocation = try RegionalEnvelope.share(100_000, among: [("A", 3), ("B", 1), ("C", 0)])
        #expect(amounts(allocation) == [75_000, 25_000, 0])
        #expect(allocation.undistributed == 0)
    }

    @Test("leftover cents go to the largest remainders; the total equals the envelope, never more")
    func remainderCents() throws {
        // 100 € / 3: 33,33 each, one cent left, to the earliest FINESS on a tie.
        let allocation = try RegionalEnvelope.share(100, among: [("C", 1), ("B", 1), ("A", 1)])
        #expect(amounts(allocation) == [Decimal(string: "33.33")!, Decimal(string: "33.33")!, Decimal(string: "33.34")!])
        #expect(allocation.distributed == 100)
        // 10 € for 2 + 1 achieved: 6,666… and 3,333…: the larger remainder (0,6666) takes the cent.
        let uneven = try RegionalEnvelope.share(10, among: [("A", 2), ("B", 1)])
        #expect(amounts(uneven) == [Decimal(string: "6.67")!, Decimal(string: "3.33")!])
        #expect(uneven.distributed == 10)
    }

    @Test("fractions of a cent in the envelope stay undistributed")
    func subCentEnvelope() throws {
        let allocation = try RegionalEnvelope.share(Decimal(string: "10.009")!, among: [("A", 1)])
        #expect(allocation.distributed == Decimal(string: "10")!)
        #expect(allocation.distributed <= allocation.envelope)
    }

    @Test("fixed amount per achieved indicator, within the envelope")
    func fixedWithin() throws {
        let allocation = try RegionalEnvelope.share(100_000, among: [("A", 3), ("B", 1)], sharing: .fixedPerIndicator(10_000))
        #expect(amounts(allocation) == [30_000, 10_000])
        #expect(allocation.undistributed == 60_000)
    }

    @Test("fixed amounts beyond the envelope are scaled down to it")
    func fixedBeyond() throws {
        let allocation = try RegionalEnvelope.share(30_000, among: [("A", 3), ("B", 1)], sharing: .fixedPerIndicator(10_000))
        #expect(amounts(allocation) == [22_500, 7_500])
        #expect(allocation.distributed == 30_000)
    }

    @Test("nobody achieved anything: nothing distributed")
    func nobody() throws {
        let allocation = try RegionalEnvelope.share(50_000, among: [("A", 0), ("B", 0)])
        #expect(allocation.distributed == 0)
        #expect(allocation.undistributed == 50_000)
    }

    @Test("B.8-16 refusal to sign: 1 % of 80 M€ of AM products is 800 000 €")
    func refusalSanction() throws {
        var set = MeasureSet(members: [MeasureSet.Member(subject: RulesFixtures.subject)])
        set.set(80_000_000, measure: "am_products", year: 2021, for: RulesFixtures.subject)
        let sanction = try RefusalSanction.compute(subject: RulesFixtures.subject, lastClosedYear: 2021, measures: set,
                                                   catalogue: RulesFixtures.national2022)
        #expect(sanction.amount == 800_000)
        #expect(sanction.trace == "Sanction de refus de signature 2021 : 80\u{202F}000\u{202F}000 × 1 % = 800\u{202F}000,00 €")
    }

    @Test("refusal sanction without the products of the last closed year is refused, naming the data")
    func refusalMissing() {
        #expect(throws: IncentiveError.missingValue(subject: RulesFixtures.subject, MissingValue(code: "am_products", year: 2021))) {
            try RefusalSanction.compute(subject: RulesFixtures.subject, lastClosedYear: 2021, measures: MeasureSet(),
                                        catalogue: RulesFixtures.national2022)
        }
    }
}
