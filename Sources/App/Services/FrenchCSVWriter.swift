import Foundation

/// Writes CSV that opens cleanly in a French Excel: UTF-8 with BOM, `;` separator, CRLF lines,
/// fields quoted when they hold `;`, quotes or line breaks.
struct FrenchCSVWriter {
    private(set) var data = Data([0xEF, 0xBB, 0xBF])

    mutating func appendRow(_ fields: [String]) {
        let line = fields.map(Self.escape).joined(separator: ";") + "\r\n"
        data.append(contentsOf: Array(line.utf8))
    }

    static func escape(_ field: String) -> String {
        // A leading = + - @ would be run as a formula by spreadsheets (CSV injection), and so would
        // one after a leading TAB or CR, which spreadsheets skip: prefix it.
        var value = field
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
