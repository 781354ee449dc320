import CAQESDocuments
import Foundation
import Testing

@Suite("Mise en page")
struct LayoutTests {
    @Test func longTableBreaksAcrossPagesWithRepeatedHeader() throws {
        let rows = 420
        let pdf = try PDFDocumentWriter.render(Fixtures.longTableDocument(rows: rows))
        let url = try temporaryPDF(pdf, name: "table")
        defer { try? FileManager.default.removeItem(at: url) }
        let pages = try #require(try Poppler.pageCount(url))
        #expect(pages >= 12, "expected 12+ pages, got \(pages)")

        var seen: [String: Int] = [:]
        for page in 1...pages {
            let text = try Poppler.text(url, pages: page...page)
            // The header row is on every page the table spans (here: all of them).
            #expect(text.contains("Libellé de l’indicateur"), "page \(page) lacks the repeated table header")
            #expect(text.contains("Page \(page) / \(pages)"))
            for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) where token.hasPrefix("IND-") {
                seen[String(token), default: 0] += 1
            }
        }
        // Every row printed exactly once, none lost at page breaks.
        #expect(seen.count == rows)
        #expect(seen.values.allSatisfy { $0 == 1 })
        let last = try Poppler.text(url, pages: pages...pages)
        #expect(last.contains("Fin de l’annexe."))
    }

    /// Every word box stays inside the page margins: long words, long cells,
    /// long titles and verification lines are broken or truncated.
    @Test func textNeverRunsOffThePage() throws {
        let longWord = String(repeating: "Anticonstitutionnellement", count: 12)
        let url = "https://caqes.example.fr/verifier/" + String(repeating: "abcdef0123456789", count: 10)
        let content = DocumentContent(
            title: "Titre très long " + String(repeating: "répété ", count: 40),
            reference: "RÉFÉRENCE-" + String(repeating: "X", count: 120),
            blocks: [
                .heading(longWord, level: 1),
                .paragraph([TextRun(longWord), .bold(" gras " + longWord), TextRun(" fin.")]),
                .keyValues([KeyValue(longWord, longWord), KeyValue("Clé", "Valeur\nsur deux lignes")]),
                .table(Table(columns: [TableColumn("Étroite", width: 0.08), TableColumn("Montant", width: 0.92, alignment: .right)],
                             rows: [TableRow([longWord, longWord]), TableRow(["x", Fixtures.amount])])),
                .signatures([Signatory(name: longWord, role: longWord, organization: longWord)]),
            ],
            footer: FooterInfo(verificationLine: "Vérifiez ce document sur \(url) " + String(repeating: "avec son empreinte SHA-256 ", count: 12)))
        let pdf = try PDFDocumentWriter.render(content)
        let file = try temporaryPDF(pdf, name: "margins")
        defer { try? FileManager.default.removeItem(at: file) }
        let html = try Poppler.run("pdftotext", ["-bbox", file.path, "-"]).stdout
        let pattern = try NSRegularExpression(pattern: #"xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)""#)
        let matches = pattern.matches(in: html, range: NSRange(html.startIndex..., in: html))
        #expect(matches.count > 50)
        for match in matches {
            let value = { (i: Int) -> Double in
                Double(html[Range(match.range(at: i), in: html)!]) ?? -1
            }
            #expect(value(1) >= 56.69 - 0.5, "word starts left of the margin: \(value(1))")
            #expect(value(3) <= 595.28 - 56.69 + 0.5, "word ends right of the margin: \(value(3))")
            #expect(value(2) >= 0 && value(4) <= 841.89)
        }
    }

    @Test func emptyDocumentHasOnePage() throws {
        let pdf = try PDFDocumentWriter.render(DocumentContent(title: "Vide", blocks: [], footer: FooterInfo(verificationLine: "")))
        let url = try temporaryPDF(pdf, name: "empty")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try Poppler.pageCount(url) == 1)
        #expect(try Poppler.text(url).contains("Page 1 / 1"))
    }

    @Test func malformedTableIsRejectedInFrench() {
        let content = DocumentContent(title: "T", blocks: [
            .table(Table(columns: [TableColumn("A", width: 1)], rows: [TableRow(["1", "2"])])),
        ], footer: FooterInfo(verificationLine: ""))
        #expect {
            try PDFDocumentWriter.render(content)
        } throws: { error in
            guard let error = error as? DocumentError, case .invalidTable = error else { return false }
            return error.description.contains("Tableau invalide")
        }
    }
}
