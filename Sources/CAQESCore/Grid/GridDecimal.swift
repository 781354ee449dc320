import Foundation

/// Decimal helpers of the grid, kept in a namespace so they cannot collide with other modules'.
enum GridDecimal {
    /// Rounds half away from zero (D7) to `scale` decimals.
    static func rounded(_ value: Decimal, scale: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, scale, .plain)
        return output
    }

    /// Smallest integer ≥ `value`, for `value` ≥ 0 (a sanction gap is positive).
    static func ceiling(_ value: Decimal) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, 0, .up)
        return output
    }

    /// French writing with a decimal comma and no trailing zeros (« 0,5 », « 53,06 »).
    static func french(_ value: Decimal) -> String {
        FrenchNumberFormat.decimal(value)
    }

    /// French money: « 24 000,00 € » (D22), rounded to the cent half away from zero.
    static func euros(_ value: Decimal) -> String {
        FrenchNumberFormat.euros(value)
    }

    /// Reads « 1.5 », « 1,5 », « 3 » or « -2 »; nothing else (no exponent, no trailing text).
    static func parse(_ text: String) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        var body = Substring(trimmed)
        if body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        return Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
    }
}
