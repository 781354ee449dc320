import NIOConcurrencyHelpers
import Vapor

/// Where a running import stands, for the CLI progress line and the page's progress bar.
struct ImportProgress: Sendable, Codable {
    var phase: String
    var fraction: Double
    var rows: Int

    var percent: Int { Int((fraction * 100).rounded(.down)) }
}

/// Progress of imports running in this instance (held in memory; the final figures are stored
/// in the `imports` table).
final class ImportProgressBoard: Sendable {
    private let state = NIOLockedValueBox<[UUID: ImportProgress]>([:])

    func set(_ id: UUID, _ progress: ImportProgress) { state.withLockedValue { $0[id] = progress } }
    func get(_ id: UUID) -> ImportProgress? { state.withLockedValue { $0[id] } }
    func clear(_ id: UUID) { _ = state.withLockedValue { $0.removeValue(forKey: id) } }
}

extension Application {
    private struct BoardKey: StorageKey { typealias Value = ImportProgressBoard }

    var importProgress: ImportProgressBoard {
        if let board = storage[BoardKey.self] { return board }
        let board = ImportProgressBoard()
        storage[BoardKey.self] = board
        return board
    }
}
