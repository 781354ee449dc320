/// A small non-validating XML tokenizer over bytes, for every part of a workbook that is read
/// (workbook, relationships, styles, shared strings, sheets): Foundation's `XMLParser` makes a
/// `String` and a dictionary per element, takes seconds on a 100,000-row sheet, and leaves DTD
/// handling to libxml2.
///
/// Handles what SpreadsheetML uses: elements with namespace prefixes (reported by local name),
/// attributes in `"` or `'`, the five predefined entities and character references, CDATA,
/// comments and processing instructions. Any other `<!` (a DOCTYPE, an ENTITY declaration) is
/// refused: no entity is ever expanded.
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
                    throw .refused(part: part, reason: "contient une déclaration DOCTYPE ou ENTITY (refusée : pas d'expansion d'entités)")
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
