import Foundation

/// One population of a `MeasureSet` seen at one year: the formula contexts of its members.
///
/// Every context of a frame shares the frame's statistics cache, so a quartile is computed once
/// per frame, not once per establishment (D6 statistics over the population).
public final class MeasureFrame: Sendable {
    let set: MeasureSet
    public let year: Int
    public let referenceYear: Int?
    public let population: CatalogueScope
    /// Indices into `set.members`, in set order.
    let memberIndices: [Int]
    let indicesByCategory: [String: [Int]]
    let cache = PopulationStatisticsCache()

    init(set: MeasureSet, year: Int, referenceYear: Int?, population: CatalogueScope) {
        self.set = set
        self.year = year
        self.referenceYear = referenceYear
        self.population = population
        let indices: [Int] = switch population {
        case .national: Array(set.members.indices)
        case .region(let code): set.members.indices.filter { set.members[$0].region == code }
        }
        self.memberIndices = indices
        var byCategory: [String: [Int]] = [:]
        for index in indices {
            if let category = set.members[index].category { byCategory[category, default: []].append(index) }
        }
        self.indicesByCategory = byCategory
    }

    /// The members of the population, in set order.
    public var members: [MeasureSet.Member] { memberIndices.map { set.members[$0] } }

    /// The context of one member; nil when `subject` is not in this population.
    public func context(for subject: String) -> MeasureContext? {
        guard let index = set.indexBySubject[subject], isMember(index) else { return nil }
        return MeasureContext(frame: self, index: index)
    }

    /// The contexts of every member, in set order.
    public var contexts: [MeasureContext] {
        memberIndices.map { MeasureContext(frame: self, index: $0) }
    }

    private func isMember(_ index: Int) -> Bool {
        switch population {
        case .national: true
        case .region(let code): set.members[index].region == code
        }
    }
}

/// The formula context of one establishment in a `MeasureFrame`.
public struct MeasureContext: FormulaContext {
    let frame: MeasureFrame
    let index: Int

    public var subject: String { frame.set.members[index].subject }
    public var year: Int { frame.year }
    public var referenceYear: Int? { frame.referenceYear }
    public var category: String? { frame.set.members[index].category }
    public var statisticsCache: PopulationStatisticsCache? { frame.cache }

    public func value(of measure: String, year: Int) -> MeasureValue? {
        frame.set.value(at: index, measure: measure, year: year)
    }

    public func population(category: String?) -> [any FormulaContext] {
        let indices = category.map { frame.indicesByCategory[$0] ?? [] } ?? frame.memberIndices
        return indices.map { MeasureContext(frame: frame, index: $0) }
    }
}
