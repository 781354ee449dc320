import Foundation
@testable import CAQESCore

/// Contract procedures driven through real transitions into each state, on the B.8 ex. 17 dates.
enum ContractFixtures {
    typealias Step = (ContractProcedure.Event, String)

    static let send: Step = (.sendProposal(insuranceOpinionOn: day("20/09/2022"), effectiveDate: day("01/01/2023")),
                             "26/09/2022")
    static let receipt1: Step = (.recordReceipt(ReceiptProof(kind: .platformAcknowledgement, receivedOn: day("03/10/2022"))),
                                 "03/10/2022")
    static let cme: Step = (.recordCMEOpinion(on: day("03/10/2022")), "03/10/2022")
    static let receipt2: Step = (.recordReceipt(ReceiptProof(kind: .emailAcknowledgement, receivedOn: day("02/11/2022"))),
                                 "02/11/2022")

    /// The steps leading to each state; the last step's date is the fixture's "today".
    static func steps(to state: ContractProcedure.State) -> [Step] {
        let period1 = [send, receipt1, cme]
        let opinion2: Step = (.recordInsuranceOpinion(on: day("26/10/2022")), "26/10/2022")
        let amended = period1 + [(.expire, "25/10/2022"), opinion2, (.notifyAmendedProposal(refusalSanction: 800_000), "27/10/2022")]
        let signing = period1 + [(.establishmentSigns, "06/10/2022")]
        let signed = signing + [(.arsSigns(.departmentalDelegate), "07/10/2022"), (.insuranceFundSigns, "10/10/2022")]
        let sanction = amended + [receipt2, (.notifySanction, "18/11/2022")]
        switch state {
        case .targeted: return []
        case .proposalSent: return [send]
        case .period1Open: return period1
        case .observationsReceived: return period1 + [(.receiveObservations(hearingRequested: true), "10/10/2022")]
        case .period1Expired: return period1 + [(.expire, "25/10/2022"), opinion2]
        case .amendedProposalNotified: return amended
        case .period2Open: return amended + [receipt2]
        case .hearingPending: return amended + [receipt2, (.receiveObservations(hearingRequested: true), "08/11/2022")]
        case .signing: return signing
        case .signed: return signed
        case .inForce: return signed + [(.takeEffect, "01/01/2023")]
        case .refused: return period1 + [(.refuse, "10/10/2022"), (.recordInsuranceOpinion(on: day("11/10/2022")), "11/10/2022")]
        case .sanctionNotified: return sanction
        case .recoveryByCaisse: return sanction + [(.startRecovery, "21/11/2022")]
        }
    }

    static func run(_ steps: [Step], from start: ContractProcedure = ContractProcedure(),
                    settings: ProcedureSettings = .init()) throws -> ContractProcedure {
        var procedure = start
        for (event, date) in steps {
            procedure = try ContractProcedure.transition(from: procedure, event: event, now: day(date), settings: settings)
        }
        return procedure
    }

    static func fixture(_ state: ContractProcedure.State) throws -> (ContractProcedure, LocalDate) {
        let steps = steps(to: state)
        return (try run(steps), day(steps.last?.1 ?? "26/09/2022"))
    }

    /// One sample event of each kind, with data that a well-formed record in a state accepting it satisfies.
    static func sample(_ kind: ContractProcedure.Event.Kind, today: LocalDate) -> ContractProcedure.Event {
        switch kind {
        case .recordInsuranceOpinion: return .recordInsuranceOpinion(on: today)
        case .sendProposal: return .sendProposal(insuranceOpinionOn: day("20/09/2022"), effectiveDate: day("01/01/2023"))
        case .answerObservation: return .answerObservation
        case .accept: return .accept
        case .agree: return .agree
        case .refuse: return .refuse
        case .recordReceipt: return .recordReceipt(ReceiptProof(kind: .platformAcknowledgement, receivedOn: today))
        case .recordCMEOpinion: return .recordCMEOpinion(on: today)
        case .receiveObservations: return .receiveObservations(hearingRequested: false)
        case .recordHearing: return .recordHearing(heldOn: today, newLastDay: nil)
        case .expire: return .expire
        case .notifyAmendedProposal: return .notifyAmendedProposal(refusalSanction: 800_000)
        case .establishmentSigns: return .establishmentSigns
        case .arsSigns: return .arsSigns(.regionalDirector)
        case .insuranceFundSigns: return .insuranceFundSigns
        case .notifySanction: return .notifySanction
        case .startRecovery: return .startRecovery
        case .takeEffect: return .takeEffect
        }
    }

    /// Kinds that need their period over: tried well after every deadline.
    static let lateKinds: Set<ContractProcedure.Event.Kind> = [.expire, .notifyAmendedProposal, .notifySanction, .takeEffect]
}
