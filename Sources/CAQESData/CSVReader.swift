import Foundation

/// Streaming CSV reader working on bytes: header first, then one record at a time.
///
/// Encoding: detected from the first chunk. If a detected-UTF-8 file turns out to hold invalid
/// UTF-8 further on while every earlier record was plain ASCII, the reader switches to
/// Windows-1252 (a Latin-1 file whose first accent comes late); otherwise it throws
/// `invalidEncoding` with the line.
///
/// Memory stays bounded: the file is read in chunks (1 MiB by default; a chunk grows only for a
/// record longer than that). Fields are decoded to `String` only when asked for.
///
/// Rules (RFC 4180, leniently):
/// - Records end at LF or CR LF; a quoted field may span lines, and `""` inside quotes is one `"`.
/// - A quote counts only at the very start of a field; elsewhere it is an ordinary character.
/// - Blank lines (anywhere, including the trailing one) are skipped.
/// - Line numbers are physical file lines, the header being line 1; a record spanning lines has
///   the number of its first line.
/// - Every record must have as many fields as the header: no silent padding.
/// - Fields keep their spaces (`record[i]`); `trimmed(i)` strips spaces, tabs and no-break spaces.
///   Header names are trimmed and lose any byte-order mark.
public final class CSVReader {
    public internal(set) var dialect: CSVDialect
    /// Column names, trimmed.
    public private(set) var header: [String] = []
    /// Total size of the input when known, for progress.
    public let totalBytes: Int?

    var source: any CSVByteSource
    var buffer: UnsafeMutableRawBufferPointer
    /// Unconsumed data is `buffer[start..<end]`.
    var start = 0
    var end = 0
    var eof = false
    /// Bytes dropped from the front of the buffer by earlier refills.
    var discarded = 0
    /// Physical line on which the next record starts.
    var nextLine = 1

    /// Field bounds of the current record: `bounds[2k]..<bounds[2k+1]` in `buffer`.
    var bounds: UnsafeMutablePointer<Int>
    var boundsCapacity = 64
    var currentCount = 0
    var currentLine = 0
    var expectedCount: Int?
    /// Whether the encoding was detected (not given), and may still be corrected.
    var encodingDetected = false
    /// Whether a non-ASCII byte has been seen in an earlier record.
    var sawNonASCII = false
    var foldedHeader: [String] = []

    /// Reads the file at `path`, detecting the dialect from its first chunk when `dialect` is nil.
    /// A gzip-compressed file (`.csv.gz`) is decompressed on the fly, within `limits`.
    public convenience init(path: String, dialect: CSVDialect? = nil, limits: ReadLimits = .standard) throws(CSVError) {
        if GzipByteSource.isGzip(path: path) {
            try self.init(source: GzipByteSource(path: path, limits: limits), dialect: dialect)
        } else {
            try self.init(source: FileByteSource(path: path), dialect: dialect)
        }
    }

    /// Reads bytes in memory.
    public convenience init(data: [UInt8], dialect: CSVDialect? = nil) throws(CSVError) {
        try self.init(source: MemoryByteSource(data), dialect: dialect)
    }

    /// Reads bytes in memory.
    public convenience init(data: Data, dialect: CSVDialect? = nil) throws(CSVError) {
        try self.init(source: MemoryByteSource([UInt8](data)), dialect: dialect)
    }

    /// Reads any byte source. `chunkSize` is the initial buffer size and the dialect sample size.
    public init(source: some CSVByteSource, dialect: CSVDialect? = nil, chunkSize: Int = 1 << 20) throws(CSVError) {
        self.source = source
        self.totalBytes = source.totalBytes
        self.buffer = .allocate(byteCount: max(chunkSize, 1), alignment: 8)
        self.bounds = .allocate(capacity: 2 * boundsCapacity)
        // Placeholder until the sample is read; `let` must be set before any method call.
        var chosen = dialect ?? CSVDialect()
        self.dialect = chosen
        try fillBuffer()
        let sample = UnsafeRawBufferPointer(rebasing: buffer[0..<end])
        let detected = try CSVDialectDetector.detect(sample, truncated: !eof)
        if dialect == nil { chosen = detected }
        self.dialect = chosen
        encodingDetected = dialect == nil
        if end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { start = 3 }
        guard try advance() else { throw .empty }
        header = (0..<currentCount).map { Self.trim(current.trimmed($0)) }
        foldedHeader = header.map(Self.fold)
        expectedCount = currentCount
    }

    deinit {
        buffer.deallocate()
        bounds.deallocate()
    }

    /// Bytes of the input consumed so far (through the current record), for progress.
    public var bytesRead: Int { discarded + start }

    /// The current record, valid until the next call to `advance()` or `next()`.
    public var current: CSVRawRecord {
        CSVRawRecord(line: currentLine, count: currentCount,
                     base: UnsafeRawPointer(buffer.baseAddress!), bounds: UnsafePointer(bounds),
                     encoding: dialect.encoding)
    }

    /// The next record as an owned value, or nil at the end.
    public func next() throws(CSVError) -> CSVRecord? {
        guard try advance() else { return nil }
        return current.record()
    }

    /// All remaining records (for small files: status lists, reference tables).
    public func readAll() throws(CSVError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        while let record = try next() { records.append(record) }
        return records
    }

    /// Index of a column: exact name first, then ignoring case, accents, spaces, `_` and `-`.
    public func columnIndex(_ name: String) -> Int? {
        if let index = header.firstIndex(of: name) { return index }
        let folded = Self.fold(name)
        return foldedHeader.firstIndex(of: folded)
    }

    /// Indexes of the given columns, in order; throws `missingColumns` naming every absent one.
    public func requireColumns(_ names: [String]) throws(CSVError) -> [Int] {
        var indexes: [Int] = [], missing: [String] = []
        for name in names {
            if let index = columnIndex(name) { indexes.append(index) } else { missing.append(name) }
        }
        guard missing.isEmpty else { throw .missingColumns(missing, available: header) }
        return indexes
    }

    /// Header names lose surrounding white space and any byte-order mark.
    static func trim(_ name: String) -> String {
        name.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
    }

    static func fold(_ name: String) -> String {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        var out = ""
        var pendingSpace = false
        for char in folded {
            if char.isWhitespace || char == "_" || char == "-" || char == "\u{FEFF}" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.append(char)
            }
        }
        return out
    }

    /// Reads until the buffer is full or the source ends.
    func fillBuffer() throws(CSVError) {
        while end < buffer.count && !eof {
            let free = UnsafeMutableRawBufferPointer(rebasing: buffer[end...])
            let count = try source.read(into: free)
            if count == 0 { eof = true } else { end += count }
        }
    }

    /// Makes room (moving unconsumed bytes to the front, or growing) and reads more.
    func refill() throws(CSVError) {
        if start > 0 {
            let pending = end - start
            if pending > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending)
            }
            discarded += start
            start = 0
            end = pending
        } else if end == buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 8)
            bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = bigger
        }
        try fillBuffer()
    }
}
