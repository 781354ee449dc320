import Fluent

struct CreateGeography: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("regions")
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .create()
        try await database.schema("departments")
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("region_code", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("departments").delete()
        try await database.schema("regions").delete()
    }
}
