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
    /// lucratif", "Privé lucratif") and SAE `stjr` (1 public, 2 private for-profit, 3 private
    /// non-profit).
    ///
    /// The SAE order is the real files' one, not the order of this type: in `ID_2022r.csv`, the
    /// 1,296 rows with `stjr` 2 all have `espic` 0 (clinics), and of the establishments also in the
    /// status list, 1,243 with `stjr` 2 are « Privé lucratif » and 1,221 with `stjr` 3 are « Privé
    /// non lucratif ».
    public init?(sourceText: String) {
        let text = sourceText.trimmingCharacters(in: .whitespaces).lowercased()
        switch text {
        case "1", "public", "publique": self = .publicHospital
        case "3", "privé non lucratif", "prive non lucratif", "espic", "privé non lucratif (espic)": self = .privateNonProfit
        case "2", "privé lucratif", "prive lucratif", "privé", "prive": self = .privateForProfit
        default: return nil
        }
    }

    /// FINESS `codesph` (participation in the public hospital service) of a public health
    /// establishment, and its `libsph`.
    public static let finessPublicCode = "1"
    public static let finessPublicLabel = "Etablissement public de santé"

    /// What FINESS says of a legal entity's status, from the `codesph` of its sites: public when
    /// one says 1 (« Etablissement public de santé ») and none says another participation.
    ///
    /// Only the public status is read. The other codes do not name a status: in the extract of
    /// 08/01/2021 checked against the SAE 2022, codes 0 (non concerné), 6 (ESPIC) and 7 (privé non
    /// lucratif non ESPIC) each cover both private for-profit and non-profit establishments, and
    /// the 9 sites with 3 (PSPH par concession) are for-profit clinics. 9 (indéterminé) and an
    /// empty code say nothing.
    public static func fromFINESSPublicService<Codes: Sequence>(codes: Codes) -> LegalStatus?
        where Codes.Element == String? {
        var sawPublic = false
        for code in codes {
            let code = (code ?? "").trimmingCharacters(in: .whitespaces)
            switch code {
            case finessPublicCode: sawPublic = true
            case "", "9": continue
            default: return nil
            }
        }
        return sawPublic ? .publicHospital : nil
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
