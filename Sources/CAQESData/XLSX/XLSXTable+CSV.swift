import Foundation

extension XLSXTable {
    /// The table as `;`-separated UTF-8 CSV whose physical line numbers are the sheet's row
    /// numbers (blank lines stand for the rows above the header and the gaps), so that every
    /// reader and every error message written for CSV works unchanged on a workbook.
    public func csvBytes() -> [UInt8] {
        var out: [UInt8] = []
        var line = 1
        func emit(_ fields: [String], at row: Int) {
            while line < row { out.append(0x0A); line += 1 }
            let text = fields.map { field -> String in
                guard field.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }.joined(separator: ";")
            out.append(contentsOf: Array(text.utf8))
            out.append(0x0A)
            line += 1 + text.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
        }
        emit(header, at: headerRowNumber)
        for record in records {
            var fields = record.fields
            if fields.count < header.count { fields += Array(repeating: "", count: header.count - fields.count) }
            emit(Array(fields.prefix(header.count)), at: record.line)
        }
        return out
    }
}
