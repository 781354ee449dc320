extension ContractProcedure {
    /// Applies `event`, happening on the legal date `now`, to `procedure`.
    ///
    /// Throws `.eventNotAllowed` (naming the event and the state in French) when the event does not
    /// apply in the current state, and a specific error when a rule refuses it: expiry or sanction
    /// before the last day, late observations, a pending hearing, a signature without CME opinion,
    /// an amended proposal without its sanction amount, entry into force before the effective date.
    public static func transition(from procedure: ContractProcedure, event: Event, now: LocalDate,
                                  settings: ProcedureSettings = .init()) throws(ProcedureError) -> ContractProcedure {
        let state = procedure.state
        guard allowedEvents(in: state).contains(event.kind) else {
            throw .eventNotAllowed(event: event.kind.description, state: state.description)
        }
        let label = event.kind.description
        var next = procedure

        switch event {
        case .recordInsuranceOpinion(let date):
            guard date <= now else {
                throw .dateInFuture(what: "de l'avis de l'organisme local d'assurance maladie", date: date, today: now)
            }
            next.insuranceOpinionOn = date

        case .answerObservation:
            break

        case .accept:
            try procedure.ensureCurrentPeriodOpen(on: now, event: label)
            next.state = .signing

        case .agree:
            // The ARS may agree after the deadline too: it is the one analysing the observations.
            next.state = .signing

        case .refuse:
            try procedure.ensureCurrentPeriodOpen(on: now, event: label)
            next.state = .refused

        case let .sendProposal(opinionOn, effectiveDate):
            guard opinionOn <= now else {
                throw .dateInFuture(what: "de l'avis de l'organisme local d'assurance maladie", date: opinionOn, today: now)
            }
            next.insuranceOpinionOn = opinionOn
            next.effectiveDate = effectiveDate
            next.sentOn = now
            next.state = .proposalSent

        case .recordReceipt(let proof):
            guard proof.receivedOn <= now else {
                throw .dateInFuture(what: "de réception", date: proof.receivedOn, today: now)
            }
            if let sent = procedure.sentOn, proof.receivedOn < sent {
                throw .receiptBeforeSending(receipt: proof.receivedOn, sent: sent)
            }
            switch state {
            case .proposalSent:
                next.firstPeriod = ContradictoryPeriod(period: .contract1, receipt: proof, settings: settings)
                next.state = .period1Open
            case .amendedProposalNotified:
                next.secondPeriod = ContradictoryPeriod(period: .contract2, receipt: proof, settings: settings)
                next.state = .period2Open
            case .period1Open:
                next.firstPeriod = try procedure.period(\.firstPeriod).recordingReceipt(proof, settings: settings)
            default:
                next.secondPeriod = try procedure.period(\.secondPeriod).recordingReceipt(proof, settings: settings)
            }

        case .recordCMEOpinion(let date):
            guard date <= now else { throw .dateInFuture(what: "de l'avis de la CME", date: date, today: now) }
            next.cmeOpinionOn = date

        case .receiveObservations(let hearingRequested):
            if state == .period1Open || state == .observationsReceived {
                next.firstPeriod = try procedure.period(\.firstPeriod)
                    .receivingObservations(on: now, hearingRequested: hearingRequested, event: label)
                next.state = .observationsReceived
            } else {
                next.secondPeriod = try procedure.period(\.secondPeriod)
                    .receivingObservations(on: now, hearingRequested: hearingRequested, event: label)
                next.state = .hearingPending
            }

        case let .recordHearing(heldOn, newLastDay):
            if state == .observationsReceived {
                next.firstPeriod = try procedure.period(\.firstPeriod)
                    .recordingHearing(heldOn: heldOn, lastDay: newLastDay, today: now, settings: settings)
            } else {
                next.secondPeriod = try procedure.period(\.secondPeriod)
                    .recordingHearing(heldOn: heldOn, lastDay: newLastDay, today: now, settings: settings)
            }

        case .expire:
            try procedure.period(\.firstPeriod).ensureOver(on: now, event: label)
            next.state = .period1Expired

        case .notifyAmendedProposal(let sanction):
            guard sanction > 0 else { throw .refusalSanctionMissing }
            // After an explicit refusal, the amended proposal follows a refusal of the first proposal only.
            if state == .refused, procedure.secondPeriod != nil {
                throw .eventNotAllowed(event: label, state: "refus de la proposition modifiée")
            }
            // The ARS maintains its proposal only once the first period (or the post-hearing
            // deadline) is over; the establishment may still sign until then.
            if state == .observationsReceived {
                try procedure.period(\.firstPeriod).ensureOver(on: now, event: label)
            }
            // The DG ARS maintains and amends the proposal after a new opinion of the local AM
            // fund (D162-15): one given on or after the first sending.
            guard procedure.hasOpinionOnAmendment else { throw .insuranceOpinionOnAmendmentMissing }
            next.refusalSanction = sanction
            next.sentOn = now
            next.state = .amendedProposalNotified

        case .establishmentSigns:
            guard procedure.cmeOpinionOn != nil else { throw .cmeOpinionMissing }
            if procedure.establishmentSignedOn != nil { throw .alreadySigned("l'établissement") }
            if state != .signing { try procedure.ensureCurrentPeriodOpen(on: now, event: label) }
            next.establishmentSignedOn = now
            next.state = next.isFullySigned ? .signed : .signing

        case .arsSigns(let signatory):
            if procedure.arsSignature != nil { throw .alreadySigned("l'ARS") }
            next.arsSignature = ARSSignature(signatory: signatory, signedOn: now)
            next.state = next.isFullySigned ? .signed : .signing

        case .insuranceFundSigns:
            if procedure.insuranceFundSignedOn != nil { throw .alreadySigned("l'organisme local d'assurance maladie") }
            next.insuranceFundSignedOn = now
            next.state = next.isFullySigned ? .signed : .signing

        case .notifySanction where state == .refused:
            // An explicit refusal of the amended proposal needs no wait for the end of the period.
            guard procedure.secondPeriod != nil else {
                throw .eventNotAllowed(event: label, state: "refus de la première proposition (notifiez d'abord la proposition modifiée)")
            }
            next.sanctionNotifiedOn = now
            next.state = .sanctionNotified

        case .notifySanction:
            // Refusal is established only when the second period (held open by a requested hearing,
            // then by the deadline the ARS set after it) is over without signature (D162-15, D18).
            try procedure.period(\.secondPeriod).ensureOver(on: now, event: label)
            next.sanctionNotifiedOn = now
            next.state = .sanctionNotified

        case .startRecovery:
            next.state = .recoveryByCaisse

        case .takeEffect:
            if let effective = procedure.effectiveDate, now < effective { throw .notYetEffective(effective) }
            next.inForceSince = now
            next.state = .inForce
        }
        return next
    }

    /// The period of the current state must still be open on `now` (a pending hearing holds it).
    private func ensureCurrentPeriodOpen(on now: LocalDate, event: String) throws(ProcedureError) {
        switch state {
        case .period1Open, .observationsReceived:
            try period(\.firstPeriod).ensureOpen(on: now, event: event)
        case .period2Open, .hearingPending:
            try period(\.secondPeriod).ensureOpen(on: now, event: event)
        default:
            break
        }
    }

    private func period(_ path: KeyPath<ContractProcedure, ContradictoryPeriod?>) throws(ProcedureError) -> ContradictoryPeriod {
        guard let period = self[keyPath: path] else { throw .missingPeriod(state: state.description) }
        return period
    }
}
