import Foundation
import Testing
@testable import CAQESCore

@Suite("Evaluation acts and decisions")
struct EvaluationActTests {
    typealias State = EvaluationProcedure.State

    /// Who may do what in each state, written out from B.5.2 and D18/D19, independently of the code.
    static let expected: [State: [Role: Set<EvaluationAct>]] = [
        .decision1Notified: [.establishment: [.receipt], .arsAnalyst: [.receipt], .arsDirector: [.receipt]],
        .contradictory1: [.establishment: [.observations, .hearingRequest], .arsAnalyst: [.receipt, .answer], .arsDirector: [.receipt, .answer]],
        .answers1: [.arsAnalyst: [.answer], .arsDirector: [.answer]],
        .decision2Notified: [.establishment: [.receipt], .arsAnalyst: [.receipt], .arsDirector: [.receipt]],
        .contradictory2: [.establishment: [.observations, .hearingRequest], .arsAnalyst: [.receipt, .answer], .arsDirector: [.receipt, .answer]],
        .answers2: [.arsAnalyst: [.answer], .arsDirector: [.answer]],
    ]

    @Test("Every (state, act, role): the offered acts apply, the others are refused in French", arguments: State.allCases)
    func everyTriple(state: State) throws {
        let steps = EvaluationFixtures.steps(to: state)
        let procedure = try EvaluationFixtures.run(steps)
        let today = day(steps.last?.1 ?? "01/09/2024")
        for role in Role.allCases {
            let offered = Set(EvaluationAct.available(in: procedure, for: role))
            #expect(offered == (Self.expected[state]?[role] ?? []), "\(state.rawValue) × \(role.rawValue)")
            for act in EvaluationAct.allCases where act != .expiry {
                let outcome: Result<EvaluationProcedure, Error>
                do {
                    let event = try act.event(for: role, date: nil, newLastDay: nil, procedure: procedure, today: today)
                    outcome = .success(try EvaluationProcedure.transition(from: procedure, event: event, now: today))
                } catch {
                    outcome = .failure(error)
                }
                if offered.contains(act) {
                    if case .failure(let error) = outcome { Issue.record("\(state.rawValue) × \(act.rawValue) × \(role.rawValue): \(error)") }
                } else if case .success = outcome {
                    Issue.record("\(state.rawValue) × \(act.rawValue) × \(role.rawValue) was accepted but not offered")
                } else if case .failure(let error) = outcome {
                    #expect(error is EvaluationActError || error is ProcedureError, "\(error)")
                    #expect(!String(describing: error).isEmpty)
                }
            }
        }
    }

    @Test("A hearing requested holds the period; the ARS records it, then it is offered no more")
    func hearing() throws {
        var procedure = try EvaluationFixtures.run(EvaluationFixtures.steps(to: .contradictory1))
        let event = try EvaluationAct.hearingRequest.event(for: .establishment, date: nil, newLastDay: nil, procedure: procedure, today: day("20/11/2024"))
        procedure = try EvaluationProcedure.transition(from: procedure, event: event, now: day("20/11/2024"))
        #expect(EvaluationAct.available(in: procedure, for: .establishment) == [.observations])
        #expect(EvaluationAct.available(in: procedure, for: .arsDirector).contains(.hearing))
        #expect(throws: EvaluationActError.hearingAlreadyRequested) {
            try EvaluationAct.hearingRequest.event(for: .establishment, date: nil, newLastDay: nil, procedure: procedure, today: day("21/11/2024"))
        }
        // B.8 ex. 17: report received 4 Nov → observations due by 4 Dec; the hearing moves it to 7 days after.
        #expect(try EvaluationFixtures.run(EvaluationFixtures.steps(to: .contradictory1)).firstPeriod?.deadline.lastDay == day("04/12/2024"))
        let heard = try EvaluationProcedure.transition(from: procedure, event: .recordHearing(heldOn: day("10/12/2024"), newLastDay: nil), now: day("10/12/2024"))
        #expect(heard.firstPeriod?.deadline.lastDay == day("17/12/2024"))
    }

    @Test("Decisions: issued from analysis, answers 1, answers 2; their states and periods")
    func decisions() throws {
        let table: [(State, DecisionStep?)] = [
            (.open, nil), (.selfAssessment, nil), (.analysis, .first), (.decision1Notified, nil), (.contradictory1, nil),
            (.answers1, .second), (.decision2Notified, nil), (.contradictory2, nil), (.answers2, .final),
            (.finalDecision, .corrective), (.closed, .corrective), (.reopened, .second),
        ]
        for (state, step) in table {
            #expect(DecisionStep.next(for: try EvaluationFixtures.run(EvaluationFixtures.steps(to: state))) == step, "\(state)")
        }
        let running = try EvaluationFixtures.run(EvaluationFixtures.steps(to: .contradictory2))
        #expect(DecisionStep.first.state(in: running) == "periode_close")
        #expect(DecisionStep.second.state(in: running) == "periode_contradictoire")
        // Received 13/12: 15 days end on Saturday 28/12, moved to Monday 30/12 (D17).
        #expect(DecisionStep.second.deadline(in: running)?.lastDay == day("30/12/2024"))
        #expect(DecisionStep.final.state(in: running) == "definitive")
        #expect(DecisionStep.first.legalBasis.contains { $0.contains("D162-16") })
        #expect(Set(State.allCases.map(\.code)).count == State.allCases.count)
        for state in State.allCases { #expect(State(code: state.code) == state) }
    }

    @Test("Corrective decision: it reopens, needs its reason, cites the CRPA, and the new round is decision 2 then final")
    func corrective() throws {
        #expect(DecisionStep.corrective.event == .reopen && DecisionStep.final.event == .notifyDecision)
        #expect(DecisionStep.corrective.needsReason && !DecisionStep.final.needsReason)
        #expect(DecisionStep.corrective.period == nil && DecisionStep.corrective.legalBasis.contains { $0.contains("L242-4") })
        let reopened = try EvaluationFixtures.run(EvaluationFixtures.steps(to: .reopened))
        #expect(reopened.state.code == "reouverte" && reopened.state.waitingOn == "ars")
        // No act on the corrective decision: the next step is the ARS's new second decision.
        for role in Role.allCases { #expect(EvaluationAct.available(in: reopened, for: role).isEmpty) }
    }

    @Test("Grounds of a correction (CRPA L242-1, L242-4): four months for an illegal decision, more favourable on request",
          arguments: [
            (CorrectionGround.illegality, "31/12/2024", "30/04/2025", true), (.illegality, "31/12/2024", "01/05/2025", false),
            (.illegality, "31/10/2024", "28/02/2025", true), (.illegality, "31/10/2024", "01/03/2025", false),
            (.beneficiaryRequest, "31/12/2024", "31/12/2030", true),
          ])
    func grounds(ground: CorrectionGround, decided: String, today: String, allowed: Bool) {
        if allowed {
            #expect(throws: Never.self, "\(ground) \(decided) → \(today)") { try ground.check(decidedOn: day(decided), today: day(today)) }
        } else {
            #expect(throws: CorrectionError.tooLate(decidedOn: day(decided), lastDay: ground.lastDay(after: day(decided))!)) {
                try ground.check(decidedOn: day(decided), today: day(today))
            }
        }
    }

    @Test("On the establishment's request the corrected incentive may not be lower, nor a sanction higher; for illegality they may")
    func favourable() throws {
        let lower = Decimal(string: "8999.99")!
        #expect(throws: CorrectionError.lessFavourable(corrected: lower, withdrawn: 9_000)) {
            try CorrectionGround.beneficiaryRequest.check(corrected: lower, withdrawn: 9_000)
        }
        try CorrectionGround.beneficiaryRequest.check(corrected: 9_000, withdrawn: 9_000)
        try CorrectionGround.illegality.check(corrected: 0, withdrawn: 9_000)
        // A sanction (2018 grid): more favourable is lower.
        try CorrectionGround.beneficiaryRequest.check(corrected: 20_000, withdrawn: 24_000, stake: .sanction)
        #expect(throws: CorrectionError.lessFavourable(corrected: Decimal(string: "24000.01")!, withdrawn: 24_000)) {
            try CorrectionGround.beneficiaryRequest.check(corrected: Decimal(string: "24000.01")!, withdrawn: 24_000, stake: .sanction)
        }
    }

    @Test("A corrected FIR share never takes the envelope past its total (D12)",
          arguments: [
            ("100000", "40000", "50000", "40000", false), ("100000", "60000", "50000", "50000", true),
            ("100000", "60000", "120000", "0", true), ("100000.005", "100000.01", "0", "100000", true),
          ])
    func correctedShare(envelope: String, recomputed: String, others: String, expected: String, capped: Bool) {
        let result = RegionalEnvelope.correctedShare(recomputed: Decimal(string: recomputed)!, envelope: Decimal(string: envelope)!,
                                                     decidedForOthers: Decimal(string: others)!)
        #expect(result.amount == Decimal(string: expected)! && result.capped == capped)
    }

    @Test("IDF 2024 calendar: phases from the chosen dates and the legal periods")
    func calendar() throws {
        let calendar = EvaluationCalendar.standard(year: 2023)
        let phases = Dictionary(uniqueKeysWithValues: calendar.phases.map { ($0.code, $0) })
        #expect(phases["saisie"]?.start == day("09/09/2024") && phases["saisie"]?.end == day("09/10/2024"))
        #expect(phases["analyse"]?.start == day("10/10/2024") && phases["analyse"]?.end == day("25/10/2024"))
        #expect(phases["periode_1"]?.end == day("04/12/2024"))
        #expect(phases["reponses_1"]?.start == day("05/12/2024") && phases["reponses_1"]?.end == day("12/12/2024"))
        #expect(phases["periode_2"]?.end == day("28/12/2024"))
        #expect(phases["decision_finale"]?.end == day("31/12/2024"))
        #expect(calendar.phase(on: day("15/10/2024"))?.code == "analyse")
        #expect(throws: EvaluationCalendarError.tooEarly(field: "decision_2", date: day("01/12/2024"), periodEnd: day("04/12/2024"))) {
            try EvaluationCalendar(entryStart: day("09/09/2024"), entryEnd: day("09/10/2024"), analysisEnd: day("25/10/2024"),
                                   firstDecision: day("04/11/2024"), secondDecision: day("01/12/2024"), finalDecisionBy: day("31/12/2024"))
        }
        #expect(throws: EvaluationCalendarError.self) {
            try EvaluationCalendar(entryStart: day("09/10/2024"), entryEnd: day("09/09/2024"), analysisEnd: day("25/10/2024"),
                                   firstDecision: day("04/11/2024"), secondDecision: day("13/12/2024"), finalDecisionBy: day("31/12/2024"))
        }
    }

    @Test("Control sampling: the seed reproduces the draw; another seed draws otherwise; never more than the pool")
    func sampling() {
        let pool = (1...40).map { "590780193|N\($0)" }
        let a = ControlSample.draw(pool, count: 5, seed: 20_241_104)
        #expect(a.count == 5 && Set(a).isSubset(of: Set(pool)))
        #expect(ControlSample.draw(pool.reversed(), count: 5, seed: 20_241_104) == a)
        #expect(ControlSample.draw(pool, count: 5, seed: 7) != a)
        #expect(ControlSample.draw(pool, count: 99, seed: 1).count == 40)
        #expect(ControlSample.draw(pool, count: -3, seed: 1).isEmpty)
        #expect(ControlSample.draw([], count: 3, seed: 1).isEmpty)
    }

    @Test("Indicator status on the board", arguments: [
        (false, nil, false, false, IndicatorStatus.toEnter),
        (false, ReviewDecision.sentBack, false, true, .sentBack),
        (true, nil, false, false, .submitted),
        (true, nil, false, true, .underReview),
        (true, .accepted, true, true, .accepted),
        (true, .corrected, true, true, .accepted),
        (true, .sentBack, true, true, .sentBack),
        (true, .sentBack, false, true, .underReview),
    ] as [(Bool, ReviewDecision?, Bool, Bool, IndicatorStatus)])
    func status(submitted: Bool, review: ReviewDecision?, after: Bool, underReview: Bool, expected: IndicatorStatus) {
        #expect(IndicatorStatus.of(submitted: submitted, lastReview: review, reviewedAfterLastSubmission: after, formUnderReview: underReview) == expected)
    }

    @Test("The HDF catalogue says who reviews, what evidence and what is declared")
    func catalogueReview() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Resources/Catalogues/")
        let registry = try CatalogueRegistry(try ["national-2022", "regional-hdf-2022"].map {
            try CatalogueLoader.load(yaml: String(contentsOf: url.appendingPathComponent("\($0).yaml"), encoding: .utf8), file: "\($0).yaml")
        })
        let concil = try #require(registry["regional-hdf-2022"]?.indicator("HDF-CONCIL"))
        #expect(concil.review == IndicatorReview(reviewer: .omedit, evidence: .required, declared: ["conciliation_grade"]))
        #expect(registry["regional-hdf-2022"]?.indicator("HDF-PRESC")?.review.reviewer == .insurer)
        #expect(registry["national-2022"]?.indicator("N1")?.review == IndicatorReview())
    }
}
