/// A small non-validating XML tokenizer over bytes, for the big parts of a workbook (sheets,
/// shared strings): Foundation's `XMLParser` makes a `String` and a dictionary per element and
/// takes seconds on a 100,000-row sheet.
///
/// Handles what SpreadsheetML uses: elements with namespace prefixes (reported by local name),
/// attributes in `"` or `'`, the five predefined entities and character references, CDATA,
/// comments and processing instructions. A DOCTYPE is refused (no entity expansion, ever).
struct XMLScanner {
    let bytes: UnsafeRawBufferPointer
    let part: String

    func scan<H: XMLHandler>(_ handler: inout H) throws(XLSXError) {
        let p = bytes, n = bytes.count
        var i = 0
        var attributes = XMLAttributes(bytes: p)
        // Open elements (local names), so a cut or badly nested part is an error, not fewer rows.
        var open: [XMLName] = []
        while i < n {
            if p[i] != 0x3C {  // text up to the next `<`
                let start = i
                while i < n && p[i] != 0x3C { i += 1 }
                handler.text(XMLText(UnsafeRawBufferPointer(rebasing: p[start..<i]), raw: false))
                continue
            }
            i += 1
            guard i < n else { throw truncated() }
            switch p[i] {
            case 0x3F:  // <? … ?>
                i = try skip(past: [0x3F, 0x3E], from: i)
            case 0x21:  // <!-- … -->, <![CDATA[ … ]]>, <!DOCTYPE
                if starts(i, "!--") {
                    i = try skip(past: Array("-->".utf8), from: i)
                } else if starts(i, "![CDATA[") {
                    let start = i + 8
                    i = try skip(past: Array("]]>".utf8), from: start)
                    handler.text(XMLText(UnsafeRawBufferPointer(rebasing: p[start..<(i - 3)]), raw: true))
                } else {
                    throw .malformed(part: part, reason: "déclaration DOCTYPE refusée")
                }
            case 0x2F:  // </name>
                i += 1
                let (name, after) = readName(from: i)
                guard let close = index(of: 0x3E, from: after) else { throw truncated() }
                guard let innermost = open.popLast(), innermost.bytes.elementsEqual(name.bytes) else {
                    throw .malformed(part: part, reason: "balises mal imbriquées")
                }
                handler.end(name)
                i = close + 1
            default:
                let (name, after) = readName(from: i)
                guard !name.bytes.isEmpty else { throw .malformed(part: part, reason: "balise invalide") }
                i = after
                attributes.removeAll()
                var selfClosing = false
                while true {
                    while i < n && isSpace(p[i]) { i += 1 }
                    guard i < n else { throw truncated() }
                    if p[i] == 0x3E { i += 1; break }
                    if p[i] == 0x2F {
                        guard i + 1 < n, p[i + 1] == 0x3E else { throw .malformed(part: part, reason: "balise invalide") }
                        selfClosing = true
                        i += 2
                        break
                    }
                    let nameStart = i
                    while i < n && p[i] != 0x3D && !isSpace(p[i]) && p[i] != 0x3E { i += 1 }
                    let nameEnd = i
                    while i < n && isSpace(p[i]) { i += 1 }
                    guard i < n, p[i] == 0x3D else { throw .malformed(part: part, reason: "attribut invalide") }
                    i += 1
                    while i < n && isSpace(p[i]) { i += 1 }
                    guard i < n, p[i] == 0x22 || p[i] == 0x27 else { throw .malformed(part: part, reason: "attribut invalide") }
                    let quote = p[i]
                    i += 1
                    guard let close = index(of: quote, from: i) else { throw truncated() }
                    attributes.append(name: nameStart..<nameEnd, value: i..<close)
                    i = close + 1
                }
                try handler.start(name, attributes)
                if selfClosing { handler.end(name) } else { open.append(name) }
            }
        }
        guard open.isEmpty else { throw truncated() }
    }

    private func truncated() -> XLSXError { .malformed(part: part, reason: "XML tronqué") }

    private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    private func index(of byte: UInt8, from start: Int) -> Int? {
        var i = start
        while i < bytes.count { if bytes[i] == byte { return i }; i += 1 }
        return nil
    }

    private func starts(_ i: Int, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard i + count <= bytes.count else { return false }
        for k in 0..<count where bytes[i + k] != text.utf8Start[k] { return false }
        return true
    }

    /// Index just past `terminator`.
    private func skip(past terminator: [UInt8], from start: Int) throws(XLSXError) -> Int {
        var i = start
        while i + terminator.count <= bytes.count {
            if bytes[i] == terminator[0] && terminator.indices.allSatisfy({ bytes[i + $0] == terminator[$0] }) {
                return i + terminator.count
            }
            i += 1
        }
        throw truncated()
    }

    /// The local name (after any `prefix:`) and the index after the full name.
    private func readName(from start: Int) -> (XMLName, Int) {
        var i = start, local = start
        while i < bytes.count {
            let c = bytes[i]
            if isSpace(c) || c == 0x3E || c == 0x2F { break }
            if c == 0x3A { local = i + 1 }
            i += 1
        }
        return (XMLName(bytes: UnsafeRawBufferPointer(rebasing: bytes[local..<i])), i)
    }
}

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
