import CAQESCore
import Foundation
import Testing

@Suite("Procedure log entries")
struct ProcedureEntryTests {
    static let events: [ContractProcedure.Event] = [
        .sendProposal(insuranceOpinionOn: try! LocalDate(year: 2022, month: 6, day: 1), effectiveDate: try! LocalDate(year: 2022, month: 7, day: 1)),
        .recordHearing(heldOn: try! LocalDate(year: 2022, month: 6, day: 20), newLastDay: nil),
        .notifyAmendedProposal(refusalSanction: Decimal(string: "12345.67")!),
        .arsSigns(.regionalDirector),
        .takeEffect,
    ]

    @Test("every contract event survives the log as JSON, with its actor and document hash", arguments: events)
    func roundTrip(event: ContractProcedure.Event) throws {
        let entry = ProcedureEntry(event: event, actor: ProcedureActor(id: UUID(), label: "Claire Directrice", role: .arsDirector),
                                   documentSHA256: String(repeating: "ab", count: 32),
                                   legalDate: try LocalDate(year: 2022, month: 6, day: 2), recordedAt: Date(timeIntervalSince1970: 1_654_000_000))
        let data = try JSONEncoder().encode(entry)
        let back = try JSONDecoder().decode(ProcedureEntry<ContractProcedure.Event>.self, from: data)
        #expect(back == entry)
        #expect(back.event.kind == event.kind)
    }
}
