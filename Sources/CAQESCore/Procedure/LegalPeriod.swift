import Foundation

/// A legal period of the CAQES procedures (D18), named as the CLI and stored records name it.
///
/// Raw values are the stable names: `contrat-1`, `contrat-2`, `evaluation-1`, `evaluation-2`,
/// `audition` (the deadline the ARS sets after a hearing).
public enum LegalPeriod: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// First contradictory period on a contract proposal: 21 days (3 weeks, D162-15).
    case contract1 = "contrat-1"
    /// Second period on the amended proposal: 15 days (D162-15), 14 where a region says "2 semaines".
    case contract2 = "contrat-2"
    /// First contradictory period on the evaluation report: 1 month (D162-16).
    case evaluation1 = "evaluation-1"
    /// Second contradictory period of the evaluation: 15 days (regional practice, OP-13).
    case evaluation2 = "evaluation-2"
    /// After a hearing, the ARS sets a new deadline: by default 7 days after it (D18).
    case afterHearing = "audition"

    /// How long the period runs, from the day after its start, under `settings`.
    public func length(_ settings: ProcedureSettings = .init()) -> PeriodLength {
        switch self {
        case .contract1: return .days(21)
        case .contract2: return .days(settings.secondContractPeriod.rawValue)
        case .evaluation1: return .months(1)
        case .evaluation2: return .days(15)
        case .afterHearing: return .days(settings.daysAfterHearing)
        }
    }

    /// Reads a stored or typed name; accents, case and spaces are forgiven (« Évaluation-1 »).
    public static func parse(_ text: String) throws(ProcedureError) -> LegalPeriod {
        let key = text.trimmingCharacters(in: .whitespaces)
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
            .replacingOccurrences(of: " ", with: "-")
            .replacingOccurrences(of: "_", with: "-")
        guard let period = LegalPeriod(rawValue: key) else { throw .unknownPeriod(text) }
        return period
    }

    /// French label, as a user reads it.
    public var description: String {
        switch self {
        case .contract1: return "première période contradictoire du contrat"
        case .contract2: return "seconde période contradictoire du contrat"
        case .evaluation1: return "première période contradictoire de l'évaluation"
        case .evaluation2: return "seconde période contradictoire de l'évaluation"
        case .afterHearing: return "délai fixé après l'audition"
        }
    }
}

/// A period length: calendar days, or months (same day number, clamped to the month's end).
public enum PeriodLength: Hashable, Sendable, CustomStringConvertible {
    case days(Int)
    case months(Int)

    /// French wording (« 21 jours », « 1 mois »).
    public var description: String {
        switch self {
        case .days(let n): return n == 1 ? "1 jour" : "\(n) jours"
        case .months(let n): return "\(n) mois"
        }
    }
}
