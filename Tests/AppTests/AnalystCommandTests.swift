@testable import App
import CAQESCore
import CAQESData
import Foundation
import Testing

/// The analyst commands that need no database: catalogue check, target, incentive, deadline.
@Suite("Commandes d'analyse (sans base)")
struct AnalystCommandTests {
    static let catalogues = repoRoot + "Resources/Catalogues/"

    static func national() throws -> CatalogueVersion {
        try #require(try CatalogueStore.registry(directory: catalogues)["national-2022"])
    }

    static func measures(_ lines: [String], registry: [String]? = nil) throws -> MeasureSet {
        let path = try temporaryFile((["finess;mesure;annee;valeur"] + lines).joined(separator: "\n"))
        let registryPath = try registry.map { try temporaryFile((["finess;categorie;region"] + $0).joined(separator: "\n")) }
        return try AnalystInput.measureSet(measuresPath: path, registryPath: registryPath, catalogue: try national())
    }

    @Test("every shipped catalogue loads and the registry holds the four versions")
    func shippedCatalogues() throws {
        let registry = try CatalogueStore.registry(directory: Self.catalogues)
        #expect(Set(registry.all.map(\.id)) == ["national-2022", "national-2025", "regional-hdf-2022", "regional-idf-2025"])
    }

    @Test("incentive rows: DOMAIN B.8 examples 1 and 2 (with the N-1 > N edge) as the command prints them")
    func incentiveRows() throws {
        let set = try Self.measures([
            "010000024;phev_ara2_amount;2022;150000", "010000024;phev_iec_amount;2022;100000",
            "010000024;phev_ara2_amount;2023;130 000", "010000024;phev_iec_amount;2023;90000,00",
            "010000024;phev_ipp_amount;2022;180000", "010000024;phev_ipp_amount;2023;165000",
            "010000032;phev_ipp_amount;2022;180000", "010000032;phev_ipp_amount;2023;190000",
        ])
        let rows = try IncentiveCommand.rows(catalogue: try Self.national(), year: 2023, measures: set, rates: [:], contractStart: nil)
        #expect(rows[0] == ["finess", "indicateur", "economie", "taux", "montant", "explication"])
        let n1 = try #require(rows.first { $0[0] == "010000024" && $0[1] == "N1" })
        #expect(n1[2] == "30000,00" && n1[3] == "30 %" && n1[4] == "9000,00")
        let n2 = try #require(rows.first { $0[0] == "010000024" && $0[1] == "N2" })
        #expect(n2[4] == "3000,00")
        #expect(n2[5].contains("3\u{202F}000,00"))
        let rose = try #require(rows.first { $0[0] == "010000032" && $0[1] == "N2" })
        #expect(rose[2] == "0,00" && rose[4] == "0,00")
        let missing = try #require(rows.first { $0[0] == "010000032" && $0[1] == "N1" })
        #expect(missing[4] == "" && missing[5].hasPrefix("non évaluable — données manquantes : phev_ara2_amount (2022)"))
    }

    @Test("a contract rate below the cap is applied; above the cap or unknown it is refused in French")
    func rates() throws {
        let catalogue = try Self.national()
        #expect(try IncentiveCommand.parseRates("N1=25%, N2=0,15", catalogue: catalogue) == ["N1": Decimal(string: "0.25")!, "N2": Decimal(string: "0.15")!])
        #expect(throws: CommandFailure.self) { try IncentiveCommand.parseRates("N2=25%", catalogue: catalogue) }
        #expect(throws: CommandFailure.self) { try IncentiveCommand.parseRates("N9=10%", catalogue: catalogue) }
    }

    @Test("target rows: N2 at 8,500 boxes, a missing value is « non évaluable » naming it, --region filters the listing")
    func targetRows() throws {
        let set = try Self.measures([
            "010000024;phev_ipp_boxes;2022;8500", "010000032;phev_ipp_boxes;2022;8499", "590780193;phev_ipp_amount;2022;10",
        ], registry: ["010000024;355;84", "010000032;355;84", "590780193;101;32"])
        let rows = try TargetCommand.rows(catalogue: try Self.national(), year: 2022, measures: set, region: nil, contractStart: nil)
        let n2 = rows.filter { $0[1] == "N2" }.map { [$0[0], $0[2]] }
        #expect(n2 == [["010000024", "oui"], ["010000032", "non"], ["590780193", "non évaluable"]])
        #expect(rows.first { $0[0] == "590780193" && $0[1] == "N2" }?[3].contains("phev_ipp_boxes (2022)") == true)
        let region = try TargetCommand.rows(catalogue: try Self.national(), year: 2022, measures: set, region: "32", contractStart: nil)
        #expect(region.dropFirst().allSatisfy { $0[0] == "590780193" })
    }

    @Test("a measures file with bad rows is refused whole, each row named, nothing printed")
    func badMeasures() throws {
        #expect {
            try Self.measures(["010000025;phev_ipp_amount;2022;12,3,4", "010000024;phev_ipp_amout;20222;-5",
                               "010000024;phev_ipp_amount;2022;1", "010000024;phev_ipp_amount;2022;2"])
        } throws: { error in
            let text = String(describing: error)
            return text.contains("ligne 2, colonne finess : valeur « 010000025 »")
                && text.contains("ligne 3, colonne mesure : valeur « phev_ipp_amout » — mesure inconnue du catalogue")
                && text.contains("ligne 3, colonne annee")
                && text.contains("ligne 3, colonne valeur : valeur « -5 »")
                && text.contains("ligne 5, colonne finess : valeur « 010000024 » — valeur en double")
        }
    }

    @Test("deadline command examples of DOMAIN B.8 ex. 17", arguments: [
        ("03/10/2022", "contrat-1", true, "24/10/2022"),
        ("02/11/2022", "contrat-2", true, "17/11/2022"),
        ("04/11/2022", "evaluation-1", true, "05/12/2022"),
        ("04/11/2022", "evaluation-1", false, "04/12/2022"),
    ])
    func deadlines(received: String, period: String, shift: Bool, expected: String) throws {
        let day = DeadlineCalculator.lastDay(received: try LocalDate(received), period: try LegalPeriod.parse(period), holidayShift: shift)
        #expect(day.description == expected)
    }
}
