/// A sheet read as a table, with the same surface as `CSVReader`: a header and `CSVRecord`s whose
/// `line` is the sheet's row number, so one import path serves CSV and XLSX files.
///
/// - Header row: the given one, else the first of the first 20 rows filled at least half as much
///   as the fullest of them (title lines above a table are skipped).
/// - Records have the header's width: missing cells are empty (a sheet stores no trailing empty
///   cells); cells right of the header are ignored. Empty rows are skipped.
/// - Field text is `XLSXCell.text`: numbers with a `.` point, dates as `2024-03-01`.
public struct XLSXTable: Sendable {
    public let sheetName: String
    public let header: [String]
    /// Row number of the header in the sheet (1-based).
    public let headerRowNumber: Int
    public let records: [CSVRecord]
    /// The typed cells of each record, in the same order as `records`.
    public let rows: [XLSXRow]
    let foldedHeader: [String]

    public init(sheetName: String, rows sheetRows: [XLSXRow], headerRow: Int? = nil) throws(XLSXError) {
        let filled = sheetRows.filter { $0.cells.contains { $0 != .empty } }
        let headerIndex: Int
        if let headerRow {
            guard let index = filled.firstIndex(where: { $0.number == headerRow }) else { throw .emptySheet(sheetName) }
            headerIndex = index
        } else {
            let counts = filled.prefix(20).map { row in row.cells.filter { $0 != .empty }.count }
            guard let most = counts.max() else { throw .emptySheet(sheetName) }
            headerIndex = counts.firstIndex { $0 * 2 >= most } ?? 0
        }
        let headerCells = filled[headerIndex].cells
        let width = (headerCells.lastIndex { $0 != .empty } ?? -1) + 1
        self.sheetName = sheetName
        self.headerRowNumber = filled[headerIndex].number
        self.header = headerCells.prefix(width).map { CSVReader.trim($0.text) }
        self.foldedHeader = header.map(CSVReader.fold)
        var records: [CSVRecord] = [], rows: [XLSXRow] = []
        for row in filled[(headerIndex + 1)...] {
            let cells = (0..<width).map { $0 < row.cells.count ? row.cells[$0] : .empty }
            guard cells.contains(where: { $0 != .empty }) else { continue }
            records.append(CSVRecord(line: row.number, fields: cells.map(\.text)))
            rows.append(XLSXRow(number: row.number, cells: cells))
        }
        self.records = records
        self.rows = rows
    }

    /// Index of a column: exact name first, then ignoring case, accents, spaces, `_` and `-`.
    public func columnIndex(_ name: String) -> Int? {
        header.firstIndex(of: name) ?? foldedHeader.firstIndex(of: CSVReader.fold(name))
    }

    /// Indexes of the given columns, in order; throws `missingColumns` naming every absent one.
    public func requireColumns(_ names: [String]) throws(XLSXError) -> [Int] {
        var indexes: [Int] = [], missing: [String] = []
        for name in names {
            if let index = columnIndex(name) { indexes.append(index) } else { missing.append(name) }
        }
        guard missing.isEmpty else { throw .missingColumns(missing, available: header) }
        return indexes
    }
}
