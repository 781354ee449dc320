import Foundation

/// Why a grid could not score an assessment or accept a setting; French messages (D22).
public enum GridError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidThresholds(realisedFrom: Decimal, partialFrom: Decimal)
    case unknownCriterion(String)
    case notQuantitative(String)
    case noSector
    case notApplicable(criterion: String, sectors: [GridSector])
    case missingAnswers([String])
    case wrongAnswerKind(criterion: String, expected: String)
    case thresholdsNotSet(String)
    case rateOutOfRange(criterion: String, rate: Decimal)
    case nothingApplicable
    case invalidPartialCredit(Decimal)

    public var description: String {
        switch self {
        case let .invalidThresholds(realised, partial):
            return "seuils invalides : R à partir de \(GridDecimal.french(realised)) %, PR à partir de "
                + "\(GridDecimal.french(partial)) % — il faut 0 ≤ seuil PR ≤ seuil R ≤ 100"
        case .unknownCriterion(let id):
            return "critère « \(id) » absent de la grille"
        case .notQuantitative(let id):
            return "critère « \(id) » : critère qualitatif, il n'a pas de seuils"
        case .noSector:
            return "aucun secteur d'activité (MCO, HAD, dialyse, SSR, PSY) indiqué pour l'établissement"
        case let .notApplicable(id, sectors):
            let list = sectors.sorted().map(\.description).joined(separator: ", ")
            return "critère « \(id) » : il ne s'applique pas aux secteurs de l'établissement (\(list))"
        case .missingAnswers(let ids):
            let count = ids.count == 1 ? "1 critère applicable" : "\(ids.count) critères applicables"
            return "\(count) sans réponse : \(ids.joined(separator: ", "))"
        case let .wrongAnswerKind(id, expected):
            return "critère « \(id) » : \(expected) attendu"
        case .thresholdsNotSet(let id):
            return "critère « \(id) » : seuils R/PR/NR non fixés pour ce critère quantitatif (à fixer après le T0)"
        case let .rateOutOfRange(id, rate):
            return "critère « \(id) » : taux \(GridDecimal.french(rate)) % hors de l'intervalle 0–100 %"
        case .nothingApplicable:
            return "aucun point applicable à l'établissement : le pourcentage global ne peut pas être calculé"
        case .invalidPartialCredit(let ratio):
            return "part des points accordée à un critère PR invalide (\(GridDecimal.french(ratio))) : entre 0 et 1 attendu"
        }
    }
}
