/// What a cell's number format says about its value: a date, a zero-padded code, or a plain number.
enum XLSXNumberFormat: Sendable, Equatable {
    case general
    case date
    /// `000000000`: integers shown with leading zeros (FINESS, postal codes typed as numbers).
    case zeroPadded(width: Int)

    /// Built-in formats 14–22 and 45–47 are dates and times.
    static func builtIn(_ id: Int) -> XLSXNumberFormat {
        (14...22).contains(id) || (45...47).contains(id) ? .date : .general
    }

    /// Classifies a custom format code: date when it has d, m, y, h or s outside quotes, brackets
    /// (colours, locales such as `[$-40C]`) and escaped characters.
    static func custom(_ code: String) -> XLSXNumberFormat {
        let section = code.split(separator: ";", omittingEmptySubsequences: false).first.map(String.init) ?? code
        if !section.isEmpty && section.allSatisfy({ $0 == "0" }) { return .zeroPadded(width: section.count) }
        var inQuotes = false, inBrackets = false, escaped = false
        for char in section {
            if escaped { escaped = false; continue }
            switch char {
            case "\\": escaped = true
            case "\"": inQuotes.toggle()
            case "[" where !inQuotes: inBrackets = true
            case "]" where !inQuotes: inBrackets = false
            default:
                if !inQuotes && !inBrackets && "dmyhsDMYHS".contains(char) { return .date }
            }
        }
        return .general
    }
}
