import CAQESDocuments
import Foundation
import Testing

@Suite("Déterminisme")
struct DeterminismTests {
    @Test func sameContentGivesSameBytes() throws {
        let content = Fixtures.longTableDocument(rows: 120)
        let first = try PDFDocumentWriter.render(content)
        let second = try PDFDocumentWriter.render(content)
        #expect(first == second)
        #expect(first.starts(with: Array("%PDF-1.7\n".utf8)))
        #expect(first.suffix(6) == ArraySlice("%%EOF\n".utf8))
    }

    @Test func differentContentGivesDifferentID() throws {
        var content = Fixtures.sectionedDocument(pages: 2)
        let first = try PDFDocumentWriter.render(content)
        content.reference = "CAQES-TEST-0002"
        let second = try PDFDocumentWriter.render(content)
        #expect(first != second)
        let idOf = { (pdf: [UInt8]) -> ArraySlice<UInt8>? in
            PDFBytes.find("/ID [<", in: pdf).map { pdf[$0..<$0 + 40] }
        }
        #expect(idOf(first) != nil)
        #expect(idOf(first) != idOf(second))
    }

    /// ECDSA signatures use a random nonce: two seals of the same content at
    /// the same date differ only inside /Contents.
    @Test func sealedECDSADiffersOnlyInsideContents() throws {
        let seal = SealParameters(identity: try Fixtures.sealIdentity(), signingDate: Fixtures.signingDate, reason: "Test")
        let content = Fixtures.sectionedDocument(pages: 3)
        let first = try PDFDocumentWriter.sealed(content, seal: seal)
        let second = try PDFDocumentWriter.sealed(content, seal: seal)
        #expect(first.count == second.count)
        let range = try #require(PDFBytes.byteRange(first))
        #expect(PDFBytes.byteRange(second) == range)
        #expect(range[0] == 0 && range[2] + range[3] == first.count)
        #expect(first[0..<range[1]] == second[0..<range[1]])
        #expect(first[range[2]...] == second[range[2]...])
    }

    /// RSA PKCS#1 v1.5 is deterministic: sealed bytes are identical.
    @Test func sealedRSAIsFullyDeterministic() throws {
        let identity = try RSAFixture.identity()
        let seal = SealParameters(identity: identity, signingDate: Fixtures.signingDate)
        let content = Fixtures.sectionedDocument(pages: 2)
        #expect(try PDFDocumentWriter.sealed(content, seal: seal) == PDFDocumentWriter.sealed(content, seal: seal))
    }
}
