import Foundation

/// A civil date (year, month, day) with no time and no time zone: the unit of every legal period.
///
/// Legal dates are French civil dates (D17); an instant becomes one only through a time zone passed
/// in (`init(instant:timeZone:)`), so the type never reads a clock. Reads `JJ/MM/AAAA` and ISO
/// `AAAA-MM-JJ`; `description` writes `JJ/MM/AAAA` (D22); `Codable` uses ISO text.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Builds a date that exists in the proleptic Gregorian calendar (years 1…9999).
    public init(year: Int, month: Int, day: Int) throws(LocalDateError) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day) else {
            throw .nonexistent(String(format: "%02d/%02d/%04d", day, month, year))
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `JJ/MM/AAAA` (French) or `AAAA-MM-JJ` (ISO); surrounding spaces are ignored.
    public init(_ text: String) throws(LocalDateError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts: [Substring]
        let ymd: (Int, Int, Int)
        if trimmed.contains("/") {
            parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
                  let d = Self.number(parts[0]), let m = Self.number(parts[1]), let y = Self.number(parts[2])
            else { throw .unreadable(text) }
            ymd = (y, m, d)
        } else {
            parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  let y = Self.number(parts[0]), let m = Self.number(parts[1]), let d = Self.number(parts[2])
            else { throw .unreadable(text) }
            ymd = (y, m, d)
        }
        do {
            try self.init(year: ymd.0, month: ymd.1, day: ymd.2)
        } catch {
            throw .nonexistent(text)
        }
    }

    /// The civil date of `instant` in `timeZone` (Europe/Paris for legal dates, D17).
    public init(instant: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(unchecked: parts.year ?? 1, parts.month ?? 1, parts.day ?? 1)
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `JJ/MM/AAAA`, as every French page and document shows a date.
    public var description: String { String(format: "%02d/%02d/%04d", day, month, year) }

    /// `AAAA-MM-JJ`.
    public var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }

    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}

/// Why a text or a triple is not a date.
public enum LocalDateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Well formed but absent from the calendar, e.g. `31/02/2023`.
    case nonexistent(String)
    /// Not in one of the accepted forms.
    case unreadable(String)

    public var description: String {
        switch self {
        case .nonexistent(let text):
            return "la date « \(text) » n'existe pas dans le calendrier"
        case .unreadable(let text):
            return "date « \(text) » illisible : format JJ/MM/AAAA ou AAAA-MM-JJ attendu"
        }
    }
}
