import Foundation
import Testing
@testable import CAQESCore

@Suite("Civil dates")
struct LocalDateTests {
    @Test("French and ISO texts read to the same date", arguments: [
        ("03/10/2022", 2022, 10, 3),
        ("2022-10-03", 2022, 10, 3),
        (" 3/1/2024 ", 2024, 1, 3),
        ("29/02/2024", 2024, 2, 29),
        ("2000-02-29", 2000, 2, 29),
    ])
    func reads(text: String, year: Int, month: Int, dayOfMonth: Int) throws {
        let date = try LocalDate(text)
        #expect(date == (try LocalDate(year: year, month: month, day: dayOfMonth)))
    }

    @Test("A date absent from the calendar is refused with a French message naming it", arguments: [
        "31/02/2023", "29/02/2023", "29/02/1900", "31/04/2024", "2023-13-01", "00/01/2024",
    ])
    func nonexistent(text: String) {
        #expect(throws: LocalDateError.nonexistent(text)) { try LocalDate(text) }
        #expect(LocalDateError.nonexistent(text).description == "la date « \(text) » n'existe pas dans le calendrier")
    }

    @Test("Unreadable text is refused and the expected formats are named", arguments: [
        "", "3 octobre 2022", "03-10-2022", "2022/10/03", "03/10/22", "2022-1-3", "aa/bb/cccc",
    ])
    func unreadable(text: String) {
        #expect(throws: LocalDateError.unreadable(text)) { try LocalDate(text) }
        #expect(LocalDateError.unreadable(text).description.contains("JJ/MM/AAAA ou AAAA-MM-JJ"))
    }

    @Test("Dates are written JJ/MM/AAAA for users and ISO for storage")
    func formats() throws {
        let date = try LocalDate(year: 2022, month: 3, day: 7)
        #expect(date.description == "07/03/2022")
        #expect(date.iso == "2022-03-07")
        let json = try JSONEncoder().encode([date])
        #expect(String(decoding: json, as: UTF8.self) == "[\"2022-03-07\"]")
        #expect(try JSONDecoder().decode([LocalDate].self, from: json) == [date])
    }

    @Test("Weekdays are right across years", arguments: [
        ("03/10/2022", LocalDate.Weekday.monday),
        ("04/12/2022", .sunday),
        ("01/01/1970", .thursday),
        ("29/02/2000", .tuesday),
        ("14/07/2023", .friday),
        ("01/01/2028", .saturday),
    ])
    func weekday(text: String, expected: LocalDate.Weekday) {
        #expect(day(text).weekday == expected)
    }

    @Test("Adding a month keeps the day number or falls to the month's last day", arguments: [
        ("31/01/2023", "28/02/2023"),
        ("31/01/2024", "29/02/2024"),
        ("29/02/2024", "29/03/2024"),
        ("31/03/2024", "30/04/2024"),
        ("04/11/2022", "04/12/2022"),
        ("15/12/2022", "15/01/2023"),
    ])
    func addingMonth(start: String, expected: String) {
        #expect(day(start).adding(months: 1) == day(expected))
    }

    @Test("Day arithmetic crosses months, years and leap days")
    func dayArithmetic() {
        #expect(day("28/02/2024").adding(days: 1) == day("29/02/2024"))
        #expect(day("28/02/2023").adding(days: 1) == day("01/03/2023"))
        #expect(day("20/12/2022").adding(days: 15) == day("04/01/2023"))
        #expect(day("01/03/2024").adding(days: -1) == day("29/02/2024"))
        #expect(day("01/01/2024").days(until: day("01/01/2025")) == 366)
        for number in stride(from: -800_000, through: 3_000_000, by: 997) {
            #expect(LocalDate(dayNumber: number).dayNumber == number)
        }
    }

    @Test("An instant becomes the Paris civil date, not the UTC one")
    func fromInstant() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        let utc = try #require(TimeZone(identifier: "UTC"))
        // 2022-10-03T22:30:00Z is already 4 October in Paris (UTC+2 in summer time).
        let instant = Date(timeIntervalSince1970: 1_664_836_200)
        #expect(LocalDate(instant: instant, timeZone: paris) == day("04/10/2022"))
        #expect(LocalDate(instant: instant, timeZone: utc) == day("03/10/2022"))
    }
}
