import Fluent
import FluentSQL
import SQLKit

/// Corrective decisions and evaluation reminders: a decision belongs to a round (each corrective
/// decision starts the next one, so a step may be decided again), with a corrective decision's
/// ground, reason, the final decision already paid and a capped FIR share; an outbox message may
/// concern a self-assessment, whose state and deadline a reminder checks before it is sent; a
/// 2018-grid campaign keeps the thresholds its region set for the quantitative criteria; results
/// are indexed per holder.
struct CorrectiveDecisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            let sql = database as! any SQLDatabase
            if sql.dialect.name == "postgresql" {
                try await database.schema("evaluation_decisions").deleteUnique(on: "assessment_id", "step").update()
                try await Self.roundFields(database.schema("evaluation_decisions")).update()
            } else {
                // SQLite cannot drop a table constraint: the table is rebuilt. Nothing references
                // it (events and documents keep the decision's id without a foreign key).
                try await sql.raw("ALTER TABLE evaluation_decisions RENAME TO evaluation_decisions_005").run()
                try await Self.roundFields(database.schema("evaluation_decisions")
                    .id()
                    .field("assessment_id", .uuid, .required, .references("self_assessments", "id"))
                    .field("step", .string, .required)
                    .field("result_version", .int, .required)
                    .field("total_amount", .string, .required)
                    .field("created_at", .datetime, .required))
                    .create()
                try await sql.raw("""
                    INSERT INTO evaluation_decisions (id, assessment_id, step, result_version, total_amount, created_at, round)
                    SELECT id, assessment_id, step, result_version, total_amount, created_at, 1 FROM evaluation_decisions_005
                    """).run()
                try await sql.raw("DROP TABLE evaluation_decisions_005").run()
            }
            try await database.schema("outbox").field("assessment_id", .uuid).update()
            try await database.schema("evaluation_campaigns").field("grid_thresholds", .string).update()
            // A decision's lines are read per holder (its document, the payment file).
            try await sql.raw("CREATE INDEX evaluation_results_holder ON evaluation_results (campaign_id, version, holder_finess)").run()
        }
    }

    /// What 006 adds to a decision: its round, a corrective decision's ground and reason, the
    /// final decision already paid, a capped FIR share; one decision per step and round.
    static func roundFields(_ schema: SchemaBuilder) -> SchemaBuilder {
        schema
            .field("round", .int, .required, .sql(.default(1)))
            .field("ground", .string)
            .field("reason", .string)
            .field("settled_decision_id", .uuid)
            .field("fir_cap", .string)
            .unique(on: "assessment_id", "step", "round")
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX IF EXISTS evaluation_results_holder").run()
        try await database.schema("outbox").deleteField("assessment_id").update()
        try await database.schema("evaluation_campaigns").deleteField("grid_thresholds").update()
        // The rounds cannot be folded back into one decision per step: reverting keeps them.
    }
}
