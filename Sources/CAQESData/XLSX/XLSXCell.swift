import Foundation

/// One spreadsheet cell, typed as the workbook stores it.
public enum XLSXCell: Sendable, Equatable, Hashable {
    case empty
    case text(String)
    /// Rounded to 15 significant digits, as Excel shows it (the file holds binary doubles:
    /// `0.30000000000000004` is the 0.3 the user typed).
    case number(Decimal)
    /// A number whose style is a date or time format.
    case date(ExcelDate)
    case boolean(Bool)
    /// A formula error such as `#N/A` or `#DIV/0!`.
    case error(String)

    /// The cell as text for CSV-like imports: numbers with a `.` decimal point (what
    /// `FrenchNumber.parse` reads), dates as `2024-03-01`, booleans as `VRAI` / `FAUX`.
    public var text: String {
        switch self {
        case .empty: ""
        case .text(let text): text
        case .number(let value): value.description
        case .date(let date): date.description
        case .boolean(let value): value ? "VRAI" : "FAUX"
        case .error(let code): code
        }
    }

    /// Decimal from the text of a `<v>` element, rounded to 15 significant digits.
    static func number(fromStored text: String) -> Decimal? {
        var text = text
        return text.withUTF8 { number(fromStored: UnsafeRawBufferPointer($0)) }
    }

    /// Integer arithmetic on the stored digits (`-0.30000000000000004`, `1.5E-3`): no `Double`,
    /// no formatting, and the same 15 digits Excel shows.
    static func number(fromStored bytes: UnsafeRawBufferPointer) -> Decimal? {
        var i = 0, n = bytes.count
        guard n > 0 else { return nil }
        var negative = false
        if bytes[0] == 0x2D || bytes[0] == 0x2B { negative = bytes[0] == 0x2D; i = 1 }
        var mantissa: UInt64 = 0, digits = 0, exponent = 0, sawPoint = false, sawDigit = false, dropped = 0
        var firstDropped: UInt8 = 0
        while i < n {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                sawDigit = true
                if digits == 0 && c == 0x30 {
                    if sawPoint { exponent -= 1 }
                } else if digits < 15 {
                    mantissa = mantissa * 10 + UInt64(c - 0x30)
                    digits += 1
                    if sawPoint { exponent -= 1 }
                } else {
                    if dropped == 0 { firstDropped = c - 0x30 }
                    dropped += 1
                    if !sawPoint { exponent += 1 }
                }
            } else if c == 0x2E && !sawPoint {
                sawPoint = true
            } else if (c == 0x45 || c == 0x65) && sawDigit {
                var sign = 1, value = 0, k = i + 1
                if k < n && (bytes[k] == 0x2D || bytes[k] == 0x2B) { sign = bytes[k] == 0x2D ? -1 : 1; k += 1 }
                guard k < n else { return nil }
                while k < n {
                    guard bytes[k] >= 0x30 && bytes[k] <= 0x39, value < 10_000 else { return nil }
                    value = value * 10 + Int(bytes[k] - 0x30)
                    k += 1
                }
                exponent += sign * value
                n = i
                break
            } else {
                return nil
            }
            i += 1
        }
        guard sawDigit else { return nil }
        // Round half up on the first dropped digit (the text is already the double's shortest form).
        if firstDropped >= 5 {
            mantissa += 1
            if mantissa == 1_000_000_000_000_000 { mantissa /= 10; exponent += 1 }
        }
        while mantissa != 0 && mantissa % 10 == 0 && exponent < 0 { mantissa /= 10; exponent += 1 }
        guard mantissa != 0 else { return 0 }
        guard exponent > -128 && exponent < 127 else { return nil }
        var value = Decimal(sign: negative ? .minus : .plus, exponent: exponent, significand: Decimal(mantissa))
        if exponent == 0 { value = Decimal(negative ? -Int64(mantissa) : Int64(mantissa)) }
        return value
    }
}
