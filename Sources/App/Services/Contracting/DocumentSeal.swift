import CAQESDocuments
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The platform's seal: the key and certificate of `CAQES_SEAL_KEY` / `CAQES_SEAL_CERT`, or a
/// self-signed pair made once in the file store's directory (demo, development, tests). Every
/// document the platform issues is sealed with it (PAdES B-B).
enum DocumentSeal {
    private struct IdentityKey: StorageKey { typealias Value = NIOLockedValueBox<SealIdentity?> }

    static func seal(_ content: DocumentContent, app: Application, at date: Date) throws -> [UInt8] {
        let identity = try identity(app: app, now: date)
        do {
            return try PDFDocumentWriter.sealed(content, seal: SealParameters(identity: identity, signingDate: date,
                                                                             reason: "Cachet de la plateforme CAQES",
                                                                             location: "France"))
        } catch let error as DocumentError {
            throw UserFacingError(.internalServerError, "Le document n'a pas pu être scellé : \(error.description)")
        }
    }

    /// Loads (or makes) the seal once per process.
    static func identity(app: Application, now: Date) throws -> SealIdentity {
        let box: NIOLockedValueBox<SealIdentity?>
        if let existing = app.storage[IdentityKey.self] { box = existing } else {
            box = NIOLockedValueBox(nil)
            app.storage[IdentityKey.self] = box
        }
        return try box.withLockedValue { cached in
            if let cached { return cached }
            let settings = app.caqesSettings
            let identity: SealIdentity
            if let keyPath = settings.sealKeyPath, let certPath = settings.sealCertificatePath {
                guard let key = FileManager.default.contents(atPath: keyPath), let cert = FileManager.default.contents(atPath: certPath) else {
                    throw UserFacingError(.internalServerError, "CAQES_SEAL_KEY ou CAQES_SEAL_CERT illisible (\(keyPath), \(certPath)).")
                }
                identity = try SealIdentity(keyPEM: String(decoding: key, as: UTF8.self), certificatePEM: String(decoding: cert, as: UTF8.self))
            } else {
                identity = try selfSigned(directory: settings.storageDirectory + "seal/", now: now, logger: app.logger)
            }
            cached = identity
            return identity
        }
    }

    /// A self-signed pair kept in `directory` so that every instance sharing the store seals alike.
    static func selfSigned(directory: String, now: Date, logger: Logger) throws -> SealIdentity {
        let keyPath = directory + "cachet.key.pem", certPath = directory + "cachet.cert.pem"
        let manager = FileManager.default
        if let key = manager.contents(atPath: keyPath), let cert = manager.contents(atPath: certPath) {
            return try SealIdentity(keyPEM: String(decoding: key, as: UTF8.self), certificatePEM: String(decoding: cert, as: UTF8.self))
        }
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Valid from 2015 (before the first CAQES) so that acts recorded after the fact, at their
        // own past dates (a late campaign, the demo), can be sealed; three years from today.
        let (identity, keyPEM, certPEM) = try SealIdentity.selfSigned(commonName: "Cachet de la plateforme CAQES (auto-signé)",
                                                                      organization: "CAQES", now: max(now, Date()),
                                                                      validFrom: Date(timeIntervalSince1970: 1_420_070_400))
        try Data(keyPEM.utf8).write(to: URL(fileURLWithPath: keyPath), options: .atomic)
        try? manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
        try Data(certPEM.utf8).write(to: URL(fileURLWithPath: certPath), options: .atomic)
        logger.warning("seal: no CAQES_SEAL_KEY/CAQES_SEAL_CERT, made a self-signed pair", metadata: ["directory": .string(directory)])
        return identity
    }
}
