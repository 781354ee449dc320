import Fluent
import Foundation

/// Work that happens later, stored so that any instance can claim it and it survives a restart:
/// an import, the sending of a campaign's proposals, a deadline to act on (`run_at`). Progress, previews,
/// problems and failures live here, never in one instance's memory.
final class Job: Model, @unchecked Sendable {
    static let schema = "jobs"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "state") var state: String
    /// What to do (JSON of the kind's payload).
    @Field(key: "payload") var payload: String
    /// What came of it when it waits for a person (JSON: a preview, a file header).
    @OptionalField(key: "result") var result: String?
    @OptionalField(key: "message") var message: String?
    @OptionalField(key: "phase") var phase: String?
    @Field(key: "progress") var progress: Double
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_label") var actorLabel: String
    /// Regions of the establishments the job touches, comma-separated (scope of who may see it).
    @OptionalField(key: "regions") var regions: String?
    @OptionalField(key: "file_sha256") var fileSHA256: String?
    @OptionalField(key: "claimed_by") var claimedBy: String?
    @OptionalField(key: "heartbeat_at") var heartbeatAt: Date?
    @Field(key: "attempts") var attempts: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// Not before this instant (a deadline job); nil: as soon as possible.
    @OptionalField(key: "run_at") var runAt: Date?
    /// Optimistic lock: every write checks and bumps it.
    @Field(key: "version") var version: Int

    init() {}
}

/// Where a job stands, stored as its raw value.
enum JobState: String, Sendable, Codable, CaseIterable {
    case queued = "en attente"
    case running = "en cours"
    /// A wide file waits for its column mapping (a person's step).
    case awaitingMapping = "correspondance"
    /// A dry run's preview waits for confirmation (a person's step).
    case awaitingConfirmation = "aperçu"
    case done = "terminé"
    case refused = "refusé"
    case failed = "échoué"
    /// Nobody confirmed it in time: its file was cleaned up.
    case abandoned = "abandonné"

    var isWaitingForPerson: Bool { self == .awaitingMapping || self == .awaitingConfirmation }
    var isFinished: Bool { [.done, .refused, .failed, .abandoned].contains(self) }
}
