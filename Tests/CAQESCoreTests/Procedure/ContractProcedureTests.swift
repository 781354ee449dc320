import Foundation
import Testing
@testable import CAQESCore

@Suite("Contract procedure")
struct ContractProcedureTests {
    typealias State = ContractProcedure.State
    typealias Kind = ContractProcedure.Event.Kind

    /// DOMAIN B.5.1, written out independently of the code's table.
    static let expectedAllowed: [State: Set<Kind>] = [
        .targeted: [.recordInsuranceOpinion, .sendProposal],
        .proposalSent: [.recordReceipt],
        .period1Open: [.recordReceipt, .recordCMEOpinion, .receiveObservations, .expire, .establishmentSigns, .accept, .refuse],
        .observationsReceived: [.recordCMEOpinion, .receiveObservations, .answerObservation, .recordHearing, .recordInsuranceOpinion,
                                .notifyAmendedProposal, .establishmentSigns, .accept, .agree, .refuse],
        .period1Expired: [.recordCMEOpinion, .answerObservation, .recordInsuranceOpinion, .notifyAmendedProposal],
        .amendedProposalNotified: [.recordReceipt, .recordCMEOpinion, .answerObservation],
        .period2Open: [.recordReceipt, .recordCMEOpinion, .receiveObservations, .answerObservation, .establishmentSigns,
                       .accept, .refuse, .notifySanction],
        .hearingPending: [.recordCMEOpinion, .receiveObservations, .answerObservation, .recordHearing, .recordInsuranceOpinion,
                          .establishmentSigns, .accept, .agree, .refuse, .notifySanction],
        .refused: [.answerObservation, .recordInsuranceOpinion, .notifyAmendedProposal, .notifySanction],
        .signing: [.recordCMEOpinion, .establishmentSigns, .arsSigns, .insuranceFundSigns],
        .signed: [.takeEffect],
        .sanctionNotified: [.startRecovery],
        .recoveryByCaisse: [],
        .inForce: [],
    ]

    /// Allowed pairs whose fixture trips a rule on purpose (a hearing was requested, not yet held).
    static let expectedGuards: [String: ProcedureError] = [
        "observations_received/notify_amended_proposal": .hearingPending,
        "hearing_pending/notify_sanction": .hearingPending,
        // The fixture's establishment signed already; a refusal of the first proposal calls for the
        // amended proposal, not the sanction.
        "signing/establishment_signs": .alreadySigned("l'établissement"),
        "refused/notify_sanction": .eventNotAllowed(event: "notification de la sanction pour refus de signer",
                                                    state: "refus de la première proposition (notifiez d'abord la proposition modifiée)"),
    ]

    @Test("The allowed events of every state are exactly those of B.5.1")
    func allowedTable() {
        #expect(Set(Self.expectedAllowed.keys) == Set(State.allCases))
        for state in State.allCases {
            #expect(ContractProcedure.allowedEvents(in: state) == Self.expectedAllowed[state], "\(state.rawValue)")
        }
    }

    @Test("Every (state, event) pair: allowed ones apply, the others are refused naming both",
          arguments: State.allCases)
    func everyPair(state: State) throws {
        let (procedure, today) = try ContractFixtures.fixture(state)
        #expect(procedure.state == state)
        for kind in Kind.allCases {
            let now = ContractFixtures.lateKinds.contains(kind) ? day("01/02/2023") : today
            let event = ContractFixtures.sample(kind, today: now)
            let key = "\(state.rawValue)/\(kind.rawValue)"
            let allowed = Self.expectedAllowed[state]?.contains(kind) ?? false
            do {
                _ = try ContractProcedure.transition(from: procedure, event: event, now: now)
                #expect(allowed && Self.expectedGuards[key] == nil, "\(key) was accepted")
            } catch {
                if allowed {
                    #expect(Self.expectedGuards[key] == error, "\(key): \(error)")
                } else {
                    #expect(error == .eventNotAllowed(event: kind.description, state: state.description), "\(key)")
                }
            }
        }
    }

    @Test("An event out of place is refused in French, naming the event and the state")
    func refusalMessage() throws {
        let (sent, today) = try ContractFixtures.fixture(.proposalSent)
        #expect(throws: ProcedureError.eventNotAllowed(event: "signature de l'établissement", state: "proposition envoyée")) {
            try ContractProcedure.transition(from: sent, event: .establishmentSigns, now: today)
        }
        #expect(ProcedureError.eventNotAllowed(event: "signature de l'établissement", state: "proposition envoyée").description
            == "l'événement « signature de l'établissement » n'est pas possible dans l'état « proposition envoyée »")
    }

    @Test("Signed in the first period: three signatures, then in force on the effective date")
    func signedInFirstPeriod() throws {
        let open = try ContractFixtures.run(ContractFixtures.steps(to: .period1Open))
        #expect(open.firstPeriod?.deadline.lastDay == day("24/10/2022"))
        let esSigned = try ContractProcedure.transition(from: open, event: .establishmentSigns, now: day("06/10/2022"))
        #expect(esSigned.state == .signing)
        let amSigned = try ContractProcedure.transition(from: esSigned, event: .insuranceFundSigns, now: day("07/10/2022"))
        #expect(amSigned.state == .signing)
        #expect(throws: ProcedureError.alreadySigned("l'organisme local d'assurance maladie")) {
            try ContractProcedure.transition(from: amSigned, event: .insuranceFundSigns, now: day("07/10/2022"))
        }
        let signed = try ContractProcedure.transition(from: amSigned, event: .arsSigns(.departmentalDelegate), now: day("10/10/2022"))
        #expect(signed.state == .signed && signed.isFullySigned)
        #expect(signed.arsSignature == ARSSignature(signatory: .departmentalDelegate, signedOn: day("10/10/2022")))
        #expect(throws: ProcedureError.notYetEffective(day("01/01/2023"))) {
            try ContractProcedure.transition(from: signed, event: .takeEffect, now: day("31/12/2022"))
        }
        let inForce = try ContractProcedure.transition(from: signed, event: .takeEffect, now: day("01/01/2023"))
        #expect(inForce.state == .inForce && inForce.inForceSince == day("01/01/2023"))
        #expect(inForce.state.isFinal)
    }

    @Test("The establishment cannot sign before the CME opinion")
    func cmeBeforeSignature() throws {
        let open = try ContractFixtures.run([ContractFixtures.send, ContractFixtures.receipt1])
        #expect(throws: ProcedureError.cmeOpinionMissing) {
            try ContractProcedure.transition(from: open, event: .establishmentSigns, now: day("06/10/2022"))
        }
        #expect(ProcedureError.cmeOpinionMissing.description.contains("avis de la CME"))
    }

    @Test("The first period cannot be declared expired on or before its last day")
    func earlyExpiry() throws {
        let open = try ContractFixtures.run(ContractFixtures.steps(to: .period1Open))
        #expect(throws: ProcedureError.deadlineNotReached(event: "expiration du délai", lastDay: day("24/10/2022"))) {
            try ContractProcedure.transition(from: open, event: .expire, now: day("24/10/2022"))
        }
        #expect(ProcedureError.deadlineNotReached(event: "expiration du délai", lastDay: day("24/10/2022")).description
            == "l'événement « expiration du délai » est prématuré : le délai court jusqu'au 24/10/2022 inclus")
        let expired = try ContractProcedure.transition(from: open, event: .expire, now: day("25/10/2022"))
        #expect(expired.state == .period1Expired)
    }

    @Test("Observations after the last day are refused as late")
    func lateObservations() throws {
        let open = try ContractFixtures.run(ContractFixtures.steps(to: .period1Open))
        let late = ContractProcedure.Event.receiveObservations(hearingRequested: true)
        #expect(throws: ProcedureError.tooLate(event: "observations de l'établissement", date: day("25/10/2022"), lastDay: day("24/10/2022"))) {
            try ContractProcedure.transition(from: open, event: late, now: day("25/10/2022"))
        }
        let onTime = try ContractProcedure.transition(from: open, event: late, now: day("24/10/2022"))
        #expect(onTime.state == .observationsReceived && onTime.firstPeriod?.isHearingPending == true)
    }

    @Test("A hearing in the first period holds it open, then the ARS deadline (7 days) runs")
    func hearingInFirstPeriod() throws {
        let observed = try ContractFixtures.run(ContractFixtures.steps(to: .observationsReceived))
        let amend = ContractProcedure.Event.notifyAmendedProposal(refusalSanction: 800_000)
        #expect(throws: ProcedureError.hearingPending) {
            try ContractProcedure.transition(from: observed, event: amend, now: day("01/12/2022"))
        }
        #expect(throws: ProcedureError.dateInFuture(what: "de l'audition", date: day("28/10/2022"), today: day("27/10/2022"))) {
            try ContractProcedure.transition(from: observed, event: .recordHearing(heldOn: day("28/10/2022"), newLastDay: nil), now: day("27/10/2022"))
        }
        let heard = try ContractProcedure.transition(from: observed, event: .recordHearing(heldOn: day("28/10/2022"), newLastDay: nil),
                                                     now: day("28/10/2022"))
        // 28/10/2022 + 7 = 04/11/2022, a Friday.
        #expect(heard.firstPeriod?.deadline.lastDay == day("04/11/2022"))
        #expect(throws: ProcedureError.hearingAlreadyRecorded(day("28/10/2022"))) {
            try ContractProcedure.transition(from: heard, event: .recordHearing(heldOn: day("28/10/2022"), newLastDay: nil), now: day("29/10/2022"))
        }
        #expect(throws: ProcedureError.deadlineNotReached(event: "notification de la proposition modifiée", lastDay: day("04/11/2022"))) {
            try ContractProcedure.transition(from: heard, event: amend, now: day("04/11/2022"))
        }
        // The AM fund's new opinion comes first (D162-15).
        #expect(throws: ProcedureError.insuranceOpinionOnAmendmentMissing) {
            try ContractProcedure.transition(from: heard, event: amend, now: day("07/11/2022"))
        }
        let opinion = try ContractProcedure.transition(from: heard, event: .recordInsuranceOpinion(on: day("05/11/2022")), now: day("07/11/2022"))
        let amended = try ContractProcedure.transition(from: opinion, event: amend, now: day("07/11/2022"))
        #expect(amended.state == .amendedProposalNotified && amended.refusalSanction == 800_000)
        #expect(amended.currentPeriod == nil)
    }

    @Test("The amended proposal must state a positive refusal sanction", arguments: [Decimal(0), Decimal(-1)])
    func sanctionAmountRequired(amount: Decimal) throws {
        let expired = try ContractFixtures.run(ContractFixtures.steps(to: .period1Expired))
        #expect(throws: ProcedureError.refusalSanctionMissing) {
            try ContractProcedure.transition(from: expired, event: .notifyAmendedProposal(refusalSanction: amount), now: day("27/10/2022"))
        }
    }

    @Test("B.8 ex. 16: refusing to sign costs 1 % of 80 M€, 800 000,00 €")
    func refusalSanctionAmount() throws {
        let rate = try #require(RulesFixtures.national2022.refusalSanctionRate)
        #expect(ContractProcedure.refusalSanction(insuranceProductsLastClosedYear: 80_000_000, rate: rate) == 800_000)
        #expect(ContractProcedure.refusalSanction(insuranceProductsLastClosedYear: Decimal(string: "1234.50")!, rate: rate)
            == Decimal(string: "12.35")!)
    }

    @Test("Second period: 15 days (or 14), hearing, ARS deadline, then sanction and recovery",
          arguments: [(SecondContractPeriod.fifteenDays, "17/11/2022"), (.fourteenDays, "16/11/2022")])
    func secondPeriod(length: SecondContractPeriod, lastDay: String) throws {
        let settings = ProcedureSettings(secondContractPeriod: length)
        let open = try ContractFixtures.run(ContractFixtures.steps(to: .period2Open), settings: settings)
        #expect(open.secondPeriod?.deadline.lastDay == day(lastDay))
        let pending = try ContractProcedure.transition(from: open, event: .receiveObservations(hearingRequested: true),
                                                       now: day("08/11/2022"), settings: settings)
        #expect(pending.state == .hearingPending)
        #expect(throws: ProcedureError.hearingPending) {
            try ContractProcedure.transition(from: pending, event: .notifySanction, now: day("01/12/2022"), settings: settings)
        }
        #expect(throws: ProcedureError.deadlineBeforeHearing(deadline: day("20/11/2022"), hearing: day("21/11/2022"))) {
            try ContractProcedure.transition(from: pending, event: .recordHearing(heldOn: day("21/11/2022"), newLastDay: day("20/11/2022")),
                                             now: day("21/11/2022"), settings: settings)
        }
        let heard = try ContractProcedure.transition(from: pending, event: .recordHearing(heldOn: day("21/11/2022"), newLastDay: day("30/11/2022")),
                                                     now: day("21/11/2022"), settings: settings)
        #expect(heard.secondPeriod?.deadline == Deadline.setByARS(after: day("21/11/2022"), lastDay: day("30/11/2022")))
        #expect(throws: ProcedureError.deadlineNotReached(event: "notification de la sanction pour refus de signer", lastDay: day("30/11/2022"))) {
            try ContractProcedure.transition(from: heard, event: .notifySanction, now: day("30/11/2022"), settings: settings)
        }
        let sanctioned = try ContractProcedure.transition(from: heard, event: .notifySanction, now: day("01/12/2022"), settings: settings)
        #expect(sanctioned.state == .sanctionNotified && sanctioned.sanctionNotifiedOn == day("01/12/2022"))
        let recovering = try ContractProcedure.transition(from: sanctioned, event: .startRecovery, now: day("02/12/2022"))
        #expect(recovering.state == .recoveryByCaisse && recovering.state.isFinal)
    }

    @Test("The establishment may still sign in the second period after a hearing")
    func signAfterHearing() throws {
        let pending = try ContractFixtures.run(ContractFixtures.steps(to: .hearingPending))
        let signed = try ContractProcedure.transition(from: pending, event: .establishmentSigns, now: day("15/11/2022"))
        #expect(signed.state == .signing && signed.establishmentSignedOn == day("15/11/2022"))
    }

    @Test("D19: an earlier proof recorded later moves the start; a later one changes nothing")
    func earlierProofMovesStart() throws {
        let platform = ReceiptProof(kind: .platformAcknowledgement, receivedOn: day("05/10/2022"))
        let open = try ContractFixtures.run([ContractFixtures.send, (.recordReceipt(platform), "05/10/2022")])
        #expect(open.firstPeriod?.deadline.lastDay == day("26/10/2022"))
        let email = ReceiptProof(kind: .emailAcknowledgement, receivedOn: day("03/10/2022"))
        let moved = try ContractProcedure.transition(from: open, event: .recordReceipt(email), now: day("06/10/2022"))
        #expect(moved.firstPeriod?.receipt == email)
        #expect(moved.firstPeriod?.deadline.lastDay == day("24/10/2022"))
        let later = ReceiptProof(kind: .emailAcknowledgement, receivedOn: day("06/10/2022"))
        #expect(try ContractProcedure.transition(from: moved, event: .recordReceipt(later), now: day("06/10/2022")) == moved)
    }

    @Test("A receipt before sending or in the future is refused")
    func impossibleReceipts() throws {
        let sent = try ContractFixtures.run([ContractFixtures.send])
        let early = ReceiptProof(kind: .emailAcknowledgement, receivedOn: day("25/09/2022"))
        #expect(throws: ProcedureError.receiptBeforeSending(receipt: day("25/09/2022"), sent: day("26/09/2022"))) {
            try ContractProcedure.transition(from: sent, event: .recordReceipt(early), now: day("27/09/2022"))
        }
        let future = ReceiptProof(kind: .emailAcknowledgement, receivedOn: day("30/09/2022"))
        #expect(throws: ProcedureError.dateInFuture(what: "de réception", date: day("30/09/2022"), today: day("27/09/2022"))) {
            try ContractProcedure.transition(from: sent, event: .recordReceipt(future), now: day("27/09/2022"))
        }
    }

    @Test("States and events keep stable stored names and distinct French labels")
    func namesAndLabels() throws {
        for state in State.allCases { #expect(try State.parse(state.rawValue) == state) }
        for kind in Kind.allCases { #expect(try Kind.parse(kind.rawValue) == kind) }
        #expect(Set(State.allCases.map(\.description)).count == State.allCases.count)
        #expect(Set(Kind.allCases.map(\.description)).count == Kind.allCases.count)
        #expect(throws: ProcedureError.unknownState("signé")) { try State.parse("signé") }
        #expect(ProcedureError.unknownState("signé").description == "état de procédure « signé » inconnu")
    }

    @Test("A procedure survives a JSON round trip unchanged")
    func codable() throws {
        let pending = try ContractFixtures.run(ContractFixtures.steps(to: .hearingPending))
        let data = try JSONEncoder().encode(pending)
        #expect(try JSONDecoder().decode(ContractProcedure.self, from: data) == pending)
    }

    @Test("A stored record in a period state without its period is reported, not crashed on")
    func inconsistentRecord() {
        let broken = ContractProcedure(state: .period1Open)
        #expect(throws: ProcedureError.missingPeriod(state: "première période contradictoire ouverte")) {
            try ContractProcedure.transition(from: broken, event: .expire, now: day("01/01/2023"))
        }
    }
}
