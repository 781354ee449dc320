import Fluent
import SQLKit

/// Measure values with their provenance (import and row), and the import columns they need.
struct CreateMeasureValues: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("measure_values")
            .id()
            .field("finess", .string, .required)
            .field("measure", .string, .required)
            .field("year", .int, .required)
            .field("kind", .string, .required)
            .field("value", .string)
            .field("raw", .string, .required)
            .field("mask_reason", .string)
            .field("source", .string, .required)
            .field("import_id", .uuid, .required, .references("imports", "id"))
            .field("line", .int, .required)
            .field("current", .bool, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "measure_values_lookup_idx").on("measure_values").column("finess").column("measure").column("year").run()
        try await sql.create(index: "measure_values_source_idx").on("measure_values").column("source").column("year").column("current").run()
        try await sql.create(index: "measure_values_import_idx").on("measure_values").column("import_id").run()
        // SQLite adds one column per ALTER TABLE.
        try await database.schema("imports").field("source", .string).update()
        try await database.schema("imports").field("years", .string).update()
        try await database.schema("imports").field("skipped_count", .int).update()
        try await database.schema("import_mappings")
            .field("name", .string, .identifier(auto: false))
            .field("definition", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("import_mappings").delete()
        for field in ["skipped_count", "years", "source"] {
            try await database.schema("imports").deleteField(.string(field)).update()
        }
        try await database.schema("measure_values").delete()
    }
}
