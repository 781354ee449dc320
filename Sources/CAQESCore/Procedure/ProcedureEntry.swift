import Foundation

/// One act in a procedure's append-only log (D20): the event, who did it, on which document
/// version, at which legal date (Europe/Paris) and when it was recorded (UTC). The state and the
/// deadline are folded from these entries, never stored beside them.
public struct ProcedureEntry<Event: Codable & Hashable & Sendable>: Codable, Hashable, Sendable {
    public var event: Event
    public var actor: ProcedureActor
    /// SHA-256 of the document version the act is about (a proposal, a decision), if any.
    public var documentSHA256: String?
    /// The legal date of the act (D17).
    public var legalDate: LocalDate
    /// When the platform recorded it.
    public var recordedAt: Date

    public init(event: Event, actor: ProcedureActor, documentSHA256: String?, legalDate: LocalDate, recordedAt: Date) {
        self.event = event
        self.actor = actor
        self.documentSHA256 = documentSHA256
        self.legalDate = legalDate
        self.recordedAt = recordedAt
    }
}

/// Who acted: a platform account (its id, name and role), or the platform itself (a deadline).
public struct ProcedureActor: Codable, Hashable, Sendable {
    public var id: UUID?
    public var label: String
    public var role: Role?

    public init(id: UUID?, label: String, role: Role?) {
        self.id = id
        self.label = label
        self.role = role
    }

    /// The platform, for acts that happen by themselves (an expired period).
    public static let platform = ProcedureActor(id: nil, label: "plateforme", role: nil)
}
