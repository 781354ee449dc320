import CAQESCore
import Foundation
import Testing
@testable import CAQESData

/// A site without a status of its own takes its legal entity's: from the EJ's other sites, or
/// from FINESS `codesph`; never a guess.
@Suite("Statut de l'entité juridique")
struct LegalEntityStatusTests {
    @Test("SAE stjr reads 1 public, 2 private for-profit, 3 private non-profit; the status list reads its labels",
          arguments: [
              ("1", LegalStatus.publicHospital), ("2", .privateForProfit), ("3", .privateNonProfit),
              ("Public", .publicHospital), ("Privé lucratif", .privateForProfit), ("Privé non lucratif", .privateNonProfit),
          ])
    func sourceText(text: String, status: LegalStatus) {
        #expect(LegalStatus(sourceText: text) == status)
    }

    @Test("FINESS codesph says public only for 1, and only when no site of the EJ says another participation",
          arguments: [
              ([Optional("1")], Optional(LegalStatus.publicHospital)),
              (["1", "1", nil], .publicHospital),
              (["1", "", "9"], .publicHospital),
              (["1", "0"], nil),
              (["1", "6"], nil),
              (["6"], nil), (["7"], nil), (["0"], nil), (["3"], nil), (["9"], nil), ([nil], nil), ([], nil),
          ])
    func codesph(codes: [String?], expected: LegalStatus?) {
        #expect(LegalStatus.fromFINESSPublicService(codes: codes) == expected)
    }

    static let header = "nofinesset;nofinessej;rs;categetab;libcategetab;categagretab;libcategagretab;codesph;libsph;codeape;siret;adresse;lieuditbp;code_postal;commune_libelle;telephone;dateouv;datemaj;latitude;longitude"

    @Test("the FINESS extract gives each EJ the public status its codesph says, and nothing for the others")
    func extractStatuses() throws {
        let text = [
            Self.header,
            "590000105;590780193;CHR LILLE;101;x;1101;x;1;Etablissement public de santé;8610Z;;;;59037;LILLE;;1901-01-01;2020-01-01;0;0",
            "590804449;590780193;USLD LES BATELIERS CHR LILLE;362;x;1102;x;1;Etablissement public de santé;8610Z;;;;59000;LILLE;;1901-01-01;2020-01-01;0;0",
            "010000024;010780054;CH DE FLEYRIAT;355;x;1102;x;;;8610Z;;;;01440;VIRIAT;;1979-02-13;2020-02-04;0;0",
            "010000032;010780062;CH HAUT BUGEY;355;x;1102;x;6;Etablissement de santé privé d'intérêt collectif;8610Z;;;;01300;BELLEY;;1901-01-01;2020-11-24;0;0",
        ].joined(separator: "\n")
        let outcome = try FINESSExtract.parse(try TestData.reader(text))
        #expect(outcome.problems.isEmpty)
        #expect(outcome.records.map(\.publicServiceCode) == ["1", "1", nil, "6"])
        #expect(FINESSExtract.legalEntityStatuses(outcome.records) == ["590780193": .publicHospital])
    }

    @Test("an EJ's status: its sites' when they agree, FINESS's when none has one, none when they disagree")
    func decide() {
        #expect(LegalEntityStatus.decide(siteStatuses: Array(repeating: .publicHospital, count: 11), finess: .publicHospital)
            == .fromSites(.publicHospital, siteCount: 11))
        #expect(LegalEntityStatus.decide(siteStatuses: [.privateNonProfit], finess: .publicHospital)
            == .fromSites(.privateNonProfit, siteCount: 1))
        #expect(LegalEntityStatus.decide(siteStatuses: [], finess: .publicHospital) == .fromFINESS(.publicHospital))
        #expect(LegalEntityStatus.decide(siteStatuses: [.publicHospital, .privateNonProfit, .publicHospital], finess: .publicHospital)
            == .conflicting([.publicHospital: 2, .privateNonProfit: 1]))
        #expect(LegalEntityStatus.decide(siteStatuses: [], finess: nil) == .unknown)
    }

    static let sae = "SAE, bordereau ID (sae_id_2022_hdf_idf.csv)"

    @Test("the 12 CHU de Lille sites absent from the SAE take the status of their EJ, said to come from its 11 others")
    func lille() {
        let listed = (0..<11).map { SiteStatusDerivation.Site(finess: "S\($0)", ownStatus: .publicHospital, ownSource: Self.sae) }
        let absent = (0..<12).map { SiteStatusDerivation.Site(finess: "A\($0)", ownStatus: nil, ownSource: nil) }
        let statuses = SiteStatusDerivation.statuses(legalEntity: "590780193", sites: listed + absent, finessStatus: .publicHospital,
                                                     finessSource: "FINESS, extraction du 08/01/2021")
        #expect(statuses.count == 23)
        #expect(statuses["S0"] == SiteStatus(status: .publicHospital, source: Self.sae))
        let inherited = SiteStatus(status: .publicHospital,
                                   source: "statut de l'entité juridique 590780193, d'après 11 de ses établissements — SAE, bordereau ID (sae_id_2022_hdf_idf.csv)")
        #expect(statuses["A0"] == inherited)
        #expect(statuses.values.filter { $0 == inherited }.count == 12)
        #expect(SiteStatusDerivation.isDerived(source: inherited.source))
        #expect(!SiteStatusDerivation.isDerived(source: Self.sae))
        #expect(!SiteStatusDerivation.isDerived(source: nil))
    }

    @Test("without any site status, FINESS codesph gives the status, with the extraction date")
    func fromFINESS() {
        let sites = [SiteStatusDerivation.Site(finess: "590804449", ownStatus: nil, ownSource: nil)]
        let statuses = SiteStatusDerivation.statuses(legalEntity: "590780193", sites: sites, finessStatus: .publicHospital,
                                                     finessSource: "FINESS, extraction du 08/01/2021")
        #expect(statuses["590804449"] == SiteStatus(
            status: .publicHospital,
            source: "statut de l'entité juridique 590780193 — FINESS (codesph 1 : Etablissement public de santé), extraction du 08/01/2021"))
        let undated = SiteStatusDerivation.statuses(legalEntity: "590780193", sites: sites, finessStatus: .publicHospital, finessSource: nil)
        #expect(undated["590804449"]?.source == "statut de l'entité juridique 590780193 — FINESS (codesph 1 : Etablissement public de santé)")
    }

    @Test("when the EJ's sites disagree, a site without a status stays unknown and says why; with no source at all, no text")
    func conflictingAndUnknown() throws {
        let sites = [
            SiteStatusDerivation.Site(finess: "A", ownStatus: .publicHospital, ownSource: Self.sae),
            SiteStatusDerivation.Site(finess: "B", ownStatus: .privateNonProfit, ownSource: Self.sae),
            SiteStatusDerivation.Site(finess: "C", ownStatus: nil, ownSource: nil),
        ]
        let statuses = SiteStatusDerivation.statuses(legalEntity: "590780193", sites: sites, finessStatus: .publicHospital, finessSource: nil)
        #expect(statuses["A"]?.status == .publicHospital)
        #expect(statuses["B"]?.status == .privateNonProfit)
        let unknown = try #require(statuses["C"])
        #expect(unknown.status == nil)
        #expect(unknown.source == "statut inconnu : les établissements de l'entité juridique 590780193 n'ont pas le même statut (1 Public, 1 Privé non lucratif (ESPIC)) ; aucun n'est retenu pour les autres")
        #expect(SiteStatusDerivation.isDerived(source: unknown.source))
        let alone = SiteStatusDerivation.statuses(legalEntity: "750000000", sites: [.init(finess: "C", ownStatus: nil, ownSource: nil)],
                                                  finessStatus: nil, finessSource: "FINESS, extraction du 08/01/2021")
        #expect(alone["C"] == SiteStatus(status: nil, source: nil))
    }
}

/// The same rules on the real files (committed copies, Tests/Fixtures).
@Suite("Statut de l'entité juridique (fichiers réels)")
struct LegalEntityStatusRealFilesTests {
    @Test("SAE 2022 stjr and the status list agree on almost every establishment both list")
    func saeAgreesWithStatusList() throws {
        let sae = try StatusList.parse(try CSVReader(path: TestData.fixture("sae/ID_2022r.csv")))
        let list = try StatusList.parse(try CSVReader(path: TestData.fixture("finess/etablissements_sante_statapp.csv")))
        #expect(sae.problems.isEmpty && list.problems.isEmpty)
        let listed = Dictionary(list.records.map { ($0.finess.value, $0.status) }, uniquingKeysWith: { a, _ in a })
        var same = 0, different = 0
        for record in sae.records {
            guard let other = listed[record.finess.value] else { continue }
            if other == record.status { same += 1 } else { different += 1 }
        }
        // 1,406 public, 1,243 for-profit and 1,221 non-profit agree; 5 private ones differ.
        #expect(same == 3_870)
        #expect(different == 5)
    }

    @Test("in the hospital extract, FINESS says public for the CHU de Lille EJ and for no EJ whose sites say ESPIC")
    func hospitalExtract() throws {
        let outcome = try FINESSExtract.parse(try CSVReader(path: TestData.fixture("finess/finess_et_20210108_hospitaliers.csv")))
        let statuses = FINESSExtract.legalEntityStatuses(outcome.records)
        #expect(statuses["590780193"] == .publicHospital)
        let publicRows = outcome.records.filter { statuses[$0.legalEntity.value] == .publicHospital }
        #expect(publicRows.allSatisfy { $0.publicServiceCode == "1" || $0.publicServiceCode == nil || $0.publicServiceCode == "9" })
        #expect(!statuses.values.contains { $0 != .publicHospital })
    }
}
