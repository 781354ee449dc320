import CAQESCore
import Foundation
import Testing
@testable import CAQESData

/// D25: the same (FINESS, measure, year) twice with the same value imports with a note; with
/// different values it refuses the file, naming both lines. Long lists of problems are capped.
@Suite("Measures files: duplicates and long problem lists")
struct MeasuresDuplicatesTests {
    @Test func aLongFileRepeatingTheSameValueImportsWithANoteNamingBothLines() throws {
        let reader = try TestData.reader("""
            finess;mesure;annee;valeur
            010000024;ipp_amount;2023;1 234,5
            010000032;ipp_amount;2023;7
            010000024;ipp_amount;2023;1234.50
            """)
        let outcome = try LongMeasuresFile.parse(reader)
        #expect(outcome.problems.isEmpty)
        #expect(outcome.records.map(\.line) == [2, 3])
        #expect(outcome.notes.map(\.description) == [
            "ligne 4, colonne finess : valeur « 010000024 » — même valeur que ligne 2 pour (010000024, ipp_amount, 2023) : doublon ignoré",
        ])
    }

    @Test func aLongFileGivingTwoValuesIsRefusedNamingBothLines() throws {
        let reader = try TestData.reader("""
            finess;mesure;annee;valeur
            010000024;ipp_amount;2023;12
            010000024;ipp_amount;2024;12
            010000024;ipp_amount;2023;13
            """)
        let outcome = try LongMeasuresFile.parse(reader)
        #expect(outcome.notes.isEmpty)
        #expect(outcome.problems.map(\.description) == [
            "ligne 4, colonne finess : valeur « 010000024 » — valeur en double pour (010000024, ipp_amount, 2023) : « 12 » ligne 2, « 13 » sur cette ligne",
        ])
    }

    @Test func aWideRowRepeatingAnEstablishmentIsNotedOnceAndSkipped() throws {
        let reader = try TestData.reader("""
            Finess;Raison sociale;Séjours;Séances
            010000024;CH A;1 000;1 à 10
            010000032;CH B;20;5
            010000024;CH A (ancien nom);1000;1 à 10
            """)
        let mapping = MeasureMapping(finessColumn: "Finess", fixedYear: 2023, columns: [
            .init(column: "Séjours", measure: "stays"), .init(column: "Séances", measure: "sessions"),
        ])
        let outcome = try WideMeasuresFile.parse(reader, mapping: mapping)
        #expect(outcome.problems.isEmpty)
        #expect(outcome.records.map(\.line) == [2, 2, 3, 3])
        #expect(outcome.notes.map(\.description) == [
            "ligne 4, colonne Finess : valeur « 010000024 » — même valeur que ligne 2 pour (010000024, stays, sessions, 2023) : doublon ignoré",
        ])
    }

    @Test func aWideRowGivingAnotherValueIsRefusedNamingBothLines() throws {
        let reader = try TestData.reader("""
            Finess;Séjours;Séances
            010000024;1 000;3
            010000024;1 001;3
            """)
        let mapping = MeasureMapping(finessColumn: "Finess", fixedYear: 2023, columns: [
            .init(column: "Séjours", measure: "stays"), .init(column: "Séances", measure: "sessions"),
        ])
        let outcome = try WideMeasuresFile.parse(reader, mapping: mapping)
        #expect(outcome.problems.map(\.description) == [
            "ligne 3, colonne Séjours : valeur « 1 001 » — valeur en double pour (010000024, stays, 2023) : « 1 000 » ligne 2, « 1 001 » sur cette ligne",
        ])
        #expect(outcome.notes.map(\.line) == [3])
    }

    @Test func theSAEAdapterNotesAnIdenticalRepeat() throws {
        let reader = try TestData.reader("""
            AN;FI;SEJHC_CHI;SEJHP_CHI;SEJHC_MCO;SEJHP_MCO;LIT_MCO;PLA_MCO
            2023;010000024;10;20;100;50;30;5
            2023;010000024;10;20;100;50;30;5
            """)
        let outcome = try BuiltInAdapter.saeMCO.parse(reader, year: nil)
        #expect(outcome.problems.isEmpty)
        #expect(outcome.notes.map(\.line) == [3])
        #expect(outcome.records.filter { $0.measure == "surgery_stays" }.map(\.value) == [.number(30)])
    }

    /// The public ScanSanté 2023 file lists 750150237 (lines 614–615) and 750150260 (617–618)
    /// twice, under a renamed site, with identical figures: it reads, with two notes.
    @Test func theScanSante2023PublicFileReadsWithItsTwoRepeatsNoted() throws {
        let reader = try CSVReader(path: TestData.fixture("more/scansante/mco_tous_sejours_public_psph_2023.csv"))
        let mapping = MeasureMapping(finessColumn: "Finess", fixedYear: 2023, columns: [
            .init(column: "Nombre de séjours en hospit complète", measure: "scansante_full_stays"),
            .init(column: "Nombre de séjours en hospit partielle", measure: "scansante_partial_stays"),
        ])
        let outcome = try WideMeasuresFile.parse(reader, mapping: mapping)
        #expect(outcome.problems.isEmpty, "\(outcome.problems.prefix(5))")
        let repeats = outcome.notes.filter { $0.reason.contains("doublon ignoré") }
        #expect(repeats.map(\.description) == [
            "ligne 615, colonne Finess : valeur « 750150237 » — même valeur que ligne 614 pour (750150237, scansante_full_stays, scansante_partial_stays, 2023) : doublon ignoré",
            "ligne 618, colonne Finess : valeur « 750150260 » — même valeur que ligne 617 pour (750150260, scansante_full_stays, scansante_partial_stays, 2023) : doublon ignoré",
        ])
        let croixSaintSimon = outcome.records.filter { $0.finess.value == "750150237" }
        #expect(croixSaintSimon.map(\.line) == [614, 614])
        #expect(croixSaintSimon.map(\.value) == [.number(11_382), .number(13_944)])
    }

    // MARK: capped lists

    @Test func onlyTheFirstThousandProblemsAreListedThenOneLineCountsTheRest() throws {
        let text = "finess;mesure;annee;valeur\n" + String(repeating: "01000002X;m;2023;1\n", count: 1_005)
        let outcome = try LongMeasuresFile.parse(try TestData.reader(text))
        #expect(outcome.problems.count == 1_001)
        #expect(outcome.problems[999].line == 1_001)
        #expect(outcome.problems.last?.description == "… et 5 autres erreurs non listées")
        #expect(outcome.problems.last?.isNotListedCount == true)
        #expect(outcome.unlistedProblems == 5)
    }

    @Test func notesAndRegistryProblemsAreCappedToo() throws {
        let limits = ReadLimits(maximumListedProblems: 2)
        let repeated = "finess;mesure;annee;valeur\n" + String(repeating: "010000024;m;2023;1\n", count: 5)
        let long = try LongMeasuresFile.parse(try TestData.reader(repeated), limits: limits)
        #expect(long.notes.map(\.line) == [3, 4, .max])
        #expect(long.notes.last?.description == "… et 2 autres remarques non listées")
        #expect(long.unlistedNotes == 2)
        let statuses = try StatusList.parse(try TestData.reader("FINESS;Statut Juridique\nx;Public\ny;Public\nz;Public\n"), limits: limits)
        #expect(statuses.problems.map(\.description).last == "… et 1 autre erreur non listée")
        let registry = try RegistryFile.parse(try TestData.reader("finess\nx\ny\nz\nw\n"), limits: limits)
        #expect(registry.problems.count == 3 && registry.unlistedProblems == 2)
    }
}
