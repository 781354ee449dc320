import SQLKit

/// Makes a table append-only in the database itself (D20): UPDATE and DELETE raise, on
/// PostgreSQL through a trigger function, on SQLite through two triggers.
enum AppendOnly {
    static func protect(_ table: String, on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION \(unsafeRaw: table)_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '\(unsafeRaw: table) is append-only'; END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_append_only BEFORE UPDATE OR DELETE ON \(unsafeRaw: table)
                FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: table)_append_only()
                """).run()
        } else {
            for operation in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: table)_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON \(unsafeRaw: table)
                    BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: table) is append-only'); END
                    """).run()
            }
        }
    }

    static func unprotect(_ table: String, on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_append_only ON \(unsafeRaw: table)").run()
            try await sql.raw("DROP FUNCTION IF EXISTS \(unsafeRaw: table)_append_only()").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_no_update").run()
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_no_delete").run()
        }
    }
}
