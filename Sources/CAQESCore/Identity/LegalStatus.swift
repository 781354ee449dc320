/// Legal status of an establishment, which decides the contract holder level (D16).
public enum LegalStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case publicHospital = "public"
    case privateNonProfit = "espic"
    case privateForProfit = "prive"

    /// French label shown to users.
    public var label: String {
        switch self {
        case .publicHospital: "Public"
        case .privateNonProfit: "Privé non lucratif (ESPIC)"
        case .privateForProfit: "Privé lucratif"
        }
    }

    /// Reads the labels and codes found in real files: the status list ("Public", "Privé non
    /// lucratif", "Privé lucratif") and SAE `stjr` (1 public, 2 private non-profit, 3 for-profit).
    public init?(sourceText: String) {
        let text = sourceText.trimmingCharacters(in: .whitespaces).lowercased()
        switch text {
        case "1", "public", "publique": self = .publicHospital
        case "2", "privé non lucratif", "prive non lucratif", "espic", "privé non lucratif (espic)": self = .privateNonProfit
        case "3", "privé lucratif", "prive lucratif", "privé", "prive": self = .privateForProfit
        default: return nil
        }
    }

    /// The level at which the contract is signed: EJ for public hospitals, ET otherwise (D16, S4).
    public var holderLevel: HolderLevel {
        self == .publicHospital ? .legalEntity : .site
    }
}

/// Which FINESS signs the contract.
public enum HolderLevel: String, Sendable, Codable, Hashable {
    case legalEntity = "ej"
    case site = "et"
}

import Foundation
