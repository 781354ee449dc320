import Vapor

/// Refuses any form post that does not carry the page's CSRF token (`_csrf` field, `_csrf` in the
/// query string of an upload form, or the `X-CSRF-Token` header). The token is the session's, or
/// for an anonymous visitor (the login form) a double-submit cookie. An upload's token is read
/// from its address, so a forged upload is refused before its body is read.
struct CSRFMiddleware: AsyncMiddleware {
    static let field = "_csrf"
    /// Form bodies (not uploads) are read up to this size to find the token.
    static let formBodyLimit = 64 * 1024

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .GET || request.method == .HEAD {
            return try await next.respond(to: request)
        }
        var provided: String? = request.headers.first(name: "X-CSRF-Token") ?? (try? request.query.get(String.self, at: Self.field))
        if provided == nil, request.headers.contentType != .formData {
            if let body = request.body.data {
                guard body.readableBytes <= Self.formBodyLimit else { throw Abort(.payloadTooLarge) }
            } else {
                _ = try await request.body.collect(max: Self.formBodyLimit).get()
            }
            provided = try? request.content.get(String.self, at: Self.field)
        }
        guard let expected = request.webSession?.expectedCSRF(request: request), let provided,
              Self.constantTimeEquals(expected, provided) else {
            throw UserFacingError(.forbidden, "Jeton de sécurité (CSRF) manquant ou expiré : rechargez la page et recommencez.")
        }
        return try await next.respond(to: request)
    }

    /// The token that this page's forms must carry.
    static func token(for request: Request) -> String {
        request.webSession?.csrfToken(request: request) ?? ""
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
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
