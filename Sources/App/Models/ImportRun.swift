import CAQESCore
import Fluent
import Foundation

/// One file import: who, when, which file (SHA-256), how many rows, and how it ended.
final class ImportRun: Model, @unchecked Sendable {
    static let schema = "imports"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "file_sha256") var fileSHA256: String
    @Field(key: "file_size") var fileSize: Int
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "status") var status: String
    @Field(key: "rows_total") var rowsTotal: Int
    @Field(key: "rows_done") var rowsDone: Int
    @Field(key: "created_count") var createdCount: Int
    @Field(key: "updated_count") var updatedCount: Int
    @Field(key: "unchanged_count") var unchangedCount: Int
    @Field(key: "error_count") var errorCount: Int
    @OptionalField(key: "dialect") var dialect: String?
    @OptionalField(key: "message") var message: String?
    /// The source whose values a newer version replaces (measures imports).
    @OptionalField(key: "source") var source: String?
    /// Years the file covers, comma-separated.
    @OptionalField(key: "years") var years: String?
    @OptionalField(key: "skipped_count") var skippedCount: Int?
    /// Regions of the establishments the file carried, comma-separated (who may see the import).
    @OptionalField(key: "regions") var regions: String?
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?

    init() {}

    /// The one set-up of an import record: who, which file, when; counters at zero, running.
    init(id: UUID, kind: ImportKind, fileName: String, sha256: String, size: Int, actor: AuditActor, at date: Date) {
        self.id = id
        self.kind = kind.rawValue
        self.fileName = fileName
        self.fileSHA256 = sha256
        self.fileSize = size
        self.actorID = actor.id
        self.actorLabel = actor.label
        self.status = ImportStatus.running.rawValue
        self.rowsTotal = 0; self.rowsDone = 0
        self.createdCount = 0; self.updatedCount = 0; self.unchangedCount = 0; self.errorCount = 0
        self.startedAt = date
    }
}

/// One rejected row of an import.
final class ImportProblem: Model, @unchecked Sendable {
    static let schema = "import_errors"

    @ID(key: .id) var id: UUID?
    @Parent(key: "import_id") var importRun: ImportRun
    @Field(key: "line") var line: Int
    @Field(key: "column_name") var column: String
    @Field(key: "value") var value: String
    @Field(key: "reason") var reason: String

    init() {}
}

extension ImportProblem {
    /// Stores an import's problems (at most `limit`), in chunks; `prefix` marks skipped rows.
    static func store(_ problems: [RowProblem], importID: UUID, prefix: String = "", limit: Int = 10_000, on db: any Database) async throws {
        for chunk in Array(problems.prefix(limit)).chunked(into: 500) {
            try await chunk.map { problem in
                let row = ImportProblem()
                row.$importRun.id = importID
                row.line = problem.line
                row.column = problem.column
                row.value = String(problem.value.prefix(500))
                row.reason = prefix + problem.reason
                return row
            }.create(on: db)
        }
    }
}
