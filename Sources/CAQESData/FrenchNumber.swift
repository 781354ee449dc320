import Foundation

/// Parses numbers as French statistics files write them.
public enum FrenchNumber {
    /// Reads a cell: `1 234,56`, `-3.5`, `        15,2`, `59,6 %`, `1 234 €`, `1.5E3`.
    ///
    /// - Decimal separator: `,` or `.` (one at most). Thousands: space, NBSP or narrow NBSP between
    ///   groups of 3 digits. Surrounding spaces are ignored; a leading `+`, `-` or `−` is a sign.
    /// - A trailing `%` or `€` is dropped: `59,6 %` is 59.6, the number as printed.
    /// - Masked values give `.masked` with their reason, never 0: `.c`/`c`/`s`/`secret`
    ///   (secret statistique), `.z` (sans objet), `.a` (donnée absente), `NA`/`ND` (non disponible),
    ///   `NC` (non communiqué), `NS` (non significatif), `1 à 10` (effectif entre 1 et 10), `< 11`.
    /// - An empty or blank cell is `.empty`.
    public static func parse(_ text: some StringProtocol) throws(NumberError) -> CellValue {
        var copy = String(text)
        let result = copy.withUTF8 { utf8 in
            Result { () throws(NumberError) -> CellValue in
                try parse(utf8: UnsafeRawBufferPointer(utf8), original: { String(text) })
            }
        }
        return try result.get()
    }

    /// Reads a raw field from a `CSVRawRecord` / `CSVRecord` without making a `String` first.
    public static func parse(bytes: UnsafeRawBufferPointer, encoding: TextEncoding) throws(NumberError) -> CellValue {
        if encoding != .utf8 && bytes.contains(where: { $0 >= 0x80 }) {
            return try parse(encoding.decode(bytes))
        }
        return try parse(utf8: bytes, original: { encoding.decode(bytes) })
    }

    static func parse(utf8 raw: UnsafeRawBufferPointer, original: () -> String) throws(NumberError) -> CellValue {
        let field = FieldTrimming.trim(raw, .utf8)
        if field.isEmpty { return .empty }
        if let number = parseNumber(field) {
            switch number {
            case .success(let value): return .number(value)
            case .failure(let kind): throw kind.error(original())
            }
        }
        if let reason = maskReason(String(decoding: field, as: UTF8.self)) { return .masked(reason: reason) }
        throw .notANumber(original())
    }

    static let maskReasons: [String: String] = [
        ".c": "secret statistique", "c": "secret statistique", ".s": "secret statistique",
        "s": "secret statistique", "secret": "secret statistique",
        ".z": "sans objet", "z": "sans objet", ".a": "donnée absente",
        "na": "non disponible", "n/a": "non disponible", "nd": "non disponible", "n.d.": "non disponible",
        "nc": "non communiqué", "ns": "non significatif",
    ]

    static func maskReason(_ text: String) -> String? {
        let lower = text.lowercased()
        if let reason = maskReasons[lower] { return reason }
        // « 1 à 10 »: a small count hidden as a range.
        let words = lower.split(whereSeparator: { $0 == " " || $0 == "\u{A0}" || $0 == "\u{202F}" })
        if words.count == 3, words[1] == "à" || words[1] == "a",
           let low = Int(words[0]), let high = Int(words[2]), low <= high {
            return "effectif entre \(low) et \(high)"
        }
        // « < 11 », « <11 »
        if lower.hasPrefix("<") || lower.hasPrefix("≤") {
            let rest = lower.dropFirst().trimmingCharacters(in: .whitespaces)
            if let bound = Int(rest) { return "effectif inférieur à \(bound)" }
        }
        return nil
    }
}

extension FrenchNumber {
    /// Fast path for amounts in bulk files: `248.53` with `scale` 2 gives 24853, without `Decimal`.
    ///
    /// Accepts surrounding spaces, a sign, `.` or `,` and at most `scale` fraction digits (up to 18
    /// digits in all). Returns nil for anything else (masks, thousands separators, garbage): call
    /// `parse(bytes:encoding:)` then, for the value or the error.
    public static func scaledInteger(_ bytes: UnsafeRawBufferPointer, scale: Int) -> Int64? {
        var i = 0, n = bytes.count
        while i < n && bytes[i] == 0x20 { i += 1 }
        while n > i && bytes[n - 1] == 0x20 { n -= 1 }
        if i == n { return nil }
        var negative = false
        if bytes[i] == 0x2D || bytes[i] == 0x2B { negative = bytes[i] == 0x2D; i += 1 }
        var value: Int64 = 0, digits = 0, fraction = -1
        while i < n {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                value = value &* 10 &+ Int64(c &- 0x30)
                digits += 1
                if fraction >= 0 { fraction += 1 }
            } else if (c == 0x2E || c == 0x2C) && fraction < 0 {
                fraction = 0
            } else {
                return nil
            }
            i += 1
        }
        let decimals = max(fraction, 0)
        guard digits > 0, digits + scale - decimals <= 18, decimals <= scale else { return nil }
        for _ in decimals..<scale { value &*= 10 }
        return negative ? -value : value
    }
}
