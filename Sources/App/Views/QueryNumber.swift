import Vapor

/// Numeric query parameters: parsed from text, clamped into their range, never trusted.
enum QueryNumber {
    /// `text` as an integer clamped into `range`; `fallback` when absent or empty. Text that is
    /// not an integer (or too long to be one) is a 400 with a French message naming the parameter.
    static func parse(_ text: String?, name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = text?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return fallback }
        let digits = raw.hasPrefix("-") || raw.hasPrefix("+") ? raw.dropFirst() : Substring(raw)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw UserFacingError(.badRequest, "Paramètre « \(name) » invalide : « \(raw.prefix(40)) » (un nombre entier est attendu).")
        }
        // Beyond Int's digits: the nearest end of the range.
        guard let value = Int(raw) else { return raw.hasPrefix("-") ? range.lowerBound : range.upperBound }
        return min(max(value, range.lowerBound), range.upperBound)
    }
}
