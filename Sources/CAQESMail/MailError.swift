import Foundation

/// Errors of the mail module. `description` is French, user-facing text.
public enum MailError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The SMTP URL could not be parsed (the detail says why).
    case invalidURL(String)
    /// The message cannot be sent as is (bad address, Message-ID, header…).
    case invalidMessage(String)
    /// TCP connection to the server failed.
    case connectionFailed(host: String, port: Int, reason: String)
    /// The server did not answer `step` within the allotted time.
    case timeout(step: String, seconds: Int)
    /// The server closed the connection before the exchange was over.
    case connectionClosed(step: String)
    /// The server answered `step` with an unexpected code.
    case rejected(step: String, code: Int, message: String)
    /// AUTH refused (typically 535: wrong user name or password).
    case authenticationFailed(code: Int, message: String)
    /// Credentials were given but the server offers neither PLAIN nor LOGIN.
    case authenticationUnsupported
    /// Credentials would travel in clear text (opportunistic STARTTLS and no TLS available).
    case cleartextCredentialsRefused
    /// `starttls=required` but the server does not offer STARTTLS.
    case startTLSUnavailable
    /// TLS negotiation or certificate verification failed.
    case tls(String)
    /// The server's reply could not be parsed.
    case protocolError(String)
    /// Writing the `.eml` file failed.
    case fileWriteFailed(path: String, reason: String)

    /// SMTP reply code, when the server gave one.
    public var code: Int? {
        switch self {
        case .rejected(_, let code, _), .authenticationFailed(let code, _): return code
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let detail):
            return "adresse SMTP invalide : \(detail)"
        case .invalidMessage(let detail):
            return "message invalide : \(detail)"
        case .connectionFailed(let host, let port, let reason):
            return "connexion impossible au serveur SMTP \(host):\(port) (\(reason))"
        case .timeout(let step, let seconds):
            return "délai dépassé : le serveur SMTP n'a pas répondu à \(step) en \(seconds) s"
        case .connectionClosed(let step):
            return "le serveur SMTP a fermé la connexion pendant \(step)"
        case .rejected(let step, let code, let message):
            return "le serveur SMTP a refusé \(step) (code \(code)) : \(message)"
        case .authenticationFailed(let code, let message):
            return "le serveur SMTP a refusé l'authentification (code \(code)) : identifiant ou mot de passe incorrect ? \(message)"
        case .authenticationUnsupported:
            return "le serveur SMTP ne propose aucune méthode d'authentification prise en charge (PLAIN ou LOGIN)"
        case .cleartextCredentialsRefused:
            return "envoi des identifiants SMTP en clair refusé : le serveur ne propose pas STARTTLS (utiliser starttls=none pour l'autoriser explicitement)"
        case .startTLSUnavailable:
            return "le serveur SMTP ne propose pas STARTTLS alors que starttls=required"
        case .tls(let detail):
            return "échec de la connexion TLS avec le serveur SMTP : \(detail)"
        case .protocolError(let detail):
            return "réponse SMTP incompréhensible : \(detail)"
        case .fileWriteFailed(let path, let reason):
            return "impossible d'écrire le courriel dans \(path) : \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
