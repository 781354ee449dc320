import CAQESCore
import Fluent
import Vapor

/// The legal clocks as database jobs: the first period's expiry fires after its last day,
/// 23:59:59 Europe/Paris (D17), and a signed contract enters into force on its start date. A job
/// re-reads the log when it runs, so a deadline moved since (an earlier receipt, a hearing) or a
/// contract that moved on makes it a no-op; a pending hearing makes expiry impossible (D18).
enum ContractDeadlines {
    static let expiryKind = "contrat_expiration"
    static let entryIntoForceKind = "contrat_entree_en_vigueur"

    struct Payload: Codable, Sendable {
        var contrat: UUID
        /// The last day the job was scheduled for (`AAAA-MM-JJ`).
        var echeance: String?
    }

    static func schedule(contractID: UUID, procedure next: ContractProcedure, previous: ContractProcedure,
                         startsOn: LocalDate, at now: Date, on db: any Database) async throws {
        if next.state == .period1Open, let deadline = next.deadline,
           previous.state != .period1Open || previous.deadline != deadline {
            // One second after the last day's 23:59:59 in Paris.
            let runAt = deadline.endInstant(timeZone: LegalClock.paris).addingTimeInterval(1)
            _ = try await JobQueue.enqueue(kind: expiryKind, payload: Payload(contrat: contractID, echeance: deadline.lastDay.iso),
                                           actor: AuditActor(id: nil, label: "plateforme"), fileSHA256: nil, runAt: runAt, at: now, on: db)
        }
        if next.state == .signed, previous.state != .signed {
            let runAt = startsOn.instant(hour: 0, minute: 0, second: 0, timeZone: LegalClock.paris)
            _ = try await JobQueue.enqueue(kind: entryIntoForceKind, payload: Payload(contrat: contractID, echeance: startsOn.iso),
                                           actor: AuditActor(id: nil, label: "plateforme"), fileSHA256: nil,
                                           runAt: max(runAt, now), at: now, on: db)
        }
    }

    /// Runs a deadline job; the message says what happened, in French.
    static func run(_ job: Job, app: Application) async throws -> String {
        let payload = try JSONText.decode(Payload.self, from: job.payload)
        let now = app.clock.now()
        let service = ContractService(db: app.db, app: app, actor: .platform, now: now)
        guard let contract = try await Contract.find(payload.contrat, on: app.db) else { return "Contrat introuvable : rien à faire." }
        let procedure = try ContractService.fold(try await service.events(contract))
        switch job.kind {
        case expiryKind:
            guard procedure.state == .period1Open, let deadline = procedure.deadline else {
                return "Sans objet : le contrat est « \(procedure.state.description) »."
            }
            guard deadline.lastDay.iso == payload.echeance else {
                return "Sans objet : l'échéance a changé (\(deadline.lastDay))."
            }
            guard deadline.hasExpired(at: now, timeZone: LegalClock.paris) else {
                return "Pas encore échu : le délai court jusqu'au \(deadline.lastDay) inclus."
            }
            _ = try await service.platformAct(.expiry, on: contract)
            return "Première période contradictoire expirée le \(deadline.lastDay) à 23:59:59."
        case entryIntoForceKind:
            guard procedure.state == .signed else { return "Sans objet : le contrat est « \(procedure.state.description) »." }
            _ = try await service.platformAct(.entryIntoForce, on: contract)
            return "Contrat entré en vigueur le \(contract.startsOn)."
        default:
            return "Type de tâche inconnu."
        }
    }
}
