import CAQESCore
import Fluent
import Vapor

/// The whole frozen list at once: contracts for every holder (AM products from the stored
/// measure `am_products` of the last closed year), the AM fund's opinion on all the proposals of
/// its department, and the sending of every proposal as one database job.
struct BulkContracting {
    let db: any Database
    let app: Application
    let actor: ContractingActor
    let now: Date

    struct PlanLine: Sendable {
        let holder: String
        let name: String
        let indicators: [String]
        let products: Decimal?
        let existing: UUID?
    }

    /// What `createAll` would do: one line per holder of the frozen list.
    func plan(_ campaign: TargetingCampaign, start: LocalDate) async throws -> [PlanLine] {
        let campaigns = CampaignService(db: db, app: app, actor: actor, now: now)
        let selection = try await campaigns.selection(campaign)
        let holders = selection.keys.sorted()
        let products = try await MeasureRepository(db: db).current(measures: ["am_products"], year: start.year - 1, finess: holders)
        var byHolder: [String: Decimal] = [:]
        for row in products { if let text = row.value, let value = Decimal(stored: text) { byHolder[row.finess] = value } }
        let existing = try await Contract.query(on: db).filter(\.$campaignID == campaign.requireID()).filter(\.$kind == "contrat").all()
        return holders.map { holder in
            let lines = selection[holder] ?? []
            return PlanLine(holder: holder, name: lines.first?.holderName ?? holder, indicators: lines.map(\.indicator),
                            products: byHolder[holder], existing: existing.first { $0.holderFINESS == holder }?.id)
        }
    }

    /// Creates the contracts the plan can create; returns how many, and the holders left out with why.
    func createAll(_ campaign: TargetingCampaign, start: LocalDate, end: LocalDate) async throws -> (created: Int, skipped: [String]) {
        var created = 0
        var skipped: [String] = []
        let service = ContractService(db: db, app: app, actor: actor, now: now)
        for line in try await plan(campaign, start: start) where line.existing == nil {
            guard let products = line.products else {
                skipped.append("\(line.name) (\(line.holder)) : produits AM \(start.year - 1) absents des mesures (« am_products »)")
                continue
            }
            _ = try await service.create(.init(campaignID: try campaign.requireID(), holder: line.holder, start: start, end: end, amProducts: products))
            created += 1
        }
        return (created, skipped)
    }

    /// The fund's opinion, at `date`, on every proposal of its scope still waiting to be sent.
    func insuranceOpinionForAll(date: LocalDate?) async throws -> Int {
        let service = ContractService(db: db, app: app, actor: actor, now: now)
        var count = 0
        for contract in try await service.list(state: ContractProcedure.State.targeted.code) {
            let procedure = try ContractService.fold(try await service.events(contract))
            guard procedure.insuranceOpinionOn == nil, let id = contract.id else { continue }
            _ = try await service.act(on: id, .init(type: ContractAct.insuranceOpinion.rawValue, date: date?.iso))
            count += 1
        }
        return count
    }

    static let sendKind = "envoi_groupe"

    struct SendPayload: Codable, Sendable {
        var campagne: UUID
        var acteur: UUID
    }

    /// Queues the sending of every proposal of the campaign that has its AM opinion.
    func queueSending(_ campaign: TargetingCampaign) async throws -> UUID {
        guard actor.role == .arsDirector, let userID = actor.userID else {
            throw UserFacingError(.forbidden, "Seule la direction de l'ARS envoie les propositions.")
        }
        let job = try await JobQueue.enqueue(kind: Self.sendKind, payload: SendPayload(campagne: try campaign.requireID(), acteur: userID),
                                             actor: actor.audit, fileSHA256: nil, at: now, on: db)
        await app.jobWorker.kick()
        return try job.requireID()
    }

    /// The job: each proposal generated, sealed and sent in its own transaction; the message counts them.
    static func runSending(_ job: Job, app: Application, progress: @escaping @Sendable (ImportProgress) -> Void) async throws -> String {
        let payload = try JSONText.decode(SendPayload.self, from: job.payload)
        let actor = try await ContractingActor.of(userID: payload.acteur, db: app.db, address: "tâche d'envoi groupé")
        let contracts = try await Contract.query(on: app.db).filter(\.$campaignID == payload.campagne)
            .filter(\.$state == ContractProcedure.State.targeted.code).sort(\.$holderName).all()
        var sent = 0, waiting = 0
        for (index, contract) in contracts.enumerated() {
            let service = ContractService(db: app.db, app: app, actor: actor, now: app.clock.now())
            let procedure = try ContractService.fold(try await service.events(contract))
            guard procedure.insuranceOpinionOn != nil, let id = contract.id else { waiting += 1; continue }
            _ = try await service.act(on: id, .init(type: ContractAct.send.rawValue))
            sent += 1
            progress(ImportProgress(phase: "Envoi des propositions", fraction: Double(index + 1) / Double(max(contracts.count, 1)), rows: index + 1))
        }
        return "\(sent) proposition(s) envoyée(s)" + (waiting > 0 ? ", \(waiting) en attente de l'avis de l'Assurance Maladie" : "") + "."
    }
}

extension ContractingActor {
    /// The actor of a stored user id (jobs act for the person who queued them).
    static func of(userID: UUID, db: any Database, address: String?) async throws -> ContractingActor {
        guard let user = try await User.find(userID, on: db), user.isActive else {
            throw UserFacingError(.forbidden, "Le compte qui a lancé cette tâche n'existe plus ou est désactivé.")
        }
        let scopes = try await UserScope.query(on: db).filter(\.$user.$id == userID).all()
        let elements = scopes.compactMap { s in ScopeKind(rawValue: s.kind).map { (kind: $0, code: s.code) } }
        var actor = ContractingActor(userID: userID, label: "\(user.displayName) <\(user.email)>", role: user.roleValue,
                                     scope: AccessScope.of(role: user.roleValue, elements: elements),
                                     isLegalRepresentative: user.isLegalRepresentative, address: address)
        actor.expertBody = user.expertBody.flatMap(ReviewBody.parse)
        return actor
    }
}

extension BulkContracting {
    /// Amendments of a frozen amendment campaign (e.g. IDF, October 2024): every contract in force
    /// of the region whose holder is still targeted gets an amendment (prolongation to `end`, the
    /// new indicators from `start`), through the same procedure; the others exit at their end date.
    /// `options` gives, per holder, the IDF day-case surgery option of its amendment.
    func prepareAmendments(_ campaign: TargetingCampaign, start: LocalDate, end: LocalDate,
                           options: [String: [String: String]] = [:]) async throws -> (created: Int, exits: [String]) {
        guard actor.role == .arsAnalyst || actor.role == .arsDirector else {
            throw UserFacingError(.forbidden, "Seule l'ARS prépare les avenants.")
        }
        guard campaign.isFrozen else {
            throw UserFacingError(.conflict, "La campagne n'est pas gelée : la direction doit d'abord geler la liste (D28).")
        }
        let campaignID = try campaign.requireID()
        let selection = try await CampaignService(db: db, app: app, actor: actor, now: now).selection(campaign)
        let inForce = try await Contract.query(on: db).filter(\.$regionCode == campaign.regionCode).filter(\.$kind == "contrat")
            .filter(\.$state == ContractProcedure.State.inForce.code).filter(\.$exitOn == nil).sort(\.$holderName).all()
        let existing = Set(try await Contract.query(on: db).filter(\.$campaignID == campaignID).filter(\.$kind == "avenant").all().compactMap(\.parentID))
        let products = try await MeasureRepository(db: db).current(measures: ["am_products"], year: start.year - 1, finess: inForce.map(\.holderFINESS))
        var created = 0
        var exits: [String] = []
        let service = ContractService(db: db, app: app, actor: actor, now: now)
        for contract in inForce where !existing.contains(contract.id ?? UUID()) {
            if selection[contract.holderFINESS] != nil {
                let stored = products.first { $0.finess == contract.holderFINESS }?.value.flatMap { Decimal(stored: $0) }
                let amount = stored ?? Decimal(stored: contract.amProducts) ?? 0
                _ = try await service.create(.init(campaignID: campaignID, holder: contract.holderFINESS, start: start, end: end,
                                                   amProducts: amount, options: options[contract.holderFINESS] ?? [:], parent: contract))
                created += 1
            } else {
                let reason = "Titulaire plus ciblé par la campagne \(campaign.regionCode)-\(campaign.year) (exécution n° \(campaign.runNumber), décision du \(campaign.frozenOn.flatMap { try? LocalDate($0) }?.description ?? "")) : contrat non prolongé."
                try await db.transaction { db in
                    contract.exitOn = contract.endsOn
                    contract.exitReason = reason
                    contract.version += 1
                    try await contract.save(on: db)
                    try await AuditLog.append(on: db, actor: actor.audit, action: "contrat.sortie", target: "contrat \(contract.id?.uuidString.lowercased() ?? "")",
                                              details: "\(contract.holderFINESS) : \(reason)", at: now)
                }
                exits.append("\(contract.holderName) (\(contract.holderFINESS)) : fin le \((try? LocalDate(contract.endsOn))?.description ?? contract.endsOn)")
            }
        }
        return (created, exits)
    }
}
