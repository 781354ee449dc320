/// Errors of the document module. `description` is user-facing French text.
public enum DocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The private key PEM could not be read.
    case invalidPrivateKey
    /// The key is readable but of a type the seal does not support.
    case unsupportedKeyType(String)
    /// The certificate PEM is empty or unreadable.
    case invalidCertificate(String)
    /// The private key does not match the first certificate of the chain.
    case keyCertificateMismatch
    /// The signing date lies outside the certificate validity period.
    case certificateNotValid(at: String)
    /// A table is malformed (no columns, bad widths, too many cells…).
    case invalidTable(String)
    /// The CMS signature does not fit in the reserved `/Contents` space.
    case signatureTooLarge(needed: Int, reserved: Int)
    /// The cryptographic library failed.
    case signingFailed(String)
    /// Self-signed certificate generation failed.
    case certificateGenerationFailed(String)

    public var description: String {
        switch self {
        case .invalidPrivateKey:
            return "La clé privée du cachet est illisible (PEM attendu)."
        case .unsupportedKeyType(let detail):
            return "Type de clé non pris en charge pour le cachet (ECDSA P-256 ou RSA 2048 bits minimum attendus) : \(detail)."
        case .invalidCertificate(let detail):
            return "Le certificat du cachet est illisible : \(detail)."
        case .keyCertificateMismatch:
            return "La clé privée ne correspond pas au certificat du cachet."
        case .certificateNotValid(let date):
            return "Le certificat du cachet n’est pas valide à la date de signature (\(date))."
        case .invalidTable(let detail):
            return "Tableau invalide : \(detail)."
        case .signatureTooLarge(let needed, let reserved):
            return "La signature (\(needed) octets) dépasse l’espace réservé dans le PDF (\(reserved) octets)."
        case .signingFailed(let detail):
            return "Échec de la signature du document : \(detail)."
        case .certificateGenerationFailed(let detail):
            return "Impossible de générer le certificat auto-signé : \(detail)."
        }
    }
}
