import Foundation
import Testing
@testable import CAQESCore

@Suite("Contract acts: who may do what, in which state")
struct ContractActTests {
    typealias State = ContractProcedure.State

    static let input = ContractActInput(effectiveDate: day("01/01/2023"), refusalSanction: 800_000)

    /// Offered acts that the fixture refuses on purpose, with the French reason.
    static let expectedGuards: [String: String] = [
        // A hearing was requested in the fixture and is not held yet: the period stays open.
        "observations/proposition_modifiee/arsDirector": "une audition a été demandée",
        "audition_demandee/notification_sanction/arsDirector": "une audition a été demandée",
        // The refused fixture refused the first proposal: the amended proposal comes first.
        "refuse/notification_sanction/arsDirector": "notifiez d'abord la proposition modifiée",
    ]

    @Test("Every (state, act, role): offered acts apply, the others are refused with a French reason",
          arguments: State.allCases)
    func everyTriple(state: State) throws {
        let (procedure, today) = try ContractFixtures.fixture(state)
        for act in ContractAct.allCases where !act.isPlatformAct {
            for role in Role.allCases {
                let key = "\(state.code)/\(act.rawValue)/\(role)"
                let offered = ContractAct.available(in: procedure, for: role).contains(act)
                let late = ContractFixtures.lateKinds.contains(act.eventKind(for: role))
                let now = late ? day("01/02/2023") : today
                var refusal: String?
                do {
                    let event = try act.event(for: role, input: Self.input, procedure: procedure, today: now)
                    do {
                        _ = try ContractProcedure.transition(from: procedure, event: event, now: now)
                    } catch { refusal = error.description }
                } catch { refusal = error.description }
                if refusal == nil {
                    #expect(offered, "\(key) applied but is not offered")
                } else if let text = refusal {
                    if let guardText = Self.expectedGuards[key] {
                        #expect(text.contains(guardText), "\(key): \(text)")
                    } else {
                        #expect(!offered, "\(key) is offered but refused: \(text)")
                    }
                    if !act.roles.contains(role) {
                        #expect(text == "l'acte « \(act.rawValue) » n'est pas ouvert au rôle « \(role.label) »", "\(key)")
                    }
                    // Every refusal is a French sentence naming what went wrong.
                    #expect(text.contains("«") || text.contains("l'") || text.contains("délai"), "\(key): \(text)")
                }
            }
        }
    }

    @Test("Nothing is offered to the administrator or the expert: they do not take part in the procedure")
    func bystanders() throws {
        for state in State.allCases {
            let (procedure, _) = try ContractFixtures.fixture(state)
            #expect(ContractAct.available(in: procedure, for: .admin).isEmpty)
            #expect(ContractAct.available(in: procedure, for: .expert).isEmpty)
        }
    }

    @Test("Sending needs the local AM opinion first (D162-15)")
    func opinionBeforeSending() throws {
        let targeted = ContractProcedure()
        #expect(throws: ContractActError.insuranceOpinionMissing) {
            try ContractAct.send.event(for: .arsDirector, input: Self.input, procedure: targeted, today: day("26/09/2022"))
        }
        let opinion = try ContractAct.insuranceOpinion.event(for: .insurer, input: ContractActInput(date: day("20/09/2022")),
                                                             procedure: targeted, today: day("21/09/2022"))
        let withOpinion = try ContractProcedure.transition(from: targeted, event: opinion, now: day("21/09/2022"))
        #expect(withOpinion.state == .targeted && withOpinion.insuranceOpinionOn == day("20/09/2022"))
        #expect(ContractAct.available(in: withOpinion, for: .arsDirector).contains(.send))
        let send = try ContractAct.send.event(for: .arsDirector, input: Self.input, procedure: withOpinion, today: day("26/09/2022"))
        let sent = try ContractProcedure.transition(from: withOpinion, event: send, now: day("26/09/2022"))
        #expect(sent.state == .proposalSent && sent.waitingOn == [.establishment])
    }

    @Test("B.8 ex. 17 through the acts: receipt on Mon 03/10/2022, period 1 ends 24/10; acceptance on the 25th is late")
    func deadlinesThroughActs() throws {
        let open = try ContractFixtures.run(ContractFixtures.steps(to: .period1Open))
        #expect(open.deadline?.lastDay == day("24/10/2022"))
        let accept = try ContractAct.acceptance.event(for: .establishment, input: Self.input, procedure: open, today: day("25/10/2022"))
        #expect(throws: ProcedureError.tooLate(event: "acceptation de la proposition par l'établissement",
                                               date: day("25/10/2022"), lastDay: day("24/10/2022"))) {
            try ContractProcedure.transition(from: open, event: accept, now: day("25/10/2022"))
        }
        let accepted = try ContractProcedure.transition(from: open, event: accept, now: day("24/10/2022"))
        #expect(accepted.state == .signing)
        #expect(accepted.waitingOn == [.establishment, .ars, .insurer])
    }

    @Test("Three signatures in any order: the last one signs the contract")
    func threeSignatures() throws {
        var procedure = try ContractFixtures.run(ContractFixtures.steps(to: .period1Open))
        procedure = try ContractProcedure.transition(from: procedure, event: .accept, now: day("05/10/2022"))
        for (role, date) in [(Role.insurer, "06/10/2022"), (.arsDirector, "07/10/2022"), (.establishment, "10/10/2022")] {
            #expect(ContractAct.available(in: procedure, for: role).contains(.signature))
            let event = try ContractAct.signature.event(for: role, input: Self.input, procedure: procedure, today: day(date))
            procedure = try ContractProcedure.transition(from: procedure, event: event, now: day(date))
            #expect(!ContractAct.available(in: procedure, for: role).contains(.signature), "\(role) signs once")
        }
        #expect(procedure.state == .signed && procedure.waitingOn == [.platform])
    }

    @Test("An explicit refusal: of the first proposal → amended proposal; of the amended one → sanction at once")
    func explicitRefusal() throws {
        let refused1 = try ContractFixtures.run(ContractFixtures.steps(to: .refused))
        #expect(refused1.state == .refused && refused1.waitingOn == [.ars])
        #expect(ContractAct.available(in: refused1, for: .arsDirector).contains(.amendedProposal))
        let amended = try ContractProcedure.transition(from: refused1, event: .notifyAmendedProposal(refusalSanction: 800_000), now: day("12/10/2022"))
        let open2 = try ContractProcedure.transition(from: amended, event: .recordReceipt(ReceiptProof(kind: .emailAcknowledgement, receivedOn: day("13/10/2022"))),
                                                     now: day("13/10/2022"))
        let refused2 = try ContractProcedure.transition(from: open2, event: .refuse, now: day("14/10/2022"))
        let sanctioned = try ContractProcedure.transition(from: refused2, event: .notifySanction, now: day("14/10/2022"))
        #expect(sanctioned.state == .sanctionNotified && sanctioned.waitingOn == [.insurer])
    }

    @Test("API state names (etat) are the binding ones, and read back", arguments: State.allCases)
    func stateCodes(state: State) {
        let binding: Set<String> = ["cible", "proposition_envoyee", "periode_1", "observations", "periode_1_expiree",
                                    "proposition_modifiee", "periode_2", "audition_demandee", "signature", "signe", "refuse",
                                    "sanction_notifiee", "recouvre", "en_vigueur"]
        #expect(binding.contains(state.code))
        #expect(State(code: state.code) == state)
    }

    @Test("Act types are the binding ones; an unknown type lists them")
    func actTypes() {
        let binding = ["avis_am", "envoi", "accuse_reception", "avis_cme", "acceptation", "observations", "demande_audition",
                       "reponse", "audition", "accord", "proposition_modifiee", "signature", "refus", "notification_sanction",
                       "recouvrement"]
        for name in binding { #expect((try? ContractAct.parse(name))?.rawValue == name) }
        #expect(throws: ContractActError.unknownAct("expiration")) { try ContractAct.parse("expiration") }
        #expect(ContractActError.unknownAct("x").description.hasPrefix("type d'acte « x » inconnu (attendu : avis_am, envoi"))
    }
}
