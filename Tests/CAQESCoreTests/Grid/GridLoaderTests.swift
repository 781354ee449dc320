import Foundation
import Testing
@testable import CAQESCore

@Suite("Grid loading")
struct GridLoaderTests {
    static let header = """
        id: essai
        title: Essai
        chapters:
          - id: "10-1"
            title: Chapitre
            criteria:

        """

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let message: String
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "YAML illisible", yaml: "id: [essai\ntitle: x\n",
            message: "essai.yaml, ligne 2 : YAML illisible (détail de l'analyseur : did not find expected ',' or ']')"),
        Row(name: "fichier vide", yaml: "", message: "essai.yaml, grille : fichier vide"),
        Row(name: "id manquant", yaml: "title: Essai\nchapters: []\n", message: "essai.yaml, ligne 1, grille : « id » manquant"),
        Row(name: "clé inconnue", yaml: header + "      - { id: A, label: Critère, point: 3 }\n",
            message: "essai.yaml, ligne 7, critère n° 1 du chapitre « 10-1 » : clé « point » inconnue (attendu : id, kind, label, notes, number, points, sectors, source, thresholds)"),
        Row(name: "points illisibles", yaml: header + "      - { id: A, label: Critère, points: trois }\n",
            message: "essai.yaml, ligne 7, critère « A » : « points » : valeur « trois » invalide, nombre attendu"),
        Row(name: "points nuls", yaml: header + "      - { id: A, label: Critère, points: 0 }\n",
            message: "essai.yaml, ligne 7, critère « A » : « points » doit être strictement positif"),
        Row(name: "secteur inconnu", yaml: header + "      - { id: A, label: Critère, points: 2, sectors: [MCO, USLD] }\n",
            message: "essai.yaml, ligne 7, critère « A » : secteur « USLD » inconnu (MCO, HAD, Dialyse, SSR ou PSY attendu)"),
        Row(name: "secteur inconnu dans une table", yaml: header + "      - { id: A, label: Critère, points: { MCO: 2, EHPAD: 1 } }\n",
            message: "essai.yaml, ligne 7, critère « A » : secteur « EHPAD » inconnu (MCO, HAD, Dialyse, SSR ou PSY attendu)"),
        Row(name: "identifiant en double", yaml: header + "      - { id: A, label: Un, points: 1 }\n      - { id: A, label: Deux, points: 1 }\n",
            message: "essai.yaml, ligne 8, critère « A » : identifiant en double (déjà défini ligne 7)"),
        Row(name: "seuils sur un critère qualitatif", yaml: header + "      - { id: A, label: Un, points: 1, thresholds: { realised_from: 50, partial_from: 25 } }\n",
            message: "essai.yaml, ligne 7, critère « A » : un critère qualitatif n'a pas de seuils"),
        Row(name: "seuils inversés", yaml: header + "      - { id: Q, label: Taux, kind: quantitative, points: 2, thresholds: { realised_from: 25, partial_from: 50 } }\n",
            message: "essai.yaml, ligne 7, critère « Q » : seuils invalides : R à partir de 25 %, PR à partir de 50 % — il faut 0 ≤ seuil PR ≤ seuil R ≤ 100"),
        Row(name: "seuils incomplets", yaml: header + "      - { id: Q, label: Taux, kind: quantitative, points: 2, thresholds: { realised_from: 50 } }\n",
            message: "essai.yaml, ligne 7, critère « Q » : seuils incomplets : « realised_from » (ou « realised_above ») et « partial_from » attendus (en %)"),
        Row(name: "nature inconnue", yaml: header + "      - { id: Q, label: Taux, kind: chiffré, points: 2 }\n",
            message: "essai.yaml, ligne 7, critère « Q » : « kind » vaut « chiffré » : qualitative ou quantitative attendu"),
        Row(name: "libellé manquant", yaml: header + "      - { id: A, points: 1 }\n",
            message: "essai.yaml, ligne 7, critère « A » : « label » manquant"),
        Row(name: "part PR hors de 0–1", yaml: "id: essai\ntitle: Essai\npartial_credit: 1.5\nchapters: []\n",
            message: "essai.yaml, ligne 3, grille : « partial_credit » doit être entre 0 et 1"),
        Row(name: "chapitres vides", yaml: "id: essai\ntitle: Essai\nchapters: []\n",
            message: "essai.yaml, ligne 3, grille : « chapters » doit être une liste non vide de chapitres"),
        Row(name: "barème sans pas", yaml: "id: essai\ntitle: Essai\nsanction: { points_per_step: 0 }\nchapters: []\n",
            message: "essai.yaml, ligne 3, barème de sanction : « points_per_step » doit être positif"),
        Row(name: "chapitre en double", yaml: header + "      - { id: A, label: Un, points: 1 }\n  - id: \"10-1\"\n    title: Encore\n    criteria:\n      - { id: B, label: Deux, points: 1 }\n",
            message: "essai.yaml, ligne 8, chapitre « 10-1 » : identifiant en double"),
    ]

    @Test("A bad grid file is refused naming the file, the line and the item", arguments: rows)
    func refusals(row: Row) {
        do {
            _ = try GridLoader.load(yaml: row.yaml, file: "essai.yaml")
            Issue.record("\(row.name): accepted")
        } catch {
            #expect(error.description == row.message)
        }
    }

    @Test("Points per sector and sector lists both load")
    func pointsForms() throws {
        let grid = try GridLoader.load(yaml: Self.header + """
                  - { id: A, label: Un, points: { MCO: 2, ssr: 1.5 } }
                  - { id: B, label: Deux, points: "0,5", sectors: [HAD, Dialyse] }
                  - { id: C, label: Trois, points: 1 }
            """, file: "essai.yaml")
        #expect(grid.criterion("A")?.points == [.mco: 2, .ssr: GridFixtures.dec("1.5")])
        #expect(grid.criterion("B")?.points == [.had: GridFixtures.dec("0.5"), .dialysis: GridFixtures.dec("0.5")])
        #expect(grid.criterion("C")?.points.count == 5)
        #expect(grid.partialCredit == GridFixtures.dec("0.5") && grid.sanctionScale == SanctionScale())
    }
}
