/// What `XMLScanner` hands to its handler: names, attributes and text, all views into the part's bytes.
protocol XMLHandler {
    mutating func start(_ name: XMLName, _ attributes: XMLAttributes) throws(XLSXError)
    mutating func end(_ name: XMLName)
    mutating func text(_ text: XMLText)
}

/// An element's local name.
struct XMLName {
    let bytes: UnsafeRawBufferPointer
    static func == (lhs: XMLName, rhs: StaticString) -> Bool {
        lhs.bytes.count == rhs.utf8CodeUnitCount
            && lhs.bytes.elementsEqual(UnsafeBufferPointer(start: rhs.utf8Start, count: rhs.utf8CodeUnitCount))
    }
}

/// The attributes of the current start tag (valid during `start` only).
struct XMLAttributes {
    let bytes: UnsafeRawBufferPointer
    private var ranges: [(name: Range<Int>, value: Range<Int>)] = []

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func removeAll() { ranges.removeAll(keepingCapacity: true) }
    mutating func append(name: Range<Int>, value: Range<Int>) { ranges.append((name, value)) }

    /// The value of the attribute with this local name (`r:id` matches `id`).
    subscript(name: StaticString) -> XMLText? {
        for (nameRange, valueRange) in ranges {
            var local = nameRange.lowerBound
            for k in nameRange where bytes[k] == 0x3A { local = k + 1 }
            let candidate = XMLName(bytes: UnsafeRawBufferPointer(rebasing: bytes[local..<nameRange.upperBound]))
            if candidate == name { return XMLText(UnsafeRawBufferPointer(rebasing: bytes[valueRange]), raw: false) }
        }
        return nil
    }
}

/// Character data or an attribute value, still escaped unless `raw` (CDATA).
struct XMLText {
    let bytes: UnsafeRawBufferPointer
    let raw: Bool

    init(_ bytes: UnsafeRawBufferPointer, raw: Bool) {
        self.bytes = bytes
        self.raw = raw
    }

    /// A non-negative decimal integer, without making a `String`.
    var int: Int? {
        guard !bytes.isEmpty, bytes.count < 19 else { return nil }
        var value = 0
        for c in bytes {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value
    }

    /// Appends the unescaped UTF-8 to `out`: entities, character references, and Excel's
    /// `_xHHHH_` escapes for control characters (`_x000D_` is a carriage return).
    func append(to out: inout [UInt8]) {
        if raw || (!bytes.contains(0x26) && !bytes.contains(0x5F)) { out.append(contentsOf: bytes); return }
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c == 0x26, let semicolon = (i + 1..<min(n, i + 12)).first(where: { bytes[$0] == 0x3B }) {
                let entity = Array(bytes[(i + 1)..<semicolon])
                if let scalar = Self.entity(entity) { Self.appendUTF8(scalar, to: &out); i = semicolon + 1; continue }
            }
            if c == 0x5F && i + 6 < n && bytes[i + 1] == 0x78 && bytes[i + 6] == 0x5F,
               let code = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(i + 2)..<(i + 6)]), as: UTF8.self), radix: 16) {
                Self.appendUTF8(code, to: &out)
                i += 7
                continue
            }
            out.append(c)
            i += 1
        }
    }

    var string: String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func entity(_ name: [UInt8]) -> UInt32? {
        switch name {
        case Array("lt".utf8): return 0x3C
        case Array("gt".utf8): return 0x3E
        case Array("amp".utf8): return 0x26
        case Array("quot".utf8): return 0x22
        case Array("apos".utf8): return 0x27
        default:
            guard name.first == 0x23 else { return nil }
            let digits = String(decoding: name.dropFirst(), as: UTF8.self)
            if digits.hasPrefix("x") || digits.hasPrefix("X") { return UInt32(digits.dropFirst(), radix: 16) }
            return UInt32(digits)
        }
    }

    static func appendUTF8(_ code: UInt32, to out: inout [UInt8]) {
        guard let scalar = Unicode.Scalar(code) else { return }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }
}
