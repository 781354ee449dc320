import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Sends `MailMessage`s to an SMTP server (one connection per message).
///
/// URL forms:
/// - `smtp://user:pass@host:587?starttls=required` — STARTTLS mandatory (the default is `opportunistic`)
/// - `smtp://host:25?starttls=opportunistic` — STARTTLS when offered; credentials are then only sent over TLS
/// - `smtp://host:1025?starttls=none` — never TLS (local catchers); credentials, if any, go in clear text
/// - `smtps://user:pass@host:465` — implicit TLS
/// User name and password are percent-decoded (`%40` for `@`, `%3A` for `:`…).
public struct SMTPTransport: Sendable, CustomStringConvertible {
    public enum Security: String, Sendable {
        case startTLSRequired = "required"
        case startTLSOpportunistic = "opportunistic"
        case none
        case implicitTLS = "smtps"
    }

    public let host: String
    public let port: Int
    public let username: String?
    public let password: String?
    public let security: Security
    /// Name announced in EHLO.
    public var ehloName: String
    /// Maximum wait for each server reply (and for the TCP connection).
    public var commandTimeout: Duration
    /// TEST ONLY: disables TLS certificate verification (chain and host name), e.g. against a
    /// test server with a self-signed certificate. Never enable it in production.
    public var tlsInsecure: Bool

    public init(
        url: String,
        ehloName: String = "localhost",
        commandTimeout: Duration = .seconds(30),
        tlsInsecure: Bool = false
    ) throws {
        let parsed = try SMTPURL(url)
        host = parsed.host
        port = parsed.port
        username = parsed.username
        password = parsed.password
        security = parsed.security
        guard !ehloName.isEmpty, ehloName.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw MailError.invalidURL("nom EHLO invalide : « \(ehloName) »")
        }
        self.ehloName = ehloName
        self.commandTimeout = commandTimeout
        self.tlsInsecure = tlsInsecure
    }

    /// The URL with the password hidden (safe for logs).
    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        var auth = ""
        if let username {
            auth = (username.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + (password == nil ? "" : ":***") + "@"
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let query = security == .implicitTLS ? "" : "?starttls=\(security.rawValue)"
        return "\(scheme)://\(auth)\(hostPart):\(port)\(query)"
    }

    /// Delivers `message` to every recipient; throws `MailError` (French description) on any failure.
    /// The message is accepted only if the server accepts every recipient.
    public func send(_ message: MailMessage, on group: any EventLoopGroup) async throws {
        try message.validate()
        let data = SMTPSession.dotStuffed(message.rfc5322())
        let session = try await SMTPSession.connect(transport: self, group: group)
        do {
            try await session.run(transport: self, message: message, data: data)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }
}

/// Parsed `smtp://` / `smtps://` URL.
struct SMTPURL {
    var security: SMTPTransport.Security
    var host: String
    var port: Int
    var username: String?
    var password: String?

    init(_ url: String) throws {
        func invalid(_ detail: String) -> MailError { .invalidURL(detail) }
        guard let schemeRange = url.range(of: "://") else {
            throw invalid("schéma manquant (attendu smtp:// ou smtps://)")
        }
        let scheme = url[..<schemeRange.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw invalid("schéma « \(scheme) » non pris en charge (attendu smtp:// ou smtps://)")
        }
        var rest = Substring(url[schemeRange.upperBound...])
        if rest.contains("#") { throw invalid("fragment « # » non autorisé") }
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...] == "/" else { throw invalid("chemin non autorisé après l'hôte") }
            rest = rest[..<slash]
        }
        var hostPort = rest
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            hostPort = rest[rest.index(after: at)...]
            let user: Substring
            var pass: Substring?
            if let colon = userInfo.firstIndex(of: ":") {
                user = userInfo[..<colon]
                pass = userInfo[userInfo.index(after: colon)...]
            } else {
                user = userInfo
            }
            guard let decodedUser = String(user).removingPercentEncoding, !decodedUser.isEmpty else {
                throw invalid("nom d'utilisateur vide ou mal encodé")
            }
            username = decodedUser
            if let pass {
                guard let decodedPass = String(pass).removingPercentEncoding else {
                    throw invalid("mot de passe mal encodé (encodage % incorrect)")
                }
                password = decodedPass
            } else {
                password = ""
            }
        }
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("adresse IPv6 sans « ] »") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("caractères inattendus après l'adresse IPv6") }
                portText = after.dropFirst()
            }
        } else {
            let parts = hostPort.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw invalid("hôte « \(hostPort) » incorrect") }
            host = String(parts[0])
            if parts.count == 2 { portText = parts[1] }
        }
        guard !host.isEmpty,
              host.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || ".-_:".unicodeScalars.contains($0) }),
              host.utf8.allSatisfy({ $0 < 128 })
        else {
            throw invalid("hôte manquant ou incorrect")
        }
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw invalid("port « \(portText) » incorrect")
            }
            port = p
        } else {
            port = scheme == "smtps" ? 465 : 25
        }
        security = scheme == "smtps" ? .implicitTLS : .startTLSOpportunistic
        for item in query.split(separator: "&") where !item.isEmpty {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = kv[0].lowercased()
            let value = kv.count == 2 ? kv[1].lowercased() : ""
            guard key == "starttls" else { throw invalid("paramètre « \(key) » inconnu (seul starttls est accepté)") }
            guard scheme == "smtp" else { throw invalid("starttls n'a pas de sens avec smtps:// (TLS implicite)") }
            switch value {
            case "required": security = .startTLSRequired
            case "opportunistic": security = .startTLSOpportunistic
            case "none": security = .none
            default: throw invalid("valeur starttls « \(value) » incorrecte (required, opportunistic ou none)")
            }
        }
    }
}

/// A parsed SMTP reply (possibly multi-line).
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
    var text: String { lines.joined(separator: " / ") }
}

/// Failures seen by the reply handler; mapped to `MailError` with the current step.
enum ReplyFailure: Error {
    case closed
    case timeout
    case tls(String)
    case malformed(String)
    case other(String)
}

/// Splits the inbound byte stream into SMTP replies and hands them to whoever waits.
/// All access happens on the channel's event loop.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    static let maxLineLength = 4096
    static let maxReplyLines = 200

    private var bytes: [UInt8] = []
    private var pendingLines: [String] = []
    private var replies: [SMTPReply] = []
    private var failure: ReplyFailure?
    private var waiter: (promise: EventLoopPromise<SMTPReply>, timeout: Scheduled<Void>)?
    private var context: ChannelHandlerContext?

    /// True when bytes or replies arrived that nobody asked for yet (checked before STARTTLS).
    var hasUnreadInput: Bool { !bytes.isEmpty || !pendingLines.isEmpty || !replies.isEmpty }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        while failure == nil, let newline = bytes.firstIndex(of: 10) {
            var line = Array(bytes[..<newline])
            bytes.removeSubrange(...newline)
            if line.last == 13 { line.removeLast() }
            handleLine(line)
        }
        if bytes.count > Self.maxLineLength {
            fail(.malformed("ligne de réponse trop longue"))
        }
    }

    private func handleLine(_ line: [UInt8]) {
        guard line.count >= 3, line.count <= Self.maxLineLength,
              line[0..<3].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let code = Int(String(decoding: line[0..<3], as: UTF8.self))
        else {
            fail(.malformed("« \(String(decoding: line.prefix(80), as: UTF8.self)) »"))
            return
        }
        let separator = line.count > 3 ? line[3] : UInt8(ascii: " ")
        let text = line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : ""
        switch separator {
        case UInt8(ascii: "-"):
            pendingLines.append(text)
            if pendingLines.count > Self.maxReplyLines { fail(.malformed("réponse multi-ligne trop longue")) }
        case UInt8(ascii: " "):
            let reply = SMTPReply(code: code, lines: pendingLines + [text])
            pendingLines = []
            if let waiter {
                self.waiter = nil
                waiter.timeout.cancel()
                waiter.promise.succeed(reply)
            } else {
                replies.append(reply)
            }
        default:
            fail(.malformed("« \(String(decoding: line.prefix(80), as: UTF8.self)) »"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            fail(.tls(String(describing: error)))
        } else {
            fail(.other(String(describing: error)))
        }
    }

    /// Records the first failure, fails the waiter and closes the connection.
    private func fail(_ error: ReplyFailure) {
        if failure == nil { failure = error }
        if let waiter {
            self.waiter = nil
            waiter.timeout.cancel()
            waiter.promise.fail(failure ?? error)
        }
        context?.close(promise: nil)
    }

    /// The next reply, or a failure after `timeout`. Must be called on the event loop.
    func nextReply(timeout: TimeAmount, on eventLoop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        if !replies.isEmpty { return eventLoop.makeSucceededFuture(replies.removeFirst()) }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        precondition(waiter == nil, "one SMTP reply at a time")
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        let scheduled = eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            self.fail(.timeout)
        }
        waiter = (promise, scheduled)
        return promise.futureResult
    }
}

/// One SMTP conversation over one connection.
struct SMTPSession: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<SMTPReplyHandler>
    let timeout: TimeAmount
    let timeoutSeconds: Int

    static func timeAmount(_ d: Duration) -> TimeAmount {
        let (seconds, attoseconds) = d.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    static func tlsContext(insecure: Bool) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()  // system trust roots, full verification
        if insecure { configuration.certificateVerification = .none }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw MailError.tls(String(describing: error))
        }
    }

    /// SNI / host-name verification name; nil for IP literals (NIOSSL then checks the peer IP).
    static func serverName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    static func connect(transport: SMTPTransport, group: any EventLoopGroup) async throws -> SMTPSession {
        let timeout = timeAmount(transport.commandTimeout)
        let implicitTLS = transport.security == .implicitTLS
        let sslContext = implicitTLS ? try tlsContext(insecure: transport.tlsInsecure) : nil
        let serverName = serverName(transport.host)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let tls = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler())
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: transport.host, port: transport.port).get()
        } catch {
            throw MailError.connectionFailed(host: transport.host, port: transport.port, reason: describeConnectError(error))
        }
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self), eventLoop: channel.eventLoop)
        }.get()
        let seconds = Int(transport.commandTimeout.components.seconds)
        return SMTPSession(channel: channel, handler: handler, timeout: timeout, timeoutSeconds: max(seconds, 1))
    }

    static func describeConnectError(_ error: any Error) -> String {
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "délai de connexion dépassé"
        }
        var errnos: [Int32] = []
        if let error = error as? NIOConnectionError {
            errnos = error.connectionErrors.compactMap { ($0.error as? IOError)?.errnoCode }
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                return "nom d'hôte introuvable"
            }
            if error.connectionErrors.contains(where: { if case .connectTimeout? = $0.error as? ChannelError { return true }; return false }) {
                return "délai de connexion dépassé"
            }
        } else if let error = error as? IOError {
            errnos = [error.errnoCode]
        }
        if errnos.contains(ECONNREFUSED) { return "connexion refusée" }
        if errnos.contains(EHOSTUNREACH) || errnos.contains(ENETUNREACH) { return "hôte injoignable" }
        return String(describing: error)
    }

    func close() async {
        try? await channel.close()
    }

    func read(step: String) async throws -> SMTPReply {
        let handler = self.handler
        let timeout = self.timeout
        let eventLoop = channel.eventLoop
        do {
            return try await eventLoop.flatSubmit { handler.value.nextReply(timeout: timeout, on: eventLoop) }.get()
        } catch let failure as ReplyFailure {
            switch failure {
            case .closed: throw MailError.connectionClosed(step: step)
            case .timeout: throw MailError.timeout(step: step, seconds: timeoutSeconds)
            case .tls(let detail): throw MailError.tls(detail)
            case .malformed(let detail): throw MailError.protocolError(detail)
            case .other(let detail): throw MailError.connectionFailed(host: channel.remoteAddress?.ipAddress ?? "?", port: channel.remoteAddress?.port ?? 0, reason: detail)
            }
        }
    }

    func write(_ bytes: [UInt8]) {
        // Fire and forget: a failed write closes the channel, which the next read reports.
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    /// Sends one command line and reads the reply. `step` names it in errors (so AUTH secrets never appear).
    func command(_ line: String, step: String? = nil) async throws -> SMTPReply {
        write(Array((line + "\r\n").utf8))
        return try await read(step: step ?? line)
    }

    @discardableResult
    func expect(_ line: String, codes: Set<Int>, step: String? = nil) async throws -> SMTPReply {
        let reply = try await command(line, step: step)
        guard codes.contains(reply.code) else {
            throw MailError.rejected(step: step ?? line, code: reply.code, message: reply.text)
        }
        return reply
    }

    struct Extensions {
        var keywords: Set<String> = []
        var authMechanisms: Set<String> = []

        init(_ reply: SMTPReply) {
            for line in reply.lines.dropFirst() {
                let words = line.uppercased().split(separator: " ").map(String.init)
                guard var keyword = words.first else { continue }
                var params = Array(words.dropFirst())
                if keyword.hasPrefix("AUTH=") {  // obsolete "AUTH=LOGIN PLAIN" form
                    params.insert(String(keyword.dropFirst(5)), at: 0)
                    keyword = "AUTH"
                }
                keywords.insert(keyword)
                if keyword == "AUTH" { authMechanisms.formUnion(params) }
            }
        }
    }

    func ehlo(_ name: String) async throws -> Extensions {
        Extensions(try await expect("EHLO \(name)", codes: [250], step: "EHLO"))
    }

    func run(transport: SMTPTransport, message: MailMessage, data: [UInt8]) async throws {
        let greeting = try await read(step: "l'ouverture de la session")
        guard greeting.code == 220 else {
            throw MailError.rejected(step: "la connexion", code: greeting.code, message: greeting.text)
        }
        var extensions = try await ehlo(transport.ehloName)
        var tlsActive = transport.security == .implicitTLS
        if !tlsActive && transport.security != .none {
            if extensions.keywords.contains("STARTTLS") {
                try await expect("STARTTLS", codes: [220])
                try await startTLS(transport: transport)
                tlsActive = true
                extensions = try await ehlo(transport.ehloName)
            } else if transport.security == .startTLSRequired {
                throw MailError.startTLSUnavailable
            }
        }
        if let username = transport.username {
            if !tlsActive && transport.security != .none {
                throw MailError.cleartextCredentialsRefused
            }
            try await authenticate(username: username, password: transport.password ?? "", extensions: extensions)
        }
        try await expect("MAIL FROM:<\(message.from.address)>", codes: [250])
        for recipient in message.to {
            try await expect("RCPT TO:<\(recipient.address)>", codes: [250, 251])
        }
        try await expect("DATA", codes: [354])
        write(data + Array(".\r\n".utf8))
        let accepted = try await read(step: "la fin du message (DATA)")
        guard accepted.code == 250 else {
            throw MailError.rejected(step: "le message", code: accepted.code, message: accepted.text)
        }
        _ = try? await command("QUIT")  // the message is accepted; a failing QUIT changes nothing
    }

    /// Inserts the TLS handler in front of the reply handler (after the server's 220 to STARTTLS).
    func startTLS(transport: SMTPTransport) async throws {
        let sslContext = try Self.tlsContext(insecure: transport.tlsInsecure)
        let serverName = Self.serverName(transport.host)
        let channel = self.channel
        let handler = self.handler
        try await channel.eventLoop.submit {
            // Bytes sent before the handshake would be plaintext injected into the TLS session.
            guard !handler.value.hasUnreadInput else {
                throw MailError.protocolError("données reçues avant la négociation STARTTLS")
            }
            let tls = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName)
            try channel.pipeline.syncOperations.addHandler(tls, position: .first)
        }.get()
    }

    func authenticate(username: String, password: String, extensions: Extensions) async throws {
        func checkFinal(_ reply: SMTPReply) throws {
            guard reply.code == 235 else {
                throw MailError.authenticationFailed(code: reply.code, message: reply.text)
            }
        }
        func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
        if extensions.authMechanisms.contains("PLAIN") {
            let token = b64("\u{0}\(username)\u{0}\(password)")
            var reply = try await command("AUTH PLAIN \(token)", step: "AUTH PLAIN")
            if reply.code == 334 {  // server wants the response on its own line
                reply = try await command(token, step: "AUTH PLAIN")
            }
            try checkFinal(reply)
        } else if extensions.authMechanisms.contains("LOGIN") {
            var reply = try await command("AUTH LOGIN", step: "AUTH LOGIN")
            guard reply.code == 334 else { throw MailError.authenticationFailed(code: reply.code, message: reply.text) }
            reply = try await command(b64(username), step: "AUTH LOGIN")
            guard reply.code == 334 else { throw MailError.authenticationFailed(code: reply.code, message: reply.text) }
            reply = try await command(b64(password), step: "AUTH LOGIN")
            try checkFinal(reply)
        } else {
            throw MailError.authenticationUnsupported
        }
    }

    /// SMTP transparency (RFC 5321 §4.5.2): a line starting with "." gets one more "."; ensures a final CRLF.
    static func dotStuffed(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var atLineStart = true
        for byte in bytes {
            if atLineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == 10
        }
        if !out.isEmpty && !(out.count >= 2 && out[out.count - 2] == 13 && out[out.count - 1] == 10) {
            out += [13, 10]
        }
        return out
    }
}
