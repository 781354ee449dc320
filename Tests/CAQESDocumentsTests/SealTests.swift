import _CryptoExtras
import CAQESDocuments
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

enum RSAFixture {
    /// RSA-2048 self-signed identity built with swift-certificates (tests only).
    static func identity() throws -> SealIdentity {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let name = try DistinguishedName {
            CountryName("FR")
            OrganizationName("CAQES")
            CommonName("Cachet RSA de test")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x01, 0x02, 0x03, 0x04]),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: Fixtures.signingDate.addingTimeInterval(-86_400),
            notValidAfter: Fixtures.signingDate.addingTimeInterval(365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions { Critical(KeyUsage(digitalSignature: true, nonRepudiation: true)) },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return try SealIdentity(keyPEM: key.pemRepresentation, certificatePEM: certificate.serializeAsPEM().pemString)
    }
}

@Suite("Cachet PAdES B-B (pdfsig)")
struct SealTests {
    private func pdfsig(_ pdf: [UInt8], name: String) throws -> String {
        let url = try temporaryPDF(pdf, name: name)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Poppler.run("pdfsig", [url.path]).combined
    }

    private func sealedSample(identity: SealIdentity) throws -> [UInt8] {
        try PDFDocumentWriter.sealed(Fixtures.sectionedDocument(pages: 3),
                                     seal: SealParameters(identity: identity, signingDate: Fixtures.signingDate,
                                                          reason: "Proposition de contrat", location: "Marseille"))
    }

    @Test func pdfsigReportsValidSignatureOverWholeDocument() throws {
        let output = try pdfsig(try sealedSample(identity: Fixtures.sealIdentity()), name: "sealed")
        #expect(output.contains("Signature Validation: Signature is Valid."), "\(output)")
        #expect(output.contains("Total document signed"), "\(output)")
        #expect(output.contains("Signature Type: ETSI.CAdES.detached"))
        #expect(output.contains("Signing Hash Algorithm: SHA-256"))
        #expect(output.contains("Signer Certificate Common Name: Cachet CAQES de test"))
        #expect(output.contains("Signing Time: Jun 15 2025 15:06:40"))
    }

    @Test func rsaSealIsValidToo() throws {
        let output = try pdfsig(try sealedSample(identity: RSAFixture.identity()), name: "rsa")
        #expect(output.contains("Signature Validation: Signature is Valid."), "\(output)")
        #expect(output.contains("Total document signed"))
    }

    @Test func tamperedByteInvalidatesSignature() throws {
        var pdf = try sealedSample(identity: Fixtures.sealIdentity())
        let position = try #require(PDFBytes.find("(Section 2", in: pdf))
        pdf[position + 9] = UInt8(ascii: "7")  // "Section 2" -> "Section 7" inside a signed content stream
        let output = try pdfsig(pdf, name: "tampered")
        #expect(!output.contains("Signature is Valid."), "\(output)")
        #expect(output.contains("Signature Validation: Digest Mismatch."), "\(output)")
    }

    @Test func sealedPDFHasSignatureField() throws {
        let pdf = try sealedSample(identity: Fixtures.sealIdentity())
        for token in ["/SigFlags 3", "/FT /Sig", "/Filter /Adobe.PPKLite", "/SubFilter /ETSI.CAdES.detached",
                      "/M (D:20250615150640+00'00')", "/Rect [0 0 0 0]"] {
            #expect(PDFBytes.count(token, in: pdf) == 1, "missing \(token)")
        }
        let url = try temporaryPDF(pdf, name: "pages")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try Poppler.pageCount(url) == 3)
    }

    /// PAdES B-B: ESS signing-certificate-v2 present, no CMS signing-time.
    @Test func cmsHasSigningCertificateV2AndNoSigningTime() throws {
        let identity = try Fixtures.sealIdentity()
        let cms = try #require(PDFBytes.cms(try sealedSample(identity: identity)))
        let signingCertificateV2OID: [UInt8] = [0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x02, 0x2F]
        let signingTimeOID: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05]
        let contentTypeOID: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x03]
        let messageDigestOID: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04]
        #expect(PDFBytes.contains(signingCertificateV2OID, in: cms))
        #expect(PDFBytes.contains(contentTypeOID, in: cms))
        #expect(PDFBytes.contains(messageDigestOID, in: cms))
        #expect(!PDFBytes.contains(signingTimeOID, in: cms))
        // The certificate hash in signing-certificate-v2 is SHA-256 of the embedded certificate.
        var serializer = DER.Serializer()
        try serializer.serialize(identity.certificate)
        let hash = Array(SHA256.hash(data: serializer.serializedBytes))
        #expect(PDFBytes.contains([0x04, 0x20] + hash, in: cms))
    }

    @Test func selfSignedPEMsLoadBack() throws {
        let generated = try SealIdentity.selfSigned(commonName: "Cachet CAQES", organization: "ARS PACA", now: Fixtures.signingDate)
        #expect(generated.keyPEM.contains("BEGIN PRIVATE KEY"))
        #expect(generated.certificatePEM.contains("BEGIN CERTIFICATE"))
        let identity = try SealIdentity(keyPEM: generated.keyPEM, certificatePEM: generated.certificatePEM)
        #expect(identity.subjectCommonName == "Cachet CAQES")
        let certificate = identity.certificate
        let usage = try #require(try certificate.extensions.keyUsage)
        #expect(usage.digitalSignature && usage.nonRepudiation && !usage.keyCertSign)
        let years = certificate.notValidAfter.timeIntervalSince(Fixtures.signingDate) / (365 * 86_400)
        #expect(years >= 2.99 && years <= 3.01)
        let output = try pdfsig(try sealedSample(identity: identity), name: "reloaded")
        #expect(output.contains("Signature Validation: Signature is Valid."), "\(output)")
    }

    @Test func mismatchedKeyAndCertificateAreRejected() throws {
        let a = try SealIdentity.selfSigned(commonName: "A", organization: "CAQES", now: Fixtures.signingDate)
        let b = try SealIdentity.selfSigned(commonName: "B", organization: "CAQES", now: Fixtures.signingDate)
        #expect(throws: DocumentError.keyCertificateMismatch) {
            try SealIdentity(keyPEM: a.keyPEM, certificatePEM: b.certificatePEM)
        }
        #expect(throws: DocumentError.invalidPrivateKey) {
            try SealIdentity(keyPEM: "pas une clé", certificatePEM: a.certificatePEM)
        }
        #expect(DocumentError.keyCertificateMismatch.description == "La clé privée ne correspond pas au certificat du cachet.")
    }

    @Test func signingOutsideValidityIsRejected() throws {
        let identity = try Fixtures.sealIdentity()
        let late = Fixtures.signingDate.addingTimeInterval(4 * 365 * 86_400)
        #expect {
            try PDFDocumentWriter.sealed(Fixtures.sectionedDocument(pages: 1), seal: SealParameters(identity: identity, signingDate: late))
        } throws: { error in
            guard let error = error as? DocumentError, case .certificateNotValid = error else { return false }
            return error.description.hasPrefix("Le certificat du cachet n’est pas valide")
        }
    }
}
