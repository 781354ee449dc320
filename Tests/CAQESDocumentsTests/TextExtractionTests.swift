import CAQESDocuments
import Foundation
import Testing

@Suite("Extraction du texte (pdftotext)")
struct TextExtractionTests {
    @Test func frenchTextRoundTripsExactly() throws {
        let pdf = try PDFDocumentWriter.render(Fixtures.sectionedDocument(pages: 12))
        let url = try temporaryPDF(pdf, name: "french")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try Poppler.pageCount(url) == 12)

        let page3 = try Poppler.text(url, pages: 3...3)
        #expect(page3.contains("Page 3 / 12"))
        #expect(page3.contains("Section 3 — Modalités"))
        #expect(page3.contains("Contrat CAQES — Établissement d’essai"))
        #expect(page3.contains("CAQES-TEST-0001"))
        #expect(page3.contains(Fixtures.verification))

        // Exact code points: U+202F and U+00A0 inside the amount.
        #expect(page3.unicodeScalars.contains("\u{202F}"))
        #expect(page3.contains("1\u{202F}234\u{202F}567,89\u{00A0}€"))
        let joined = page3.replacingOccurrences(of: "\n", with: " ")
        #expect(joined.contains("Référence : " + Fixtures.frenchSentence))
        for piece in ["é", "à", "ç", "€", "«", "»", "’", "Œuvre", "cœur…", "Besançon"] {
            #expect(page3.contains(piece), "missing \(piece)")
        }
    }

    @Test func decomposedAccentsAreComposed() throws {
        let decomposed = "Cre\u{0301}dit e\u{0300} ",  composed = "Crédit è"
        let pdf = try PDFDocumentWriter.render(DocumentContent(title: "T", blocks: [.text(decomposed)], footer: FooterInfo(verificationLine: "")))
        let url = try temporaryPDF(pdf, name: "nfd")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try Poppler.text(url).contains(composed))
    }
}
