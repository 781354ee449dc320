/// French public holidays (jours fériés, Code du travail L3133-1), weekends and working days.
///
/// The eleven national holidays only: Good Friday and 26 December (Alsace-Moselle) and the
/// overseas abolition days are regional and not applied. Whit Monday counts as a holiday even
/// though many employers work it (journée de solidarité): administrations close.
public enum FrenchCalendar {
    /// One of the eleven national public holidays.
    public enum Holiday: String, Sendable, CaseIterable, CustomStringConvertible {
        case newYearsDay, easterMonday, labourDay, victoryInEuropeDay, ascension, whitMonday
        case bastilleDay, assumption, allSaintsDay, armisticeDay, christmasDay

        /// French name, as a user reads it.
        public var description: String {
            switch self {
            case .newYearsDay: return "jour de l'An"
            case .easterMonday: return "lundi de Pâques"
            case .labourDay: return "fête du Travail"
            case .victoryInEuropeDay: return "Victoire 1945"
            case .ascension: return "Ascension"
            case .whitMonday: return "lundi de Pentecôte"
            case .bastilleDay: return "fête nationale"
            case .assumption: return "Assomption"
            case .allSaintsDay: return "Toussaint"
            case .armisticeDay: return "Armistice 1918"
            case .christmasDay: return "Noël"
            }
        }
    }

    /// Easter Sunday of `year` (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
    public static func easterSunday(year: Int) -> LocalDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(unchecked: year, month, day)
    }

    /// The eleven holidays of `year`, in date order.
    public static func holidays(year: Int) -> [(date: LocalDate, holiday: Holiday)] {
        let easter = easterSunday(year: year)
        let list: [(LocalDate, Holiday)] = [
            (LocalDate(unchecked: year, 1, 1), .newYearsDay),
            (easter.adding(days: 1), .easterMonday),
            (LocalDate(unchecked: year, 5, 1), .labourDay),
            (LocalDate(unchecked: year, 5, 8), .victoryInEuropeDay),
            (easter.adding(days: 39), .ascension),
            (easter.adding(days: 50), .whitMonday),
            (LocalDate(unchecked: year, 7, 14), .bastilleDay),
            (LocalDate(unchecked: year, 8, 15), .assumption),
            (LocalDate(unchecked: year, 11, 1), .allSaintsDay),
            (LocalDate(unchecked: year, 11, 11), .armisticeDay),
            (LocalDate(unchecked: year, 12, 25), .christmasDay),
        ]
        return list.sorted { $0.0 < $1.0 }.map { (date: $0.0, holiday: $0.1) }
    }

    /// The holiday falling on `date`, if any.
    public static func holiday(on date: LocalDate) -> Holiday? {
        holidays(year: date.year).first { $0.date == date }?.holiday
    }

    /// Saturday or Sunday.
    public static func isWeekend(_ date: LocalDate) -> Bool {
        date.weekday == .saturday || date.weekday == .sunday
    }

    /// Neither a weekend day nor a public holiday.
    public static func isWorkingDay(_ date: LocalDate) -> Bool {
        !isWeekend(date) && holiday(on: date) == nil
    }

    /// `date` itself when it is a working day, otherwise the first working day after it.
    public static func nextWorkingDay(onOrAfter date: LocalDate) -> LocalDate {
        var candidate = date
        while !isWorkingDay(candidate) { candidate = candidate.adding(days: 1) }
        return candidate
    }

    /// The first working day strictly after `date`.
    public static func nextWorkingDay(after date: LocalDate) -> LocalDate {
        nextWorkingDay(onOrAfter: date.adding(days: 1))
    }

    /// Why `date` is not a working day, in French (« samedi », « Toussaint »), or nil.
    public static func closureReason(_ date: LocalDate) -> String? {
        if let holiday = holiday(on: date) { return holiday.description }
        if isWeekend(date) { return date.weekday.description }
        return nil
    }
}
