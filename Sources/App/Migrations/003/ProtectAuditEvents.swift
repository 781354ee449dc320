import Fluent
import SQLKit

/// The database itself refuses UPDATE and DELETE on the audit trail (D20): the application never
/// issues them, so a row that changes can only have been changed behind its back. Triggers are
/// dialect-specific by nature: `AppendOnly` writes one per database.
struct ProtectAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await AppendOnly.protect("audit_events", on: database as! any SQLDatabase)
    }

    func revert(on database: any Database) async throws {
        try await AppendOnly.unprotect("audit_events", on: database as! any SQLDatabase)
    }
}
