import Foundation

/// The five establishment categories the 2018 grid scores separately (DOMAIN B.2.1).
public enum GridSector: String, Hashable, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case mco = "MCO"
    case had = "HAD"
    case dialysis = "Dialyse"
    case ssr = "SSR"
    case psy = "PSY"

    /// Reads a sector as grid files and forms write it; case and accents are forgiven, and
    /// « santé mentale » reads as PSY.
    public static func parse(_ text: String) -> GridSector? {
        let key = text.trimmingCharacters(in: .whitespaces)
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        switch key {
        case "mco": return .mco
        case "had": return .had
        case "dialyse", "dialysis": return .dialysis
        case "ssr", "smr": return .ssr
        case "psy", "sante mentale", "psychiatrie": return .psy
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .mco: return "MCO"
        case .had: return "HAD"
        case .dialysis: return "dialyse"
        case .ssr: return "SSR"
        case .psy: return "santé mentale (PSY)"
        }
    }

    public static func < (lhs: GridSector, rhs: GridSector) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
