import CAQESCore
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Small lists that every list page shows and that change only with a registry import: the
/// regions and departments, per scope the filter options, and the totals of filtered lists. Kept a
/// short while in memory (never data a decision depends on), so a page costs its own query, not
/// the lists around it.
final class ReferenceCache: Sendable {
    /// Filter options may lag a registry import by this much, on an instance that did not run it.
    static let lifetime: TimeInterval = 60

    struct FilterOptions: Sendable {
        let regions: Set<String>
        let departments: Set<String>
        let categories: [(code: String, label: String)]
    }

    /// How long a list's total may be reused: short, so that a registry import elsewhere shows soon.
    static let countLifetime: TimeInterval = 10
    /// At most this many totals are kept (search texts are free): past it, the cache starts again.
    static let maxCounts = 1_000

    private let counts = NIOLockedValueBox<[String: (Int, Date)]>([:])
    private let geography = NIOLockedValueBox<(regions: [Region], departments: [Department])?>(nil)
    private let options = NIOLockedValueBox<[AccessScope: (FilterOptions, Date)]>([:])

    func geography(_ load: () async throws -> (regions: [Region], departments: [Department])) async throws -> (regions: [Region], departments: [Department]) {
        if let cached = geography.withLockedValue({ $0 }) { return cached }
        let loaded = try await load()
        geography.withLockedValue { $0 = loaded }
        return loaded
    }

    func filterOptions(for scope: AccessScope, now: Date, _ load: () async throws -> FilterOptions) async throws -> FilterOptions {
        if let (cached, at) = options.withLockedValue({ $0[scope] }), now.timeIntervalSince(at) < Self.lifetime { return cached }
        let loaded = try await load()
        options.withLockedValue { $0[scope] = (loaded, now) }
        return loaded
    }

    /// The total of a filtered registry list, by scope and filter: every page of a list asks the
    /// same count, and the count is one of the three queries a list page makes.
    func count(key: String, now: Date, _ load: () async throws -> Int) async throws -> Int {
        if let (cached, at) = counts.withLockedValue({ $0[key] }), now.timeIntervalSince(at) < Self.countLifetime,
           now >= at { return cached }
        let loaded = try await load()
        counts.withLockedValue { counts in
            if counts.count >= Self.maxCounts { counts = [:] }
            counts[key] = (loaded, now)
        }
        return loaded
    }

    /// After a registry import in this instance: show the new lists at once.
    func invalidate() {
        options.withLockedValue { $0 = [:] }
        counts.withLockedValue { $0 = [:] }
    }
}

extension Application {
    private struct CacheKey: StorageKey { typealias Value = ReferenceCache }

    var referenceCache: ReferenceCache {
        get { storage[CacheKey.self]! }
        set { storage[CacheKey.self] = newValue }
    }
}
