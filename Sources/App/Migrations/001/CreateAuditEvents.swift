import Fluent

struct CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .field("seq", .int64, .identifier(auto: false))
            .field("occurred_at", .datetime, .required)
            .field("occurred_ms", .int64, .required)
            .field("actor_id", .uuid)
            .field("actor_label", .string, .required)
            .field("action", .string, .required)
            .field("target", .string, .required)
            .field("details", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").delete()
    }
}
