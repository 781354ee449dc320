import Foundation

/// Why an incentive, a regional result, an envelope or a sanction cannot be computed.
public enum IncentiveError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownIndicator(String, catalogue: String)
    /// The indicator has no national incentive rule (regional, or informative).
    case notNationallyPaid(String)
    /// The indicator has no regional target.
    case noRegionalTarget(String)
    /// No indicator of the catalogue has a target (a national catalogue pays savings instead).
    case noTargets(catalogue: String)
    /// A contract rate above the indicator's cap (D3: the rate is the cap or lower).
    case rateAboveCap(indicator: String, rate: Decimal, cap: Decimal)
    case negativeRate(indicator: String, rate: Decimal)
    case negativeAmount(String, Decimal)
    /// A required measure value is missing (sanction base).
    case missingValue(subject: String, MissingValue)
    /// An evaluated year outside the catalogue's years of validity (D9).
    case yearOutsideValidity(catalogue: String, year: Int, validFrom: Int, validTo: Int)
    /// The catalogue lacks a parameter the computation needs (the refusal sanction rate).
    case missingParameter(catalogue: String, String)

    public var description: String {
        switch self {
        case let .unknownIndicator(code, catalogue):
            "Indicateur « \(code) » inconnu dans le catalogue « \(catalogue) »."
        case .notNationallyPaid(let code):
            "L’indicateur « \(code) » n’a pas de règle d’intéressement national."
        case .noRegionalTarget(let code):
            "L’indicateur « \(code) » n’a pas de cible régionale."
        case .noTargets(let catalogue):
            "Le catalogue « \(catalogue) » n’a aucun indicateur avec une cible : ses indicateurs se paient sur les économies (intéressement national)."
        case let .rateAboveCap(indicator, rate, cap):
            "Taux de \(Money.percent(rate)) pour l’indicateur \(indicator) : il dépasse le plafond de \(Money.percent(cap))."
        case let .negativeRate(indicator, rate):
            "Taux négatif (\(Money.percent(rate))) pour l’indicateur \(indicator)."
        case let .negativeAmount(what, amount):
            "Montant négatif pour \(what) : \(Money.format(amount))."
        case let .missingValue(subject, value):
            "Établissement \(subject) : donnée manquante \(value)."
        case let .yearOutsideValidity(catalogue, year, validFrom, validTo):
            "Le catalogue « \(catalogue) » s’applique aux années \(validFrom) à \(validTo) : l’année \(year) ne peut pas être évaluée avec lui."
        case let .missingParameter(catalogue, name):
            "Le catalogue « \(catalogue) » ne fixe pas le paramètre « \(name) »."
        }
    }
}
