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
    /// FINESS `codesph`: participation in the public hospital service (1 = « Etablissement public
    /// de santé »), the only hint of the legal status that the extract carries.
    public var publicServiceCode: String?
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

/// What parsing a whole file gave: the valid records, the problems (the first ones listed, the
/// others counted), and the notes on rows left out without refusing the file.
public struct ParseOutcome<Record: Sendable>: Sendable {
    public var records: [Record]
    public var problems: [RowProblem]
    /// Data rows read (header excluded).
    public var rowCount: Int
    /// Rows left out on purpose and reported, not errors (a spreadsheet's « Total » line, a
    /// duplicate that repeats the same value).
    public var notes: [RowProblem] = []
    /// Problems found but not listed: past `ReadLimits.maximumListedProblems`, `problems` ends
    /// with one line counting them (`RowProblem.isNotListedCount`).
    public var unlistedProblems = 0
    /// Notes found but not listed, counted the same way at the end of `notes`.
    public var unlistedNotes = 0

    public init(records: [Record], problems: [RowProblem], rowCount: Int, notes: [RowProblem] = []) {
        self.records = records
        self.problems = problems
        self.rowCount = rowCount
        self.notes = notes
    }

    init(records: [Record], problems: ProblemList, rowCount: Int, notes: ProblemList? = nil) {
        self.init(records: records, problems: problems.all, rowCount: rowCount, notes: notes?.all ?? [])
        unlistedProblems = problems.unlisted
        unlistedNotes = notes?.unlisted ?? 0
    }
}
