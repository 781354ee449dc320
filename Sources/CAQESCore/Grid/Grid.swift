import Foundation

/// A 2018-generation scoring grid (annexe 1 of the mandatory part), loaded from a YAML text.
///
/// Data, not code (D1): chapters, criteria, points per sector, thresholds, the share of points a
/// PR earns (half by default, D13) and the region's sanction scale. `GridScoring` scores an
/// establishment's answers; `GridSanction` turns the global % into a sanction.
public struct Grid: Hashable, Sendable, Codable {
    public let id: String
    public let title: String
    public let region: String?
    /// Share of a criterion's points a PR earns (0…1; 0,5 by default, OP-12).
    public let partialCredit: Decimal
    public var chapters: [GridChapter]
    public let sanctionScale: SanctionScale

    public init(id: String, title: String, region: String? = nil, partialCredit: Decimal = Decimal(string: "0.5")!,
                chapters: [GridChapter], sanctionScale: SanctionScale = SanctionScale()) throws(GridError) {
        guard partialCredit >= 0, partialCredit <= 1 else { throw .invalidPartialCredit(partialCredit) }
        self.id = id
        self.title = title
        self.region = region
        self.partialCredit = partialCredit
        self.chapters = chapters
        self.sanctionScale = sanctionScale
    }

    /// Every criterion, in chapter order.
    public var criteria: [GridCriterion] { chapters.flatMap(\.criteria) }

    public func criterion(_ id: String) -> GridCriterion? {
        criteria.first { $0.id == id }
    }

    /// Highest points of the grid for an establishment of `sectors` (every criterion applicable).
    public func maxPoints(for sectors: Set<GridSector>) -> Decimal {
        criteria.compactMap { $0.maxPoints(for: sectors) }.reduce(0, +)
    }

    /// This grid with the thresholds of a quantitative criterion set (by the region after the T0).
    public func settingThresholds(_ thresholds: QuantitativeThresholds, for id: String) throws(GridError) -> Grid {
        guard let criterion = criterion(id) else { throw .unknownCriterion(id) }
        guard criterion.isQuantitative else { throw .notQuantitative(id) }
        var copy = self
        for c in copy.chapters.indices {
            for k in copy.chapters[c].criteria.indices where copy.chapters[c].criteria[k].id == id {
                copy.chapters[c].criteria[k].measure = .quantitative(thresholds)
            }
        }
        return copy
    }
}
