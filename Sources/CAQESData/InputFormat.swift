import Foundation

/// What an uploaded file is, from its first bytes, so an import can pick its reader.
public enum InputFormat: String, Sendable, Equatable {
    /// Text: hand it to `CSVReader` (which still checks it).
    case csv
    /// `.gz`: `CSVReader(path:)` decompresses it.
    case gzip
    /// A ZIP archive, as `.xlsx` workbooks are: `XLSXWorkbook`.
    case xlsx
    /// An Excel 97–2003 `.xls` (OLE2): not read; ask for `.xlsx` or CSV.
    case xls
    /// PDF, images and other binary content.
    case binary

    /// Classifies the first bytes of a file (a few hundred are enough).
    public static func detect(prefix: some Collection<UInt8>) -> InputFormat {
        let head = Array(prefix.prefix(512))
        if head.starts(with: [0x1F, 0x8B]) { return .gzip }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .xlsx }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .xls }
        let body = head.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(head.dropFirst(3)) : head
        let binary = body.withUnsafeBytes { CSVDialectDetector.looksBinary($0) }
        return binary ? .binary : .csv
    }

    /// Classifies the file at `path`; nil when it cannot be opened.
    public static func detect(path: String) -> InputFormat? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return detect(prefix: [UInt8]((try? handle.read(upToCount: 512)) ?? Data()))
    }
}
