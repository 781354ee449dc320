import Fluent
import Vapor

/// The browser session of one request: who is signed in, the CSRF token, the flash message, and
/// what to write back when the response leaves. Pages only; the API never reads a cookie.
final class WebSession: @unchecked Sendable {
    struct Key: StorageKey { typealias Value = WebSession }

    static let cookieName = "caqes_session"
    /// Anonymous forms (the login form) use a double-submit token: this cookie and the form field.
    static let anonymousCSRFCookie = "caqes_csrf"
    /// Idle time after which a session ends: 8 hours, as in the first release.
    static let idleLifetime: TimeInterval = 8 * 60 * 60
    /// The idle clock is written at most this often, not on every request.
    static let touchInterval: TimeInterval = 60

    fileprivate(set) var record: UserSession?
    /// The cookie named a session that is over (idle too long, or its user deactivated).
    fileprivate(set) var expired = false
    fileprivate var clearCookie = false
    fileprivate var newToken: String?
    fileprivate var ended = false
    fileprivate var flashChanged = false
    fileprivate var anonymousToken: String?
    fileprivate var issueAnonymousToken = false

    var isSignedIn: Bool { record != nil && !ended }

    /// The CSRF token that forms of this page must carry.
    func csrfToken(request: Request) -> String {
        if let record, !ended { return record.csrf }
        if let anonymousToken { return anonymousToken }
        if let cookie = request.cookies[Self.anonymousCSRFCookie]?.string, cookie.count == 43 {
            anonymousToken = cookie
            return cookie
        }
        let token = [UInt8].random(count: 32).base64URLEncoded
        anonymousToken = token
        issueAnonymousToken = true
        return token
    }

    /// The token a form post must match: the session's, or the anonymous cookie's.
    func expectedCSRF(request: Request) -> String? {
        record?.csrf ?? request.cookies[Self.anonymousCSRFCookie]?.string
    }

    /// Shown once on the next page.
    func setFlash(_ message: String) {
        guard let record else { return }
        record.flash = message
        flashChanged = true
    }

    func takeFlash() -> String? {
        guard let record, let flash = record.flash else { return nil }
        record.flash = nil
        flashChanged = true
        return flash
    }

    /// Starts a new session for `user`: a new random token (the old session, if any, ends), so a
    /// session id planted before login is worth nothing after it.
    func start(for user: User, request: Request) throws {
        let token = [UInt8].random(count: 32).base64URLEncoded
        let previous = record
        record = UserSession(tokenHash: TokenHasher.hash(token), userID: try user.requireID(),
                             csrf: [UInt8].random(count: 32).base64URLEncoded, at: request.now)
        record?.$user.value = user
        newToken = token
        if let previous, let id = previous.id { endedIDs.append(id) }
    }

    fileprivate var endedIDs: [String] = []

    /// Signs out: the session row is deleted and the cookie expired.
    func end() {
        if let id = record?.id { endedIDs.append(id) }
        ended = true
        newToken = nil
    }
}

extension Request {
    /// This request's browser session (nil on API and operations routes).
    var webSession: WebSession? { storage[WebSession.Key.self] }
}

/// Loads the browser session from its cookie before the page runs, and writes it back after.
struct WebSessionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let session = WebSession()
        request.storage[WebSession.Key.self] = session
        if let token = request.cookies[WebSession.cookieName]?.string, !token.isEmpty {
            // A token longer than ours cannot match: no query for it.
            // One query for the session and its user.
            var found: UserSession?
            if token.count <= 64, let row = try await UserSession.query(on: request.db)
                .join(User.self, on: \UserSession.$user.$id == \User.$id)
                .filter(\.$id == TokenHasher.hash(token)).first() {
                row.$user.value = try row.joined(User.self)
                found = row
            }
            if let found {
                if request.now.timeIntervalSince(found.lastSeenAt) > WebSession.idleLifetime || !found.user.isActive {
                    try await found.delete(on: request.db)
                    session.expired = true
                    session.clearCookie = true
                } else {
                    session.record = found
                    request.auth.login(found.user)
                }
            } else {
                session.clearCookie = true
            }
        }
        let response = try await next.respond(to: request)
        try await write(session, to: response, for: request)
        return response
    }

    private func write(_ session: WebSession, to response: Response, for request: Request) async throws {
        let settings = request.application.caqesSettings
        let now = request.now
        if !session.endedIDs.isEmpty {
            try await UserSession.query(on: request.db).filter(\.$id ~~ session.endedIDs).delete()
        }
        if let token = session.newToken, let record = session.record {
            record.lastSeenAt = now
            try await record.create(on: request.db)
            response.cookies[WebSession.cookieName] = Self.cookie(token, secure: settings.secureCookies)
        } else if session.ended || session.clearCookie {
            response.cookies[WebSession.cookieName] = .expired
        } else if let record = session.record,
                  session.flashChanged || now.timeIntervalSince(record.lastSeenAt) > WebSession.touchInterval {
            record.lastSeenAt = now
            try await record.update(on: request.db)
        }
        if session.issueAnonymousToken, !session.isSignedIn, let token = session.anonymousToken {
            response.cookies[WebSession.anonymousCSRFCookie] = Self.cookie(token, secure: settings.secureCookies)
        }
    }

    static func cookie(_ value: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, maxAge: Int(WebSession.idleLifetime), path: "/",
                          isSecure: secure, isHTTPOnly: true, sameSite: .strict)
    }
}
