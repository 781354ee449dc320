/// One contradictory period (période contradictoire): receipt, deadline, observations, hearing.
///
/// Shared by the contract procedure and the evaluation. Rules (D18, D19): the period runs from
/// the earliest proven receipt; observations count only until the last day; a hearing requested
/// in time holds the period open until the ARS records it, and the ARS then sets the new deadline
/// (by default `daysAfterHearing` after the hearing, moved to a working day like any last day).
public struct ContradictoryPeriod: Hashable, Sendable, Codable {
    public let period: LegalPeriod
    public private(set) var receipt: ReceiptProof
    public private(set) var deadline: Deadline
    public private(set) var observationsReceivedOn: LocalDate?
    public private(set) var hearingRequested: Bool
    public private(set) var hearingHeldOn: LocalDate?

    /// Opens `period` on `receipt`.
    public init(period: LegalPeriod, receipt: ReceiptProof, settings: ProcedureSettings = .init()) {
        self.init(period: period, receipt: receipt,
                  deadline: Deadline.compute(from: receipt.receivedOn, period: period, settings: settings))
    }

    /// Restores a stored period as it was.
    public init(period: LegalPeriod, receipt: ReceiptProof, deadline: Deadline,
                observationsReceivedOn: LocalDate? = nil, hearingRequested: Bool = false,
                hearingHeldOn: LocalDate? = nil) {
        self.period = period
        self.receipt = receipt
        self.deadline = deadline
        self.observationsReceivedOn = observationsReceivedOn
        self.hearingRequested = hearingRequested
        self.hearingHeldOn = hearingHeldOn
    }

    /// A hearing was requested and the ARS has not recorded it yet.
    public var isHearingPending: Bool { hearingRequested && hearingHeldOn == nil }

    /// Records the establishment's observations (and hearing request) received on `today`.
    func receivingObservations(on today: LocalDate, hearingRequested wantsHearing: Bool,
                               event: String) throws(ProcedureError) -> ContradictoryPeriod {
        if deadline.hasExpired(on: today) && !isHearingPending {
            throw .tooLate(event: event, date: today, lastDay: deadline.lastDay)
        }
        var next = self
        next.observationsReceivedOn = next.observationsReceivedOn ?? today
        if wantsHearing && hearingHeldOn == nil { next.hearingRequested = true }
        return next
    }

    /// Records the hearing held on `heldOn`; the new deadline is `lastDay` when the ARS gives one.
    func recordingHearing(heldOn: LocalDate, lastDay: LocalDate?, today: LocalDate,
                          settings: ProcedureSettings) throws(ProcedureError) -> ContradictoryPeriod {
        guard hearingRequested else { throw .hearingNotRequested }
        if let held = hearingHeldOn { throw .hearingAlreadyRecorded(held) }
        guard heldOn <= today else { throw .dateInFuture(what: "de l'audition", date: heldOn, today: today) }
        var next = self
        next.hearingHeldOn = heldOn
        if let lastDay {
            guard lastDay >= heldOn else { throw .deadlineBeforeHearing(deadline: lastDay, hearing: heldOn) }
            next.deadline = .setByARS(after: heldOn, lastDay: lastDay)
        } else {
            next.deadline = .compute(from: heldOn, period: .afterHearing, settings: settings)
        }
        return next
    }

    /// Takes a further proof of receipt into account: an earlier one moves the start (D19),
    /// unless a hearing has already replaced the deadline.
    func recordingReceipt(_ proof: ReceiptProof, settings: ProcedureSettings) -> ContradictoryPeriod {
        guard let earliest = ReceiptProof.earliest([receipt, proof]), earliest != receipt else { return self }
        var next = self
        next.receipt = earliest
        if hearingHeldOn == nil {
            next.deadline = .compute(from: earliest.receivedOn, period: period, settings: settings)
        }
        return next
    }

    /// Refuses `event` once the period is over on `today` (a pending hearing holds it open).
    func ensureOpen(on today: LocalDate, event: String) throws(ProcedureError) {
        if deadline.hasExpired(on: today) && !isHearingPending {
            throw .tooLate(event: event, date: today, lastDay: deadline.lastDay)
        }
    }

    /// Refuses `event` while the period is still open on `today` or a hearing is pending.
    func ensureOver(on today: LocalDate, event: String) throws(ProcedureError) {
        if isHearingPending { throw .hearingPending }
        guard deadline.hasExpired(on: today) else {
            throw .deadlineNotReached(event: event, lastDay: deadline.lastDay)
        }
    }
}
