import Fluent

struct CreateImports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("imports")
            .id()
            .field("kind", .string, .required)
            .field("file_name", .string, .required)
            .field("file_sha256", .string, .required)
            .field("file_size", .int, .required)
            .field("actor_id", .uuid)
            .field("actor_label", .string, .required)
            .field("status", .string, .required)
            .field("rows_total", .int, .required)
            .field("rows_done", .int, .required)
            .field("created_count", .int, .required)
            .field("updated_count", .int, .required)
            .field("unchanged_count", .int, .required)
            .field("error_count", .int, .required)
            .field("dialect", .string)
            .field("message", .string)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        try await database.schema("import_errors")
            .id()
            .field("import_id", .uuid, .required, .references("imports", "id", onDelete: .cascade))
            .field("line", .int, .required)
            .field("column_name", .string, .required)
            .field("value", .string, .required)
            .field("reason", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("import_errors").delete()
        try await database.schema("imports").delete()
    }
}
