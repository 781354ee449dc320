/// One record of a CSV file, owned: its bytes are copied once and fields decoded on access.
public struct CSVRecord: Sendable, Equatable {
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
