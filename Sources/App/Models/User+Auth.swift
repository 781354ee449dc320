import CAQESCore
import Fluent
import Vapor

extension User: ModelSessionAuthenticatable {}

extension User {
    var roleValue: Role { Role(rawValue: role) ?? .establishment }
}

/// The signed-in user with its resolved scope, loaded once per request.
struct Principal: Sendable {
    let userID: UUID
    let email: String
    let displayName: String
    let role: Role
    let scope: AccessScope
    let isLegalRepresentative: Bool
    /// An expert's body: they review its indicators only.
    var expertBody: ReviewBody? = nil

    var actorLabel: String { "\(displayName) <\(email)>" }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal }

    /// The signed-in user with its scope, or nil.
    func principal() async throws -> Principal? {
        if let cached = storage[PrincipalKey.self] { return cached }
        guard let user = auth.get(User.self), user.isActive, let id = user.id else { return nil }
        let scopes = try await UserScope.query(on: db).filter(\.$user.$id == id).all()
        let elements = scopes.compactMap { scope in ScopeKind(rawValue: scope.kind).map { (kind: $0, code: scope.code) } }
        let principal = Principal(
            userID: id,
            email: user.email,
            displayName: user.displayName,
            role: user.roleValue,
            scope: AccessScope.of(role: user.roleValue, elements: elements),
            isLegalRepresentative: user.isLegalRepresentative,
            expertBody: user.expertBody.flatMap(ReviewBody.parse)
        )
        storage[PrincipalKey.self] = principal
        return principal
    }

    /// The signed-in user, or a 401.
    func requirePrincipal() async throws -> Principal {
        guard let principal = try await principal() else {
            throw UserFacingError(.unauthorized, FrenchErrorMiddleware.defaultMessage(for: .unauthorized, reason: nil))
        }
        return principal
    }
}
