/// The character encodings French open-data CSV files come in.
///
/// Latin-1 and Windows-1252 differ only in 0x80–0x9F, where Windows-1252 has `€`, `œ`, `’`, `…`
/// and Latin-1 has unused control codes.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8
    /// ISO-8859-1.
    case latin1
    case windows1252

    /// French name for messages and import reports.
    public var label: String {
        switch self {
        case .utf8: "UTF-8"
        case .latin1: "Latin-1 (ISO-8859-1)"
        case .windows1252: "Windows-1252"
        }
    }

    /// Decodes bytes already known to be valid in this encoding (UTF-8 is validated by the reader).
    func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        if bytes.isEmpty { return "" }
        let typed = bytes.bindMemory(to: UInt8.self)
        switch self {
        case .utf8:
            return String(decoding: typed, as: UTF8.self)
        case .latin1, .windows1252:
            if !typed.contains(where: { $0 >= 0x80 }) {
                return String(decoding: typed, as: UTF8.self)
            }
            let table = self == .windows1252
            // At most 3 UTF-8 bytes per input byte (U+20AC `€` is the widest).
            return String(unsafeUninitializedCapacity: typed.count * 3) { out in
                var w = 0
                for byte in typed {
                    let scalar: UInt32 = table && byte >= 0x80 && byte < 0xA0
                        ? UInt32(windows1252High[Int(byte) - 0x80]) : UInt32(byte)
                    if scalar < 0x80 {
                        out[w] = UInt8(scalar); w += 1
                    } else if scalar < 0x800 {
                        out[w] = UInt8(0xC0 | (scalar >> 6)); out[w + 1] = UInt8(0x80 | (scalar & 0x3F)); w += 2
                    } else {
                        out[w] = UInt8(0xE0 | (scalar >> 12))
                        out[w + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                        out[w + 2] = UInt8(0x80 | (scalar & 0x3F)); w += 3
                    }
                }
                return w
            }
        }
    }
}

/// Code points of Windows-1252 bytes 0x80–0x9F; the five undefined bytes keep their Latin-1
/// control code, as the WHATWG encoding standard does.
private let windows1252High: [UInt16] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
]
