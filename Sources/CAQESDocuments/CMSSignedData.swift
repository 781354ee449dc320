import Crypto
import SwiftASN1

/// Builds a detached CMS SignedData (RFC 5652) for PAdES baseline B-B
/// (ETSI EN 319 142-1): SHA-256, signed attributes content-type (id-data),
/// message-digest and ESS signing-certificate-v2 (RFC 5035); no
/// signing-time attribute (the PDF `/M` entry carries the time).
enum CMSSignedDataBuilder {
    static let idData: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 7, 1]
    static let idSignedData: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 7, 2]
    static let idContentType: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 3]
    static let idMessageDigest: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 4]
    static let idSigningCertificateV2: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 16, 2, 47]
    static let idSHA256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let sha256WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 11]

    /// Already-encoded DER, serialised verbatim.
    struct RawDER: DERSerializable {
        var bytes: [UInt8]
        func serialize(into coder: inout DER.Serializer) throws {
            coder.serializeRawBytes(bytes)
        }
    }

    /// ContentInfo DER for `contentDigest` = SHA-256 of the signed byte ranges.
    static func detachedSignature(contentDigest: [UInt8], identity: SealIdentity) throws -> [UInt8] {
        do {
            let attributes = try signedAttributes(contentDigest: contentDigest, identity: identity)
            // The signature covers the attributes encoded as a DER SET OF (tag 0x31).
            var set = DER.Serializer()
            try set.serializeSetOf(attributes)
            var signedAttributesDER = set.serializedBytes
            let signature = try identity.sign(signedAttributesDER)
            // In SignerInfo the same encoding appears as [0] IMPLICIT.
            signedAttributesDER[0] = 0xA0

            var der = DER.Serializer()
            try der.appendConstructedNode(identifier: .sequence) { contentInfo in
                try contentInfo.serialize(idSignedData)
                try contentInfo.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { explicit in
                    try explicit.appendConstructedNode(identifier: .sequence) { signedData in
                        try signedData.serialize(1)  // CMSVersion v1 (issuerAndSerialNumber)
                        try signedData.appendConstructedNode(identifier: .set) { algorithms in
                            try sha256Algorithm(&algorithms)
                        }
                        try signedData.appendConstructedNode(identifier: .sequence) { encapsulated in
                            try encapsulated.serialize(idData)  // detached: no eContent
                        }
                        signedData.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { certificates in
                            for certificate in identity.certificateChainDER { certificates.serializeRawBytes(certificate) }
                        }
                        try signedData.appendConstructedNode(identifier: .set) { signerInfos in
                            try signerInfos.appendConstructedNode(identifier: .sequence) { signerInfo in
                                try signerInfo.serialize(1)
                                signerInfo.appendConstructedNode(identifier: .sequence) { sid in
                                    sid.serializeRawBytes(identity.issuerDER)
                                    sid.serializeRawBytes(identity.serialDER)
                                }
                                try sha256Algorithm(&signerInfo)
                                signerInfo.serializeRawBytes(signedAttributesDER)
                                try signerInfo.appendConstructedNode(identifier: .sequence) { algorithm in
                                    if identity.isECDSA {
                                        try algorithm.serialize(ecdsaWithSHA256)
                                    } else {
                                        try algorithm.serialize(sha256WithRSAEncryption)
                                        try algorithm.serialize(ASN1Null())
                                    }
                                }
                                try signerInfo.serialize(ASN1OctetString(contentBytes: signature[...]))
                            }
                        }
                    }
                }
            }
            return der.serializedBytes
        } catch let error as DocumentError {
            throw error
        } catch {
            throw DocumentError.signingFailed(String(describing: error))
        }
    }

    private static func sha256Algorithm(_ coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { algorithm in
            try algorithm.serialize(idSHA256)  // parameters absent (RFC 5754)
        }
    }

    private static func attribute(_ type: ASN1ObjectIdentifier, _ value: (inout DER.Serializer) throws -> Void) throws -> RawDER {
        var der = DER.Serializer()
        try der.appendConstructedNode(identifier: .sequence) { attribute in
            try attribute.serialize(type)
            try attribute.appendConstructedNode(identifier: .set) { values in
                try value(&values)
            }
        }
        return RawDER(bytes: der.serializedBytes)
    }

    private static func signedAttributes(contentDigest: [UInt8], identity: SealIdentity) throws -> [RawDER] {
        let contentType = try attribute(idContentType) { try $0.serialize(idData) }
        let messageDigest = try attribute(idMessageDigest) {
            try $0.serialize(ASN1OctetString(contentBytes: contentDigest[...]))
        }
        // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
        // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256 (omitted),
        //   certHash OCTET STRING, issuerSerial IssuerSerial }
        // IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }
        let signingCertificate = try attribute(idSigningCertificateV2) { value in
            try value.appendConstructedNode(identifier: .sequence) { signingCertificateV2 in
                try signingCertificateV2.appendConstructedNode(identifier: .sequence) { certs in
                    try certs.appendConstructedNode(identifier: .sequence) { certID in
                        try certID.serialize(ASN1OctetString(contentBytes: identity.certificateHash[...]))
                        certID.appendConstructedNode(identifier: .sequence) { issuerSerial in
                            issuerSerial.appendConstructedNode(identifier: .sequence) { generalNames in
                                // directoryName [4] EXPLICIT Name
                                generalNames.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 4, tagClass: .contextSpecific)) {
                                    $0.serializeRawBytes(identity.issuerDER)
                                }
                            }
                            issuerSerial.serializeRawBytes(identity.serialDER)
                        }
                    }
                }
            }
        }
        return [contentType, messageDigest, signingCertificate]
    }
}
