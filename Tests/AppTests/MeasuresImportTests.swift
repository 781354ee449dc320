@testable import App
import CAQESCore
import CAQESData
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Import des mesures")
struct MeasuresImportTests {
    static func run(_ app: Application, _ kind: ImportKind, _ path: String, _ options: MeasuresImportOptions = .init(),
                    name: String? = nil) async throws -> MeasuresImportReport {
        try await MeasuresImporter(db: app.db, logger: app.logger, clock: app.clock)
            .run(kind: kind, path: path, fileName: name ?? (path as NSString).lastPathComponent, options: options, actor: .system)
    }

    /// The 8,131 hospitals of the FINESS extract (committed copy).
    static func hospitalRegistry(_ app: Application) async throws {
        try await importFile(app, .finess, fixtures + "finess/finess_et_20210108_hospitaliers.csv")
    }

    static func value(_ app: Application, _ finess: String, _ measure: String, _ year: Int) async throws -> String? {
        try await MeasureValueRecord.query(on: app.db).filter(\.$finess == finess).filter(\.$measure == measure)
            .filter(\.$year == year).filter(\.$current == true).first()?.value
    }

    @Test("long format: stored with its import and row; same content again is a no-op; a new version replaces and keeps history")
    func versions() async throws {
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            let v1 = try temporaryFile("finess;mesure;annee;valeur\n010000024;phev_ipp_amount;2023;180 000,50\n010000024;conciliation_grade;2023;B\n010780054;phev_ipp_boxes;2023;.c\n", name: "cpam.csv")
            let first = try await Self.run(app, .measures, v1)
            #expect(first.status == .done && first.stored == 3 && first.masked == 1 && first.source == "cpam")
            let stored = try #require(try await MeasureValueRecord.query(on: app.db).filter(\.$measure == "phev_ipp_amount").first())
            #expect(stored.value == "180000.5" && stored.line == 2 && stored.importID == first.importID)
            #expect(try await MeasureValueRecord.query(on: app.db).filter(\.$kind == "masked").first()?.maskReason == "secret statistique")
            let again = try await Self.run(app, .measures, v1)
            #expect(again.alreadyImported != nil)
            #expect(try await MeasureValueRecord.query(on: app.db).count() == 3)
            #expect(try await ImportRun.query(on: app.db).filter(\.$kind == "mesures").count() == 1)
            let v2 = try temporaryFile("finess;mesure;annee;valeur\n010000024;phev_ipp_amount;2023;170000\n", name: "cpam.csv")
            let second = try await Self.run(app, .measures, v2)
            // The new version replaces the values of the establishments and years it carries, only those.
            #expect(second.replaced == 2)
            #expect(try await Self.value(app, "010000024", "phev_ipp_amount", 2023) == "170000")
            #expect(try await Self.value(app, "010000024", "conciliation_grade", 2023) == nil)
            #expect(try await MeasureValueRecord.query(on: app.db).filter(\.$finess == "010780054").filter(\.$current == true).count() == 1)
            #expect(try await MeasureValueRecord.query(on: app.db).filter(\.$current == false).count() == 2)
        }
    }

    @Test("bad rows refuse the whole file with each line named, and the database stays exactly as before")
    func badRows() async throws {
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            let text = """
            finess;mesure;annee;valeur
            010000024;phev_ipp_amount;2023;100
            010000024;phev_ipp_amount;2023;200
            010000032;phev_ipp_amount;2023;-5
            010000032;phev_ipp_boxes;1899;5
            010000032;hf_stays;2023;12,3,4
            010000040;hf_stays;2023;3
            999999999;hf_stays;2023;3
            """
            let report = try await Self.run(app, .measures, try temporaryFile(text, name: "faux.csv"))
            #expect(report.status == .refused)
            let lines = report.problems.map(\.description)
            #expect(lines.contains("ligne 3, colonne finess : valeur « 010000024 » — valeur en double pour (010000024, phev_ipp_amount, 2023) : « 100 » ligne 2, « 200 » sur cette ligne"))
            #expect(lines.contains { $0.hasPrefix("ligne 4, colonne valeur : valeur « -5 » — valeur négative") })
            #expect(lines.contains { $0.hasPrefix("ligne 5, colonne annee : valeur « 1899 »") })
            #expect(lines.contains { $0.hasPrefix("ligne 6, colonne valeur : valeur « 12,3,4 »") })
            #expect(lines.contains("ligne 8, colonne finess : valeur « 999999999 » — numéro FINESS invalide : la clé de contrôle (Luhn) est fausse"))
            #expect(try await MeasureValueRecord.query(on: app.db).count() == 0)
            #expect(try await ImportProblem.query(on: app.db).count() == report.problems.count)
        }
    }

    @Test("an establishment absent from the registry is listed, never created; --skip-unknown imports the others")
    func unknownEstablishments() async throws {
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            // 010000040 passes the key but is not a hospital of the registry.
            let text = "finess;mesure;annee;valeur\n010000024;hf_stays;2023;3\n010000040;hf_stays;2023;4\n"
            let refused = try await Self.run(app, .measures, try temporaryFile(text, name: "hf.csv"))
            #expect(refused.status == .refused)
            #expect(refused.problems.map(\.description) == ["ligne 3, colonne finess : valeur « 010000040 » — établissement absent du registre FINESS"])
            let skipped = try await Self.run(app, .measures, try temporaryFile(text, name: "hf.csv"), .init(skipUnknown: true))
            #expect(skipped.status == .done && skipped.stored == 1 && skipped.skipped.count == 1)
            #expect(try await Site.find("010000040", on: app.db) == nil)
        }
    }

    @Test("dry run shows the detected settings and a preview, and writes nothing")
    func dryRun() async throws {
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            let path = try temporaryFile("finess,mesure,annee,valeur\r\n010000024,hf_stays,2023,\"1 234\"\r\n".data(using: .isoLatin1)!)
            let report = try await Self.run(app, .measures, path, .init(dryRun: true))
            #expect(report.preview == [["010000024", "hf_stays", "2023", "1234"]])
            #expect(report.dialect.contains(","))
            #expect(try await MeasureValueRecord.query(on: app.db).count() == 0)
            #expect(try await ImportRun.query(on: app.db).filter(\.$kind == "mesures").count() == 0)
        }
    }

    @Test("a wide file goes in through a saved mapping; a mapping naming a missing column is refused")
    func wideMapping() async throws {
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            let mapping = MeasureMapping(finessColumn: "FINESS ET", fixedYear: 2023, columns: [.init(column: "Séjours IC", measure: "hf_stays"),
                                                                                            .init(column: "Réhospit.", measure: "hf_readmissions_3m")])
            try await MappingStore.save(name: "pmsi-ic", mapping: mapping, by: .system, at: app.clock.now(), db: app.db)
            let loaded = try #require(try await MappingStore.load(name: "pmsi-ic", db: app.db))
            let file = try temporaryFile("FINESS ET;Séjours IC;Réhospit.\n010000024;120;14\n010000032;;.c\n", name: "ic.csv")
            let report = try await Self.run(app, .measures, file, .init(mapping: loaded))
            #expect(report.stored == 3 && report.masked == 1)
            #expect(try await Self.value(app, "010000024", "hf_readmissions_3m", 2023) == "14")
            var broken = mapping
            broken.columns.append(.init(column: "Absente", measure: "hf_readmission_amount"))
            await #expect {
                _ = try await Self.run(app, .measures, file, .init(mapping: broken, source: "autre"))
            } throws: { error in
                (error as? CSVError)?.description.contains("Absente") == true
            }
        }
    }

    @Test("real SAE MCO 2022 (Latin-1): 1,458 known establishments, surgery counts stored, rate-free (D16)")
    func realSAE() async throws {
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            let report = try await Self.run(app, .sae, fixtures + "sae/MCO_2022r.csv", .init(skipUnknown: true))
            #expect(report.rows == 1_637)
            #expect(report.skipped.count == 179)
            let ambulatory = try await MeasureValueRecord.query(on: app.db).filter(\.$measure == "surgery_ambulatory_stays").all()
            // Sum of SEJHP_CHI over the 1,458 known rows, computed with Python's csv module.
            #expect(ambulatory.compactMap { Decimal(string: $0.value ?? "") }.reduce(0, +) == 5_539_003)
            let total = try await MeasureValueRecord.query(on: app.db).filter(\.$measure == "surgery_stays").all()
            #expect(total.count == 1_457)
            #expect(total.compactMap { Decimal(string: $0.value ?? "") }.reduce(0, +) == 8_247_119)
        }
    }

    @Test("real Hospi Diag 2022: decimal comma, padded numbers and masks; P12 as published")
    func realHospiDiag() async throws {
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            let report = try await Self.run(app, .hospidiag, fixtures + "hospidiag/hd2022.csv", .init(year: 2022, skipUnknown: true))
            #expect(report.rows == 1_490)
            let p12 = try await MeasureValueRecord.query(on: app.db).filter(\.$measure == "hd_p12").filter(\.$kind == "number").all()
            #expect(p12.count == 1_163)
            #expect(p12.compactMap { Decimal(string: $0.value ?? "") }.reduce(0, +) == Decimal(string: "53064.79")!)
            #expect(try await MeasureValueRecord.query(on: app.db).filter(\.$kind == "masked").count() > 0)
        }
    }

    @Test("real Open PHMEV sample: per-establishment sums stored; unknown prescribers listed; targeting runs from the database")
    func realPHMEV() async throws {
        // The sample's 1,152 rows prescribed in Auvergne-Rhône-Alpes: 109 prescribers, 4 of them
        // (420010209, 690001623, 690780093, 690793195) not hospitals of the registry; 8 measures
        // stored for each of the other 105. Counted with Python's csv module.
        let path = fixtures + "phmev/OPEN_PHMEV_2024_sample_10k_ara.csv"
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            let refused = try await Self.run(app, .phmev, path, .init(year: 2024))
            #expect(refused.status == .refused && refused.problems.count == 4)
            let report = try await Self.run(app, .phmev, path, .init(year: 2024, skipUnknown: true))
            #expect(report.rows == 1_152 && report.stored == 840)
            // Hospices Civils de Lyon (EJ 690781810): IPP amount of the sample, checked with Python and DuckDB.
            #expect(try await Self.value(app, "690781810", "phev_ipp_amount", 2024) == "15731.79")
            let catalogue = try #require(try CatalogueStore.registry(directory: repoRoot + "Resources/Catalogues/")["national-2022"])
            let set = try await MeasureRepository(db: app.db).measureSet(for: catalogue)
            let rows = try TargetCommand.rows(catalogue: catalogue, year: 2024, measures: set, region: nil, contractStart: nil)
            #expect(rows.contains { $0[0] == "690781810" && $0[1] == "N2" && $0[2] == "non" })
        }
    }

    @Test("the whole Open PHMEV sample: 889 prescribers, 34 of them unknown", sharedFile("phmev/OPEN_PHMEV_2024_sample_10k.csv"))
    func realPHMEVWholeSample() async throws {
        let path = sharedData + "phmev/OPEN_PHMEV_2024_sample_10k.csv"
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            let refused = try await Self.run(app, .phmev, path, .init(year: 2024))
            #expect(refused.status == .refused && refused.problems.count == 34)
            let report = try await Self.run(app, .phmev, path, .init(year: 2024, skipUnknown: true))
            #expect(report.rows == 10_000 && report.stored == 6_840)
            #expect(try await Self.value(app, "690781810", "phev_ipp_amount", 2024) == "15731.79")
        }
    }

    @Test("ScanSanté through a saved mapping: thousands with spaces, « 1 à 10 » kept masked, the « Total » line and identical duplicated rows noted")
    func scanSante() async throws {
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            let mapping = MeasureMapping(finessColumn: "Finess", fixedYear: 2023, columns: [
                .init(column: "Nombre de séjours en hospit complète", measure: "scansante_full_stays"),
                .init(column: "Nombre de séjours en hospit partielle", measure: "scansante_partial_stays"),
            ])
            try await MappingStore.save(name: "scansante-mco", mapping: mapping, by: .system, at: app.clock.now(), db: app.db)
            let saved = try #require(try await MappingStore.load(name: "scansante-mco", db: app.db))
            let folder = fixtures + "more/scansante/"
            let privateClinics = try await Self.run(app, .measures, folder + "mco_tous_sejours_prive_oqn_2023.csv",
                                                    .init(mapping: saved, skipUnknown: true))
            #expect(privateClinics.status == .done && privateClinics.rows == 678)
            #expect(privateClinics.notes.contains { $0.line == 679 && $0.reason.contains("Total") })
            #expect(privateClinics.masked > 0)
            let masked = try #require(try await MeasureValueRecord.query(on: app.db).filter(\.$kind == "masked").first())
            #expect(masked.maskReason?.contains("entre 1 et 10") == true)
            // The public file lists 750150237 (lines 614–615) and 750150260 (617–618) twice.
            let publicHospitals = try await Self.run(app, .measures, folder + "mco_tous_sejours_public_psph_2023.csv",
                                                     .init(mapping: saved, skipUnknown: true))
            // Identical duplicates import, each noted (D25).
            #expect(publicHospitals.status == .done)
            let duplicates = publicHospitals.notes.filter { $0.reason.contains("doublon ignoré") }.map(\.line)
            #expect(Set(duplicates) == [615, 618])
        }
    }

    @Test("an Excel workbook goes in like a CSV, and errors name the sheet's row numbers")
    func xlsx() async throws {
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            // Fixtures/mesures-2023.xlsx: a title row, a blank row, the header on row 3, values on rows 4–6 (row 6 negative).
            let report = try await Self.run(app, .measures, repoRoot + "Tests/AppTests/Fixtures/mesures-2023.xlsx", .init(dryRun: true))
            #expect(report.dialect.contains("classeur Excel"))
            #expect(report.problems.map(\.description) == ["ligne 6, colonne valeur : valeur « -3 » — valeur négative : un montant ou un effectif ne peut pas être négatif"])
            #expect(report.preview.first == ["010000024", "phev_ipp_amount", "2023", "180000.5"])
        }
    }

    @Test("export gives the current values in the long format, which imports back identically")
    func exportRoundTrip() async throws {
        try await withApp { app in
            try await Self.hospitalRegistry(app)
            let text = "finess;mesure;annee;valeur\n010000024;phev_ipp_amount;2023;180000.5\n010000032;phev_ipp_amount;2023;42\n"
            _ = try await Self.run(app, .measures, try temporaryFile(text, name: "a.csv"))
            let rows = try await MeasureRepository(db: app.db).current(measures: ["phev_ipp_amount"], year: 2023, region: "84")
            #expect(rows.map { "\($0.finess);\($0.measure);\($0.year);\($0.value ?? "")" } == ["010000024;phev_ipp_amount;2023;180000.5", "010000032;phev_ipp_amount;2023;42"])
            #expect(try await MeasureRepository(db: app.db).current(region: "11").isEmpty)
        }
    }
}
