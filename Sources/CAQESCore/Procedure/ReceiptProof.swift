/// Proof that the establishment received a document: the start of every legal period (D19).
///
/// Two forms count: the establishment acknowledging the document in the platform (logged and
/// timestamped), or the ARS recording an e-mail acknowledgement with its proof attached. When
/// both exist, the earlier one counts, since the period legally runs from the first receipt.
public struct ReceiptProof: Hashable, Sendable, Codable, CustomStringConvertible {
    /// How receipt was proved.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        /// The establishment acknowledged the document in the platform.
        case platformAcknowledgement = "plateforme"
        /// The ARS recorded an e-mail acknowledgement of receipt, proof attached.
        case emailAcknowledgement = "courriel"

        public var description: String {
            switch self {
            case .platformAcknowledgement: return "accusé de réception dans la plateforme"
            case .emailAcknowledgement: return "accusé de réception du courriel enregistré par l'ARS"
            }
        }
    }

    public let kind: Kind
    /// The legal (Europe/Paris) date of receipt.
    public let receivedOn: LocalDate

    public init(kind: Kind, receivedOn: LocalDate) {
        self.kind = kind
        self.receivedOn = receivedOn
    }

    /// The proof that counts among several: the earliest; on a tie, the platform record.
    public static func earliest(_ proofs: [ReceiptProof]) -> ReceiptProof? {
        proofs.min { lhs, rhs in
            if lhs.receivedOn != rhs.receivedOn { return lhs.receivedOn < rhs.receivedOn }
            return lhs.kind == .platformAcknowledgement && rhs.kind != .platformAcknowledgement
        }
    }

    /// « reçu le 03/10/2022 (accusé de réception dans la plateforme) ».
    public var description: String { "reçu le \(receivedOn) (\(kind))" }
}
