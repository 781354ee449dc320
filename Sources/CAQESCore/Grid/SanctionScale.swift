import Foundation

/// A region's 2018 sanction scale (DOMAIN B.6.3, D13).
///
/// Sanction = ceil(gap / `pointsPerStep`) × `ratePerStepPercent` % of the AM products of year N-1,
/// where gap = regional target − global %, in points. Normandie: 0,01 % per 2 points (1–2 points
/// → 0,01 %, 3–4 → 0,02 %, …). The rounding up also settles gaps the slide leaves out (0,5 point →
/// 0,01 %; 4,5 points → 0,03 %, OP-12). Waived when the global % rose by at least
/// `waiverImprovementPoints` over the previous year (the slide's « augmentation significative »).
public struct SanctionScale: Hashable, Sendable, Codable {
    public let pointsPerStep: Decimal
    public let ratePerStepPercent: Decimal
    public let waiverImprovementPoints: Decimal

    public init(pointsPerStep: Decimal = 2, ratePerStepPercent: Decimal = Decimal(string: "0.01")!,
                waiverImprovementPoints: Decimal = 5) {
        self.pointsPerStep = pointsPerStep
        self.ratePerStepPercent = ratePerStepPercent
        self.waiverImprovementPoints = waiverImprovementPoints
    }
}
