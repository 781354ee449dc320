/// A borrowed view of the reader's current record, for loops that must not allocate per row.
///
/// Valid only until the reader's next `advance()` / `next()`: it points into the reader's buffer.
/// Use `record()` to keep a copy.
public struct CSVRawRecord {
    /// Physical line of the record's first byte (header = 1).
    public let line: Int
    /// Number of fields.
    public let count: Int
    let base: UnsafeRawPointer
    let bounds: UnsafePointer<Int>
    let encoding: TextEncoding

    /// Raw bytes of field `index`, quotes removed and `""` unescaped, in the file's encoding.
    public func bytes(_ index: Int) -> UnsafeRawBufferPointer {
        precondition(index >= 0 && index < count, "field \(index) out of 0..<\(count)")
        let from = bounds[2 * index], to = bounds[2 * index + 1]
        return UnsafeRawBufferPointer(start: base + from, count: to - from)
    }

    /// Field `index` decoded, spaces kept.
    public subscript(index: Int) -> String { encoding.decode(bytes(index)) }

    /// Field `index` decoded, without surrounding spaces, tabs or no-break spaces.
    public func trimmed(_ index: Int) -> String { encoding.decode(FieldTrimming.trim(bytes(index), encoding)) }

    /// Whether field `index` is empty or only spaces.
    public func isBlank(_ index: Int) -> Bool { FieldTrimming.trim(bytes(index), encoding).isEmpty }

    /// Whether field `index` is exactly `ascii` (byte comparison, no decoding).
    public func equals(_ index: Int, _ ascii: StaticString) -> Bool {
        let field = bytes(index)
        guard field.count == ascii.utf8CodeUnitCount else { return false }
        return field.elementsEqual(UnsafeBufferPointer(start: ascii.utf8Start, count: ascii.utf8CodeUnitCount))
    }

    /// Field `index` read as a French number (see `FrenchNumber.parse`).
    public func cellValue(_ index: Int) throws(NumberError) -> CellValue {
        try FrenchNumber.parse(bytes: bytes(index), encoding: encoding)
    }

    /// All fields decoded, spaces kept.
    public var fields: [String] { (0..<count).map { self[$0] } }

    /// An owned copy that outlives the reader's buffer.
    public func record() -> CSVRecord {
        var low = Int.max, high = Int.min
        for k in 0..<count {
            low = min(low, bounds[2 * k])
            high = max(high, bounds[2 * k + 1])
        }
        if count == 0 { low = 0; high = 0 }
        let storage = [UInt8](UnsafeRawBufferPointer(start: base + low, count: high - low))
        var offsets = [UInt32](repeating: 0, count: 2 * count)
        for k in 0..<(2 * count) { offsets[k] = UInt32(bounds[k] - low) }
        return CSVRecord(line: line, storage: storage, offsets: offsets, encoding: encoding)
    }
}

/// Trimming on bytes, so a padded number never becomes a `String` before it is parsed.
enum FieldTrimming {
    static func trim(_ field: UnsafeRawBufferPointer, _ encoding: TextEncoding) -> UnsafeRawBufferPointer {
        var from = 0, to = field.count
        while from < to {
            let width = spaceWidth(field, at: from, encoding)
            if width == 0 { break }
            from += width
        }
        while to > from {
            let width = spaceWidthBefore(field, end: to, from: from, encoding)
            if width == 0 { break }
            to -= width
        }
        return UnsafeRawBufferPointer(rebasing: field[from..<to])
    }

    /// Width of a space, tab, NBSP (U+00A0) or narrow NBSP (U+202F) starting at `i`, else 0.
    static func spaceWidth(_ f: UnsafeRawBufferPointer, at i: Int, _ encoding: TextEncoding) -> Int {
        let c = f[i]
        if c == 0x20 || c == 0x09 { return 1 }
        if encoding != .utf8 { return c == 0xA0 ? 1 : 0 }
        if c == 0xC2 && i + 1 < f.count && f[i + 1] == 0xA0 { return 2 }
        if c == 0xE2 && i + 2 < f.count && f[i + 1] == 0x80 && f[i + 2] == 0xAF { return 3 }
        return 0
    }

    static func spaceWidthBefore(_ f: UnsafeRawBufferPointer, end: Int, from: Int, _ encoding: TextEncoding) -> Int {
        let c = f[end - 1]
        if c == 0x20 || c == 0x09 { return 1 }
        if encoding != .utf8 { return c == 0xA0 ? 1 : 0 }
        if c == 0xA0 && end - 2 >= from && f[end - 2] == 0xC2 { return 2 }
        if c == 0xAF && end - 3 >= from && f[end - 3] == 0xE2 && f[end - 2] == 0x80 { return 3 }
        return 0
    }
}
