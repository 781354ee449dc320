import Foundation
import Testing
@testable import CAQESCore

/// Evaluations driven through real transitions, on the IDF 2024 campaign dates (DOMAIN B.5.2).
enum EvaluationFixtures {
    typealias Step = (EvaluationProcedure.Event, String)

    static func receipt(_ date: String) -> Step {
        (.recordReceipt(ReceiptProof(kind: .platformAcknowledgement, receivedOn: day(date))), date)
    }

    static func steps(to state: EvaluationProcedure.State) -> [Step] {
        let analysis: [Step] = [(.startSelfAssessment, "09/09/2024"), (.submitSelfAssessment, "09/10/2024")]
        let contradictory1 = analysis + [(.notifyDecision, "04/11/2024"), receipt("04/11/2024")]
        let contradictory2 = contradictory1 + [(.expire, "05/12/2024"), (.notifyDecision, "12/12/2024"), receipt("13/12/2024")]
        let finalDecision = contradictory2 + [(.expire, "31/12/2024"), (.notifyDecision, "31/12/2024")]
        switch state {
        case .open: return []
        case .selfAssessment: return [analysis[0]]
        case .analysis: return analysis
        case .decision1Notified: return analysis + [(.notifyDecision, "04/11/2024")]
        case .contradictory1: return contradictory1
        case .answers1: return contradictory1 + [(.expire, "05/12/2024")]
        case .decision2Notified: return contradictory1 + [(.expire, "05/12/2024"), (.notifyDecision, "12/12/2024")]
        case .contradictory2: return contradictory2
        case .answers2: return contradictory2 + [(.expire, "31/12/2024")]
        case .finalDecision: return finalDecision
        case .closed: return finalDecision + [(.close, "15/01/2025")]
        case .reopened: return finalDecision + [(.reopen, "20/01/2025")]
        }
    }

    static func run(_ steps: [Step], settings: ProcedureSettings = .init()) throws -> EvaluationProcedure {
        var procedure = EvaluationProcedure()
        for (event, date) in steps {
            procedure = try EvaluationProcedure.transition(from: procedure, event: event, now: day(date), settings: settings)
        }
        return procedure
    }

    static func sample(_ kind: EvaluationProcedure.Event.Kind, today: LocalDate) -> EvaluationProcedure.Event {
        switch kind {
        case .startSelfAssessment: return .startSelfAssessment
        case .submitSelfAssessment: return .submitSelfAssessment
        case .notifyDecision: return .notifyDecision
        case .recordReceipt: return .recordReceipt(ReceiptProof(kind: .emailAcknowledgement, receivedOn: today))
        case .receiveObservations: return .receiveObservations(hearingRequested: false)
        case .recordHearing: return .recordHearing(heldOn: today, newLastDay: nil)
        case .expire: return .expire
        case .answerObservation: return .answerObservation
        case .close: return .close
        case .reopen: return .reopen
        }
    }
}

@Suite("Evaluation procedure")
struct EvaluationProcedureTests {
    typealias State = EvaluationProcedure.State
    typealias Kind = EvaluationProcedure.Event.Kind

    /// DOMAIN B.5.2, written out independently of the code's table.
    static let expectedAllowed: [State: Set<Kind>] = [
        .open: [.startSelfAssessment],
        .selfAssessment: [.submitSelfAssessment],
        .analysis: [.notifyDecision],
        .decision1Notified: [.recordReceipt],
        .contradictory1: [.recordReceipt, .receiveObservations, .recordHearing, .expire, .answerObservation],
        .answers1: [.notifyDecision, .answerObservation],
        .decision2Notified: [.recordReceipt],
        .contradictory2: [.recordReceipt, .receiveObservations, .recordHearing, .expire, .answerObservation],
        .answers2: [.notifyDecision, .answerObservation],
        .finalDecision: [.close, .reopen],
        .closed: [.reopen],
        .reopened: [.notifyDecision],
    ]

    /// Allowed pairs whose fixture trips a rule on purpose: no hearing was requested.
    static let expectedGuards: [String: ProcedureError] = [
        "contradictory1/record_hearing": .hearingNotRequested,
        "contradictory2/record_hearing": .hearingNotRequested,
    ]

    @Test("The allowed events of every state are exactly those of B.5.2")
    func allowedTable() {
        #expect(Set(Self.expectedAllowed.keys) == Set(State.allCases))
        for state in State.allCases {
            #expect(EvaluationProcedure.allowedEvents(in: state) == Self.expectedAllowed[state], "\(state.rawValue)")
        }
    }

    @Test("Every (state, event) pair: allowed ones apply, the others are refused naming both",
          arguments: State.allCases)
    func everyPair(state: State) throws {
        let steps = EvaluationFixtures.steps(to: state)
        let procedure = try EvaluationFixtures.run(steps)
        #expect(procedure.state == state)
        let today = day(steps.last?.1 ?? "01/09/2024")
        for kind in Kind.allCases {
            let now = kind == .expire ? day("01/03/2025") : today
            let key = "\(state.rawValue)/\(kind.rawValue)"
            let allowed = Self.expectedAllowed[state]?.contains(kind) ?? false
            do {
                _ = try EvaluationProcedure.transition(from: procedure, event: EvaluationFixtures.sample(kind, today: now), now: now)
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

    @Test("IDF 2024: one month from 04/11, then 15 days from 13/12 ending on a Saturday",
          arguments: [(true, "30/12/2024"), (false, "28/12/2024")])
    func campaignDeadlines(shift: Bool, secondLastDay: String) throws {
        let settings = ProcedureSettings(holidayShift: shift)
        let procedure = try EvaluationFixtures.run(EvaluationFixtures.steps(to: .contradictory2), settings: settings)
        #expect(procedure.firstPeriod?.deadline.lastDay == day("04/12/2024"))
        #expect(procedure.secondPeriod?.deadline.lastDay == day(secondLastDay))
        #expect(procedure.currentPeriod == procedure.secondPeriod)
    }

    @Test("Closing a period early is refused with its last day")
    func earlyExpiry() throws {
        let open = try EvaluationFixtures.run(EvaluationFixtures.steps(to: .contradictory1))
        #expect(throws: ProcedureError.deadlineNotReached(event: "expiration du délai", lastDay: day("04/12/2024"))) {
            try EvaluationProcedure.transition(from: open, event: .expire, now: day("04/12/2024"))
        }
    }

    @Test("A requested hearing holds the first period open; the ARS deadline then runs")
    func hearingHoldsPeriodOpen() throws {
        let open = try EvaluationFixtures.run(EvaluationFixtures.steps(to: .contradictory1))
        let asked = try EvaluationProcedure.transition(from: open, event: .receiveObservations(hearingRequested: true), now: day("20/11/2024"))
        #expect(asked.state == .contradictory1 && asked.firstPeriod?.observationsReceivedOn == day("20/11/2024"))
        #expect(throws: ProcedureError.hearingPending) {
            try EvaluationProcedure.transition(from: asked, event: .expire, now: day("10/12/2024"))
        }
        // Still open while the hearing is pending: more observations are accepted after the last day.
        _ = try EvaluationProcedure.transition(from: asked, event: .receiveObservations(hearingRequested: false), now: day("06/12/2024"))
        let heard = try EvaluationProcedure.transition(from: asked, event: .recordHearing(heldOn: day("09/12/2024"), newLastDay: nil),
                                                       now: day("09/12/2024"))
        #expect(heard.firstPeriod?.deadline.lastDay == day("16/12/2024"))
        #expect(throws: ProcedureError.deadlineNotReached(event: "expiration du délai", lastDay: day("16/12/2024"))) {
            try EvaluationProcedure.transition(from: heard, event: .expire, now: day("16/12/2024"))
        }
        #expect(try EvaluationProcedure.transition(from: heard, event: .expire, now: day("17/12/2024")).state == .answers1)
    }

    @Test("Late observations in the second period are refused")
    func lateObservations() throws {
        let open = try EvaluationFixtures.run(EvaluationFixtures.steps(to: .contradictory2))
        #expect(throws: ProcedureError.tooLate(event: "observations de l'établissement", date: day("31/12/2024"), lastDay: day("30/12/2024"))) {
            try EvaluationProcedure.transition(from: open, event: .receiveObservations(hearingRequested: true), now: day("31/12/2024"))
        }
    }

    @Test("A corrective decision reopens the final one; a new second decision and its 15 days lead to a new final decision")
    func correctiveRound() throws {
        let reopened = try EvaluationFixtures.run(EvaluationFixtures.steps(to: .reopened))
        #expect(reopened.state == .reopened && reopened.reopenedOn == day("20/01/2025") && reopened.finalDecisionOn == day("31/12/2024"))
        #expect(reopened.currentPeriod == nil)
        let steps = EvaluationFixtures.steps(to: .reopened) + [
            (.notifyDecision, "03/02/2025"), EvaluationFixtures.receipt("04/02/2025"), (.expire, "20/02/2025"), (.notifyDecision, "21/02/2025"),
        ]
        var procedure = try EvaluationFixtures.run(Array(steps.prefix(steps.count - 2)))
        // The new second period: 15 days from 4 Feb end on 19 Feb.
        #expect(procedure.state == .contradictory2 && procedure.secondPeriod?.deadline.lastDay == day("19/02/2025"))
        procedure = try EvaluationFixtures.run(steps)
        #expect(procedure.state == .finalDecision && procedure.finalDecisionOn == day("21/02/2025"))
        // And a later correction again.
        #expect(try EvaluationProcedure.transition(from: procedure, event: .reopen, now: day("01/03/2025")).state == .reopened)
    }

    @Test("The path: days spent in each state, from the events, up to today for the current one")
    func path() throws {
        let steps = EvaluationFixtures.steps(to: .contradictory1) + [(.answerObservation, "20/11/2024")]
        let stays = try EvaluationProcedure.path(openedOn: day("02/09/2024"), events: steps.map { (event: $0.0, on: day($0.1)) }, today: day("25/11/2024"))
        let expected: [(State, String, Int)] = [
            (.open, "02/09/2024", 7), (.selfAssessment, "09/09/2024", 30), (.analysis, "09/10/2024", 26),
            (.decision1Notified, "04/11/2024", 0), (.contradictory1, "04/11/2024", 21),
        ]
        #expect(stays.count == expected.count)
        for (stay, (state, since, days)) in zip(stays, expected) {
            #expect(stay.state == state && stay.since == day(since) && stay.days == days, "\(stay)")
        }
        #expect(stays.last?.isCurrent == true && stays.dropLast().allSatisfy { !$0.isCurrent })
    }

    @Test("The full campaign ends closed, with its final decision date")
    func fullCampaign() throws {
        let closed = try EvaluationFixtures.run(EvaluationFixtures.steps(to: .closed))
        #expect(closed.state == .closed)
        #expect(closed.finalDecisionOn == day("31/12/2024"))
        #expect(closed.selfAssessmentSubmittedOn == day("09/10/2024"))
        #expect(closed.closedOn == day("15/01/2025"))
        #expect(closed.currentPeriod == nil)
    }

    @Test("An event out of place names the event and the state in French")
    func refusalMessage() throws {
        let selfAssessing = try EvaluationFixtures.run(EvaluationFixtures.steps(to: .selfAssessment))
        let error = ProcedureError.eventNotAllowed(event: "notification d'une décision du DG ARS", state: "auto-évaluation en cours")
        #expect(throws: error) {
            try EvaluationProcedure.transition(from: selfAssessing, event: .notifyDecision, now: day("01/10/2024"))
        }
        #expect(error.description
            == "l'événement « notification d'une décision du DG ARS » n'est pas possible dans l'état « auto-évaluation en cours »")
    }

    @Test("States and events keep stable stored names and distinct French labels")
    func namesAndLabels() throws {
        for state in State.allCases { #expect(try State.parse(state.rawValue) == state) }
        for kind in Kind.allCases { #expect(try Kind.parse(kind.rawValue) == kind) }
        #expect(Set(State.allCases.map(\.description)).count == State.allCases.count)
        #expect(Set(Kind.allCases.map(\.description)).count == Kind.allCases.count)
        #expect(throws: ProcedureError.unknownEvent("valider")) { try Kind.parse("valider") }
    }
}
