import Fluent
import Foundation

/// One append-only, hash-chained line of the audit trail (D20).
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(custom: "seq", generatedBy: .user) var id: Int?
    @Field(key: "occurred_at") var occurredAt: Date
    /// Milliseconds since 1970, the exact time the hash covers (dates lose precision in storage).
    @Field(key: "occurred_ms") var occurredMilliseconds: Int64
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "action") var action: String
    @Field(key: "target") var target: String
    @Field(key: "details") var details: String
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
}
