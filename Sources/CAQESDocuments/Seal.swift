import _CryptoExtras
import Crypto
import Foundation
import SwiftASN1
import X509

/// The organisation seal: a private key and its X.509 certificate chain
/// (signing certificate first).
///
/// Supported keys: ECDSA P-256 (recommended: about 0.1 ms of sealing per
/// 10-page document, hashing included; randomised signatures) and RSA ≥ 2048
/// bits with PKCS#1 v1.5 (deterministic, about 0.6 ms per document).
public struct SealIdentity: Sendable {
    enum Key: Sendable {
        case p256(P256.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    let key: Key
    /// DER of each certificate, signing certificate first.
    let certificateChainDER: [[UInt8]]
    /// Raw DER of the signing certificate's issuer Name and serialNumber INTEGER.
    let issuerDER: [UInt8]
    let serialDER: [UInt8]
    /// SHA-256 of the signing certificate (ESS signing-certificate-v2).
    let certificateHash: [UInt8]
    /// The signing certificate.
    public let certificate: Certificate
    /// Common name of the signing certificate subject, used for `/Name`.
    public let subjectCommonName: String?

    /// Bytes reserved in the PDF for the CMS SignedData (`/Contents` holds twice as many hex digits).
    var signatureReserve: Int {
        let certificates = certificateChainDER.reduce(0) { $0 + $1.count }
        let signature: Int
        switch key {
        case .p256: signature = 80
        case .rsa(let rsa): signature = rsa.keySizeInBits / 8 + 8
        }
        let raw = certificates + signature + 2 * issuerDER.count + 2 * serialDER.count + 512
        return (raw + 255) / 256 * 256
    }

    /// Loads a PEM private key (PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY"
    /// or PKCS#1 "RSA PRIVATE KEY") and one or more PEM certificates, the
    /// signing certificate first, then intermediates.
    public init(keyPEM: String, certificatePEM: String) throws {
        let key: Key
        if let p256 = try? P256.Signing.PrivateKey(pemRepresentation: keyPEM) {
            key = .p256(p256)
        } else if let rsa = try? _RSA.Signing.PrivateKey(pemRepresentation: keyPEM) {
            guard rsa.keySizeInBits >= 2048 else {
                throw DocumentError.unsupportedKeyType("RSA \(rsa.keySizeInBits) bits")
            }
            key = .rsa(rsa)
        } else if let document = try? PEMDocument(pemString: keyPEM) {
            throw DocumentError.unsupportedKeyType(document.discriminator)
        } else {
            throw DocumentError.invalidPrivateKey
        }

        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: certificatePEM).filter { $0.discriminator == "CERTIFICATE" }
        } catch {
            throw DocumentError.invalidCertificate("PEM invalide")
        }
        guard !documents.isEmpty else { throw DocumentError.invalidCertificate("aucun certificat trouvé") }
        try self.init(key: key, certificateChainDER: documents.map(\.derBytes))
    }

    /// An identity from a P-256 key and certificates (signing certificate first).
    public init(privateKey: P256.Signing.PrivateKey, certificateChain: [Certificate]) throws {
        let ders = try certificateChain.map { certificate -> [UInt8] in
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        }
        guard !ders.isEmpty else { throw DocumentError.invalidCertificate("aucun certificat trouvé") }
        try self.init(key: .p256(privateKey), certificateChainDER: ders)
    }

    private init(key: Key, certificateChainDER: [[UInt8]]) throws {
        guard let leafDER = certificateChainDER.first else {
            throw DocumentError.invalidCertificate("aucun certificat trouvé")
        }
        let leaf: Certificate
        do {
            leaf = try Certificate(derEncoded: leafDER)
            for der in certificateChainDER.dropFirst() { _ = try Certificate(derEncoded: der) }
        } catch {
            throw DocumentError.invalidCertificate("structure X.509 invalide")
        }
        let publicKey: Certificate.PublicKey
        switch key {
        case .p256(let p256): publicKey = Certificate.PublicKey(p256.publicKey)
        case .rsa(let rsa): publicKey = Certificate.PublicKey(rsa.publicKey)
        }
        guard publicKey == leaf.publicKey else { throw DocumentError.keyCertificateMismatch }

        // Issuer and serial exactly as encoded in the certificate.
        let fields = try Self.issuerAndSerial(of: leafDER)
        self.key = key
        self.certificateChainDER = certificateChainDER
        self.issuerDER = fields.issuer
        self.serialDER = fields.serial
        self.certificateHash = Array(SHA256.hash(data: leafDER))
        self.certificate = leaf
        self.subjectCommonName = leaf.subject
            .flatMap { $0 }
            .first { $0.type == .RDNAttributeType.commonName }
            .flatMap { String($0.value) }
    }

    /// Reads tbsCertificate.serialNumber and .issuer as raw DER.
    private static func issuerAndSerial(of der: [UInt8]) throws -> (issuer: [UInt8], serial: [UInt8]) {
        do {
            let root = try DER.parse(der)
            guard case .constructed(let certificateNodes) = root.content,
                  let tbs = certificateNodes.first(where: { _ in true }),
                  case .constructed(let tbsNodes) = tbs.content else {
                throw DocumentError.invalidCertificate("structure X.509 invalide")
            }
            var iterator = tbsNodes.makeIterator()
            var node = iterator.next()
            if let first = node, first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                node = iterator.next()  // skip [0] version
            }
            guard let serial = node, serial.identifier == .integer,
                  let algorithm = iterator.next(), algorithm.identifier == .sequence,
                  let issuer = iterator.next(), issuer.identifier == .sequence else {
                throw DocumentError.invalidCertificate("structure X.509 invalide")
            }
            return (Array(issuer.encodedBytes), Array(serial.encodedBytes))
        } catch let error as DocumentError {
            throw error
        } catch {
            throw DocumentError.invalidCertificate("structure X.509 invalide")
        }
    }

    func checkValidity(at date: Date) throws {
        guard certificate.notValidBefore <= date && date <= certificate.notValidAfter else {
            throw DocumentError.certificateNotValid(at: pdfDate(date))
        }
    }

    /// Signs `message` (the DER of the signed attributes) with SHA-256.
    func sign(_ message: [UInt8]) throws -> [UInt8] {
        do {
            switch key {
            case .p256(let p256):
                return Array(try p256.signature(for: message).derRepresentation)
            case .rsa(let rsa):
                return Array(try rsa.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation)
            }
        } catch {
            throw DocumentError.signingFailed(String(describing: error))
        }
    }

    var isECDSA: Bool {
        if case .p256 = key { return true }
        return false
    }

    /// Generates a P-256 key and a self-signed certificate for demonstrations
    /// and tests: subject `CN=commonName, O=organization, C=FR`, valid from one
    /// day before `now` (or from `validFrom`) to three years after `now`, keyUsage digitalSignature +
    /// nonRepudiation (critical), not a CA. The serial number is random.
    public static func selfSigned(commonName: String, organization: String, now: Date, validFrom: Date? = nil) throws
        -> (identity: SealIdentity, keyPEM: String, certificatePEM: String)
    {
        let key = P256.Signing.PrivateKey()
        do {
            let name = try DistinguishedName {
                CountryName("FR")
                OrganizationName(organization)
                CommonName(commonName)
            }
            let publicKey = Certificate.PublicKey(key.publicKey)
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                SubjectKeyIdentifier(hash: publicKey)
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(bytes: randomSerial()),
                publicKey: publicKey,
                notValidBefore: validFrom ?? now.addingTimeInterval(-86_400),
                notValidAfter: now.addingTimeInterval(3 * 365 * 86_400),
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(key)
            )
            let certificatePEM = try certificate.serializeAsPEM().pemString
            let identity = try SealIdentity(privateKey: key, certificateChain: [certificate])
            return (identity, key.pemRepresentation, certificatePEM)
        } catch let error as DocumentError {
            throw error
        } catch {
            throw DocumentError.certificateGenerationFailed(String(describing: error))
        }
    }

    /// 16 random bytes, positive with a non-zero first byte, so the DER
    /// INTEGER is exactly 16 octets. (A 20-byte serial with the high bit set
    /// encodes as 21 octets, which poppler/NSS fail to match to the signer.)
    private static func randomSerial() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = (bytes[0] & 0x7F) | 0x01
        return bytes
    }
}
