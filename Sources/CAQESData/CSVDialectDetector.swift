/// Guesses the dialect of a CSV file from its first bytes.
///
/// Encoding: a UTF-8 BOM or valid UTF-8 gives `utf8`; anything else is Latin-1, or Windows-1252
/// when bytes 0x80–0x9F appear (those are control codes in Latin-1, never used in real text).
/// Separator: among `;`, `,` and tab, the one that splits the header into the most columns while
/// giving the following records the same number of fields; `;` when the header has one column.
public enum CSVDialectDetector {
    /// How many records after the header are checked for a consistent field count.
    static let recordsChecked = 30

    public static func detect(sample: some Collection<UInt8>) throws(CSVError) -> CSVDialect {
        let bytes = Array(sample)
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(CSVError) -> CSVDialect in try detect(raw, truncated: true) }
        }
        return try result.get()
    }

    /// `truncated` says the sample may stop in the middle of a character or a record.
    static func detect(_ raw: UnsafeRawBufferPointer, truncated: Bool) throws(CSVError) -> CSVDialect {
        let p = raw.bindMemory(to: UInt8.self)
        let hasBOM = p.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF
        let body = UnsafeRawBufferPointer(rebasing: raw[(hasBOM ? 3 : 0)...])
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { throw .empty }
        if looksBinary(body) { throw .binary }

        let encoding: TextEncoding
        if hasBOM || UTF8Validation.isValid(body, allowTruncatedEnd: truncated) {
            encoding = .utf8
        } else if body.contains(where: { $0 >= 0x80 && $0 < 0xA0 }) {
            encoding = .windows1252
        } else {
            encoding = .latin1
        }
        let separator = detectSeparator(body, quote: 0x22, truncated: truncated)
        return CSVDialect(encoding: encoding, hasBOM: hasBOM, separator: separator)
    }

    /// NUL bytes, known binary signatures (ZIP/XLSX, PDF, PNG, JPEG, GIF, OLE2/XLS) or many control codes.
    static func looksBinary(_ body: UnsafeRawBufferPointer) -> Bool {
        let signatures: [[UInt8]] = [
            [0x50, 0x4B, 0x03, 0x04], [0x25, 0x50, 0x44, 0x46], [0x89, 0x50, 0x4E, 0x47],
            [0xFF, 0xD8, 0xFF], [0x47, 0x49, 0x46, 0x38], [0xD0, 0xCF, 0x11, 0xE0],
        ]
        for signature in signatures where body.starts(with: signature) { return true }
        var controls = 0
        for byte in body {
            if byte == 0 { return true }
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C { controls += 1 }
        }
        return controls * 20 > body.count
    }

    static func detectSeparator(_ body: UnsafeRawBufferPointer, quote: UInt8, truncated: Bool) -> UInt8 {
        var best: (separator: UInt8, consistent: Int, columns: Int) = (0x3B, -1, 1)
        for candidate: UInt8 in [0x3B, 0x2C, 0x09] {
            let counts = fieldCounts(body, separator: candidate, quote: quote,
                                     maxRecords: recordsChecked + 1, dropLast: truncated)
            guard let header = counts.first, header > 1 else { continue }
            let consistent = counts.dropFirst().filter { $0 == header }.count
            if consistent > best.consistent || (consistent == best.consistent && header > best.columns) {
                best = (candidate, consistent, header)
            }
        }
        return best.separator
    }

    /// Field counts of the first records (quote-aware; blank lines skipped). With `dropLast`, the
    /// last record is dropped since the sample may cut it.
    static func fieldCounts(_ body: UnsafeRawBufferPointer, separator: UInt8, quote: UInt8,
                            maxRecords: Int, dropLast: Bool) -> [Int] {
        var counts: [Int] = []
        var fields = 1, inQuotes = false, lineHasContent = false
        for byte in body {
            if inQuotes {
                if byte == quote { inQuotes = false }
                continue
            }
            if byte == quote { inQuotes = true; lineHasContent = true }
            else if byte == separator { fields += 1; lineHasContent = true }
            else if byte == 0x0A {
                if lineHasContent { counts.append(fields) }
                if counts.count >= maxRecords { return counts }
                fields = 1; lineHasContent = false
            } else if byte != 0x0D { lineHasContent = true }
        }
        if lineHasContent && (!dropLast || counts.isEmpty) { counts.append(fields) }
        return counts
    }
}
