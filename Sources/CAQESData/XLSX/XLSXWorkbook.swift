#if canImport(ZIPFoundation)
import Foundation
import ZIPFoundation

/// An `.xlsx` workbook (Office Open XML): sheet names, then any sheet's rows or table.
///
/// Shared strings and styles are read once when the workbook opens; a sheet is parsed when asked
/// for. Formulas give their cached value (what Excel last computed).
public final class XLSXWorkbook {
    /// Sheet names in workbook order.
    public let sheetNames: [String]
    let archive: Archive
    let sheetPaths: [String]
    let sharedStrings: [String]
    let formats: [XLSXNumberFormat]
    let date1904: Bool

    /// Parts larger than this are refused rather than inflated (a damaged or hostile archive).
    static let maximumPartSize: UInt64 = 1 << 30

    public convenience init(path: String) throws(XLSXError) {
        guard FileManager.default.isReadableFile(atPath: path) else { throw .unreadable("fichier introuvable (\(path))") }
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch { throw .notAWorkbook }
        try self.init(archive: archive)
    }

    public convenience init(data: Data) throws(XLSXError) {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw .notAWorkbook }
        try self.init(archive: archive)
    }

    init(archive: Archive) throws(XLSXError) {
        self.archive = archive
        guard let workbookData = try Self.read(archive, "xl/workbook.xml", required: false) else { throw .notAWorkbook }
        let workbook = WorkbookParser()
        try workbook.parse(workbookData, part: "xl/workbook.xml")
        let relationships = RelationshipsParser()
        if let data = try Self.read(archive, "xl/_rels/workbook.xml.rels", required: false) {
            try relationships.parse(data, part: "xl/_rels/workbook.xml.rels")
        }
        sheetNames = workbook.sheets.map(\.name)
        sheetPaths = workbook.sheets.enumerated().map { index, sheet in
            relationships.targets[sheet.relationship] ?? "xl/worksheets/sheet\(index + 1).xml"
        }
        date1904 = workbook.date1904
        var strings = SharedStringsParser()
        let stringsPath = relationships.sharedStrings ?? "xl/sharedStrings.xml"
        if let data = try Self.read(archive, stringsPath, required: false) { try strings.parse(data, part: stringsPath) }
        sharedStrings = strings.strings
        let styles = StylesParser()
        let stylesPath = relationships.styles ?? "xl/styles.xml"
        if let data = try Self.read(archive, stylesPath, required: false) { try styles.parse(data, part: stylesPath) }
        formats = styles.formats
    }

    /// The rows of a sheet: the named one (exact, then ignoring case and accents) or the first.
    public func rows(sheet name: String? = nil) throws(XLSXError) -> (name: String, rows: [XLSXRow]) {
        guard !sheetNames.isEmpty else { throw .emptySheet(name ?? "") }
        var index = 0
        if let name {
            guard let found = sheetNames.firstIndex(of: name)
                    ?? sheetNames.firstIndex(where: { CSVReader.fold($0) == CSVReader.fold(name) }) else {
                throw .sheetNotFound(name, available: sheetNames)
            }
            index = found
        }
        let path = sheetPaths[index]
        var parser = SheetParser(sharedStrings: sharedStrings, formats: formats, date1904: date1904)
        guard let data = try Self.read(archive, path, required: true) else { throw .notAWorkbook }
        try parser.parse(data, part: path)
        return (sheetNames[index], parser.rows)
    }

    /// A sheet as a table with a header (see `XLSXTable`).
    public func table(sheet name: String? = nil, headerRow: Int? = nil) throws(XLSXError) -> XLSXTable {
        let (sheetName, rows) = try rows(sheet: name)
        return try XLSXTable(sheetName: sheetName, rows: rows, headerRow: headerRow)
    }

    static func read(_ archive: Archive, _ path: String, required: Bool) throws(XLSXError) -> Data? {
        let entry = archive[path] ?? archive.first { $0.path.lowercased() == path.lowercased() }
        guard let entry else {
            if required { throw .malformed(part: path, reason: "partie absente") }
            return nil
        }
        guard UInt64(entry.uncompressedSize) <= maximumPartSize else {
            throw .malformed(part: path, reason: "partie trop volumineuse")
        }
        var data = Data()
        data.reserveCapacity(Int(entry.uncompressedSize))
        do {
            _ = try archive.extract(entry, skipCRC32: true) { chunk in data.append(chunk) }
        } catch {
            throw .malformed(part: path, reason: "archive endommagée")
        }
        return data
    }
}
#endif
