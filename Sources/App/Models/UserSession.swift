import Fluent
import Foundation

/// A signed-in browser session. The cookie carries a random token; the table keeps only its
/// SHA-256, so a leaked database does not leak live sessions. Anonymous visitors have none.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "user_sessions"

    /// SHA-256 (hex) of the cookie's token.
    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    @Parent(key: "user_id") var user: User
    @Field(key: "csrf") var csrf: String
    @OptionalField(key: "flash") var flash: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}

    init(tokenHash: String, userID: UUID, csrf: String, at date: Date) {
        self.id = tokenHash
        self.$user.id = userID
        self.csrf = csrf
        self.createdAt = date
        self.lastSeenAt = date
    }
}
