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
    /// Bounds on inflated bytes, rows and cells (archive bombs are refused while they inflate).
    public let limits: ReadLimits
    /// Bytes inflated so far from this workbook's parts, against `limits.maximumInflatedBytes`.
    private(set) var inflatedBytes = 0

    public convenience init(path: String, limits: ReadLimits = .standard) throws(XLSXError) {
        guard FileManager.default.isReadableFile(atPath: path) else { throw .unreadable("fichier introuvable (\(path))") }
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch { throw .notAWorkbook }
        try self.init(archive: archive, limits: limits)
    }

    public convenience init(data: Data, limits: ReadLimits = .standard) throws(XLSXError) {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw .notAWorkbook }
        try self.init(archive: archive, limits: limits)
    }

    init(archive: Archive, limits: ReadLimits) throws(XLSXError) {
        self.archive = archive
        self.limits = limits
        var inflated = 0
        guard let workbookData = try Self.read(archive, "xl/workbook.xml", required: false, limits: limits, inflated: &inflated)
        else { throw .notAWorkbook }
        var workbook = WorkbookParser()
        try workbook.parse(workbookData, part: "xl/workbook.xml")
        var relationships = RelationshipsParser()
        if let data = try Self.read(archive, "xl/_rels/workbook.xml.rels", required: false, limits: limits, inflated: &inflated) {
            try relationships.parse(data, part: "xl/_rels/workbook.xml.rels")
        }
        sheetNames = workbook.sheets.map(\.name)
        sheetPaths = workbook.sheets.enumerated().map { index, sheet in
            relationships.targets[sheet.relationship] ?? "xl/worksheets/sheet\(index + 1).xml"
        }
        date1904 = workbook.date1904
        var strings = SharedStringsParser()
        let stringsPath = relationships.sharedStrings ?? "xl/sharedStrings.xml"
        if let data = try Self.read(archive, stringsPath, required: false, limits: limits, inflated: &inflated) {
            try strings.parse(data, part: stringsPath)
        }
        sharedStrings = strings.strings
        var styles = StylesParser()
        let stylesPath = relationships.styles ?? "xl/styles.xml"
        if let data = try Self.read(archive, stylesPath, required: false, limits: limits, inflated: &inflated) {
            try styles.parse(data, part: stylesPath)
        }
        formats = styles.formats
        inflatedBytes = inflated
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
        var parser = SheetParser(sharedStrings: sharedStrings, formats: formats, date1904: date1904, limits: limits)
        guard let data = try Self.read(archive, path, required: true, limits: limits, inflated: &inflatedBytes) else {
            throw .notAWorkbook
        }
        try parser.parse(data, part: path)
        return (sheetNames[index], parser.rows)
    }

    /// A sheet as a table with a header (see `XLSXTable`).
    public func table(sheet name: String? = nil, headerRow: Int? = nil) throws(XLSXError) -> XLSXTable {
        let (sheetName, rows) = try rows(sheet: name)
        return try XLSXTable(sheetName: sheetName, rows: rows, headerRow: headerRow)
    }

    /// Inflates one part, counting its bytes as they come: the part is refused as soon as it
    /// passes the ratio allowance for its compressed size, or the workbook passes its total.
    /// The sizes the archive declares are checked first but not trusted.
    static func read(_ archive: Archive, _ path: String, required: Bool, limits: ReadLimits,
                     inflated: inout Int) throws(XLSXError) -> Data? {
        let entry = archive[path] ?? archive.first { $0.path.lowercased() == path.lowercased() }
        guard let entry else {
            if required { throw .malformed(part: path, reason: "partie absente") }
            return nil
        }
        let compressed = Int(clamping: entry.compressedSize)
        let byRatio = limits.ratioAllowance(compressed: compressed)
        let remaining = max(0, limits.maximumInflatedBytes - inflated)
        func tooLarge(_ count: Int) -> XLSXError? {
            if count > remaining {
                return .refused(part: path, reason: "fait dépasser au classeur la limite de "
                    + "\(ReadLimits.size(limits.maximumInflatedBytes)) décompressés (archive piégée ou trop volumineuse)")
            }
            if count > byRatio {
                return .refused(part: path, reason: "se décompresse en plus de \(ReadLimits.size(byRatio)) "
                    + "pour \(ReadLimits.size(compressed)) compressés (rapport supérieur à \(limits.maximumRatio):1, archive piégée)")
            }
            return nil
        }
        let declared = Int(clamping: entry.uncompressedSize)
        if let refusal = tooLarge(declared) { throw refusal }
        var data = Data()
        data.reserveCapacity(declared)
        var count = 0
        var refusal: XLSXError?
        do {
            _ = try archive.extract(entry, skipCRC32: true) { chunk in
                count += chunk.count
                if let tooLarge = tooLarge(count) { refusal = tooLarge; throw CancellationError() }
                data.append(chunk)
            }
        } catch {
            throw refusal ?? .malformed(part: path, reason: "archive endommagée")
        }
        inflated += count
        return data
    }
}
#endif
