/// A chapter of the grid: an article of the contract's mandatory part (10-1 … 10-6), or the
/// HAD-specific criteria.
public struct GridChapter: Hashable, Sendable, Codable {
    public let id: String
    public let title: String
    public var criteria: [GridCriterion]

    public init(id: String, title: String, criteria: [GridCriterion]) {
        self.id = id
        self.title = title
        self.criteria = criteria
    }
}
