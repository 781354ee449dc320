/// A calendar date and time of day as a spreadsheet stores it: no time zone, no clock.
public struct ExcelDate: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int
    /// Seconds since midnight, 0 for a plain date.
    public let secondOfDay: Int

    public init(year: Int, month: Int, day: Int, secondOfDay: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.secondOfDay = secondOfDay
    }

    /// Converts a serial number. In the 1900 system Excel counts 29 February 1900, which never
    /// existed (a Lotus 1-2-3 bug kept for compatibility): serials from 61 on are one day ahead,
    /// and serial 60 is that fictitious day, kept as 1900-02-29.
    public init?(serial: Double, date1904: Bool = false) {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 { days += 1; seconds -= 86_400 }
        if date1904 {
            self.init(daysSince1970: days - 24_107, secondOfDay: seconds)
        } else if days == 60 {
            self.init(year: 1900, month: 2, day: 29, secondOfDay: seconds)
        } else {
            // 1899-12-30 is day -25569 from 1970-01-01; before the fictitious day, start a day later.
            self.init(daysSince1970: days - (days < 60 ? 25_568 : 25_569), secondOfDay: seconds)
        }
    }

    /// Reads `2024-03-01` or `2024-03-01T08:30:00` (cells of type `d`).
    public init?(iso text: String) {
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        let date = parts.first?.split(separator: "-").compactMap { Int($0) } ?? []
        guard date.count == 3, (1...12).contains(date[1]), (1...31).contains(date[2]) else { return nil }
        var seconds = 0
        if parts.count > 1 {
            let time = parts[1].prefix(8).split(separator: ":").compactMap { Double($0) }
            for (index, value) in time.enumerated() { seconds += Int(value) * [3600, 60, 1][min(index, 2)] }
        }
        self.init(year: date[0], month: date[1], day: date[2], secondOfDay: seconds)
    }

    /// Civil date from a day count (Howard Hinnant's algorithm, proleptic Gregorian).
    init(daysSince1970 days: Int, secondOfDay: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day, secondOfDay: secondOfDay)
    }

    /// `2024-03-01`, or `2024-03-01 08:30:00` when there is a time.
    public var description: String {
        let date = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        guard secondOfDay > 0 else { return date }
        return date + " " + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
    }

    public static func < (lhs: ExcelDate, rhs: ExcelDate) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.secondOfDay) < (rhs.year, rhs.month, rhs.day, rhs.secondOfDay)
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
