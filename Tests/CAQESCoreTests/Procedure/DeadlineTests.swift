import Foundation
import Testing
@testable import CAQESCore

@Suite("Legal deadlines")
struct DeadlineTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let received: String
        let period: LegalPeriod
        let shift: Bool
        let expected: String
        let why: String
        var secondPeriod: SecondContractPeriod = .fifteenDays
        var testDescription: String { "\(why): reçu \(received), \(period.rawValue) → \(expected)" }
    }

    static let rows: [Row] = [
        // DOMAIN B.8 ex. 17.
        Row(received: "03/10/2022", period: .contract1, shift: true, expected: "24/10/2022", why: "B.8 ex. 17, 3 semaines"),
        Row(received: "02/11/2022", period: .contract2, shift: true, expected: "17/11/2022", why: "B.8 ex. 17, 15 jours"),
        Row(received: "02/11/2022", period: .contract2, shift: true, expected: "16/11/2022", why: "B.8 ex. 17, réglage régional 14 jours",
            secondPeriod: .fourteenDays),
        Row(received: "04/11/2022", period: .evaluation1, shift: true, expected: "05/12/2022", why: "B.8 ex. 17, 1 mois, le 04/12/2022 est un dimanche"),
        Row(received: "04/11/2022", period: .evaluation1, shift: false, expected: "04/12/2022", why: "B.8 ex. 17, 1 mois, sans report"),
        // Last day on a weekend or holiday.
        Row(received: "08/10/2022", period: .contract1, shift: true, expected: "31/10/2022", why: "samedi"),
        Row(received: "08/10/2022", period: .contract1, shift: false, expected: "29/10/2022", why: "samedi, sans report"),
        Row(received: "23/06/2022", period: .contract1, shift: true, expected: "15/07/2022", why: "14 juillet"),
        Row(received: "23/06/2022", period: .contract1, shift: false, expected: "14/07/2022", why: "14 juillet, sans report"),
        Row(received: "29/06/2023", period: .evaluation2, shift: true, expected: "17/07/2023", why: "14 juillet un vendredi, puis le week-end"),
        Row(received: "17/10/2022", period: .contract2, shift: true, expected: "02/11/2022", why: "Toussaint"),
        Row(received: "20/03/2023", period: .contract1, shift: true, expected: "11/04/2023", why: "lundi de Pâques"),
        Row(received: "03/05/2023", period: .evaluation2, shift: true, expected: "19/05/2023", why: "Ascension"),
        Row(received: "29/04/2023", period: .evaluation1, shift: true, expected: "30/05/2023", why: "lundi de Pentecôte"),
        Row(received: "17/12/2022", period: .contract2, shift: true, expected: "02/01/2023", why: "jour de l'An un dimanche"),
        // Month ends and leap years.
        Row(received: "31/01/2023", period: .evaluation1, shift: true, expected: "28/02/2023", why: "31 janvier + 1 mois"),
        Row(received: "31/01/2024", period: .evaluation1, shift: true, expected: "29/02/2024", why: "31 janvier + 1 mois, bissextile"),
        Row(received: "29/02/2024", period: .evaluation1, shift: true, expected: "29/03/2024", why: "29 février + 1 mois (Vendredi saint ouvré)"),
        Row(received: "30/01/2022", period: .evaluation1, shift: true, expected: "28/02/2022", why: "30 janvier + 1 mois"),
        Row(received: "31/03/2024", period: .evaluation1, shift: true, expected: "30/04/2024", why: "31 mars + 1 mois"),
        Row(received: "31/08/2024", period: .evaluation1, shift: true, expected: "30/09/2024", why: "31 août + 1 mois"),
        Row(received: "31/12/2022", period: .evaluation1, shift: true, expected: "31/01/2023", why: "changement d'année"),
        Row(received: "15/02/2024", period: .contract1, shift: true, expected: "07/03/2024", why: "21 jours sur un février bissextile"),
        Row(received: "15/02/2023", period: .contract1, shift: true, expected: "08/03/2023", why: "21 jours sur un février ordinaire"),
        Row(received: "20/12/2022", period: .evaluation2, shift: true, expected: "04/01/2023", why: "15 jours sur deux années"),
        // After a hearing (D18).
        Row(received: "20/10/2022", period: .afterHearing, shift: true, expected: "27/10/2022", why: "7 jours après l'audition"),
    ]

    @Test("Last day of a legal period", arguments: rows)
    func lastDay(row: Row) {
        let settings = ProcedureSettings(holidayShift: row.shift, secondContractPeriod: row.secondPeriod)
        let deadline = DeadlineCalculator.deadline(received: day(row.received), period: row.period, settings: settings)
        #expect(deadline.lastDay == day(row.expected))
        if row.secondPeriod == .fifteenDays {
            #expect(DeadlineCalculator.lastDay(received: day(row.received), period: row.period,
                                               holidayShift: row.shift) == day(row.expected))
        }
    }

    @Test("B.8 ex. 17: the evaluation report's month ends on Sunday 4 December 2022, moved to Monday 5")
    func evaluationReportExample() {
        let deadline = DeadlineCalculator.deadline(received: day("04/11/2022"), period: .evaluation1)
        #expect(deadline.nominalLastDay == day("04/12/2022"))
        #expect(day("04/12/2022").weekday == .sunday)
        #expect(deadline.wasShifted)
        #expect(deadline.lastDay == day("05/12/2022"))
        #expect(deadline.description
            == "jusqu'au 05/12/2022 inclus (04/12/2022, dimanche, reporté au jour ouvré suivant)")
        let unshifted = DeadlineCalculator.deadline(received: day("04/11/2022"), period: .evaluation1,
                                                    settings: ProcedureSettings(holidayShift: false))
        #expect(!unshifted.wasShifted)
        #expect(unshifted.description == "jusqu'au 04/12/2022 inclus")
    }

    @Test("A period ends at 23:59:59 Paris time, given as a UTC instant")
    func endInstant() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        let iso = ISO8601DateFormatter()
        let summer = DeadlineCalculator.deadline(received: day("03/10/2022"), period: .contract1)
        #expect(summer.endInstant(timeZone: paris) == iso.date(from: "2022-10-24T21:59:59Z"))
        let winter = DeadlineCalculator.deadline(received: day("04/11/2022"), period: .evaluation1)
        #expect(winter.endInstant(timeZone: paris) == iso.date(from: "2022-12-05T22:59:59Z"))
        let lastSecond = try #require(iso.date(from: "2022-10-24T21:59:59Z"))
        #expect(!summer.hasExpired(at: lastSecond, timeZone: paris))
        #expect(summer.hasExpired(at: lastSecond.addingTimeInterval(1), timeZone: paris))
        #expect(!summer.hasExpired(on: day("24/10/2022")))
        #expect(summer.hasExpired(on: day("25/10/2022")))
    }

    @Test("Period names read as the CLI types them", arguments: [
        ("contrat-1", LegalPeriod.contract1), ("contrat-2", .contract2), ("evaluation-1", .evaluation1),
        ("Évaluation-2", .evaluation2), ("evaluation 1", .evaluation1), ("audition", .afterHearing),
    ])
    func parsePeriod(text: String, expected: LegalPeriod) throws {
        #expect(try LegalPeriod.parse(text) == expected)
    }

    @Test("An unknown period name lists the accepted ones")
    func unknownPeriod() {
        #expect(throws: ProcedureError.unknownPeriod("contrat-3")) { try LegalPeriod.parse("contrat-3") }
        #expect(ProcedureError.unknownPeriod("contrat-3").description
            == "délai « contrat-3 » inconnu : contrat-1, contrat-2, evaluation-1, evaluation-2 ou audition attendu")
    }

    @Test("Period lengths follow D18 and the regional settings")
    func lengths() {
        #expect(LegalPeriod.contract1.length() == .days(21))
        #expect(LegalPeriod.contract2.length() == .days(15))
        #expect(LegalPeriod.contract2.length(ProcedureSettings(secondContractPeriod: .fourteenDays)) == .days(14))
        #expect(LegalPeriod.evaluation1.length() == .months(1))
        #expect(LegalPeriod.evaluation2.length() == .days(15))
        #expect(LegalPeriod.afterHearing.length(ProcedureSettings(daysAfterHearing: 10)) == .days(10))
        #expect(LegalPeriod.evaluation1.length().description == "1 mois")
    }

    @Test("D19: the earliest proof of receipt counts")
    func earliestProof() {
        let platform = ReceiptProof(kind: .platformAcknowledgement, receivedOn: day("05/10/2022"))
        let email = ReceiptProof(kind: .emailAcknowledgement, receivedOn: day("03/10/2022"))
        #expect(ReceiptProof.earliest([platform, email]) == email)
        let sameDay = ReceiptProof(kind: .emailAcknowledgement, receivedOn: day("05/10/2022"))
        #expect(ReceiptProof.earliest([sameDay, platform]) == platform)
        #expect(ReceiptProof.earliest([]) == nil)
    }
}
