import Foundation
import CAQESTestSupport
import Testing
@testable import CAQESMail

struct MailMessageTests {
    let message = SMTPIntegrationTests.message()

    func lines(_ bytes: [UInt8]) -> [String] {
        var text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        text.removeLast()  // "\r\n" is one Character
        return text.components(separatedBy: "\r\n")
    }

    @Test func renderingIsDeterministicASCIIWithCRLF() {
        let bytes = message.rfc5322()
        #expect(bytes == message.rfc5322())
        #expect(bytes.allSatisfy { $0 < 128 })
        for (i, b) in bytes.enumerated() where b == 10 {
            #expect(i > 0 && bytes[i - 1] == 13, "bare LF at \(i)")
        }
        for (i, b) in bytes.enumerated() where b == 13 {
            #expect(i + 1 < bytes.count && bytes[i + 1] == 10, "bare CR at \(i)")
        }
    }

    @Test func headersAndBodyRespectLineLimits() throws {
        let all = lines(message.rfc5322())
        let blank = try #require(all.firstIndex(of: ""))
        let headers = all[..<blank]
        for line in headers { #expect(line.count <= 78, "header line too long: \(line)") }
        for line in all[(blank + 1)...] { #expect(line.count <= 76, "body line too long: \(line)") }
        #expect(headers.first == "Date: Tue, 04 Mar 2025 09:05:07 +0000")
        #expect(headers.contains("MIME-Version: 1.0"))
        #expect(headers.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(headers.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(headers.contains("Message-ID: <eval-2024-0123@caqes.ars.sante.fr>"))
        #expect(headers.contains { $0.hasPrefix("Subject: =?utf-8?B?") })
        #expect(headers.contains { $0.hasPrefix("X-CAQES-Etablissement: =?utf-8?B?") })
        var invalid = message
        invalid.extraHeaders = [MailHeader("X-Établissement", "x")]
        #expect(!lines(invalid.rfc5322()).contains { $0.hasPrefix("X-") })  // invalid name skipped
    }

    /// Decodes the Subject's encoded-words back (the Python side checks the same end to end).
    @Test func encodedWordsDecodeBack() throws {
        for subject in [message.subject, String(repeating: "€", count: 70), "é", "Court"] {
            var m = message
            m.subject = subject
            let all = lines(m.rfc5322())
            let start = try #require(all.firstIndex { $0.hasPrefix("Subject:") })
            var value = String(all[start].dropFirst("Subject:".count))
            var i = start + 1
            while all[i].hasPrefix(" ") { value += all[i]; i += 1 }
            let words = value.split(separator: " ")
            if subject == "Court" { #expect(value == " Court"); continue }
            var decoded: [UInt8] = []
            for word in words {
                #expect(word.count <= 75)
                #expect(word.hasPrefix("=?utf-8?B?") && word.hasSuffix("?="))
                let b64 = word.dropFirst(10).dropLast(2)
                let chunk = try #require(Data(base64Encoded: String(b64)))
                #expect(String(data: chunk, encoding: .utf8) != nil, "word splits a character")
                decoded += chunk
            }
            #expect(String(decoding: decoded, as: UTF8.self) == subject)
        }
    }

    @Test func asciiHeadersFoldOnSpaces() {
        var m = message
        m.subject = Array(repeating: "rapport", count: 30).joined(separator: " ")
        let all = lines(m.rfc5322())
        let start = all.firstIndex { $0.hasPrefix("Subject:") }!
        #expect(all[start + 1].hasPrefix(" rapport"))
        #expect(all.allSatisfy { $0.count <= 78 })
    }

    @Test func quotedPrintableRoundTripAndLimits() {
        let samples = [
            "", "a\n", "fin sans saut de ligne", "espace finale \n", "tab\t\n", "a=b\n",
            String(repeating: "é", count: 200) + "\n", String(repeating: "x", count: 76) + "\n",
            String(repeating: "x", count: 75) + "=\n", "€ « » œ\r\nwindows\r\n", SMTPIntegrationTests.frenchBody,
        ]
        for sample in samples {
            let encoded = QuotedPrintable.encode(sample)
            let text = String(decoding: encoded, as: UTF8.self)
            for line in text.components(separatedBy: "\r\n") {
                #expect(line.count <= 76)
                #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"))
            }
            var expected = sample.replacingOccurrences(of: "\r\n", with: "\n")
            if !expected.hasSuffix("\n") { expected += "\n" }
            let decoded = String(decoding: QuotedPrintable.decode(encoded), as: UTF8.self)
                .replacingOccurrences(of: "\r\n", with: "\n")
            #expect(decoded == expected, "sample: \(sample)")
        }
        #expect(String(decoding: QuotedPrintable.encode("é = €\n"), as: UTF8.self) == "=C3=A9 =3D =E2=82=AC\r\n")
        #expect(String(decoding: QuotedPrintable.encode("a \n"), as: UTF8.self) == "a=20\r\n")
    }

    @Test func dotStuffing() {
        let stuffed = SMTPSession.dotStuffed(Array(".a\r\nb\r\n.\r\n..c\r\nd.e".utf8))
        #expect(String(decoding: stuffed, as: UTF8.self) == "..a\r\nb\r\n..\r\n...c\r\nd.e\r\n")
    }

    @Test func validationRejectsInjection() {
        var m = message
        m.to = ["victime@exemple.fr>\r\nRCPT TO:<autre@exemple.fr"]
        #expect(throws: MailError.self) { try m.validate() }
        m = message
        m.extraHeaders = [MailHeader("Subject", "doublon")]
        #expect(throws: MailError.self) { try m.validate() }
        m = message
        m.extraHeaders = [MailHeader("X-Test", "ok")]
        #expect(throws: Never.self) { try m.validate() }
        // rfc5322() never lets CR/LF through into a header
        m.subject = "ligne\r\nBcc: espion@exemple.fr"
        #expect(!lines(m.rfc5322()).contains { $0.hasPrefix("Bcc:") })
    }

    @Test func fileTransportWritesAtomically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caqes-eml-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try FileMailTransport(directory: dir).send(message)
        #expect(path == dir.appendingPathComponent("20250304T090507Z-eval-2024-0123_caqes.ars.sante.fr.eml").path)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == message.rfc5322())
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [(path as NSString).lastPathComponent])
    }
}

struct SMTPURLTests {
    @Test func parsesVariants() throws {
        var t = try SMTPTransport(url: "smtp://user%40ars.fr:p%C3%A9%3A%2F@mail.ars.fr:587?starttls=required")
        #expect(t.host == "mail.ars.fr")
        #expect(t.port == 587)
        #expect(t.username == "user@ars.fr")
        #expect(t.password == "pé:/")
        #expect(t.security == .startTLSRequired)
        #expect(t.description == "smtp://user%40ars%2Efr:***@mail.ars.fr:587?starttls=required")

        t = try SMTPTransport(url: "smtps://relais.exemple.fr")
        #expect(t.port == 465)
        #expect(t.security == .implicitTLS)
        #expect(t.username == nil)

        t = try SMTPTransport(url: "SMTP://[::1]:2525/?starttls=none")
        #expect(t.host == "::1")
        #expect(t.port == 2525)
        #expect(t.security == .none)

        t = try SMTPTransport(url: "smtp://localhost")
        #expect(t.port == 25)
        #expect(t.security == .startTLSOpportunistic)
    }

    @Test(arguments: [
        "http://host", "host:25", "smtp://", "smtp://host:0", "smtp://host:70000", "smtp://host:abc",
        "smtp://host?starttls=maybe", "smtp://host?tls=1", "smtps://host?starttls=required",
        "smtp://host/chemin", "smtp://a:b:c@", "smtp://user:%zz@host", "smtp://hôte.fr",
    ])
    func rejectsInvalid(url: String) {
        #expect(throws: MailError.self) { try SMTPTransport(url: url) }
        do {
            _ = try SMTPTransport(url: url)
        } catch {
            #expect(String(describing: error).hasPrefix("adresse SMTP invalide : "))
        }
    }
}
