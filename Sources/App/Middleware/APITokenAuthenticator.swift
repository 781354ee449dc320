import Crypto
import Fluent
import Vapor

/// Authenticates API calls by bearer token. Tokens are stored as SHA-256 hashes only.
struct APITokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        let hash = TokenHasher.hash(bearer.token)
        // One query for the token and its user.
        guard let token = try await APIToken.query(on: request.db)
            .join(User.self, on: \APIToken.$user.$id == \User.$id)
            .filter(\.$tokenHash == hash)
            .filter(\.$revokedAt == nil)
            .first()
        else { return }
        token.$user.value = try token.joined(User.self)
        guard token.user.isActive else { return }
        // The last use is written at most once a minute, not on every call.
        let now = request.now
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            token.lastUsedAt = now
            try await token.save(on: request.db)
        }
        request.auth.login(token.user)
    }
}

enum TokenHasher {
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hex
    }

    /// A new random token: `caqes_` + 40 url-safe characters (240 bits).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return "caqes_" + String((0..<40).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
