#if canImport(ZIPFoundation)
import Foundation
import ZIPFoundation

/// Writes an `.xlsx` workbook (Office Open XML) of one or more sheets of typed cells, for exports
/// that users open in Excel or LibreOffice: each sheet has a bold header row, frozen so that it
/// stays visible, with a filter on it and set column widths.
///
/// - Numbers are written from the `Decimal`'s own digits, never through `Double`, so the file
///   holds exactly the value computed (Excel itself then keeps 15 significant digits).
/// - Text goes to the shared-strings part, escaped for XML; characters XML 1.0 cannot carry
///   (control characters other than tab, line feed and carriage return) are dropped. A text cell
///   is never evaluated, so a value starting with `=` stays text.
/// - The same input gives the same bytes (fixed dates in the archive and in the document
///   properties, parts in a fixed order), so a document's SHA-256 identifies its content. The
///   compressed bytes come from the platform's deflate (zlib on Linux): stable on one platform,
///   not guaranteed identical between Linux and macOS.
public struct XLSXWriter: Sendable {
    /// A column of a sheet: its header title and its width in characters of the default font.
    public struct Column: Sendable, Equatable, Hashable {
        public var title: String
        /// Width in characters (Excel's unit); nil estimates it from the longest value of the
        /// column, since neither Excel nor LibreOffice fits columns when a file opens.
        public var width: Double?

        public init(title: String, width: Double? = nil) {
            self.title = title
            self.width = width
        }
    }

    /// A typed cell. Its number format is chosen here, so that a user sorting or summing the
    /// column in a spreadsheet works on numbers and dates, not on text.
    public enum Cell: Sendable, Equatable, Hashable {
        case text(String)
        /// Shown as Excel's default (General) shows it.
        case number(Decimal)
        /// An amount in euros shown with two decimals, `1 234,50 €` in a French Excel. The value
        /// is stored as given: rounding it to the cent is the caller's decision.
        case money(Decimal)
        /// A ratio shown as a percentage with two decimals: 0.125 shows `12,50 %`.
        case percent(Decimal)
        /// A calendar date shown `JJ/MM/AAAA`, stored as Excel's serial number (days since
        /// 1899-12-30) so that it sorts and computes as a date. From 1900-03-01 to 9999-12-31:
        /// before March 1900, Excel and LibreOffice read the same serial as different days.
        case date(year: Int, month: Int, day: Int)
        /// No cell at all (not an empty text).
        case empty
    }

    /// One sheet as added, with its final (sanitized) name.
    struct Sheet: Sendable {
        var name: String
        var columns: [Column]
        var rows: [[Cell]]
    }

    private(set) var sheets: [Sheet] = []
    /// Title of the document (`dc:title` in its properties), shown by the file's properties dialog.
    public var title: String?
    /// Author of the document (`dc:creator`).
    public var creator: String = "CAQES"
    /// Creation date written in the document properties; nil writes none, rather than the time of
    /// writing, so that the bytes depend on the content only.
    public var created: ExcelDate?

    /// Excel's limits: a file beyond them opens truncated or not at all.
    static let maximumRows = 1_048_576
    static let maximumColumns = 16_384
    static let maximumTextLength = 32_767
    static let maximumSheetNameLength = 31
    /// Date of every archive entry: the ZIP epoch (1980-01-01 00:00 UTC), for stable bytes.
    static let entryDate = Date(timeIntervalSince1970: 315_532_800)

    public init() {}

    /// Names of the sheets added so far, as they will appear in the workbook.
    public var sheetNames: [String] { sheets.map(\.name) }

    /// Adds a sheet whose first row is the column titles and the next rows `rows` (a row may be
    /// shorter or longer than `columns`; missing cells are empty).
    ///
    /// Excel refuses some sheet names, so `name` is sanitized and the name actually used is
    /// returned: characters XML cannot carry and control characters are dropped; `[ ] : * ? / \`
    /// become `-`; spaces and apostrophes at either end are removed (Excel forbids apostrophes
    /// there); the name is cut to 31 characters; an empty name becomes « Feuille N »; a name
    /// already used (ignoring case, as Excel does) or the reserved « History » gets a suffix
    /// « (2) », « (3) »…
    @discardableResult
    public mutating func addSheet(name: String, columns: [Column], rows: [[Cell]]) -> String {
        let unique = Self.uniqueSheetName(name, position: sheets.count + 1, taken: sheetNames)
        sheets.append(Sheet(name: unique, columns: columns, rows: rows))
        return unique
    }

    /// The workbook as the bytes of an `.xlsx` file.
    public func data() throws(XLSXWriterError) -> Data {
        guard !sheets.isEmpty else { throw .noSheet }
        var strings = SharedStrings()
        var sheetParts: [Data] = []
        for (index, sheet) in sheets.enumerated() {
            sheetParts.append(Data(try Self.worksheet(sheet, selected: index == 0, strings: &strings).utf8))
        }
        var parts: [(path: String, data: Data)] = [
            ("[Content_Types].xml", Data(contentTypes(hasStrings: !strings.isEmpty).utf8)),
            ("_rels/.rels", Data(Self.packageRelationships.utf8)),
            ("docProps/app.xml", Data(appProperties.utf8)),
            ("docProps/core.xml", Data(coreProperties.utf8)),
            ("xl/workbook.xml", Data(workbook.utf8)),
            ("xl/_rels/workbook.xml.rels", Data(workbookRelationships(hasStrings: !strings.isEmpty).utf8)),
            ("xl/styles.xml", Data(Self.styles.utf8)),
        ]
        if !strings.isEmpty { parts.append(("xl/sharedStrings.xml", Data(strings.xml.utf8))) }
        for (index, part) in sheetParts.enumerated() { parts.append(("xl/worksheets/sheet\(index + 1).xml", part)) }
        return try Self.zip(parts)
    }

    // MARK: - Archive

    static func zip(_ parts: [(path: String, data: Data)]) throws(XLSXWriterError) -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, data) in parts {
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: entryDate, compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { throw XLSXWriterError.archive("archive vide") }
            return data
        } catch let error as XLSXWriterError {
            throw error
        } catch {
            throw .archive(String(describing: error))
        }
    }

    // MARK: - Package parts

    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationshipNamespace = "http://schemas.openxmlformats.org/package/2006/relationships"

    func contentTypes(hasStrings: Bool) -> String {
        let office = "application/vnd.openxmlformats-officedocument"
        var xml = Self.header + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"\(office).spreadsheetml.sheet.main+xml\"/>"
        for index in sheets.indices {
            xml += "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" ContentType=\"\(office).spreadsheetml.worksheet+xml\"/>"
        }
        xml += "<Override PartName=\"/xl/styles.xml\" ContentType=\"\(office).spreadsheetml.styles+xml\"/>"
        if hasStrings {
            xml += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"\(office).spreadsheetml.sharedStrings+xml\"/>"
        }
        return xml + "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
            + "<Override PartName=\"/docProps/app.xml\" ContentType=\"\(office).extended-properties+xml\"/>"
            + "</Types>"
    }

    static let packageRelationships = header + "<Relationships xmlns=\"\(packageRelationshipNamespace)\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationshipNamespace)/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
        + "<Relationship Id=\"rId3\" Type=\"\(relationshipNamespace)/extended-properties\" Target=\"docProps/app.xml\"/>"
        + "</Relationships>"

    var appProperties: String {
        Self.header + "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\""
            + " xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
            + "<Application>CAQES</Application></Properties>"
    }

    var coreProperties: String {
        var xml = Self.header + "<cp:coreProperties"
            + " xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\""
            + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\""
            + " xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
        if let title { xml += "<dc:title>\(Self.escape(title))</dc:title>" }
        xml += "<dc:creator>\(Self.escape(creator))</dc:creator>"
        if let created {
            // W3CDTF in UTC; Excel requires the xsi:type on dates.
            let seconds = min(max(created.secondOfDay, 0), 86_399)
            let stamp = Self.pad(created.year, 4) + "-" + Self.pad(created.month, 2) + "-" + Self.pad(created.day, 2)
                + "T" + Self.pad(seconds / 3600, 2) + ":" + Self.pad(seconds / 60 % 60, 2) + ":" + Self.pad(seconds % 60, 2) + "Z"
            xml += "<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(stamp)</dcterms:created>"
                + "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">\(stamp)</dcterms:modified>"
        }
        return xml + "</cp:coreProperties>"
    }

    var workbook: String {
        var xml = Self.header + "<workbook xmlns=\"\(Self.mainNamespace)\" xmlns:r=\"\(Self.relationshipNamespace)\">"
            + "<workbookPr/><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
        for (index, sheet) in sheets.enumerated() {
            xml += "<sheet name=\"\(Self.escape(sheet.name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        xml += "</sheets>"
        // Excel records each sheet's filter range under this hidden name; without it, some
        // versions drop the filter buttons.
        let filters = sheets.enumerated().compactMap { index, sheet -> String? in
            guard let range = Self.filterRange(sheet) else { return nil }
            let quoted = "'" + sheet.name.replacingOccurrences(of: "'", with: "''") + "'"
            let absolute = range.split(separator: ":").map { Self.absolute(String($0)) }.joined(separator: ":")
            return "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(index)\" hidden=\"1\">"
                + Self.escape(quoted + "!" + absolute) + "</definedName>"
        }
        if !filters.isEmpty { xml += "<definedNames>" + filters.joined() + "</definedNames>" }
        return xml + "</workbook>"
    }

    func workbookRelationships(hasStrings: Bool) -> String {
        var xml = Self.header + "<Relationships xmlns=\"\(Self.packageRelationshipNamespace)\">"
        for index in sheets.indices {
            xml += "<Relationship Id=\"rId\(index + 1)\" Type=\"\(Self.relationshipNamespace)/worksheet\""
                + " Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"\(Self.relationshipNamespace)/styles\" Target=\"styles.xml\"/>"
        if hasStrings {
            xml += "<Relationship Id=\"rId\(sheets.count + 2)\" Type=\"\(Self.relationshipNamespace)/sharedStrings\""
                + " Target=\"sharedStrings.xml\"/>"
        }
        return xml + "</Relationships>"
    }

    /// Cell styles (`cellXfs` indexes): 0 default, 1 bold header, 2 money, 3 percent, 4 date.
    /// Format codes are stored in Excel's English syntax; each user's Excel shows them with its
    /// own separators (`1 234,50 €` and `31/12/2024` in French). Fonts are named outright, not
    /// taken from a theme, since the package has no theme part.
    enum Style: Int { case normal = 0, header, money, percent, date }

    static let styles = header + "<styleSheet xmlns=\"\(mainNamespace)\">"
        + "<numFmts count=\"3\">"
        + "<numFmt numFmtId=\"164\" formatCode=\"#,##0.00\\ &quot;€&quot;\"/>"
        + "<numFmt numFmtId=\"165\" formatCode=\"0.00%\"/>"
        + "<numFmt numFmtId=\"166\" formatCode=\"dd/mm/yyyy\"/>"
        + "</numFmts>"
        + "<fonts count=\"2\">"
        + "<font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "</fonts>"
        + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"5\">"
        + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
        + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "<xf numFmtId=\"166\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "</cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        + "<dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium2\" defaultPivotStyle=\"PivotStyleLight16\"/>"
        + "</styleSheet>"

    // MARK: - Worksheets

    /// Range of the header and data, `A1:C10`; nil for a sheet without columns (no header to filter).
    static func filterRange(_ sheet: Sheet) -> String? {
        guard !sheet.columns.isEmpty else { return nil }
        return "A1:" + columnName(sheet.columns.count - 1) + String(sheet.rows.count + 1)
    }

    static func worksheet(_ sheet: Sheet, selected: Bool, strings: inout SharedStrings) throws(XLSXWriterError) -> String {
        guard sheet.rows.count + 1 <= maximumRows else { throw .tooManyRows(sheet: sheet.name, count: sheet.rows.count + 1) }
        let width = max(sheet.columns.count, sheet.rows.map(\.count).max() ?? 0)
        guard width <= maximumColumns else { throw .tooManyColumns(sheet: sheet.name, count: width) }
        let hasHeader = !sheet.columns.isEmpty
        var xml = header + "<worksheet xmlns=\"\(mainNamespace)\" xmlns:r=\"\(relationshipNamespace)\">"
        let lastRow = sheet.rows.count + (hasHeader ? 1 : 0)
        xml += "<dimension ref=\"" + (width == 0 || lastRow == 0 ? "A1" : "A1:" + columnName(width - 1) + String(lastRow)) + "\"/>"
        xml += "<sheetViews><sheetView" + (selected ? " tabSelected=\"1\"" : "") + " workbookViewId=\"0\">"
        if hasHeader {
            xml += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
                + "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>"
        }
        xml += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
        if hasHeader {
            xml += "<cols>"
            for (index, column) in sheet.columns.enumerated() {
                let characters = column.width ?? estimatedWidth(column: index, of: sheet)
                let number = String(index + 1)
                xml += "<col min=\"\(number)\" max=\"\(number)\" width=\"\(widthText(characters))\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        xml.reserveCapacity(xml.utf8.count + sheet.rows.count * width * 40)
        let letters = (0..<width).map(columnName)
        var rowNumber = 0
        if hasHeader {
            rowNumber = 1
            try appendRow(sheet.columns.map { Cell.text($0.title) }, number: 1, style: .header,
                          sheet: sheet.name, letters: letters, to: &xml, strings: &strings)
        }
        for row in sheet.rows {
            rowNumber += 1
            try appendRow(row, number: rowNumber, style: nil, sheet: sheet.name, letters: letters, to: &xml, strings: &strings)
        }
        xml += "</sheetData>"
        if let range = filterRange(sheet) { xml += "<autoFilter ref=\"\(range)\"/>" }
        return xml + "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>"
    }

    /// One `<row>`; a row without cells is left out (its number stays taken). `letters` are the
    /// sheet's column names, computed once; pieces are appended one by one (no interpolation):
    /// this loop writes every cell of the workbook.
    static func appendRow(_ cells: [Cell], number: Int, style: Style?, sheet: String, letters: [String],
                          to xml: inout String, strings: inout SharedStrings) throws(XLSXWriterError) {
        guard cells.contains(where: { $0 != .empty }) else { return }
        let rowText = String(number)
        xml += "<row r=\""
        xml += rowText
        xml += "\">"
        let textStyle = style.map { " s=\"" + String($0.rawValue) + "\"" } ?? ""
        for (index, cell) in cells.enumerated() {
            if case .empty = cell { continue }
            let letter = index < letters.count ? letters[index] : columnName(index)
            switch cell {
            case .empty:
                continue
            case .text(let text):
                let clean = xmlCharacters(text)
                // UTF-16 never counts more units than UTF-8 bytes: count it only for long texts.
                guard clean.utf8.count <= maximumTextLength || clean.utf16.count <= maximumTextLength else {
                    throw .textTooLong(sheet: sheet, cell: letter + rowText, length: clean.utf16.count)
                }
                xml += "<c r=\""; xml += letter; xml += rowText; xml += "\""; xml += textStyle; xml += " t=\"s\"><v>"
                xml += String(strings.index(of: clean)); xml += "</v></c>"
            case .number(let value):
                try appendNumber(letter, rowText, value, style: style ?? .normal, sheet: sheet, to: &xml)
            case .money(let value):
                try appendNumber(letter, rowText, value, style: .money, sheet: sheet, to: &xml)
            case .percent(let value):
                try appendNumber(letter, rowText, value, style: .percent, sheet: sheet, to: &xml)
            case let .date(year, month, day):
                guard let serial = serial(year: year, month: month, day: day) else {
                    throw .invalidDate(sheet: sheet, cell: letter + rowText, year: year, month: month, day: day)
                }
                xml += "<c r=\""; xml += letter; xml += rowText; xml += "\" s=\""; xml += String(Style.date.rawValue)
                xml += "\"><v>"; xml += String(serial); xml += "</v></c>"
            }
        }
        xml += "</row>"
    }

    static func appendNumber(_ letter: String, _ row: String, _ value: Decimal, style: Style, sheet: String,
                             to xml: inout String) throws(XLSXWriterError) {
        guard !value.isNaN else { throw .invalidNumber(sheet: sheet, cell: letter + row) }
        xml += "<c r=\""; xml += letter; xml += row; xml += "\""
        if style != .normal { xml += " s=\""; xml += String(style.rawValue); xml += "\"" }
        xml += "><v>"; xml += numberText(value); xml += "</v></c>"
    }

    /// The decimal's digits with a `.` point (`Decimal.description`, plain digits without an
    /// exponent), which is what `xsd:double` in a `<v>` expects.
    static func numberText(_ value: Decimal) -> String {
        if value.isZero { return "0" }
        // Amounts and rates mostly have at most two decimals: write them from whole cents, about
        // three times faster than `Decimal.description`, which this loop would call for every cell.
        var scaled = value * 100, whole = Decimal()
        NSDecimalRound(&whole, &scaled, 0, .plain)
        if whole == scaled, whole.magnitude < 1_000_000_000_000_000 {
            let cents = NSDecimalNumber(decimal: whole).int64Value
            let units = String(cents.magnitude / 100), fraction = Int(cents.magnitude % 100)
            let sign = cents < 0 ? "-" : ""
            if fraction == 0 { return sign + units }
            return sign + units + (fraction % 10 == 0 ? "." + String(fraction / 10) : (fraction < 10 ? ".0" : ".") + String(fraction))
        }
        return value.description
    }

    /// Excel's 1900 date serial: days since 1899-12-30. Nil for an impossible date, and for one
    /// outside 1900-03-01…9999-12-31: Excel shows nothing after 9999, and before March 1900 it
    /// counts a 29 February 1900 that never existed (kept from Lotus 1-2-3) while LibreOffice
    /// does not, so the same serial would be two different days.
    static func serial(year: Int, month: Int, day: Int) -> Int? {
        guard (1900...9999).contains(year), (1...12).contains(month), day >= 1,
              year > 1900 || month >= 3 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        return daysSince1970(year: year, month: month, day: day) + 25_569
    }

    /// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm, proleptic Gregorian).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Width from the longest value shown in the column, between 8 and 60 characters; the title
    /// gets room for its bold face and the filter button.
    /// The widest of the title and the first 1,000 rows (enough to size a column; a large sheet
    /// is not scanned whole).
    static func estimatedWidth(column: Int, of sheet: Sheet) -> Double {
        var longest = longestLine(sheet.columns[column].title) + 4
        for row in sheet.rows.prefix(1_000) where column < row.count {
            let length: Int
            switch row[column] {
            case .text(let text): length = longestLine(text)
            case .number(let value): length = numberText(value).count
            case .money(let value):
                let integerDigits = numberText(value.magnitude).prefix { $0 != "." }.count
                length = integerDigits + (integerDigits - 1) / 3 + 5
            case .percent: length = 9
            case .date: length = 10
            case .empty: length = 0
            }
            longest = max(longest, length)
        }
        return Double(min(60, max(8, longest + 2)))
    }

    static func longestLine(_ text: String) -> Int {
        // Most cells hold one line: count its scalars without splitting (close enough to characters).
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0xC2 || $0 == 0xE2 }) else { return text.unicodeScalars.count }
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(\.count).max() ?? 0
    }

    /// A width with at most two decimals (`12.5`), clamped to Excel's 0…255.
    static func widthText(_ width: Double) -> String {
        let hundredths = width.isFinite ? Int((min(max(width, 0), 255) * 100).rounded()) : 1_000
        let fraction = hundredths % 100
        guard fraction != 0 else { return String(hundredths / 100) }
        return String(hundredths / 100) + "." + (fraction % 10 == 0 ? String(fraction / 10) : pad(fraction, 2))
    }

    /// `A`, `B`, …, `Z`, `AA`… for a 0-based column index.
    static func columnName(_ index: Int) -> String {
        var index = index + 1, letters: [Character] = []
        while index > 0 {
            index -= 1
            letters.append(Character(Unicode.Scalar(UInt8(65 + index % 26))))
            index /= 26
        }
        return String(letters.reversed())
    }

    /// `$A$1` from `A1`.
    static func absolute(_ reference: String) -> String {
        let letters = reference.prefix { $0.isLetter }
        return "$" + letters + "$" + reference.dropFirst(letters.count)
    }

    // MARK: - Text

    /// The strings of all sheets, each stored once, numbered in order of first use.
    struct SharedStrings {
        private var indexes: [String: Int] = [:]
        private var ordered: [String] = []
        private var count = 0

        var isEmpty: Bool { ordered.isEmpty }

        mutating func index(of text: String) -> Int {
            count += 1
            if let index = indexes[text] { return index }
            indexes[text] = ordered.count
            ordered.append(text)
            return ordered.count - 1
        }

        var xml: String {
            var xml = XLSXWriter.header + "<sst xmlns=\"\(XLSXWriter.mainNamespace)\" count=\"\(count)\" uniqueCount=\"\(ordered.count)\">"
            for text in ordered {
                // Without xml:space, XML tools may drop leading and trailing spaces and line breaks.
                let preserve = text.first.map { $0.isWhitespace } == true || text.last.map { $0.isWhitespace } == true
                    || text.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
                xml += preserve ? "<si><t xml:space=\"preserve\">" : "<si><t>"
                xml += XLSXWriter.escape(XLSXWriter.protectExcelEscapes(text)) + "</t></si>"
            }
            return xml + "</sst>"
        }
    }

    /// Drops the characters XML 1.0 cannot carry: C0 controls other than tab, line feed and
    /// carriage return, and U+FFFE, U+FFFF (a Swift string has no lone surrogates).
    static func xmlCharacters(_ text: String) -> String {
        func allowed(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: true
            case 0x00..<0x20, 0xFFFE, 0xFFFF: false
            default: true
            }
        }
        // Fast path on the bytes: no C0 control but tab and line breaks, no U+FFFE/U+FFFF (EF BF BE/BF).
        if !text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0xEF }) { return text }
        guard !text.unicodeScalars.allSatisfy(allowed) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter(allowed))
        return String(scalars)
    }

    /// Excel reads `_x0041_` in a string as the character U+0041: a literal `_xHHHH_` keeps its
    /// underscore by writing it as `_x005F_` (`_x005F_x0041_`), which LibreOffice reads alike.
    static func protectExcelEscapes(_ text: String) -> String {
        var sawUnderscore = false
        guard text.utf8.contains(where: { byte in
            defer { sawUnderscore = byte == 0x5F }
            return sawUnderscore && byte == 0x78
        }) else { return text }
        let characters = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(characters.count + 14)
        for (i, byte) in characters.enumerated() {
            if byte == 0x5F, i + 6 < characters.count, characters[i + 1] == 0x78, characters[i + 6] == 0x5F,
               characters[(i + 2)...(i + 5)].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0 | 0x20) }) {
                out.append(contentsOf: Array("_x005F_".utf8))
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Escapes text for element content and attribute values alike; a carriage return becomes
    /// `&#13;`, which XML parsers would otherwise turn into a line feed.
    static func escape(_ text: String) -> String {
        let clean = xmlCharacters(text)
        guard clean.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0x0D }) else { return clean }
        var out = ""
        out.reserveCapacity(clean.utf8.count + 16)
        for scalar in clean.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Sheet names

    static func uniqueSheetName(_ name: String, position: Int, taken: [String]) -> String {
        var base = String(String.UnicodeScalarView(name.unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0xFFFE || scalar.value == 0xFFFF { return nil }
            return "[]:*?/\\".unicodeScalars.contains(scalar) ? "-" : scalar
        }))
        let ends = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "'"))
        base = base.trimmingCharacters(in: ends)
        if base.isEmpty { base = "Feuille \(position)" }
        base = truncated(base, to: maximumSheetNameLength).trimmingCharacters(in: ends)
        let used = Set(taken.map { $0.lowercased() } + ["history"])
        guard used.contains(base.lowercased()) else { return base }
        var suffix = 2
        while true {
            let tail = " (\(suffix))"
            let candidate = truncated(base, to: maximumSheetNameLength - tail.utf16.count).trimmingCharacters(in: ends) + tail
            if !used.contains(candidate.lowercased()) { return candidate }
            suffix += 1
        }
    }

    /// The longest prefix of whole characters within `limit` UTF-16 units (Excel's count).
    static func truncated(_ text: String, to limit: Int) -> String {
        var length = 0, result = ""
        for character in text {
            length += character.utf16.count
            if length > limit { break }
            result.append(character)
        }
        return result
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// Why a workbook cannot be written. Messages are French and name the sheet and the cell.
public enum XLSXWriterError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSheet
    case tooManyRows(sheet: String, count: Int)
    case tooManyColumns(sheet: String, count: Int)
    /// A `Decimal` that is not a number (NaN).
    case invalidNumber(sheet: String, cell: String)
    /// An impossible date (31 April), or one before 1900-03-01 or after 9999-12-31.
    case invalidDate(sheet: String, cell: String, year: Int, month: Int, day: Int)
    /// Excel holds at most 32 767 characters in a cell.
    case textTooLong(sheet: String, cell: String, length: Int)
    /// The ZIP archive could not be built.
    case archive(String)

    public var description: String {
        switch self {
        case .noSheet:
            return "le classeur ne peut pas être écrit : il n'a aucune feuille"
        case let .tooManyRows(sheet, count):
            return "la feuille « \(sheet) » a \(ReadLimits.count(count)) lignes, plus que les "
                + "\(ReadLimits.count(XLSXWriter.maximumRows)) qu'Excel peut ouvrir"
        case let .tooManyColumns(sheet, count):
            return "la feuille « \(sheet) » a \(ReadLimits.count(count)) colonnes, plus que les "
                + "\(ReadLimits.count(XLSXWriter.maximumColumns)) qu'Excel peut ouvrir"
        case let .invalidNumber(sheet, cell):
            return "feuille « \(sheet) », cellule \(cell) : la valeur n'est pas un nombre"
        case let .invalidDate(sheet, cell, year, month, day):
            return "feuille « \(sheet) », cellule \(cell) : la date \(XLSXWriter.pad(day, 2))/\(XLSXWriter.pad(month, 2))/"
                + "\(XLSXWriter.pad(year, 4)) n'existe pas ou sort des dates qu'un tableur peut écrire (du 01/03/1900 au 31/12/9999)"
        case let .textTooLong(sheet, cell, length):
            return "feuille « \(sheet) », cellule \(cell) : le texte a \(ReadLimits.count(length)) caractères, "
                + "plus que les \(ReadLimits.count(XLSXWriter.maximumTextLength)) qu'une cellule Excel peut contenir"
        case .archive(let reason):
            return "le classeur ne peut pas être écrit : \(reason)"
        }
    }
}
#endif
