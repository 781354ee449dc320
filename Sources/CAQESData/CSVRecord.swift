/// One record of a CSV file, owned: its bytes are copied once and fields decoded on access.
public struct CSVRecord: Sendable, Equatable {
    /// Same line and same decoded fields, whatever the source encoding or layout.
    public static func == (lhs: CSVRecord, rhs: CSVRecord) -> Bool {
        guard lhs.line == rhs.line, lhs.count == rhs.count else { return false }
        if lhs.encoding == rhs.encoding {
            return (0..<lhs.count).allSatisfy { index in
                lhs.withBytes(index) { a in rhs.withBytes(index) { b in a.elementsEqual(b) } }
            }
        }
        return lhs.fields == rhs.fields
    }

    /// Physical line of the record's first byte (header = 1).
    public let line: Int
    let storage: [UInt8]
    /// `offsets[2k]..<offsets[2k+1]` is field k in `storage`.
    let offsets: [UInt32]
    let encoding: TextEncoding

    init(line: Int, storage: [UInt8], offsets: [UInt32], encoding: TextEncoding) {
        self.line = line
        self.storage = storage
        self.offsets = offsets
        self.encoding = encoding
    }

    /// A record from decoded fields (spreadsheet rows, tests).
    public init(line: Int, fields: [String]) {
        var storage: [UInt8] = [], offsets: [UInt32] = []
        offsets.reserveCapacity(2 * fields.count)
        for field in fields {
            offsets.append(UInt32(storage.count))
            storage.append(contentsOf: field.utf8)
            offsets.append(UInt32(storage.count))
        }
        self.init(line: line, storage: storage, offsets: offsets, encoding: .utf8)
    }

    /// Number of fields (always the header's).
    public var count: Int { offsets.count / 2 }

    /// Field `index` decoded, spaces kept, quotes removed and `""` unescaped.
    public subscript(index: Int) -> String {
        withBytes(index) { encoding.decode($0) }
    }

    /// Field `index` decoded, without surrounding spaces, tabs or no-break spaces.
    public func trimmed(_ index: Int) -> String {
        withBytes(index) { encoding.decode(FieldTrimming.trim($0, encoding)) }
    }

    /// Whether field `index` is empty or only spaces.
    public func isBlank(_ index: Int) -> Bool {
        withBytes(index) { FieldTrimming.trim($0, encoding).isEmpty }
    }

    /// Field `index` read as a French number (see `FrenchNumber.parse`).
    public func cellValue(_ index: Int) throws(NumberError) -> CellValue {
        let encoding = self.encoding
        let result = withBytes(index) { bytes in
            Result { () throws(NumberError) -> CellValue in try FrenchNumber.parse(bytes: bytes, encoding: encoding) }
        }
        return try result.get()
    }

    /// All fields decoded, spaces kept.
    public var fields: [String] { (0..<count).map { self[$0] } }

    /// Calls `body` with the raw bytes of field `index`, in the file's encoding.
    public func withBytes<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < count, "field \(index) out of 0..<\(count)")
        let from = Int(offsets[2 * index]), to = Int(offsets[2 * index + 1])
        return try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[from..<to])) }
    }
}
