import Foundation

/// The status of a grid criterion: réalisé, partiellement réalisé, non réalisé, non concerné.
public enum CriterionStatus: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case realised = "R"
    case partiallyRealised = "PR"
    case notRealised = "NR"
    case notConcerned = "NC"

    /// Reads a code (R, PR, NR, NC) or the French words.
    public static func parse(_ text: String) -> CriterionStatus? {
        let key = text.trimmingCharacters(in: .whitespaces)
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        switch key {
        case "r", "realise": return .realised
        case "pr", "partiellement realise": return .partiallyRealised
        case "nr", "non realise": return .notRealised
        case "nc", "non concerne": return .notConcerned
        default: return nil
        }
    }

    /// French label (« partiellement réalisé »).
    public var description: String {
        switch self {
        case .realised: return "réalisé"
        case .partiallyRealised: return "partiellement réalisé"
        case .notRealised: return "non réalisé"
        case .notConcerned: return "non concerné"
        }
    }
}
