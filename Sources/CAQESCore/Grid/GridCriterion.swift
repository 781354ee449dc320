import Foundation

/// One criterion of the 2018 grid, with its points per sector (DOMAIN B.2.1, D13).
///
/// A criterion applies to an establishment when it has points for at least one of its sectors;
/// an establishment with several sectors (MCO + SSR) is scored on the highest of those points,
/// once. Qualitative criteria take R/PR/NR/NC; quantitative ones take a rate and their thresholds
/// give the status (or NC).
public struct GridCriterion: Hashable, Sendable, Codable {
    /// How the criterion is judged.
    public enum Measure: Hashable, Sendable, Codable {
        case qualitative
        /// A rate in %; thresholds nil until the region fixes them after the T0 baseline.
        case quantitative(QuantitativeThresholds?)
    }

    public let id: String
    /// The criterion number in the regional Excel file, when known (e.g. 55).
    public let number: Int?
    public let label: String
    public let points: [GridSector: Decimal]
    public var measure: Measure

    public init(id: String, number: Int? = nil, label: String, points: [GridSector: Decimal], measure: Measure) {
        self.id = id
        self.number = number
        self.label = label
        self.points = points
        self.measure = measure
    }

    /// The points at stake for an establishment of `sectors`, nil when the criterion does not apply.
    public func maxPoints(for sectors: Set<GridSector>) -> Decimal? {
        sectors.compactMap { points[$0] }.max()
    }

    public var isQuantitative: Bool {
        if case .quantitative = measure { return true }
        return false
    }
}
