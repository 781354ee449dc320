import Foundation

/// The two standard (non-embedded) fonts the writer uses.
enum FontFace: UInt8, Sendable {
    case regular = 0
    case bold = 1

    var resourceName: StaticString { self == .regular ? "/F1" : "/F2" }
    var baseFont: StaticString { self == .regular ? "/Helvetica" : "/Helvetica-Bold" }

    @inline(__always)
    var widths: [UInt16] { self == .regular ? FontMetricsTable.helvetica : FontMetricsTable.helveticaBold }
}

/// Single-byte encoding of the module fonts: WinAnsiEncoding (Windows-1252)
/// plus the `/Differences` declared in the PDF:
///   0x81 -> glyph /space, used for U+202F NARROW NO-BREAK SPACE (narrower width);
///   0xA0 -> glyph /space, used for U+00A0 NO-BREAK SPACE.
/// The same table, reversed, produces the `/ToUnicode` CMap.
enum PDFTextEncoding {
    static let narrowNoBreakSpace: UInt8 = 0x81
    static let noBreakSpace: UInt8 = 0xA0
    /// Line-break marker kept inside encoded paragraphs (never written to a page).
    static let newline: UInt8 = 0x0A
    static let ellipsis: UInt8 = 0x85

    /// Unicode values of codes 0x80...0x9F (0 = unused by the encoding).
    static let highTable: [UInt32] = [
        0x20AC, 0x202F, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// Encodes `text`; characters outside the encoding become a close
    /// substitute (typographic spaces and hyphens) or `?`. Line feeds are kept
    /// as `newline` markers when `keepNewlines`, otherwise turned into spaces.
    static func encode(_ text: String, keepNewlines: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var needsComposition = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v >= 0x0300 && v <= 0x036F {
                needsComposition = true
                break
            }
            appendEncoded(v, to: &out, keepNewlines: keepNewlines)
        }
        if needsComposition {
            // Decomposed input (e.g. "e" + U+0301): compose, then encode again.
            out.removeAll(keepingCapacity: true)
            for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
                let v = scalar.value
                if v >= 0x0300 && v <= 0x036F { continue }  // no precomposed form: drop the mark
                appendEncoded(v, to: &out, keepNewlines: keepNewlines)
            }
        }
        return out
    }

    @inline(__always)
    static func appendEncoded(_ v: UInt32, to out: inout [UInt8], keepNewlines: Bool) {
        if v >= 0x20 && v < 0x7F {
            out.append(UInt8(truncatingIfNeeded: v))
            return
        }
        if v >= 0xA0 && v <= 0xFF {
            if v != 0xAD { out.append(UInt8(truncatingIfNeeded: v)) }  // soft hyphen: invisible
            return
        }
        switch v {
        case 0x0A: out.append(keepNewlines ? newline : 0x20)
        case 0x0D: break
        case 0x00...0x1F, 0x7F...0x9F: out.append(0x20)
        case 0x202F: out.append(narrowNoBreakSpace)
        case 0x2007: out.append(noBreakSpace)  // figure space: treated as no-break space
        case 0x2000...0x200A, 0x205F: out.append(0x20)  // other typographic spaces
        case 0x200B...0x200D, 0x2060, 0xFEFF: break  // zero-width characters
        case 0x2010, 0x2011, 0x2012, 0x2212: out.append(UInt8(ascii: "-"))
        case 0x20AC: out.append(0x80)
        case 0x201A: out.append(0x82)
        case 0x0192: out.append(0x83)
        case 0x201E: out.append(0x84)
        case 0x2026: out.append(0x85)
        case 0x2020: out.append(0x86)
        case 0x2021: out.append(0x87)
        case 0x02C6: out.append(0x88)
        case 0x2030: out.append(0x89)
        case 0x0160: out.append(0x8A)
        case 0x2039: out.append(0x8B)
        case 0x0152: out.append(0x8C)
        case 0x017D: out.append(0x8E)
        case 0x2018: out.append(0x91)
        case 0x2019: out.append(0x92)
        case 0x201C: out.append(0x93)
        case 0x201D: out.append(0x94)
        case 0x2022: out.append(0x95)
        case 0x2013: out.append(0x96)
        case 0x2014: out.append(0x97)
        case 0x02DC: out.append(0x98)
        case 0x2122: out.append(0x99)
        case 0x0161: out.append(0x9A)
        case 0x203A: out.append(0x9B)
        case 0x0153: out.append(0x9C)
        case 0x017E: out.append(0x9E)
        case 0x0178: out.append(0x9F)
        default: out.append(UInt8(ascii: "?"))
        }
    }

    /// Unicode scalar value of `code` (inverse of `encode`).
    @inline(__always)
    static func unicode(of code: UInt8) -> UInt32 {
        if code >= 0x80 && code < 0xA0 {
            let value = highTable[Int(code) - 0x80]
            return value == 0 ? 0xFFFD : value
        }
        return UInt32(code)
    }

    /// The `/ToUnicode` CMap shared by both fonts.
    static let toUnicodeCMap: [UInt8] = {
        var w = ByteWriter(capacity: 2048)
        w.ascii("""
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /CAQES-WinAnsi-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <00> <FF>
            endcodespacerange
            2 beginbfrange
            <20> <7E> <0020>
            <A0> <FF> <00A0>
            endbfrange

            """)
        let used = highTable.enumerated().filter { $0.element != 0 }
        w.int(used.count)
        w.ascii(" beginbfchar\n")
        for (offset, unicode) in used {
            w.byte(UInt8(ascii: "<"))
            w.hexDigits(CollectionOfOne(UInt8(0x80 + offset)))
            w.ascii("> <")
            w.hexDigits([UInt8(unicode >> 8), UInt8(unicode & 0xFF)])
            w.ascii(">\n")
        }
        w.ascii("""
            endbfchar
            endcmap
            CMapName currentdict /CMap defineresource pop
            end
            end

            """)
        return w.bytes
    }()
}

/// Text measurement with the AFM advance widths.
enum TextMetrics {
    /// Width in points of `bytes` set in `font` at `size`.
    @inline(__always)
    static func width<C: Collection>(_ bytes: C, font: FontFace, size: Double) -> Double where C.Element == UInt8 {
        let table = font.widths
        var units = 0
        for b in bytes { units &+= Int(table[Int(b)]) }
        return Double(units) * size / 1000
    }
}
