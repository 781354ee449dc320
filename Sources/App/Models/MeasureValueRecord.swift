import Fluent
import Foundation

/// One stored measure value, with the import and the row it came from. Values are kept as
/// decimal text so that amounts stay exact on SQLite and PostgreSQL alike.
final class MeasureValueRecord: Model, @unchecked Sendable {
    static let schema = "measure_values"

    @ID(key: .id) var id: UUID?
    @Field(key: "finess") var finess: String
    @Field(key: "measure") var measure: String
    @Field(key: "year") var year: Int
    /// `number`, `grade` or `masked`.
    @Field(key: "kind") var kind: String
    @OptionalField(key: "value") var value: String?
    @Field(key: "raw") var raw: String
    @OptionalField(key: "mask_reason") var maskReason: String?
    @Field(key: "source") var source: String
    @Field(key: "import_id") var importID: UUID
    @Field(key: "line") var line: Int
    /// False once a newer version of the same source and year replaced it (kept for history).
    @Field(key: "current") var current: Bool

    init() {}
}

/// A saved column mapping for wide files, reused by name.
final class ImportMappingRecord: Model, @unchecked Sendable {
    static let schema = "import_mappings"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "definition") var definition: String
    @Field(key: "created_by") var createdBy: String
    /// The region the mapping belongs to; nil for a global mapping (administrator).
    @OptionalField(key: "region_code") var regionCode: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}
