/// Byte-level UTF-8 checks, kept apart from `String` so a whole chunk is checked without decoding it.
enum UTF8Validation {
    /// Whether `bytes` is valid UTF-8. With `allowTruncatedEnd`, an incomplete sequence cut by the
    /// end of a sample counts as valid.
    static func isValid(_ bytes: UnsafeRawBufferPointer, allowTruncatedEnd: Bool = false) -> Bool {
        let p = bytes.bindMemory(to: UInt8.self)
        let n = p.count
        var i = 0
        while i < n {
            // ASCII fast path, 8 bytes at a time.
            while i + 8 <= n {
                let word = UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            if i >= n { break }
            let b0 = p[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return false
            }
            for k in 1..<length {
                if i + k >= n { return allowTruncatedEnd }
                let b = p[i + k]
                if k == 1 {
                    if b < lower || b > upper { return false }
                } else if b & 0xC0 != 0x80 {
                    return false
                }
            }
            i += length
        }
        return true
    }
}
