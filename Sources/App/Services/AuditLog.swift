import Crypto
import Fluent
import SQLKit
import Foundation

/// Who did something, for the audit trail.
struct AuditActor: Sendable {
    let id: UUID?
    let label: String

    static let system = AuditActor(id: nil, label: "système")
    static func commandLine(_ user: String = ProcessInfo.processInfo.environment["USER"] ?? "inconnu") -> AuditActor {
        AuditActor(id: nil, label: "ligne de commande (\(user))")
    }
}

extension Principal {
    var auditActor: AuditActor { AuditActor(id: userID, label: actorLabel) }
}

/// The append-only, hash-chained audit trail (D20). Each row stores the SHA-256 of the previous
/// row, so editing or deleting any row breaks every link after it.
enum AuditLog {
    static let genesisHash = String(repeating: "0", count: 64)

    /// Appends one event. Call it inside the transaction of the write it describes, so that the
    /// trail and the data never disagree; called outside one, it opens its own.
    ///
    /// Appends are serialized on the chain head: on PostgreSQL a transaction-scoped advisory lock
    /// is taken before the head is read, so concurrent appends from any instance wait for each
    /// other instead of colliding on the next sequence number (SQLite serializes writers itself).
    @discardableResult
    static func append(
        on db: any Database,
        actor: AuditActor,
        action: String,
        target: String,
        details: String = "",
        at date: Date
    ) async throws -> AuditEvent {
        guard db.inTransaction else {
            return try await db.transaction { db in
                try await append(on: db, actor: actor, action: action, target: target, details: details, at: date)
            }
        }
        if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: headLockKey))").run()
        }
        let last = try await AuditEvent.query(on: db).sort(\.$id, .descending).first()
        let event = AuditEvent()
        event.id = (last?.id ?? 0) + 1
        event.occurredMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        event.occurredAt = Date(timeIntervalSince1970: Double(event.occurredMilliseconds) / 1000)
        event.actorID = actor.id
        event.actorLabel = actor.label
        event.action = action
        event.target = target
        event.details = details
        event.previousHash = last?.hash ?? genesisHash
        event.hash = hash(of: event)
        try await event.create(on: db)
        return event
    }

    /// The advisory lock that serializes appends on PostgreSQL (any fixed 64-bit number).
    static let headLockKey: Int64 = 0x4341_5145_5341_5544

    /// The hash covers every column that is shown or filtered on: the time through
    /// `occurred_ms`, which `verify` also checks against the displayed `occurred_at`.
    static func hash(of event: AuditEvent) -> String {
        let fields = [
            event.previousHash,
            String(event.id ?? 0),
            String(event.occurredMilliseconds),
            event.actorID?.uuidString ?? "",
            event.actorLabel,
            event.action,
            event.target,
            event.details,
        ]
        // Length-prefix each field so that moving text between fields changes the hash.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        return SHA256.hash(data: Data(canonical.utf8)).hex
    }

    /// The result of checking the whole chain.
    enum Verification: Equatable {
        case intact(count: Int, head: String)
        case broken(seq: Int, reason: String)

        var message: String {
            switch self {
            case .intact(let count, let head):
                return "Journal d'audit intègre : \(count) événement(s) vérifié(s). Tête de chaîne : \(head)."
            case .broken(let seq, let reason):
                return "Journal d'audit rompu à l'événement n° \(seq) : \(reason)."
            }
        }
    }

    /// Walks the chain in order and reports the first broken link. With `expectedHead` (a head
    /// hash kept elsewhere earlier), the chain must still hold that event unchanged: a cut or a
    /// recomputed tail is then detected too.
    static func verify(on db: any Database, expectedHead: String? = nil, pageSize: Int = 2_000) async throws -> Verification {
        var sawExpected = expectedHead == nil
        var previousHash = genesisHash
        var expectedSeq = 1
        var count = 0
        while true {
            let page = try await AuditEvent.query(on: db)
                .filter(\.$id >= expectedSeq)
                .sort(\.$id, .ascending)
                .limit(pageSize)
                .all()
            if page.isEmpty {
                guard sawExpected else {
                    return .broken(seq: expectedSeq, reason: "la tête attendue \(expectedHead ?? "") est introuvable : la fin du journal a été coupée ou recalculée")
                }
                return .intact(count: count, head: previousHash)
            }
            for event in page {
                let seq = event.id ?? 0
                if seq != expectedSeq {
                    return .broken(seq: expectedSeq, reason: "l'événement est manquant (supprimé ?)")
                }
                if event.previousHash != previousHash {
                    return .broken(seq: seq, reason: "le lien vers l'événement précédent ne correspond pas")
                }
                if hash(of: event) != event.hash {
                    return .broken(seq: seq, reason: "son contenu a été modifié après son enregistrement")
                }
                // The displayed time is stored twice: both must agree (to the second, storage may round).
                if abs(event.occurredAt.timeIntervalSince1970 - Double(event.occurredMilliseconds) / 1000) >= 1 {
                    return .broken(seq: seq, reason: "sa date a été modifiée après son enregistrement")
                }
                if event.hash == expectedHead { sawExpected = true }
                previousHash = event.hash
                expectedSeq += 1
                count += 1
            }
        }
    }
}
