@testable import App
import CAQESCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A site absent from the status files takes its legal entity's status (from the EJ's other
/// sites, or from FINESS codesph), says where it came from, and so gets the right holder (D16).
@Suite("Statut et titulaire des établissements sans statut")
struct HolderStatusTests {
    static let header = "nofinesset;nofinessej;rs;categetab;libcategetab;categagretab;libcategagretab;codesph;libsph;codeape;siret;adresse;lieuditbp;code_postal;commune_libelle;telephone;dateouv;datemaj;latitude;longitude"

    /// A FINESS row of the real extract's shape; `codesph` 1 is « Etablissement public de santé ».
    static func row(_ et: String, _ ej: String, _ name: String, codesph: String) -> String {
        let label = ["1": "Etablissement public de santé", "6": "Etablissement de santé privé d'intérêt collectif",
                     "7": "Etab de santé privé non lucratif, non déclar intérêt collect"][codesph] ?? ""
        return "\(et);\(ej);\(name);101;Centre Hospitalier Régional (C.H.R.);1101;Centres Hospitaliers Régionaux;\(codesph);\(label);8610Z;;2 AV OSCAR LAMBRET;;59037;LILLE CEDEX;;1938-01-01;2016-01-28;50.6;3.0"
    }

    /// Three CHU de Lille sites (real FINESS numbers), all codesph 1.
    static let lille = [
        row("590000105", "590780193", "CHR LILLE", codesph: "1"),
        row("590006607", "590780193", "HOP JEANNE DE FLANDRE CHR LILLE", codesph: "1"),
        row("590804449", "590780193", "USLD LES BATELIERS CHR LILLE", codesph: "1"),
    ]

    static func finessFile(_ rows: [String]) throws -> String {
        try temporaryFile(([header] + rows).joined(separator: "\n") + "\n", name: "finess_et_20210108_extrait.csv")
    }

    /// The status list's format (etablissements_sante_statapp.csv).
    static func statusFile(_ rows: [(String, String)], name: String = "statuts.csv") throws -> String {
        let lines = rows.map { "\($0.0);\($0.0) - ÉTABLISSEMENT;LILLE;\($0.1);32 - Hauts-de-France" }
        return try temporaryFile((["FINESS;Raison sociale;Commune;Statut Juridique;Région"] + lines).joined(separator: "\n") + "\n", name: name)
    }

    static func site(_ app: Application, _ finess: String) async throws -> Site {
        try #require(try await Site.find(finess, on: app.db), "site \(finess)")
    }

    @Test("with FINESS alone, the sites of an EJ whose codesph says « Etablissement public de santé » are public, held by the EJ, and say so")
    func finessAlone() async throws {
        try await withApp { app in
            let report = try await importFile(app, .finess, try Self.finessFile(Self.lille))
            #expect(report.status == .done)
            #expect(try await LegalEntity.find("590780193", on: app.db)?.legalStatus == "public")
            let usld = try await Self.site(app, "590804449")
            #expect(usld.legalStatus == "public")
            #expect(usld.statusSource == "statut de l'entité juridique 590780193 — FINESS (codesph 1 : Etablissement public de santé), extraction du 08/01/2021")
            #expect(usld.holderFINESS == "590780193")
            #expect(EstablishmentRow.statusLabel(usld.legalStatus) == "Public")
        }
    }

    @Test("after a status list, a site absent from it takes the status its EJ's other sites have, and names them as the source")
    func fromOtherSites() async throws {
        try await withApp { app in
            try await importFile(app, .finess, try Self.finessFile(Self.lille))
            let statuses = try Self.statusFile([("590000105", "Public"), ("590006607", "Public")])
            let report = try await importFile(app, .status, statuses)
            #expect(report.status == .done)
            #expect(report.updated == 2)
            let chr = try await Self.site(app, "590000105")
            #expect(chr.statusSource == "liste des statuts (statuts.csv)")
            let usld = try await Self.site(app, "590804449")
            #expect(usld.legalStatus == "public")
            #expect(usld.statusSource == "statut de l'entité juridique 590780193, d'après 2 de ses établissements — liste des statuts (statuts.csv)")
            #expect(try await Site.query(on: app.db).filter(\.$holderFINESS == "590780193").count() == 3)

            // Idempotent: the same files again change nothing.
            let again = try await importFile(app, .status, statuses)
            #expect(again.updated == 0 && again.unchanged == 2 && again.derived == 0)
            let finessAgain = try await importFile(app, .finess, try Self.finessFile(Self.lille))
            #expect(finessAgain.unchanged == 3 && finessAgain.derived == 0)
            #expect(try await Self.site(app, "590804449").statusSource == usld.statusSource)
        }
    }

    @Test("a site's own status wins over its EJ's, and a status list row turns an inherited status into the site's own")
    func ownStatusWins() async throws {
        try await withApp { app in
            try await importFile(app, .finess, try Self.finessFile(Self.lille))
            let report = try await importFile(app, .status, try Self.statusFile([("590000105", "Public"), ("590804449", "Privé non lucratif")]))
            #expect(report.updated == 2)
            let usld = try await Self.site(app, "590804449")
            #expect(usld.legalStatus == "espic")
            #expect(usld.statusSource == "liste des statuts (statuts.csv)")
            #expect(usld.holderFINESS == "590804449")
            // The EJ's sites disagree now: Jeanne de Flandre, without a status of its own, is not given either.
            let jeanne = try await Self.site(app, "590006607")
            #expect(jeanne.legalStatus == nil)
            #expect(jeanne.holderFINESS == "590006607")
            #expect(jeanne.statusSource == "statut inconnu : les établissements de l'entité juridique 590780193 n'ont pas le même statut (1 Public, 1 Privé non lucratif (ESPIC)) ; aucun n'est retenu pour les autres")
            #expect(EstablishmentRow.statusLabel(jeanne.legalStatus) == "Inconnu")
        }
    }

    @Test("no private status is invented from FINESS: codesph 6 or 7 with no status list leaves « Inconnu », with no source, and the site holds its own contract")
    func noInventedStatus() async throws {
        let rows = [
            Self.row("010000024", "010780054", "CH DE FLEYRIAT", codesph: "6"),
            Self.row("010009314", "010780054", "SSR HOTEL DIEU DE FLEYRIAT", codesph: "7"),
        ]
        try await withApp { app in
            try await importFile(app, .finess, try Self.finessFile(rows))
            #expect(try await LegalEntity.find("010780054", on: app.db)?.legalStatus == nil)
            for finess in ["010000024", "010009314"] {
                let site = try await Self.site(app, finess)
                #expect(site.legalStatus == nil)
                #expect(site.statusSource == nil)
                #expect(site.holderFINESS == finess)
                #expect(EstablishmentRow.statusLabel(site.legalStatus) == "Inconnu")
            }
        }
    }

    @Test("the order of the imports does not matter: status list then a FINESS re-import adding a site gives what FINESS then status gives")
    func orderDoesNotMatter() async throws {
        // No codesph here, so the only source is the status list.
        let first = [Self.row("590000105", "590780193", "CHR LILLE", codesph: ""),
                     Self.row("590804449", "590780193", "USLD LES BATELIERS CHR LILLE", codesph: "")]
        let second = first + [Self.row("590006607", "590780193", "HOP JEANNE DE FLANDRE CHR LILLE", codesph: "")]
        struct State: Equatable { let finess: String?; let status: String?; let source: String?; let holder: String }
        func state(_ app: Application) async throws -> [State] {
            try await Site.query(on: app.db).all().sorted { ($0.id ?? "") < ($1.id ?? "") }
                .map { State(finess: $0.id, status: $0.legalStatus, source: $0.statusSource, holder: $0.holderFINESS) }
        }
        var statusThenFINESS: [State] = []
        try await withApp { app in
            try await importFile(app, .finess, try Self.finessFile(first))
            try await importFile(app, .status, try Self.statusFile([("590000105", "Public")]))
            let reimport = try await importFile(app, .finess, try Self.finessFile(second))
            #expect(reimport.created == 1)
            statusThenFINESS = try await state(app)
        }
        var finessThenStatus: [State] = []
        try await withApp { app in
            try await importFile(app, .finess, try Self.finessFile(second))
            try await importFile(app, .status, try Self.statusFile([("590000105", "Public")]))
            finessThenStatus = try await state(app)
        }
        #expect(statusThenFINESS == finessThenStatus)
        #expect(statusThenFINESS.count == 3)
        #expect(statusThenFINESS.allSatisfy { $0.status == "public" && $0.holder == "590780193" })
        #expect(statusThenFINESS.first { $0.finess == "590006607" }?.source
            == "statut de l'entité juridique 590780193, d'après l'un de ses établissements — liste des statuts (statuts.csv)")
    }

    @Test("a status file refused for one bad row changes no status and no holder")
    func refusedChangesNothing() async throws {
        try await withApp { app in
            try await importFile(app, .finess, try Self.finessFile(Self.lille))
            let before = try await Self.site(app, "590804449").statusSource
            let report = try await importFile(app, .status, try Self.statusFile([("590000105", "Privé lucratif"), ("590006607", "Inconnu")]))
            #expect(report.status == .refused)
            let chr = try await Self.site(app, "590000105")
            #expect(chr.legalStatus == "public" && chr.holderFINESS == "590780193")
            #expect(try await Self.site(app, "590804449").statusSource == before)
        }
    }

    @Test("demo registry: the CHU de Lille (EJ 590780193) holds its 23 sites, and its account reaches USLD Les Bateliers",
          .enabled(if: FileManager.default.fileExists(atPath: repoRoot + "Resources/Demo/sae_id_2022_hdf_idf.csv")))
    func realLille() async throws {
        try await withApp { app in
            try await loadDemoRegistry(app)
            #expect(try await Site.query(on: app.db).filter(\.$legalEntityFINESS == "590780193").count() == 23)
            #expect(try await Site.query(on: app.db).filter(\.$holderFINESS == "590780193").count() == 23)
            let usld = try await Self.site(app, "590804449")
            #expect(usld.legalStatus == "public")
            #expect(usld.statusSource == "statut de l'entité juridique 590780193, d'après 11 de ses établissements — SAE, bordereau ID (sae_id_2022_hdf_idf.csv)")
            // Of the 2,001 demo sites, 640 are in the SAE; 1,295 take their EJ's status (2 of them
            // from FINESS alone); 66, whose EJ no source knows (codesph 0, 6, 7, 9), stay « Inconnu ».
            #expect(try await Site.query(on: app.db).filter(\.$legalStatus == nil).count() == 66)
            let all = try await Site.query(on: app.db).all()
            #expect(all.filter { $0.statusSource?.contains("FINESS (codesph 1") == true }.count == 2)

            let user = try await createUser(app, "chu-lille@test.caqes.fr", .establishment, scope: ["590780193"])
            let token = TokenHasher.generate()
            try await APIToken(userID: user.id!, name: "t", tokenHash: TokenHasher.hash(token), prefix: "p").create(on: app.db)
            var bearer = HTTPHeaders()
            bearer.bearerAuthorization = BearerAuthorization(token: token)
            let response = try await app.testing().sendRequest(.GET, "/api/v1/establishments/590804449", headers: bearer)
            #expect(response.status == .ok)
            let dto = try response.content.decode(EstablishmentDTO.self)
            #expect(dto.titulaire == "590780193")
            #expect(dto.statut_libelle == "Public")
            #expect(dto.statut_source?.contains("entité juridique 590780193") == true)
        }
    }
}
