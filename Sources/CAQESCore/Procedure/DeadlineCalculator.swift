/// Entry points for the CLI and pages that only need a last day.
public enum DeadlineCalculator {
    /// The last day of `period` for a document received on `received`.
    ///
    /// The second contract period is 15 days here; a region that uses 14 calls
    /// `deadline(received:period:settings:)`. Example (DOMAIN B.8 ex. 17): received 03/10/2022,
    /// `.contract1` → 24/10/2022.
    public static func lastDay(received: LocalDate, period: LegalPeriod, holidayShift: Bool) -> LocalDate {
        deadline(received: received, period: period,
                 settings: ProcedureSettings(holidayShift: holidayShift)).lastDay
    }

    /// The full deadline, with its nominal day and whether it moved, under a region's settings.
    public static func deadline(received: LocalDate, period: LegalPeriod,
                                settings: ProcedureSettings = .init()) -> Deadline {
        Deadline.compute(from: received, period: period, settings: settings)
    }
}
