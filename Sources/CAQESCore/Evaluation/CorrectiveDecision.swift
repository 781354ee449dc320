import Foundation

/// Why a final decision on an evaluation may be withdrawn (code des relations entre le public et
/// l'administration, L242-1 to L242-4): a decision that grants an incentive creates rights.
///
/// - `illegalite`: the decision is illegal (a calculation error, a wrong value retained); the
///   administration withdraws it on its own only within four months of the decision (L242-1).
/// - `demande_beneficiaire`: the establishment asks for it (a recours gracieux upheld); allowed at
///   any time, but only to replace it with a decision more favourable to the establishment (L242-4).
public enum CorrectionGround: String, Sendable, CaseIterable, Codable, Hashable, CustomStringConvertible {
    case illegality = "illegalite"
    case beneficiaryRequest = "demande_beneficiaire"

    /// How long after the final decision the ground may be used; nil: without time limit.
    public var monthsAllowed: Int? { self == .illegality ? 4 : nil }

    /// The last day the final decision of `decidedOn` may be withdrawn on this ground, if any:
    /// four months end on the same day number of the fourth month, or that month's last day (D17).
    public func lastDay(after decidedOn: LocalDate) -> LocalDate? {
        monthsAllowed.map { decidedOn.adding(months: $0) }
    }

    /// Checks that the final decision of `decidedOn` may still be withdrawn on this ground today.
    public func check(decidedOn: LocalDate, today: LocalDate) throws(CorrectionError) {
        if let last = lastDay(after: decidedOn), today > last {
            throw .tooLate(decidedOn: decidedOn, lastDay: last)
        }
    }

    /// What a decision's amount is for the establishment: an incentive it receives, or a
    /// sanction (2018 grid, D13) it pays.
    public enum Stake: Sendable, Equatable { case incentive, sanction }

    /// Checks the amount the corrected decisions state against the withdrawn final decision's: on
    /// the beneficiary's request the new decision may only be more favourable — a higher
    /// incentive, a lower sanction; equal is allowed: the correction may change the facts retained
    /// without changing the amount.
    public func check(corrected: Decimal, withdrawn: Decimal, stake: Stake = .incentive) throws(CorrectionError) {
        guard self == .beneficiaryRequest else { return }
        if stake == .incentive ? corrected < withdrawn : corrected > withdrawn {
            throw .lessFavourable(corrected: corrected, withdrawn: withdrawn)
        }
    }

    public var description: String {
        switch self {
        case .illegality: "décision illégale, retirée dans les quatre mois (article L242-1 du code des relations entre le public et l'administration)"
        case .beneficiaryRequest: "demande de l'établissement, pour une décision plus favorable (article L242-4 du code des relations entre le public et l'administration)"
        }
    }
}

/// Why a corrective decision, or the decision that follows it, is refused.
public enum CorrectionError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLate(decidedOn: LocalDate, lastDay: LocalDate)
    case lessFavourable(corrected: Decimal, withdrawn: Decimal)

    public var description: String {
        switch self {
        case let .tooLate(decidedOn, lastDay):
            "la décision définitive du \(decidedOn) ne peut plus être retirée pour illégalité depuis le \(lastDay.adding(days: 1)) (quatre mois, article L242-1 du CRPA) : seule une demande de l'établissement permet encore de la remplacer par une décision plus favorable"
        case let .lessFavourable(corrected, withdrawn):
            "retirée à la demande de l'établissement, la décision ne peut être remplacée que par une décision plus favorable (article L242-4 du CRPA) : \(Money.format(corrected)) au lieu de \(Money.format(withdrawn))"
        }
    }
}

extension RegionalEnvelope {
    /// The FIR share of an establishment whose results are corrected after the other
    /// establishments' decisions: the share recomputed over the region, but never more than what
    /// the envelope still holds once the others' decided shares are counted (D12: never more than
    /// the envelope). The others' decisions are not reopened by somebody else's correction.
    public static func correctedShare(recomputed: Decimal, envelope: Decimal, decidedForOthers: Decimal) -> (amount: Decimal, capped: Bool) {
        let remaining = max(0, Money.truncateToCent(envelope) - decidedForOthers)
        return recomputed > remaining ? (remaining, true) : (recomputed, false)
    }
}
