import Crypto
import Fluent
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
    /// trail and the data never disagree.
    @discardableResult
    static func append(
        on db: any Database,
        actor: AuditActor,
        action: String,
        target: String,
        details: String = "",
        at date: Date = Date()
    ) async throws -> AuditEvent {
        var attempt = 0
        while true {
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
            do {
                try await event.create(on: db)
                return event
            } catch {
                // Another instance appended the same sequence number first: read the new tail and retry.
                attempt += 1
                if attempt >= 5 { throw error }
            }
        }
    }

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
        case intact(count: Int)
        case broken(seq: Int, reason: String)

        var message: String {
            switch self {
            case .intact(let count):
                return "Journal d'audit intègre : \(count) événement(s) vérifié(s)."
            case .broken(let seq, let reason):
                return "Journal d'audit rompu à l'événement n° \(seq) : \(reason)."
            }
        }
    }

    /// Walks the chain in order and reports the first broken link.
    static func verify(on db: any Database, pageSize: Int = 2_000) async throws -> Verification {
        var previousHash = genesisHash
        var expectedSeq = 1
        var count = 0
        while true {
            let page = try await AuditEvent.query(on: db)
                .filter(\.$id >= expectedSeq)
                .sort(\.$id, .ascending)
                .limit(pageSize)
                .all()
            if page.isEmpty { return .intact(count: count) }
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
                previousHash = event.hash
                expectedSeq += 1
                count += 1
            }
        }
    }
}
