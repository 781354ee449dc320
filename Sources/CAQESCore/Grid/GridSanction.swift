import Foundation

/// The 2018 sanction for missing the regional target, with its explanation (D13, DOMAIN B.6.3).
public struct GridSanction: Hashable, Sendable, Codable {
    /// Why the amount is what it is.
    public enum Outcome: String, Hashable, Sendable, Codable {
        /// Gap ≤ 0: target reached.
        case targetMet = "target_met"
        /// Target missed but the global % rose by at least the region's waiver points.
        case waived = "waived"
        /// Sanction due.
        case due = "due"
    }

    public let outcome: Outcome
    /// Regional target − global %, in points.
    public let gap: Decimal
    /// ceil(gap / points per step), 0 unless due.
    public let steps: Decimal
    /// Sanction rate in % of the AM products N-1 (0,03 for 0,03 %), 0 unless due.
    public let ratePercent: Decimal
    /// Rounded to the cent, half away from zero (D7); 0 unless due.
    public let amount: Decimal
    /// French explanation showing the calculation (D21).
    public let explanation: String

    /// Computes the sanction of an establishment at `globalPercentage` against `target` (both in %).
    ///
    /// `previousPercentage` is last year's global %, nil in the first year (no waiver possible).
    /// DOMAIN B.8 ex. 14: target 70, ES 65 → gap 5 → 3 steps → 0,03 % of 80 000 000 € = 24 000,00 €.
    public static func compute(globalPercentage: Decimal, target: Decimal, previousPercentage: Decimal?,
                               insuranceProductsPreviousYear products: Decimal,
                               scale: SanctionScale = SanctionScale()) -> GridSanction {
        let gap = target - globalPercentage
        let f = GridDecimal.french
        guard gap > 0 else {
            return GridSanction(outcome: .targetMet, gap: gap, steps: 0, ratePercent: 0, amount: 0,
                                explanation: "cible régionale de \(f(target)) % atteinte (\(f(globalPercentage)) %) : aucune sanction")
        }
        if let previous = previousPercentage, globalPercentage - previous >= scale.waiverImprovementPoints {
            let rise = globalPercentage - previous
            return GridSanction(outcome: .waived, gap: gap, steps: 0, ratePercent: 0, amount: 0,
                                explanation: "écart de \(f(gap)) points à la cible, mais progression de \(f(rise)) points "
                                    + "(\(f(previous)) % → \(f(globalPercentage)) %, seuil \(f(scale.waiverImprovementPoints))) : "
                                    + "pas de sanction")
        }
        let steps = GridDecimal.ceiling(gap / scale.pointsPerStep)
        let rate = steps * scale.ratePerStepPercent
        let amount = GridDecimal.rounded(products * rate / 100, scale: 2)
        return GridSanction(outcome: .due, gap: gap, steps: steps, ratePercent: rate, amount: amount,
                            explanation: "écart de \(f(gap)) points à la cible de \(f(target)) % → "
                                + "\(f(steps)) × \(f(scale.ratePerStepPercent)) % = \(f(rate)) % des produits "
                                + "d'assurance maladie N-1 (\(GridDecimal.euros(products))) = \(GridDecimal.euros(amount))")
    }
}
