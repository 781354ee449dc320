import Vapor

/// Refuses any form post that does not carry the session's CSRF token (`_csrf` field or
/// `X-CSRF-Token` header). Bearer-token API calls are not session-based and skip it.
struct CSRFMiddleware: AsyncMiddleware {
    static let field = "_csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .GET || request.method == .HEAD {
            _ = Self.token(for: request)
            return try await next.respond(to: request)
        }
        if request.body.data == nil {
            // Middleware runs before the route collects the body: collect it here (bounded by the upload
            // limit, 413 beyond) so the form's token can be read.
            _ = try await request.body.collect(max: request.application.caqesSettings.maxUploadBytes).get()
        }
        let expected = request.session.data["csrf"]
        let provided: String? = request.headers.first(name: "X-CSRF-Token")
            ?? (try? request.content.get(String.self, at: Self.field))
        guard let expected, let provided, Self.constantTimeEquals(expected, provided) else {
            throw UserFacingError(.forbidden, "Jeton de sécurité (CSRF) manquant ou expiré : rechargez la page et recommencez.")
        }
        return try await next.respond(to: request)
    }

    /// The session's token, created on first use.
    static func token(for request: Request) -> String {
        if let existing = request.session.data["csrf"] { return existing }
        let token = [UInt8].random(count: 32).base64URLEncoded
        request.session.data["csrf"] = token
        return token
    }

    private static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

extension Array where Element == UInt8 {
    static func random(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    var base64URLEncoded: String {
        Data(self).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
