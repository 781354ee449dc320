import Foundation
import Testing
@testable import CAQESCore

/// A catalogue with one mistake of every kind, each on a known line.
private let broken = """
id: test-broken
version: 1
valid_from: 2022
valid_to: 2024
scope: national
measures:
  spend: {type: number, label: Dépense}
  boxes: {type: integer, label: Boîtes}
indicators:
  - code: T1
    label: Premier
    section: produits_de_sante
    cap: 150%
    value: spend[N]
    incentive:
      savings: spend[N-1] - spendd[N]
  - code: T1
    label: Doublon
    section: produits_de_sante
  - code: T2
    section: volet_inconnu
    treshold: 3
    targeting:
      all_of:
        - label: Formule mal écrite
          value: (spend[N] + 2
          operator: ">="
          threshold: 10
  - code: T3
    label: Informatif payé
    section: pertinence
    informative: true
    value: spend[N]
    cap: 20%
    incentive:
      savings: spend[N-1] - spend[N]
"""

private func problems(_ yaml: String, file: String = "test.yaml") -> [CatalogueProblem] {
    do {
        _ = try CatalogueLoader.load(yaml: yaml, file: file)
        return []
    } catch {
        guard case .rejected(let name, let problems) = error else { return [] }
        #expect(name == file)
        return problems
    }
}

@Suite("Catalogue loading and validation")
struct CatalogueLoaderTests {
    @Test("a broken catalogue is refused whole, with every error listed at its line")
    func everyError() {
        let found = problems(broken, file: "broken.yaml")
        let lines = found.map(\.location.line)
        #expect(lines == lines.sorted())
        // type integer (8), cap 150 % (13), unknown measure spendd (16), duplicate T1 (17),
        // missing label of T2 (20), bad section (21), unknown field treshold (22),
        // unclosed parenthesis (26), informative with incentive (36).
        let kinds = found.map(\.kind)
        #expect(kinds.contains(.invalidValue(field: "type", value: "integer", expected: "number, boolean ou grade")))
        #expect(kinds.contains(.capOutOfRange(indicator: "T1", value: "150%")))
        #expect(kinds.contains(.duplicateIndicator("T1", firstLine: 10)))
        #expect(kinds.contains(.missingField("label", context: "indicateur T2")))
        #expect(kinds.contains(.unknownField("treshold", context: "indicateur T2")))
        #expect(found.contains { if case .formula(.unknownMeasure(let at, "spendd", _)) = $0.kind { at.line == 16 } else { false } })
        #expect(found.contains { if case .formula(.syntax(let at, _, _)) = $0.kind { at.line == 26 && at.file == "broken.yaml" } else { false } })
        #expect(found.contains { if case .inconsistent(let text) = $0.kind { text.contains("T3") && text.contains("D8") } else { false } })
        #expect(found.contains { $0.location.line == 21 })
        #expect(found.count == 9, "\(found.map(\.description).joined(separator: "\n"))")
    }

    @Test("the refusal message is French and names the file, every line and column")
    func message() {
        do {
            _ = try CatalogueLoader.load(yaml: broken, file: "broken.yaml")
            Issue.record("accepted a broken catalogue")
        } catch {
            let text = error.description
            #expect(text.hasPrefix("Catalogue « broken.yaml » refusé (9 erreurs) :"))
            #expect(text.contains("broken.yaml, ligne 13, colonne 10 : plafond « 150% » de l’indicateur T1 hors de 0 % à 100 %"))
            #expect(text.contains("broken.yaml, ligne 16, colonne"))
        }
    }

    @Test("a formula's column points into the YAML line, after an opening quote")
    func formulaColumn() {
        let yaml = """
        id: t
        version: 1
        valid_from: 2022
        valid_to: 2022
        scope: national
        measures: {m: {type: number, label: M}}
        formulas:
          f: "m[N] + unknown_thing"
        indicators: []
        """
        let found = problems(yaml)
        guard case .formula(.unknownName(let at, "unknown_thing", _))? = found.first?.kind else {
            Issue.record("expected an unknown name, got \(found)")
            return
        }
        #expect((at.line, at.column) == (8, 14))  // `  f: "m[N] + ` is 13 characters
    }

    @Test("YAML that does not parse is refused with its position")
    func yamlSyntax() {
        let found = problems("id: [unclosed\nversion: 1\n")
        #expect(found.count == 1)
        if case .yamlSyntax = found.first?.kind {} else { Issue.record("expected a YAML syntax error, got \(found)") }
    }

    @Test("a missing top-level field is named")
    func missingTopField() {
        let found = problems("id: t\nversion: 1\nvalid_from: 2022\nvalid_to: 2022\nmeasures: {}\nindicators: []\n")
        #expect(found.map(\.kind) == [.missingField("scope", context: "catalogue")])
    }

    @Test("[REF] without a reference_year is refused")
    func referenceYearRequired() {
        let yaml = """
        id: t
        version: 1
        valid_from: 2022
        valid_to: 2022
        scope: national
        measures: {m: {type: number, label: M}}
        indicators:
          - {code: X, label: X, section: pertinence, value: "m[N] - m[REF]"}
        """
        #expect(problems(yaml).contains { if case .inconsistent(let text) = $0.kind { text.contains("reference_year") } else { false } })
    }

    @Test("a regional target must have the type of the indicator's value, and a year within validity")
    func targetTypes() {
        let yaml = """
        id: t
        version: 1
        valid_from: 2022
        valid_to: 2023
        scope: region 32
        measures: {g: {type: grade, label: Note}}
        indicators:
          - code: X
            label: X
            section: produits_de_sante
            value: g[N]
            target: {direction: at_least, by_year: {2022: 90%, 2030: B}}
        """
        let found = problems(yaml)
        #expect(found.count == 2, "\(found)")
    }
}

@Suite("Shipped catalogue contents")
struct ShippedCatalogueContentTests {
    @Test("national 2022 has the eight national indicators with their caps and volets")
    func national2022() throws {
        let catalogue = try ShippedCatalogues.load("national-2022.yaml")
        let paid = catalogue.indicators.filter(\.isPaidNationally)
        #expect(paid.map(\.code) == ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"])
        #expect(paid.map { $0.cap! } == [0.3, 0.2, 0.3, 0.2, 0.3, 0.2, 0.3, 0.3])
        #expect(catalogue.indicator("N6")?.section == .careOrganisation)
        #expect(catalogue.indicator("N7")?.section == .relevance)
        #expect(catalogue.referenceYear?.resolve(contractStartYear: 2022) == 2021)
        #expect(catalogue.indicators.filter(\.informative).allSatisfy { $0.incentive == nil && $0.parent != nil })
    }

    @Test("national 2025 drops EPA and ezetimibe and keeps the 2022 heart-failure formula (D9)")
    func national2025() throws {
        let old = try ShippedCatalogues.load("national-2022.yaml")
        let new = try ShippedCatalogues.load("national-2025.yaml")
        #expect(new.indicator("N3") == nil && new.indicator("N8") == nil && new.indicator("N3.2") == nil)
        #expect(new.measure("epa_activity") == nil && new.measure("phev_ezetimibe_amount") == nil)
        #expect(new.indicator("N7")?.incentive?.savings.text == old.indicator("N7")?.incentive?.savings.text)
        #expect(new.indicator("N7")?.targeting?.criteria.map(\.threshold.text) == old.indicator("N7")?.targeting?.criteria.map(\.threshold.text))
        #expect((new.validFrom, new.validTo) == (2025, 2026))
    }

    @Test("regional catalogues carry their region and yearly targets")
    func regional() throws {
        let hdf = try ShippedCatalogues.load("regional-hdf-2022.yaml")
        #expect(hdf.scope == .region("32"))
        #expect(hdf.indicator("HDF-CONCIL")?.target?.targets == [2022: .grade("B"), 2023: .grade("B"), 2024: .grade("A")])
        #expect(hdf.indicator("HDF-SC")?.target?.direction == .atMost)
        let idf = try ShippedCatalogues.load("regional-idf-2025.yaml")
        #expect(idf.scope == .region("11"))
        #expect(idf.referenceYear == .fixed(2023))
    }

    @Test("the registry finds catalogues by id and refuses two files with one id")
    func registry() throws {
        let catalogues = try ShippedCatalogues.files.map(ShippedCatalogues.load)
        let registry = try CatalogueRegistry(catalogues)
        #expect(try registry.catalogue(id: "national-2025").validFrom == 2025)
        #expect(registry.catalogues(for: .national, in: 2023).map(\.id) == ["national-2022"])
        #expect(throws: CatalogueError.unknownCatalogue(id: "x", known: catalogues.map(\.id).sorted())) {
            try registry.catalogue(id: "x")
        }
        #expect(throws: CatalogueError.duplicateCatalogue(id: "national-2022", files: ["national-2022.yaml", "national-2022.yaml"])) {
            try CatalogueRegistry([catalogues[0], catalogues[0]])
        }
    }
}
