import Fluent
import SQLKit

struct CreateRegistry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("legal_entities")
            .field("finess", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("department_code", .string, .required)
            .field("region_code", .string)
            .field("legal_status", .string)
            .create()
        try await database.schema("sites")
            .field("finess", .string, .identifier(auto: false))
            .field("legal_entity_finess", .string, .required)
            .field("name", .string, .required)
            .field("category_code", .string)
            .field("category_label", .string)
            .field("aggregate_code", .string)
            .field("aggregate_label", .string)
            .field("department_code", .string, .required)
            .field("region_code", .string)
            .field("address", .string)
            .field("postal_code", .string)
            .field("city", .string)
            .field("siret", .string)
            .field("opened_on", .string)
            .field("legal_status", .string)
            .field("status_source", .string)
            .field("holder_finess", .string, .required)
            .field("source", .string, .required)
            .field("source_date", .string, .required)
            .field("search_text", .string, .required)
            .field("row_hash", .string, .required)
            .field("key_valid", .bool, .required)
            .field("updated_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        for column in ["region_code", "department_code", "holder_finess", "legal_entity_finess", "aggregate_code"] {
            try await sql.create(index: "sites_\(column)_idx").on("sites").column(column).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sites").delete()
        try await database.schema("legal_entities").delete()
    }
}
