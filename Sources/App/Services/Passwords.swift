import NIOConcurrencyHelpers
import Vapor
import Fluent

/// Password hashing (bcrypt) and the password rules users are told about.
enum Passwords {
    static let minimumLength = 12

    static func hash(_ password: String, app: Application) throws -> String {
        try Bcrypt.hash(password, cost: app.caqesSettings.bcryptCost)
    }

    static func verify(_ password: String, hash: String) -> Bool {
        (try? Bcrypt.verify(password, created: hash)) ?? false
    }

    /// French reason why a new password is refused, or nil.
    static func problem(with password: String) -> String? {
        if password.count < minimumLength {
            return "Le mot de passe doit contenir au moins \(minimumLength) caractères."
        }
        let classes = [
            password.contains(where: \.isLowercase),
            password.contains(where: \.isUppercase),
            password.contains(where: \.isNumber),
            password.contains(where: { !$0.isLetter && !$0.isNumber }),
        ].filter { $0 }.count
        if classes < 3 {
            return "Le mot de passe doit mêler au moins trois types de caractères parmi : minuscules, majuscules, chiffres, symboles."
        }
        return nil
    }
}

extension Passwords {
    /// Verifies against a fixed hash of the configured cost, so that an unknown account costs the
    /// same time as a known one (no account enumeration by timing).
    static func burnTime(_ password: String, app: Application) {
        _ = verify(password, hash: app.caqesDummyPasswordHash)
    }
}

/// A bcrypt hash of a random password, made on first use (not at start-up: every command
/// configures the application, and most never check a password).
final class DummyPasswordHash: Sendable {
    private let hash = NIOLockedValueBox<String?>(nil)

    func get(app: Application) -> String {
        hash.withLockedValue { stored in
            if let stored { return stored }
            let made = (try? Passwords.hash([UInt8].random(count: 16).base64URLEncoded, app: app)) ?? ""
            stored = made
            return made
        }
    }
}

extension Application {
    private struct DummyHashKey: StorageKey { typealias Value = DummyPasswordHash }

    /// A bcrypt hash of a random password, at the configured cost.
    var caqesDummyPasswordHash: String { storage[DummyHashKey.self]?.get(app: self) ?? "" }

    /// Made at configure time, filled on first use.
    func prepareDummyPasswordHash() { storage[DummyHashKey.self] = DummyPasswordHash() }
}

/// Ends what a credential change must end: the user's other browser sessions and API tokens.
enum Credentials {
    /// Deletes every session of the user but `keeping`, and revokes every live API token.
    static func revokeAll(userID: UUID, keepingSession keeping: String?, at date: Date, on db: any Database) async throws {
        var sessions = UserSession.query(on: db).filter(\.$user.$id == userID)
        if let keeping { sessions = sessions.filter(\.$id != keeping) }
        try await sessions.delete()
        try await APIToken.query(on: db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: date).update()
    }
}
