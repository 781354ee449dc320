import Fluent
import SQLKit

/// Targeting campaigns (immutable snapshots), overrides, contracts, their append-only event log
/// (D20) and documents; jobs gain a due time (deadline jobs).
struct CreateContracting: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("targeting_campaigns")
            .id()
            .field("region_code", .string, .required)
            .field("year", .int, .required)
            .field("catalogues", .string, .required)
            .field("data_versions", .string, .required)
            .field("run_number", .int, .required)
            .field("previous_id", .uuid)
            .field("frozen_on", .string)
            .field("frozen_by", .string)
            .field("frozen_at", .datetime)
            .field("created_by_id", .uuid)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.schema("targeting_results")
            .id()
            .field("campaign_id", .uuid, .required, .references("targeting_campaigns", "id"))
            .field("holder_finess", .string, .required)
            .field("holder_name", .string, .required)
            .field("catalogue_id", .string, .required)
            .field("indicator", .string, .required)
            .field("regional", .bool, .required)
            .field("outcome", .string, .required)
            .field("reason", .string, .required)
            .field("criteria", .string, .required)
            .create()
        try await database.schema("targeting_overrides")
            .id()
            .field("campaign_id", .uuid, .required, .references("targeting_campaigns", "id"))
            .field("holder_finess", .string, .required)
            .field("indicator", .string, .required)
            .field("included", .bool, .required)
            .field("reason", .string, .required)
            .field("author_id", .uuid)
            .field("author", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "campaign_id", "holder_finess", "indicator")
            .create()
        try await database.schema("contracts")
            .id()
            .field("campaign_id", .uuid, .required, .references("targeting_campaigns", "id"))
            .field("kind", .string, .required)
            .field("parent_id", .uuid)
            .field("holder_finess", .string, .required)
            .field("holder_name", .string, .required)
            .field("legal_entity_finess", .string, .required)
            .field("region_code", .string, .required)
            .field("department_code", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("am_products", .string, .required)
            .field("am_products_year", .int, .required)
            .field("indicators", .string, .required)
            .field("options", .string, .required)
            .field("state", .string, .required)
            .field("deadline", .string)
            .field("waiting_on", .string, .required)
            .field("exit_on", .string)
            .field("exit_reason", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "campaign_id", "holder_finess", "kind")
            .create()
        try await database.schema("contract_events")
            .id()
            .field("contract_id", .uuid, .required, .references("contracts", "id"))
            .field("seq", .int, .required)
            .field("act", .string, .required)
            .field("entry", .string, .required)
            .field("details", .string, .required)
            .field("actor_id", .uuid)
            .field("actor", .string, .required)
            .field("actor_role", .string)
            .field("legal_date", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("document_sha256", .string)
            .unique(on: "contract_id", "seq")
            .create()
        try await database.schema("contract_documents")
            .id()
            .field("contract_id", .uuid, .required, .references("contracts", "id"))
            .field("type", .string, .required)
            .field("version", .int, .required)
            .field("sha256", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "sha256")
            .unique(on: "contract_id", "type", "version")
            .create()
        try await database.schema("outbox")
            .id()
            .field("recipient", .string, .required)
            .field("recipient_name", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("contract_id", .uuid)
            .field("kind", .string, .required)
            .field("send_after", .datetime, .required)
            .field("expect_state", .string)
            .field("expect_deadline", .string)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("last_error", .string)
            .field("sent_at", .datetime)
            .field("file", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("jobs").field("run_at", .datetime).update()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX targeting_results_campaign ON targeting_results (campaign_id, holder_finess)").run()
        try await sql.raw("CREATE INDEX contracts_region_state ON contracts (region_code, state)").run()
        try await sql.raw("CREATE INDEX contracts_holder ON contracts (holder_finess)").run()
        try await sql.raw("CREATE INDEX outbox_due ON outbox (state, send_after)").run()
        // The event log, like the audit trail, is append-only in the database itself (D20).
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION contract_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'contract_events is append-only'; END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER contract_events_append_only BEFORE UPDATE OR DELETE ON contract_events
                FOR EACH ROW EXECUTE FUNCTION contract_events_append_only()
                """).run()
        } else {
            for operation in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER contract_events_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON contract_events
                    BEGIN SELECT RAISE(ABORT, 'contract_events is append-only'); END
                    """).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS contract_events_append_only ON contract_events").run()
            try await sql.raw("DROP FUNCTION IF EXISTS contract_events_append_only()").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS contract_events_no_update").run()
            try await sql.raw("DROP TRIGGER IF EXISTS contract_events_no_delete").run()
        }
        try await database.schema("jobs").deleteField("run_at").update()
        for table in ["outbox", "contract_documents", "contract_events", "contracts", "targeting_overrides", "targeting_results", "targeting_campaigns"] {
            try await database.schema(table).delete()
        }
    }
}
