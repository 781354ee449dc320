import Foundation

/// The end of a legal period: its last day, and why that day (D17).
///
/// A period counts calendar days from the day after its start (the receipt, or the hearing);
/// "N days" ends on start + N, "N months" on the same day number N months later or that month's
/// last day. When the holiday shift is on, a last day on a Saturday, Sunday or public holiday moves
/// to the next working day. The period ends at 23:59:59, Europe/Paris, on its last day.
public struct Deadline: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The day the period runs from (not counted): receipt or hearing.
    public let start: LocalDate
    /// The legal period, or nil when the ARS set the date itself (after a hearing).
    public let period: LegalPeriod?
    /// The last day before any move to a working day.
    public let nominalLastDay: LocalDate
    /// The last day on which the party may still act.
    public let lastDay: LocalDate

    public init(start: LocalDate, period: LegalPeriod?, nominalLastDay: LocalDate, lastDay: LocalDate) {
        self.start = start
        self.period = period
        self.nominalLastDay = nominalLastDay
        self.lastDay = lastDay
    }

    /// Computes the deadline of `period` running from `start` under `settings`.
    public static func compute(from start: LocalDate, period: LegalPeriod,
                               settings: ProcedureSettings = .init()) -> Deadline {
        let nominal = lastDay(from: start, length: period.length(settings))
        let last = settings.holidayShift ? FrenchCalendar.nextWorkingDay(onOrAfter: nominal) : nominal
        return Deadline(start: start, period: period, nominalLastDay: nominal, lastDay: last)
    }

    /// A date the ARS sets itself (after a hearing); it is taken as given, never moved.
    public static func setByARS(after start: LocalDate, lastDay: LocalDate) -> Deadline {
        Deadline(start: start, period: nil, nominalLastDay: lastDay, lastDay: lastDay)
    }

    /// The nominal last day of `length` counted from the day after `start`.
    public static func lastDay(from start: LocalDate, length: PeriodLength) -> LocalDate {
        switch length {
        case .days(let n): return start.adding(days: n)
        case .months(let n): return start.adding(months: n)
        }
    }

    /// Whether the last day moved because the nominal one was not a working day.
    public var wasShifted: Bool { lastDay != nominalLastDay }

    /// The last instant of the period: 23:59:59 on `lastDay` in `timeZone` (Europe/Paris, D17).
    public func endInstant(timeZone: TimeZone) -> Date {
        lastDay.instant(hour: 23, minute: 59, second: 59, timeZone: timeZone)
    }

    /// Whether the period is over on the legal date `today`.
    public func hasExpired(on today: LocalDate) -> Bool { today > lastDay }

    /// Whether the period is over at `instant`; the clock reading is the caller's.
    public func hasExpired(at instant: Date, timeZone: TimeZone) -> Bool {
        instant > endInstant(timeZone: timeZone)
    }

    /// French explanation, e.g. « jusqu'au 05/12/2022 inclus (04/12/2022, dimanche, reporté) ».
    public var description: String {
        guard wasShifted else { return "jusqu'au \(lastDay) inclus" }
        let reason = FrenchCalendar.closureReason(nominalLastDay) ?? "jour non ouvré"
        return "jusqu'au \(lastDay) inclus (\(nominalLastDay), \(reason), reporté au jour ouvré suivant)"
    }
}
