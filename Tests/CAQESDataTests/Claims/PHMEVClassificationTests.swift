import CAQESCore
import Foundation
import Testing
@testable import CAQESData

/// Which rows count for which CAQES drug class (DOMAIN B.7.3), by ATC prefix.
@Suite("Open PHMEV: ATC classes")
struct PHMEVClassificationTests {
    /// (ATC5 code, class it sums into, or nil for another drug).
    static let codes: [(String, PHMEVClass?)] = [
        ("C09AA05", .iec),        // ramipril
        ("C09BA05", .iec),        // ramipril + diuretic
        ("C09CA01", .ara2),       // losartan: C09C, not C09A
        ("C09DA04", .ara2),       // irbesartan + diuretic
        ("C09DX04", .ara2),       // valsartan + sacubitril, under C09D
        ("C09XA02", nil),         // aliskiren: C09X is neither
        ("A02BC05", .ipp),        // esomeprazole
        ("A02BA02", nil),         // ranitidine: A02BA, not A02BC
        ("A02BX13", nil),
        ("C10AX09", .ezetimibe),
        ("C10AX06", nil),         // omega-3: C10AX but not 09
        ("C10AX13", nil),         // evolocumab
        ("C10BA02", .ezetimibe),  // simvastatin + ezetimibe
        ("C10BA05", .ezetimibe),
        ("C10AA05", nil),         // atorvastatin: statins are not a PHMEV class here
        ("N02BE01", nil),
    ]

    @Test("a row sums into its class only", arguments: codes)
    func rowSumsIntoItsClassOnly(code: String, expected: PHMEVClass?) throws {
        var file = PHMEVFixture()
        file.add(atc: code, boxes: "3", rem: "12.34")
        let result = try file.aggregate()
        for drugClass in PHMEVClass.allCases {
            let summed = drugClass == expected
            #expect(result.value(drugClass.amountMeasure, PHMEVFixture.lyon) == (summed ? 1234 : 0), "\(drugClass)")
            #expect(result.value(drugClass.boxesMeasure, PHMEVFixture.lyon) == (summed ? 3 : 0), "\(drugClass)")
            #expect(result.counters.rowsByClass[drugClass] == (summed ? 1 : 0))
        }
        #expect(result.counters.rowsOutsideClasses == (expected == nil ? 1 : 0))
    }

    /// (code, level from which it is masked, class decided, classes it may hide).
    static let maskedLevels: [(String, Int, PHMEVClass?, Set<PHMEVClass>)] = [
        ("C09CA01", 4, .ara2, []),              // ATC5 masked, atc3 C09C decides
        ("A02BC05", 4, .ipp, []),               // atc4 A02BC decides
        ("C10BA05", 4, .ezetimibe, []),         // atc4 C10BA decides
        ("C10AX09", 4, nil, [.ezetimibe]),      // C10AX: ezetimibe or omega-3, unknown
        ("C10AA05", 4, nil, []),                // C10AA: a statin whatever the ATC5
        ("C09AA05", 2, nil, [.iec, .ara2]),     // only C09 known
        ("A02BC05", 3, nil, [.ipp]),            // A02B known
        ("C09AA05", 1, nil, [.iec, .ara2, .ezetimibe]),  // only C known
        ("N05AH02", 1, nil, []),
    ]

    @Test("a masked ATC level is reported as undetermined, never guessed", arguments: maskedLevels)
    func maskedLevelIsNeverGuessed(code: String, maskedFrom: Int, decided: PHMEVClass?, possible: Set<PHMEVClass>) throws {
        var file = PHMEVFixture()
        file.add(atc: code, masked: maskedFrom, boxes: "2", rem: "5.00")
        let result = try file.aggregate()
        let totals = try #require(result.establishments[try FINESS(PHMEVFixture.lyon)])
        for drugClass in PHMEVClass.allCases {
            #expect(totals[drugClass.amountMeasure] == (drugClass == decided ? 500 : 0))
            #expect(totals.undetermined(drugClass) == (possible.contains(drugClass) ? 1 : 0), "\(drugClass)")
            #expect(result.counters.rowsUndetermined[drugClass] == (possible.contains(drugClass) ? 1 : 0))
            #expect(totals.leftOutRows(drugClass.amountMeasure) == (possible.contains(drugClass) ? 1 : 0))
        }
    }

    @Test func measureNamesAreTheCatalogues() {
        #expect(PHMEVClass.ipp.amountMeasure.rawValue == "phev_ipp_amount")
        #expect(PHMEVClass.ipp.boxesMeasure.rawValue == "phev_ipp_boxes")
        #expect(PHMEVClass.ara2.amountMeasure == .ara2Amount)
        #expect(PHMEVClass.ezetimibe.boxesMeasure == .ezetimibeBoxes)
        #expect(PHMEVMeasure.notInOpenPHMEV.contains("phev_ara2_ucd"))
        #expect(PHMEVMeasure.allCases.allSatisfy { $0.drugClass.amountMeasure == $0 || $0.drugClass.boxesMeasure == $0 })
    }
}
