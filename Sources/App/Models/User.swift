import CAQESCore
import Fluent
import Vapor

/// A person who signs in: an ARS analyst, a hospital's staff member, an administrator…
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: String
    @Field(key: "legal_representative") var isLegalRepresentative: Bool
    /// For an expert: the body whose indicators they review (`ReviewBody`: OMEDIT, CPias…).
    @OptionalField(key: "expert_body") var expertBody: String?
    @Field(key: "active") var isActive: Bool
    /// Optimistic lock: two administrators acting on one account at once are told, not both applied.
    @Field(key: "version") var version: Int
    @Children(for: \.$user) var scopes: [UserScope]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, email: String, displayName: String, passwordHash: String, role: Role, isLegalRepresentative: Bool = false) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.role = role.rawValue
        self.isLegalRepresentative = isLegalRepresentative
        self.isActive = true
        self.version = 1
    }
}

/// One element of a user's scope: a region, a department or a contract holder.
final class UserScope: Model, @unchecked Sendable {
    static let schema = "user_scopes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "kind") var kind: String
    @Field(key: "code") var code: String

    init() {}

    init(userID: UUID, kind: ScopeKind, code: String) {
        self.$user.id = userID
        self.kind = kind.rawValue
        self.code = code
    }
}
