extension EvaluationProcedure {
    /// Applies `event`, happening on the legal date `now`, to `procedure`.
    ///
    /// Throws `.eventNotAllowed` (naming the event and the state in French) when the event does not
    /// apply in the current state; `.deadlineNotReached` or `.hearingPending` when a period is closed
    /// too early; `.tooLate` for observations after the last day.
    public static func transition(from procedure: EvaluationProcedure, event: Event, now: LocalDate,
                                  settings: ProcedureSettings = .init()) throws(ProcedureError) -> EvaluationProcedure {
        let state = procedure.state
        guard allowedEvents(in: state).contains(event.kind) else {
            throw .eventNotAllowed(event: event.kind.description, state: state.description)
        }
        let label = event.kind.description
        let isFirstRound = state == .decision1Notified || state == .contradictory1
        var next = procedure

        switch event {
        case .startSelfAssessment:
            next.state = .selfAssessment

        case .submitSelfAssessment:
            next.selfAssessmentSubmittedOn = now
            next.state = .analysis

        case .notifyDecision:
            next.decisionSentOn = now
            switch state {
            case .analysis: next.state = .decision1Notified
            // After a corrective decision the corrected amount is a new second decision: the
            // establishment has its fifteen days to be heard before the new final decision.
            case .answers1, .reopened: next.state = .decision2Notified
            default:
                next.finalDecisionOn = now
                next.state = .finalDecision
            }

        case .recordReceipt(let proof):
            guard proof.receivedOn <= now else {
                throw .dateInFuture(what: "de réception", date: proof.receivedOn, today: now)
            }
            if let sent = procedure.decisionSentOn, proof.receivedOn < sent {
                throw .receiptBeforeSending(receipt: proof.receivedOn, sent: sent)
            }
            switch state {
            case .decision1Notified:
                next.firstPeriod = ContradictoryPeriod(period: .evaluation1, receipt: proof, settings: settings)
                next.state = .contradictory1
            case .decision2Notified:
                next.secondPeriod = ContradictoryPeriod(period: .evaluation2, receipt: proof, settings: settings)
                next.state = .contradictory2
            default:
                try next.update(isFirstRound) { $0.recordingReceipt(proof, settings: settings) }
            }

        case .receiveObservations(let hearingRequested):
            try next.update(isFirstRound) { period throws(ProcedureError) in
                try period.receivingObservations(on: now, hearingRequested: hearingRequested, event: label)
            }

        case let .recordHearing(heldOn, newLastDay):
            try next.update(isFirstRound) { period throws(ProcedureError) in
                try period.recordingHearing(heldOn: heldOn, lastDay: newLastDay, today: now, settings: settings)
            }

        case .expire:
            try next.update(isFirstRound) { period throws(ProcedureError) in
                try period.ensureOver(on: now, event: label)
                return period
            }
            next.state = isFirstRound ? .answers1 : .answers2

        case .answerObservation:
            break

        case .close:
            next.closedOn = now
            next.state = .closed

        case .reopen:
            next.reopenedOn = now
            next.state = .reopened
        }
        return next
    }

    private mutating func update(
        _ firstRound: Bool,
        _ change: (ContradictoryPeriod) throws(ProcedureError) -> ContradictoryPeriod
    ) throws(ProcedureError) {
        guard let period = firstRound ? firstPeriod : secondPeriod else {
            throw .missingPeriod(state: state.description)
        }
        let changed = try change(period)
        if firstRound { firstPeriod = changed } else { secondPeriod = changed }
    }
}
