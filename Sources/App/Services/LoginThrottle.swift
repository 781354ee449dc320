import Fluent
import Foundation

/// Refuses logins after too many failures for one account or one address (brute-force guard).
enum LoginThrottle {
    static let maxFailures = 10
    static let window: TimeInterval = 15 * 60

    /// When the next attempt is allowed, or nil if it is allowed now.
    static func retryAfter(email: String, address: String, now: Date, on db: any Database) async throws -> Date? {
        let since = now.addingTimeInterval(-window)
        for (field, value) in [(\LoginAttempt.$email, email), (\LoginAttempt.$address, address)] {
            let failures = try await LoginAttempt.query(on: db)
                .filter(field == value)
                .filter(\.$succeeded == false)
                .filter(\.$attemptedAt > since)
                .sort(\.$attemptedAt, .ascending)
                .all()
            if failures.count >= maxFailures {
                // The window slides: the oldest counted failure leaves it first.
                let oldestCounted = failures[failures.count - maxFailures].attemptedAt
                return oldestCounted.addingTimeInterval(window)
            }
        }
        return nil
    }

    static func record(email: String, address: String, succeeded: Bool, now: Date, on db: any Database) async throws {
        try await LoginAttempt(email: email, address: address, succeeded: succeeded, at: now).create(on: db)
    }
}
