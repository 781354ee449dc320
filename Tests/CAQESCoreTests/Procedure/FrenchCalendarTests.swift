import Testing
@testable import CAQESCore

@Suite("French public holidays")
struct FrenchCalendarTests {
    @Test("Easter Sunday follows the Gregorian computus", arguments: [
        (1818, "22/03/1818"), (1943, "25/04/1943"), (2000, "23/04/2000"), (2019, "21/04/2019"),
        (2022, "17/04/2022"), (2023, "09/04/2023"), (2024, "31/03/2024"), (2025, "20/04/2025"),
        (2026, "05/04/2026"), (2038, "25/04/2038"),
    ])
    func easter(year: Int, expected: String) {
        #expect(FrenchCalendar.easterSunday(year: year) == day(expected))
    }

    @Test("The eleven national holidays of 2023, in date order")
    func holidays2023() {
        let list = FrenchCalendar.holidays(year: 2023)
        #expect(list.map(\.date) == [
            "01/01/2023", "10/04/2023", "01/05/2023", "08/05/2023", "18/05/2023", "29/05/2023",
            "14/07/2023", "15/08/2023", "01/11/2023", "11/11/2023", "25/12/2023",
        ].map(day))
        #expect(list.map(\.holiday) == [
            .newYearsDay, .easterMonday, .labourDay, .victoryInEuropeDay, .ascension, .whitMonday,
            .bastilleDay, .assumption, .allSaintsDay, .armisticeDay, .christmasDay,
        ])
        #expect(Set(FrenchCalendar.Holiday.allCases.map(\.description)).count == 11)
    }

    @Test("Good Friday and 26 December are working days outside Alsace-Moselle")
    func regionalHolidaysNotApplied() {
        #expect(FrenchCalendar.isWorkingDay(day("07/04/2023")))
        #expect(FrenchCalendar.isWorkingDay(day("26/12/2023")))
    }

    @Test("Working days skip weekends and holidays", arguments: [
        ("14/07/2023", "17/07/2023"),  // Friday holiday, then the weekend
        ("01/11/2024", "04/11/2024"),
        ("24/12/2022", "26/12/2022"),  // Saturday, Sunday 25 is Christmas
        ("31/12/2022", "02/01/2023"),  // Saturday, then 1 January on a Sunday
        ("03/10/2022", "03/10/2022"),
        ("08/05/2021", "10/05/2021"),
    ])
    func nextWorkingDay(from: String, expected: String) {
        #expect(FrenchCalendar.nextWorkingDay(onOrAfter: day(from)) == day(expected))
    }

    @Test("Closure reasons are French")
    func closureReasons() {
        #expect(FrenchCalendar.closureReason(day("04/12/2022")) == "dimanche")
        #expect(FrenchCalendar.closureReason(day("01/11/2022")) == "Toussaint")
        #expect(FrenchCalendar.closureReason(day("29/05/2023")) == "lundi de Pentecôte")
        #expect(FrenchCalendar.closureReason(day("05/12/2022")) == nil)
        #expect(FrenchCalendar.nextWorkingDay(after: day("05/12/2022")) == day("06/12/2022"))
    }
}
