import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The time the application lives in. Handlers and services ask it, never `Date()`, so that a
/// test can set the legal date (D17) and move it forward.
final class AppClock: Sendable {
    private let offset = NIOLockedValueBox<(fixed: Date?, shift: TimeInterval)>((nil, 0))

    /// Now: the real time, or the time a test set.
    func now() -> Date {
        let state = offset.withLockedValue { $0 }
        return (state.fixed ?? Date()).addingTimeInterval(state.shift)
    }

    /// Stops the clock at `date` (tests).
    func set(_ date: Date) { offset.withLockedValue { $0 = (date, 0) } }

    /// Back to the real time (after `caqes demo` wrote its dated history).
    func useRealTime() { offset.withLockedValue { $0 = (nil, 0) } }

    /// Moves the clock forward by `interval` (tests).
    func advance(by interval: TimeInterval) { offset.withLockedValue { $0.shift += interval } }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = AppClock }

    /// The application's clock (real time unless a test set it).
    var clock: AppClock {
        if let clock = storage[ClockKey.self] { return clock }
        let clock = AppClock()
        storage[ClockKey.self] = clock
        return clock
    }
}

extension Request {
    /// Now, from the application's clock.
    var now: Date { application.clock.now() }
}
