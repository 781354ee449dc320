import CAQESCore
import Fluent
import SQLKit
import Vapor

/// One e-mail to send: written in the same transaction as the act it announces, sent by the
/// outbox job (SMTP or `.eml` files), never lost with a process.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "outbox"

    @ID(key: .id) var id: UUID?
    @Field(key: "recipient") var recipient: String
    @Field(key: "recipient_name") var recipientName: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @OptionalField(key: "contract_id") var contractID: UUID?
    /// The self-assessment an evaluation message concerns; its reminders check it, not the contract.
    @OptionalField(key: "assessment_id") var assessmentID: UUID?
    /// `acte`; `rappel` (before a contract's or a self-assessment's deadline, which must still be
    /// theirs); `rappel_calendrier` (before a date of an evaluation campaign's calendar).
    @Field(key: "kind") var kind: String
    @Field(key: "send_after") var sendAfter: Date
    /// A reminder is sent only before its deadline, if the contract is still in this state with
    /// this deadline; for a self-assessment, in one of these `|`-separated states (and, for a
    /// `rappel`, with this deadline).
    @OptionalField(key: "expect_state") var expectState: String?
    @OptionalField(key: "expect_deadline") var expectDeadline: String?
    /// `en attente`, `envoyé`, `sans objet`, `échoué`.
    @Field(key: "state") var state: String
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "sent_at") var sentAt: Date?
    /// The `.eml` file written by the file transport.
    @OptionalField(key: "file") var file: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Who must hear of an act, and what they read: the party that acts next, with the deadline and
/// the link; the recovering fund when a sanction is notified; reminders 7 and 2 days before a
/// deadline (D22: French).
enum Notifications {
    static let reminderDays = [7, 2]

    struct Recipient: Hashable { let email: String; let name: String }

    /// Active accounts of `party` whose scope covers the contract.
    static func recipients(_ party: ContractParty, contract: Contract, on db: any Database) async throws -> [Recipient] {
        let scopeKind: ScopeKind, code: String
        switch party {
        case .ars: scopeKind = .region; code = contract.regionCode
        case .establishment: scopeKind = .holder; code = contract.holderFINESS
        case .insurer: scopeKind = .department; code = contract.departmentCode
        case .platform: return []
        }
        return try await recipients(scopeKind: scopeKind, code: code, roles: Array(party.roles), on: db)
    }

    /// Active accounts of these roles whose scope names `code`.
    static func recipients(scopeKind: ScopeKind, code: String, roles: [Role], on db: any Database) async throws -> [Recipient] {
        let roles = roles.map(\.rawValue)
        let scopes = try await UserScope.query(on: db).filter(\.$kind == scopeKind.rawValue).filter(\.$code == code).all()
        let ids = scopes.map { $0.$user.id }
        guard !ids.isEmpty else { return [] }
        let users = try await User.query(on: db).filter(\.$id ~~ ids).filter(\.$isActive == true).filter(\.$role ~~ roles).all()
        return users.map { Recipient(email: $0.email, name: $0.displayName) }.sorted { $0.email < $1.email }
    }

    static func enqueue(for contract: Contract, act: ContractAct, procedure: ContractProcedure, documentSHA: String?,
                        siteURL: String, at now: Date, on db: any Database) async throws {
        guard let id = contract.id else { return }
        let link = "\(siteURL)/contrats/\(id.uuidString.lowercased())"
        let deadline = procedure.deadline.map { " Échéance : \($0.lastDay) à 23 h 59 (heure de Paris)." } ?? ""
        var parties = procedure.waitingOn
        if act == .sanctionNotice { parties.append(.insurer) }
        for party in Set(parties) {
            let todo = whatToDo(party, procedure: procedure)
            for recipient in try await recipients(party, contract: contract, on: db) {
                try await add(recipient, subject: "CAQES — \(contract.holderName) : \(act.description)",
                              body: """
                              Bonjour \(recipient.name),

                              Sur la plateforme CAQES, le contrat de \(contract.holderName) (FINESS \(contract.holderFINESS)) vient de connaître l'acte suivant : \(act.description).
                              Il est maintenant à l'état « \(procedure.state.description) ».

                              \(todo)\(deadline)
                              \(documentSHA.map { "Document concerné : empreinte SHA-256 \($0).\n" } ?? "")
                              Ouvrir le contrat : \(link)

                              Ce message est envoyé automatiquement par la plateforme CAQES.
                              """,
                              contract: id, assessment: nil, kind: "acte", sendAfter: now, expect: nil, at: now, on: db)
            }
        }
        // Reminders before the deadline, to whoever must act, while nothing has changed.
        if let deadline = procedure.deadline {
            for party in procedure.waitingOn {
                for days in reminderDays {
                    let day = deadline.lastDay.adding(days: -days)
                    let sendAfter = day.instant(hour: 8, minute: 0, second: 0, timeZone: LegalClock.paris)
                    guard sendAfter > now else { continue }
                    for recipient in try await recipients(party, contract: contract, on: db) {
                        try await add(recipient, subject: "CAQES — rappel : \(days) jours avant l'échéance du \(deadline.lastDay) (\(contract.holderName))",
                                      body: """
                                      Bonjour \(recipient.name),

                                      Rappel : le contrat de \(contract.holderName) (FINESS \(contract.holderFINESS)) est à l'état « \(procedure.state.description) ».
                                      \(whatToDo(party, procedure: procedure)) Échéance : \(deadline.lastDay) à 23 h 59 (heure de Paris), dans \(days) jours.

                                      Ouvrir le contrat : \(link)
                                      """,
                                      contract: id, assessment: nil, kind: "rappel", sendAfter: sendAfter,
                                      expect: (procedure.state.code, deadline.lastDay.iso), at: now, on: db)
                    }
                }
            }
        }
    }

    static func whatToDo(_ party: ContractParty, procedure: ContractProcedure) -> String {
        let acts = party.roles.flatMap { ContractAct.available(in: procedure, for: $0) }
        let names = Array(NSOrderedSet(array: acts.map(\.description))) as? [String] ?? []
        guard !names.isEmpty else { return "Aucune action n'est attendue de votre part." }
        return "Actions possibles pour vous : \(names.joined(separator: ", "))."
    }

    static func add(_ recipient: Recipient, subject: String, body: String, contract: UUID?, assessment: UUID?, kind: String, sendAfter: Date,
                    expect: (String, String)?, at now: Date, on db: any Database) async throws {
        let message = OutboxMessage()
        message.id = UUID()
        message.recipient = recipient.email
        message.recipientName = recipient.name
        message.subject = subject
        message.body = body
        message.contractID = contract
        message.assessmentID = assessment
        message.kind = kind
        message.sendAfter = sendAfter
        message.expectState = expect?.0
        message.expectDeadline = expect?.1
        message.state = "en attente"
        message.attempts = 0
        message.createdAt = now
        try await message.create(on: db)
    }
}
