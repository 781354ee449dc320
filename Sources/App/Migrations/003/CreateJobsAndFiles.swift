import Fluent
import SQLKit

/// Jobs claimed by any instance, and the file store's index.
struct CreateJobsAndFiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("stored_files")
            .field("sha256", .string, .identifier(auto: false))
            .field("size", .int64, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("jobs")
            .id()
            .field("kind", .string, .required)
            .field("state", .string, .required)
            .field("payload", .string, .required)
            .field("result", .string)
            .field("message", .string)
            .field("phase", .string)
            .field("progress", .double, .required)
            .field("actor_id", .uuid)
            .field("actor_label", .string, .required)
            .field("regions", .string)
            .field("file_sha256", .string)
            .field("claimed_by", .string)
            .field("heartbeat_at", .datetime)
            .field("attempts", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX jobs_state_created ON jobs (state, created_at)").run()
        try await sql.raw("CREATE INDEX user_sessions_user ON user_sessions (user_id)").run()
        // The registry list walks its scope's sites in name order and stops at the page's end.
        try await sql.create(index: "sites_name_idx").on("sites").column("name").column("finess").run()
        for column in ["region_code", "department_code", "holder_finess"] {
            try await sql.create(index: "sites_\(column)_name_idx").on("sites").column(column).column("name").column("finess").run()
        }
        // Imports remember the regions they touched, for scoped lists.
        try await database.schema("imports").field("regions", .string).update()
        // Accounts that two administrators may edit carry a version (optimistic locking).
        try await database.schema("users").field("version", .int, .required, .sql(.default(1))).update()
        // Saved mappings belong to a region, or are global (made by an administrator).
        try await database.schema("import_mappings").field("region_code", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("import_mappings").deleteField("region_code").update()
        try await database.schema("users").deleteField("version").update()
        try await database.schema("imports").deleteField("regions").update()
        try await database.schema("jobs").delete()
        try await database.schema("stored_files").delete()
    }
}
