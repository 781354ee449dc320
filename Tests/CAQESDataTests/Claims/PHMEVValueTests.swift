import CAQESCore
import Foundation
import Testing
@testable import CAQESData

/// Amounts, boxes, FINESS numbers and the problems an import report lists.
@Suite("Open PHMEV: values and row problems")
struct PHMEVValueTests {
    @Test func amountsAddUpInExactCentsAndBoxesAsIntegers() throws {
        var file = PHMEVFixture()
        file.add(atc: "A02BC01", boxes: "3", rem: "0.1")
        file.add(atc: "A02BC01", boxes: "4", rem: "0.2")
        file.add(atc: "A02BC05", boxes: "12", rem: "248.53")
        let result = try file.aggregate()
        #expect(result.value(.ippAmount, PHMEVFixture.lyon) == 24_883)
        #expect(result.value(.ippBoxes, PHMEVFixture.lyon) == 19)
        let row = try #require(result.measureRows.first { $0.measure == .ippAmount })
        #expect(row.value == Decimal(string: "248.83")!)
        #expect(row.year == 2024)
        #expect(row.leftOutRows == 0)
    }

    @Test func aMalformedFINESSIsReportedWithItsLineAndLeftOut() throws {
        var file = PHMEVFixture()
        file.add(atc: "A02BC01", rem: "10.00")
        file.add(atc: "A02BC01", finess: "69078181", rem: "99.00")     // line 3: 8 characters
        file.add(atc: "A02BC01", finess: "6907818X0", rem: "99.00")    // line 4: a letter
        let result = try file.aggregate()
        #expect(result.value(.ippAmount, PHMEVFixture.lyon) == 1_000)
        #expect(result.establishments.count == 1)
        #expect(result.counters.rowsBadFINESSFormat == 2)
        #expect(result.problems.map(\.line) == [3, 4])
        let problem = try #require(result.problems.first)
        #expect(problem.column == "etb_rgt")
        #expect(problem.value == "69078181")
        #expect(problem.description.hasPrefix("ligne 3, colonne etb_rgt : valeur « 69078181 » — numéro FINESS mal formé"))
    }

    @Test func aFINESSWithAWrongKeyIsLeftOutUnlessBadKeysAreAccepted() throws {
        var file = PHMEVFixture()
        file.add(atc: "A02BC01", finess: "690781811", rem: "7.00")     // Lyon with the last digit changed
        file.add(atc: "A02BC01", finess: "690781811", rem: "8.00")
        file.add(atc: "A02BC01", finess: PHMEVFixture.ajaccio, rem: "1.00")
        let strict = try file.aggregate()
        #expect(strict.counters.rowsBadFINESSKey == 2)
        #expect(strict.problems.map(\.line) == [2, 3])
        #expect(strict.problems[0].reason.contains("clé de contrôle FINESS (Luhn) fausse — ligne écartée"))
        #expect(strict.establishments.keys.map(\.value) == [PHMEVFixture.ajaccio])
        #expect(strict.value(.ippAmount, PHMEVFixture.ajaccio) == 100)

        let lenient = try file.aggregate(options: PHMEVOptions(acceptBadKeys: true))
        #expect(lenient.value(.ippAmount, "690781811") == 1_500)
        #expect(lenient.counters.rowsBadFINESSKey == 2)
        #expect(lenient.problems.map(\.line) == [2, 3])
        #expect(lenient.problems[1].reason.contains("ligne comptée, à vérifier"))
    }

    @Test func aMaskedAmountIsReportedAndNeverReadAsZero() throws {
        var file = PHMEVFixture()
        file.add(atc: "C09CA01", boxes: "5", rem: "40.00")
        file.add(atc: "C09CA01", boxes: "6", rem: "")     // line 3: empty
        file.add(atc: "C09CA01", boxes: "7", rem: "NC")   // line 4: non communiqué
        let result = try file.aggregate()
        let totals = try #require(result.establishments[try FINESS(PHMEVFixture.lyon)])
        #expect(totals[.ara2Amount] == 4_000)
        #expect(totals[.ara2Boxes] == 18)   // boxes of the masked rows still count
        #expect(totals.leftOutCells(.ara2Amount) == 2)
        #expect(totals.leftOutCells(.ara2Boxes) == 0)
        #expect(result.counters.maskedCells[.ara2Amount] == 2)
        #expect(result.problems.map(\.line) == [3, 4])
        #expect(result.problems.allSatisfy { $0.column == "REM" && $0.reason.contains("non compté dans phev_ara2_amount (ni lu comme 0)") })
        #expect(result.problems[1].reason.contains("non communiqué"))
        let row = try #require(result.measureRows.first { $0.measure == .ara2Amount })
        #expect(row.leftOutRows == 2)
    }

    @Test func parquetStyleAndOddNumbersAreReadOrReported() throws {
        var file = PHMEVFixture()
        file.add(atc: "A02BC01", boxes: "3.0", rem: "12.300000000000001")  // whole boxes; float noise
        file.add(atc: "A02BC01", boxes: "2.5", rem: "1.00")                // line 3: half a box
        file.add(atc: "A02BC01", boxes: "1", rem: "abc")                   // line 4: garbage
        file.add(atc: "A02BC01", boxes: "-2", rem: "-24.85")               // regularisation
        let result = try file.aggregate()
        #expect(result.value(.ippAmount, PHMEVFixture.lyon) == -1_155)   // 1,230 + 100 - 2,485
        #expect(result.value(.ippBoxes, PHMEVFixture.lyon) == 2)   // 3 + 1 - 2; the half box left out
        #expect(result.counters.roundedCells[.ippAmount] == 1)
        #expect(result.counters.invalidCells[.ippBoxes] == 1)
        #expect(result.counters.invalidCells[.ippAmount] == 1)
        #expect(result.counters.negativeCells[.ippAmount] == 1)
        #expect(result.counters.negativeCells[.ippBoxes] == 1)
        #expect(result.problems.map { "\($0.line) \($0.column)" } == ["3 BOITES", "4 REM"])
        #expect(result.problems[0].reason.hasPrefix("nombre de boîtes non entier"))
        let row = try #require(result.measureRows.first { $0.measure == .ippAmount })
        #expect(row.value == Decimal(string: "-11.55")!)
    }

    @Test func everyEstablishmentOfTheFileGetsAllEightMeasures() throws {
        var file = PHMEVFixture()
        file.add(atc: "N02BE01", finess: PHMEVFixture.pitie)   // prescribes none of the classes
        file.add(atc: "A02BC01", finess: PHMEVFixture.lyon, rem: "1.00")
        let rows = try file.aggregate().measureRows
        #expect(rows.count == 16)
        #expect(rows.map(\.finess.value) == Array(repeating: PHMEVFixture.lyon, count: 8) + Array(repeating: PHMEVFixture.pitie, count: 8))
        #expect(rows.prefix(8).map(\.name) == PHMEVMeasure.allCases.map(\.rawValue).sorted())
        #expect(rows.suffix(8).allSatisfy { $0.value == 0 && $0.leftOutRows == 0 })
    }

    @Test func aFileWithoutTheClaimsColumnsIsRefusedNamingThem() throws {
        let reader = try CSVReader(data: Array("atc1;atc2;etb_rgt\nA;A02;690781810\n".utf8))
        #expect(throws: CSVError.missingColumns(["atc3", "atc4", "ATC5", "BOITES", "REM"],
                                                available: ["atc1", "atc2", "etb_rgt"])) {
            try PHMEVAggregator.aggregate(reader: reader, year: 2024)
        }
    }

    @Test func problemsKeptAreCappedButAllCounted() throws {
        var file = PHMEVFixture()
        for _ in 0..<5 { file.add(atc: "A02BC01", finess: "1234") }
        let result = try file.aggregate(options: PHMEVOptions(problemLimit: 2))
        #expect(result.problems.map(\.line) == [2, 3])
        #expect(result.counters.problems == 5)
        #expect(result.counters.rowsBadFINESSFormat == 5)
    }

    @Test func counterSummaryIsFrench() throws {
        var file = PHMEVFixture()
        file.add(atc: "A02BC01")
        let text = try file.aggregate().counters.description
        #expect(text.hasPrefix("lignes lues : 1\n"))
        #expect(text.contains("IPP (A02BC) 1"))
    }
}
