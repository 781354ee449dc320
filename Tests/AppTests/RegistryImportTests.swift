@testable import App
import CAQESCore
import CAQESData
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Import du registre (fichiers réels)")
struct RegistryImportTests {
    static func gunzip(_ path: String) throws -> String {
        let out = NSTemporaryDirectory() + "caqes-\(UUID().uuidString)-" + ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc '\(path)' > '\(out)'"]
        try process.run()
        process.waitUntilExit()
        return out
    }

    @Test("the full FINESS extract imports all 95,333 sites, and re-importing it changes nothing",
          sharedFile("finess/finess_et_20210108.csv.gz"))
    func fullExtract() async throws {
        let path = try Self.gunzip(sharedData + "finess/finess_et_20210108.csv.gz")
        try await withApp { app in
            let first = try await importFile(app, .finess, path)
            #expect(first.status == .done)
            #expect(first.rows == 95_333)
            #expect(first.created == 95_333)
            #expect(try await Site.query(on: app.db).count() == 95_333)
            let entities = try await LegalEntity.query(on: app.db).count()
            #expect(entities == 47_084)
            let again = try await importFile(app, .finess, path)
            #expect(again.created == 0 && again.updated == 0 && again.unchanged == 95_333)
            #expect(try await LegalEntity.query(on: app.db).count() == entities)
        }
    }

    @Test("each real registry file imports with its row count", arguments: [
        ("finess/finess_et_20210108_hospitaliers.csv", ImportKind.finess, 8_131),
    ])
    func realFINESS(file: String, kind: ImportKind, rows: Int) async throws {
        try await withApp { app in
            let report = try await importFile(app, kind, fixtures + file)
            #expect(report.status == .done)
            #expect(report.rows == rows)
            #expect(try await Site.query(on: app.db).count() == rows)
        }
    }

    @Test("both real status files import: statuses set, holders derived (EJ if public, ET otherwise), absent sites skipped")
    func realStatuses() async throws {
        try await withApp { app in
            try await importFile(app, .finess, fixtures + "finess/finess_et_20210108_hospitaliers.csv")
            let list = try await importFile(app, .status, fixtures + "finess/etablissements_sante_statapp.csv")
            #expect(list.rows == 3_974)
            // 2,920 of the list's establishments are hospitals of the extract; the other 1,054 are not in it.
            #expect(list.updated == 2_920)
            #expect(list.skipped.count == 1_054)
            let sae = try await importFile(app, .status, fixtures + "sae/ID_2022r.csv")
            #expect(sae.rows == 3_995)
            #expect(sae.dialect.contains("Latin-1") || sae.dialect.contains("Windows-1252") || sae.dialect.contains("ISO"))
            // CH de Fleyriat: public, holder = its EJ. A private clinic holds its own contract.
            let fleyriat = try #require(try await Site.find("010000024", on: app.db))
            #expect(fleyriat.legalStatus == "public")
            #expect(fleyriat.holderFINESS == "010780054")
            let privateSites = try await Site.query(on: app.db).filter(\.$legalStatus == "prive").all()
            #expect(!privateSites.isEmpty)
            #expect(privateSites.allSatisfy { $0.holderFINESS == $0.id })
            let again = try await importFile(app, .status, fixtures + "sae/ID_2022r.csv")
            #expect(again.updated == 0)
        }
    }

    static let header = "nofinesset;nofinessej;rs;categetab;libcategetab;categagretab;libcategagretab;codesph;libsph;codeape;siret;adresse;lieuditbp;code_postal;commune_libelle;telephone;dateouv;datemaj;latitude;longitude"
    static let good = [
        "010000024;010780054;CH DE FLEYRIAT;355;Centre Hospitalier (C.H.);1102;Centres Hospitaliers;1;x;8610Z;26010004500012;900 RTE DE PARIS;;01440;VIRIAT;0474454647;1979-02-13;2020-02-04;46.2;5.2",
        "010000032;010780062;CH HAUT BUGEY;355;Centre Hospitalier (C.H.);1102;Centres Hospitaliers;1;x;8610Z;26010003700019;700 AV DE NARVIK;BP 139;01300;BELLEY;0479425959;1901-01-01;2020-11-24;45.7;5.6",
    ]

    @Test("a file with bad rows is refused whole, every bad row listed with its line, nothing written")
    func corruptedRows() async throws {
        let lines = [Self.header, Self.good[0],
                     "010000025;010780054;CLÉ FAUSSE;355;x;1102;x;1;x;x;x;x;;01440;VIRIAT;x;1979-02-13;2020-02-04;0;0",
                     Self.good[1],
                     "01000;010780054;TROP COURT;355;x;1102;x;1;x;x;x;x;;01440;VIRIAT;x;1979-02-13;2020-02-04;0;0",
                     "010000024;010780054;DOUBLON;355;x;1102;x;1;x;x;x;x;;01440;VIRIAT;x;1979-02-31;2020-02-04;0;0"]
        try await withApp { app in
            let report = try await importFile(app, .finess, try temporaryFile(lines.joined(separator: "\n") + "\n"))
            #expect(report.status == .refused)
            let descriptions = report.problems.map(\.description)
            #expect(descriptions == [
                "ligne 3, colonne nofinesset : valeur « 010000025 » — numéro FINESS invalide : la clé de contrôle (Luhn) est fausse",
                "ligne 5, colonne nofinesset : valeur « 01000 » — numéro FINESS invalide : 9 caractères attendus (chiffres, ou 2A/2B pour la Corse)",
                "ligne 6, colonne nofinesset : valeur « 010000024 » — numéro FINESS en double (déjà présent ligne 2)",
                "ligne 6, colonne dateouv : valeur « 1979-02-31 » — date invalide (format attendu : AAAA-MM-JJ)",
            ])
            #expect(try await Site.query(on: app.db).count() == 0)
            #expect(try await LegalEntity.query(on: app.db).count() == 0)
            #expect(try await ImportProblem.query(on: app.db).count() == 4)
        }
    }

    @Test("bad keys can be accepted on request, and the rows are flagged")
    func acceptBadKeys() async throws {
        let lines = [Self.header, Self.good[0], "010000025;010780054;CLÉ FAUSSE;355;x;1102;x;1;x;x;x;x;;01440;VIRIAT;x;1979-02-13;2020-02-04;0;0"]
        try await withApp { app in
            let report = try await importFile(app, .finess, try temporaryFile(lines.joined(separator: "\n")), acceptBadKeys: true)
            #expect(report.status == .done)
            let flagged = try #require(try await Site.find("010000025", on: app.db))
            #expect(flagged.keyValid == false)
        }
    }

    @Test("a truncated file, a wrong separator, a missing column, an empty or binary file: French error, nothing written")
    func brokenFiles() async throws {
        let truncated = [Self.header, Self.good[0], "010000032;010780062;\"CH HAUT BUG"].joined(separator: "\n")
        let pipes = ([Self.header] + Self.good).joined(separator: "\n").replacingOccurrences(of: ";", with: "|")
        let missing = ["nofinesset;rs", "010000024;CH"].joined(separator: "\n")
        let cases: [(Data, String)] = [
            (Data(truncated.utf8), "ligne 3"),
            (Data(pipes.utf8), "colonnes manquantes"),
            (Data(missing.utf8), "nofinessej"),
            (Data(), "vide"),
            (Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]), "binaire"),
        ]
        try await withApp { app in
            for (data, expected) in cases {
                let path = try temporaryFile(data)
                do {
                    let report = try await importFile(app, .finess, path)
                    // A parsable but wrong file is refused row by row.
                    #expect(report.status == .refused, "\(expected)")
                    #expect(report.problems.map(\.description).joined().contains(expected), "\(expected)")
                } catch let error as CSVError {
                    #expect(error.description.contains(expected), "\(error.description) should say \(expected)")
                }
                #expect(try await Site.query(on: app.db).count() == 0)
            }
        }
    }

    @Test("a comma-separated copy is detected and imports like the original")
    func commaSeparated() async throws {
        let commas = ([Self.header] + Self.good).joined(separator: "\r\n").replacingOccurrences(of: ";", with: ",")
        try await withApp { app in
            let report = try await importFile(app, .finess, try temporaryFile(commas))
            #expect(report.status == .done)
            #expect(report.created == 2)
            #expect(report.dialect.contains(","))
        }
    }

    @Test("a Latin-1 copy of a UTF-8 file imports to the same accented names")
    func latin1() async throws {
        let text = ([Self.header] + [Self.good[0].replacingOccurrences(of: "CH DE FLEYRIAT", with: "CENTRE HOSPITALIER ÉLISE")]).joined(separator: "\n")
        try await withApp { app in
            let report = try await importFile(app, .finess, try temporaryFile(text.data(using: .isoLatin1)!))
            #expect(report.status == .done)
            #expect(try await Site.find("010000024", on: app.db)?.name == "CENTRE HOSPITALIER ÉLISE")
        }
    }
}
