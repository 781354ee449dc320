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
        guard let double = Double(text), double.isFinite else { return nil }
        let rounded = String(format: "%.15g", double)
        if !rounded.contains("e"), let value = Decimal(string: rounded, locale: Locale(identifier: "en_US_POSIX")) {
            return value
        }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(double)
    }
}
