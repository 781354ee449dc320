// Low-level byte output for PDF syntax: ASCII tokens, integers, fixed-point
// numbers, escaped literal strings and hex strings, appended to one [UInt8].

struct ByteWriter: Sendable {
    var bytes: [UInt8]

    init(capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    @inline(__always)
    mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// Appends an ASCII literal (compile-time string, no allocation).
    @inline(__always)
    mutating func ascii(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends the UTF-8 bytes of a runtime string (used for ASCII-only tokens).
    mutating func utf8(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    mutating func append<S: Sequence>(contentsOf s: S) where S.Element == UInt8 {
        bytes.append(contentsOf: s)
    }

    /// Appends a decimal integer.
    mutating func int(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            uint(UInt(value.magnitude))
        } else {
            uint(UInt(value))
        }
    }

    mutating func uint(_ value: UInt) {
        if value < 10 {
            bytes.append(0x30 &+ UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while n > 0 {
                buf[count] = 0x30 &+ UInt8(n % 10)
                n /= 10
                count += 1
            }
            var i = count - 1
            while i >= 0 {
                bytes.append(buf[i])
                i -= 1
            }
        }
    }

    /// Appends an integer right-padded with spaces to `width` characters.
    mutating func paddedInt(_ value: Int, width: Int) {
        let start = bytes.count
        int(value)
        while bytes.count - start < width { bytes.append(0x20) }
    }

    /// Appends a non-negative integer left-padded with zeros to `width` digits.
    mutating func zeroPaddedInt(_ value: Int, width: Int) {
        var digits = 1
        var v = value / 10
        while v > 0 { digits += 1; v /= 10 }
        if digits < width { bytes.append(contentsOf: repeatElement(0x30, count: width - digits)) }
        int(value)
    }

    /// Appends a number with at most two decimals ("12.5", "595.28", "0"):
    /// enough precision for page coordinates and deterministic across platforms.
    mutating func number(_ value: Double) {
        guard value.isFinite else {
            bytes.append(0x30)
            return
        }
        let hundredths = Int((value * 100).rounded())
        if hundredths < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = UInt(hundredths.magnitude)
        uint(magnitude / 100)
        let frac = magnitude % 100
        if frac != 0 {
            bytes.append(UInt8(ascii: "."))
            bytes.append(0x30 &+ UInt8(frac / 10))
            if frac % 10 != 0 { bytes.append(0x30 &+ UInt8(frac % 10)) }
        }
    }

    /// Appends `(…)` with the PDF literal-string escapes for `(`, `)` and `\`.
    /// Other bytes, including 0x80–0xFF, are written as they are.
    mutating func literalString<C: Collection>(_ content: C) where C.Element == UInt8 {
        bytes.append(UInt8(ascii: "("))
        for b in content {
            switch b {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(b)
            case 0x0D:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "r"))
            case 0x0A:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "n"))
            default:
                bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: ")"))
    }

    /// Appends uppercase hex digits for `content` (no delimiters).
    mutating func hexDigits<C: Collection>(_ content: C) where C.Element == UInt8 {
        for b in content {
            bytes.append(hexDigit(b >> 4))
            bytes.append(hexDigit(b & 0x0F))
        }
    }

    /// Appends a PDF text string: a literal string when `text` is printable ASCII,
    /// otherwise UTF-16BE with a byte-order mark as a hex string.
    mutating func textString(_ text: String) {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            literalString(Array(text.utf8))
            return
        }
        bytes.append(UInt8(ascii: "<"))
        ascii("FEFF")
        for unit in text.utf16 {
            hexDigits(CollectionOfOne(UInt8(unit >> 8)))
            hexDigits(CollectionOfOne(UInt8(unit & 0xFF)))
        }
        bytes.append(UInt8(ascii: ">"))
    }
}

@inline(__always)
func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? 0x30 &+ nibble : 0x41 &+ (nibble &- 10)
}
