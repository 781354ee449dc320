import CAQESCore

/// One establishment (ET) of a FINESS extract, validated.
public struct SiteRecord: Sendable, Equatable {
    public var finess: FINESS
    public var legalEntity: FINESS
    public var name: String
    public var categoryCode: String?
    public var categoryLabel: String?
    public var aggregateCode: String?
    public var aggregateLabel: String?
    public var address: String?
    public var postalCode: String?
    public var city: String?
    public var siret: String?
    public var openedOn: String?
    public var updatedOn: String?
    /// False when the file's key is wrong and the import was told to accept such rows (D15).
    public var keyValid: Bool
    public var line: Int
}

/// One legal status line (status list or SAE identification file).
public struct StatusRecord: Sendable, Equatable {
    public var finess: FINESS
    public var legalEntity: FINESS?
    public var status: LegalStatus
    public var line: Int
}

/// What parsing a whole file gave: the valid records, or the full list of problems.
public struct ParseOutcome<Record: Sendable>: Sendable {
    public var records: [Record]
    public var problems: [RowProblem]
    /// Data rows read (header excluded).
    public var rowCount: Int
    /// Rows left out on purpose and reported, not errors (a spreadsheet's « Total » line).
    public var notes: [RowProblem] = []

    public init(records: [Record], problems: [RowProblem], rowCount: Int, notes: [RowProblem] = []) {
        self.records = records
        self.problems = problems
        self.rowCount = rowCount
        self.notes = notes
    }
}
