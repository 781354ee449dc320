import Foundation

/// Byte-level helpers on PDF files (no String decoding: files hold raw 0x80–0xFF bytes).
enum PDFBytes {
    static func find(_ needle: String, in haystack: [UInt8], from start: Int = 0) -> Int? {
        let n = Array(needle.utf8)
        guard !n.isEmpty, haystack.count >= n.count else { return nil }
        var i = start
        while i <= haystack.count - n.count {
            if haystack[i] == n[0] && Array(haystack[i..<i + n.count]) == n { return i }
            i += 1
        }
        return nil
    }

    static func count(_ needle: String, in haystack: [UInt8]) -> Int {
        var total = 0
        var position = 0
        while let found = find(needle, in: haystack, from: position) {
            total += 1
            position = found + 1
        }
        return total
    }

    /// The four /ByteRange numbers.
    static func byteRange(_ pdf: [UInt8]) -> [Int]? {
        guard let start = find("/ByteRange [", in: pdf) else { return nil }
        var i = start + "/ByteRange [".utf8.count
        var numbers: [Int] = []
        var current: Int?
        while i < pdf.count, pdf[i] != UInt8(ascii: "]") {
            let c = pdf[i]
            if c >= 0x30 && c <= 0x39 {
                current = (current ?? 0) * 10 + Int(c - 0x30)
            } else if let value = current {
                numbers.append(value)
                current = nil
            }
            i += 1
        }
        if let current { numbers.append(current) }
        return numbers.count == 4 ? numbers : nil
    }

    /// DER bytes of the CMS in /Contents (trailing zero padding removed).
    static func cms(_ pdf: [UInt8]) -> [UInt8]? {
        guard let range = byteRange(pdf) else { return nil }
        let hex = pdf[(range[1] + 1)..<(range[2] - 1)]
        var bytes: [UInt8] = []
        var iterator = hex.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = nibble(high), let l = nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        // Outer SEQUENCE length tells where the DER ends.
        guard bytes.count > 4, bytes[0] == 0x30 else { return nil }
        let length: Int
        let header: Int
        switch bytes[1] {
        case 0x81: length = Int(bytes[2]); header = 3
        case 0x82: length = Int(bytes[2]) << 8 | Int(bytes[3]); header = 4
        default: length = Int(bytes[1]); header = 2
        }
        return Array(bytes.prefix(header + length))
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    static func contains(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<i + needle.count]) == needle {
            return true
        }
        return false
    }
}
