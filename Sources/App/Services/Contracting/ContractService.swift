import CAQESCore
import Fluent
import SQLKit
import Vapor

/// Contracts made from a frozen campaign (D28) and their procedure (DOMAIN B.5.1): every act is an
/// event in the contract's append-only log (D20); the state, the deadline and who acts next are
/// folded from that log and only copied onto the contract row for lists.
struct ContractService {
    let db: any Database
    let app: Application
    let actor: ContractingActor
    let now: Date

    static let settings = ProcedureSettings()

    // MARK: Reading (one scope rule for contracts, documents and acts)

    /// Whether the actor's scope covers a contract: region for the ARS, department for the fund,
    /// holder for the establishment.
    static func visible(_ contract: Contract, to scope: AccessScope) -> Bool {
        scope.allows(regionCode: contract.regionCode, departmentCode: contract.departmentCode,
                     holderFINESS: contract.holderFINESS, legalEntityFINESS: contract.legalEntityFINESS)
    }

    func find(_ id: UUID) async throws -> Contract {
        guard let contract = try await Contract.find(id, on: db), Self.visible(contract, to: actor.scope) else {
            throw UserFacingError.notFound()
        }
        return contract
    }

    func list(region: String? = nil, state: String? = nil, limit: Int = 5_000) async throws -> [Contract] {
        var query = Contract.query(on: db)
        switch actor.scope {
        case .all: break
        case .none: return []
        case .regions(let codes): query = query.filter(\.$regionCode ~~ Array(codes))
        case .departments(let codes): query = query.filter(\.$departmentCode ~~ Array(codes))
        case .holders(let codes): query = query.filter(\.$holderFINESS ~~ Array(codes))
        }
        if let region, !region.isEmpty { query = query.filter(\.$regionCode == String(region.prefix(3))) }
        if let state, !state.isEmpty {
            guard ContractProcedure.State(code: state) != nil else {
                throw UserFacingError(.badRequest, "Paramètre « etat » invalide : « \(state.prefix(30)) » (attendu : \(ContractProcedure.State.allCases.map(\.code).joined(separator: ", "))).")
            }
            query = query.filter(\.$state == state)
        }
        return try await query.sort(\.$deadline).sort(\.$holderName).limit(limit).all()
    }

    func events(_ contract: Contract) async throws -> [ContractEventRecord] {
        try await ContractEventRecord.query(on: db).filter(\.$contractID == contract.requireID()).sort(\.$seq).all()
    }

    func documents(_ contract: Contract) async throws -> [ContractDocument] {
        try await ContractDocument.query(on: db).filter(\.$contractID == contract.requireID()).sort(\.$createdAt).sort(\.$version).all()
    }

    /// A document by its SHA-256, scoped like its contract.
    func document(sha256: String) async throws -> (ContractDocument, Contract) {
        let sha = sha256.lowercased()
        guard sha.count == 64, sha.allSatisfy(\.isHexDigit),
              let document = try await ContractDocument.query(on: db).filter(\.$sha256 == sha).first() else {
            throw UserFacingError.notFound()
        }
        let contract = try await find(document.contractID)
        return (document, contract)
    }

    /// The procedure as the log makes it: every entry replayed through the core's transitions.
    static func fold(_ events: [ContractEventRecord]) throws -> ContractProcedure {
        var procedure = ContractProcedure()
        for record in events {
            let entry = try JSONText.decode(ProcedureEntry<ContractProcedure.Event>.self, from: record.entry)
            procedure = try ContractProcedure.transition(from: procedure, event: entry.event, now: entry.legalDate, settings: settings)
        }
        return procedure
    }

    // MARK: Creating

    struct NewContract {
        var campaignID: UUID
        var holder: String
        var start: LocalDate
        var end: LocalDate
        var amProducts: Decimal
        var options: [String: String] = [:]
        var rates: [String: String] = [:]
        /// An amendment (`avenant`) of this contract in force, instead of a new contract.
        var parent: Contract? = nil
    }

    /// The IDF day-case surgery option (regional-idf-2025): option 1 (all disciplines) or 2 (one
    /// specialty, named), fixed in each contract; it adds its regional indicator.
    static func dayCaseIndicator(options: [String: String], catalogues: [String]) throws -> String? {
        guard catalogues.contains("regional-idf-2025") else {
            if options["chirurgie_ambulatoire"] != nil {
                throw UserFacingError(.unprocessableEntity, "« options » : l'option de chirurgie ambulatoire n'existe qu'avec le catalogue regional-idf-2025.")
            }
            return nil
        }
        switch options["chirurgie_ambulatoire"] {
        case nil: return nil
        case "1": return "IDF-CA-OPT1"
        case "2":
            guard let specialty = options["specialite"]?.trimmingCharacters(in: .whitespaces), !specialty.isEmpty, specialty.count <= 100 else {
                throw UserFacingError(.unprocessableEntity, "« options » : l'option 2 de chirurgie ambulatoire porte sur une spécialité ; indiquez-la dans « specialite ».")
            }
            return "IDF-CA-OPT2"
        case let other?:
            throw UserFacingError(.unprocessableEntity, "« options » : option de chirurgie ambulatoire « \(other.prefix(10)) » inconnue (attendu : 1 ou 2).")
        }
    }

    /// Makes the contract of one holder of a frozen campaign; its indicators come from the frozen
    /// list. Effective dates in the past are allowed (a late campaign): the answer warns (D28).
    func create(_ new: NewContract) async throws -> (Contract, warnings: [String]) {
        guard actor.role == .arsAnalyst || actor.role == .arsDirector || actor.role == nil else {
            throw UserFacingError(.forbidden, "Seule l'ARS prépare les contrats.")
        }
        let campaigns = CampaignService(db: db, app: app, actor: actor, now: now)
        let campaign: TargetingCampaign
        do { campaign = try await campaigns.find(new.campaignID) } catch {
            throw UserFacingError(.unprocessableEntity, "« campagne » : campagne de ciblage introuvable dans votre périmètre.")
        }
        guard campaign.isFrozen else {
            throw UserFacingError(.conflict, "La campagne n'est pas gelée : la direction doit d'abord geler la liste des établissements ciblés (D28).")
        }
        guard new.start < new.end else {
            throw UserFacingError(.unprocessableEntity, "« fin » (\(new.end)) doit suivre « debut » (\(new.start)).")
        }
        guard new.start.days(until: new.end) <= 5 * 366 else {
            throw UserFacingError(.unprocessableEntity, "Un CAQES dure au plus 5 ans (L162-30-2) : du \(new.start) au \(new.end), c'est plus.")
        }
        let selection = try await campaigns.selection(campaign)
        guard var lines = selection[new.holder], !lines.isEmpty else {
            throw UserFacingError(.unprocessableEntity, "« titulaire » : \(new.holder.prefix(20)) n'est pas sur la liste gelée de cette campagne.")
        }
        if let dayCase = try Self.dayCaseIndicator(options: new.options, catalogues: campaign.catalogueIDs) {
            // The option's indicator is not targeted: it is fixed in the contract (regional-idf-2025).
            let line = TargetingResultRecord()
            line.holderFINESS = new.holder
            line.holderName = lines[0].holderName
            line.catalogueID = "regional-idf-2025"
            line.indicator = dayCase
            line.regional = true
            line.outcome = "oui"
            lines.append(line)
        }
        guard let holder = try await EstablishmentRepository(db: db, scope: .all).holder(new.holder) else {
            throw UserFacingError(.unprocessableEntity, "« titulaire » : \(new.holder.prefix(20)) est absent du registre.")
        }
        let registry = try app.catalogues()
        let overrides = Set(try await campaigns.overrides(campaign).filter(\.included).map { "\($0.holderFINESS)|\($0.indicator)" })
        var indicators: [ContractIndicator] = []
        for line in lines {
            let definition = registry[line.catalogueID]?.indicator(line.indicator)
            var rate: String?
            if !line.regional, let cap = definition?.cap {
                var chosen = cap
                if let text = new.rates[line.indicator] {
                    guard let value = Decimal(stored: text), value >= 0 else {
                        throw UserFacingError(.unprocessableEntity, "« taux » de \(line.indicator) : « \(text.prefix(20)) » n'est pas un taux (ex. « 0.20 »).")
                    }
                    guard value <= cap else {
                        throw UserFacingError(.unprocessableEntity, "« taux » de \(line.indicator) : \(FrenchNumberFormat.percent(value)) dépasse le plafond du catalogue, \(FrenchNumberFormat.percent(cap)) (D3).")
                    }
                    chosen = value
                }
                rate = chosen.description
            }
            var targets: [String: String] = [:]
            if let target = definition?.target {
                for (year, value) in target.targets.sorted(by: { $0.key < $1.key }) {
                    targets[String(year)] = "\(target.direction.label) \(value.frenchText(asPercent: true))"
                }
            }
            indicators.append(ContractIndicator(code: line.indicator, libelle: definition?.label ?? line.indicator, catalogue: line.catalogueID,
                                                regional: line.regional, taux: rate, cibles: targets,
                                                origine: line.indicator.hasPrefix("IDF-CA-") ? "option" :
                                                    (overrides.contains("\(line.holderFINESS)|\(line.indicator)") ? "derogation" : "ciblage")))
        }
        var warnings: [String] = []
        let today = LegalClock.today(now)
        if new.start < today {
            warnings.append("La date d'effet (\(new.start)) est déjà passée : contrat enregistré après coup ou campagne tardive.")
        }
        let contract = Contract()
        contract.id = UUID()
        contract.campaignID = try campaign.requireID()
        contract.kind = new.parent == nil ? "contrat" : "avenant"
        contract.parentID = new.parent?.id
        contract.holderFINESS = holder.finess
        contract.holderName = holder.name
        contract.legalEntityFINESS = holder.legalEntity
        contract.regionCode = campaign.regionCode
        contract.departmentCode = holder.department
        contract.startsOn = new.start.iso
        contract.endsOn = new.end.iso
        contract.amProducts = APIAmount.text(new.amProducts)
        contract.amProductsYear = new.start.year - 1
        contract.indicators = try JSONText.encode(indicators)
        contract.options = try JSONText.encode(new.options)
        contract.state = ContractProcedure.State.targeted.code
        contract.deadline = nil
        contract.waitingOn = ContractProcedure().waitingOn.map(\.rawValue).joined(separator: ",")
        contract.createdAt = now
        contract.updatedAt = now
        contract.version = 1
        let indicatorCount = indicators.count
        try await db.transaction { db in
            if try await Contract.query(on: db).filter(\.$campaignID == contract.campaignID)
                .filter(\.$holderFINESS == holder.finess).filter(\.$kind == contract.kind).first() != nil {
                throw UserFacingError(.conflict, "Un \(contract.kind) existe déjà pour \(holder.finess) dans cette campagne.")
            }
            try await contract.create(on: db)
            try await AuditLog.append(on: db, actor: actor.audit, action: "contrat.creation", target: "contrat \(try contract.requireID().uuidString.lowercased())",
                                      details: "\(holder.finess) \(holder.name), du \(new.start) au \(new.end), \(indicatorCount) indicateur(s)", at: now)
        }
        return (contract, warnings)
    }

    // MARK: Acting

    struct ActRequest: Sendable {
        var type: String
        var date: String?
        var texte: String?
        var observation: UUID?
        var password: String?
        var newLastDay: String?
        var signatory: String?
        var file: String?
    }

    /// Performs one act on a contract: role and scope, the procedure's rules and deadlines, the
    /// document it produces, one event appended, the projection updated, deadline jobs scheduled;
    /// all in one transaction, so a refused act writes nothing.
    func act(on id: UUID, _ request: ActRequest) async throws -> Contract {
        let contract = try await find(id)
        let act: ContractAct
        do { act = try ContractAct.parse(request.type) } catch { throw UserFacingError(.unprocessableEntity, error.description) }
        return try await perform(act, on: contract, request)
    }

    /// The platform's own acts (expiry, entry into force), from deadline jobs.
    func platformAct(_ act: ContractAct, on contract: Contract) async throws -> Contract {
        try await perform(act, on: contract, ActRequest(type: act.rawValue))
    }

    private func perform(_ act: ContractAct, on contract: Contract, _ request: ActRequest) async throws -> Contract {
        let contractID = try contract.requireID()
        let role = actor.role
        if let role {
            guard act.roles.contains(role) else {
                throw UserFacingError(.forbidden, ContractActError.roleNotAllowed(act: act.rawValue, role: role.label).description + ".")
            }
        } else {
            guard act.isPlatformAct else { throw UserFacingError.forbidden() }
        }
        let today = LegalClock.today(now)
        let texte = request.texte?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let texte, texte.count > 20_000 {
            throw UserFacingError(.unprocessableEntity, "« texte » : 20 000 caractères au plus.")
        }
        if act == .observations || act == .answer, (texte ?? "").isEmpty {
            throw UserFacingError(.unprocessableEntity, "« texte » est obligatoire pour l'acte « \(act.rawValue) ».")
        }
        if act == .signature {
            try await reauthenticate(request.password)
            if role == .establishment, !actor.isLegalRepresentative {
                throw UserFacingError(.forbidden, "Seul le représentant légal de l'établissement signe le contrat.")
            }
        }
        let signatory: ARSSignatory
        switch request.signatory {
        case nil, "": signatory = .regionalDirector
        case let value?:
            guard let parsed = ARSSignatory(rawValue: value) else {
                throw UserFacingError(.unprocessableEntity, "« signataire » : « \(value.prefix(30)) » inconnu (attendu : dg_ars ou delegue_departemental).")
            }
            signatory = parsed
        }
        let date = try APIDate.parse(request.date, field: "date")
        let newLastDay = try APIDate.parse(request.newLastDay, field: "nouvelle_echeance")

        return try await db.transaction { db in
            let service = ContractService(db: db, app: app, actor: actor, now: now)
            guard let current = try await Contract.find(contractID, on: db) else { throw UserFacingError.notFound() }
            let events = try await service.events(current)
            let procedure = try Self.fold(events)
            if act == .answer {
                guard let observation = request.observation,
                      let answered = events.first(where: { $0.id == observation }),
                      answered.act == ContractAct.observations.rawValue || answered.act == ContractAct.hearingRequest.rawValue else {
                    throw UserFacingError(.unprocessableEntity, "« observation » : indiquez l'identifiant d'un événement « observations » ou « demande_audition » de ce contrat.")
                }
            }
            let sanction = try service.refusalSanction(current)
            let input = ContractActInput(date: date, newLastDay: newLastDay, effectiveDate: try LocalDate(current.startsOn),
                                         refusalSanction: sanction, arsSignatory: signatory)
            let event: ContractProcedure.Event
            if role == nil {
                // The platform's own acts (checked above): no role to hold them against.
                event = act == .expiry ? .expire : .takeEffect
            } else {
                do {
                    event = try act.event(for: role ?? .admin, input: input, procedure: procedure, today: today)
                } catch let error as ContractActError {
                    let text = error.description
                    throw UserFacingError(.unprocessableEntity, text.prefix(1).uppercased() + text.dropFirst() + ".")
                }
            }
            let next: ContractProcedure
            do {
                next = try ContractProcedure.transition(from: procedure, event: event, now: today, settings: Self.settings)
            } catch let error as ProcedureError {
                throw Self.refusal(error, act: act, procedure: procedure)
            }

            // The document the act produces (sealed, stored by hash), or the one it is about.
            let documents = try await service.documents(current)
            var documentSHA = documents.last(where: { ["proposition", "proposition_modifiee"].contains($0.type) })?.sha256
            let producedType: String? = switch act {
            case .send: "proposition"
            case .amendedProposal: "proposition_modifiee"
            case .sanctionNotice: "decision_sanction"
            case .signature where next.state == .signed: "contrat_signe"
            default: nil
            }
            let seq = (events.last?.seq ?? 0) + 1
            let eventID = UUID()
            var pending: [(ContractEventRecord, ContractProcedure.Event)] = events.map { record in
                (record, (try? JSONText.decode(ProcedureEntry<ContractProcedure.Event>.self, from: record.entry).event) ?? .answerObservation)
            }
            let newRecord = ContractEventRecord()
            newRecord.id = eventID
            newRecord.contractID = contractID
            newRecord.seq = seq
            newRecord.act = act.rawValue
            newRecord.actorID = actor.userID
            newRecord.actor = actor.label
            newRecord.actorRole = role?.rawValue
            newRecord.legalDate = today.iso
            newRecord.recordedAt = now
            let details = ContractActDetails(texte: texte?.isEmpty == false ? texte : nil, observation: request.observation,
                                             fichier: request.file, adresse: actor.address, date: date?.iso)
            newRecord.details = try JSONText.encode(details)
            newRecord.documentSHA256 = documentSHA
            pending.append((newRecord, event))
            if let producedType {
                let version = (documents.filter { $0.type == producedType }.map(\.version).max() ?? 0) + 1
                let content = try ContractDocumentBuilder(contract: current, procedure: next, events: pending, catalogues: try app.catalogues(),
                                                          type: producedType, version: version, siteURL: app.caqesSettings.publicURL,
                                                          today: today).content()
                let bytes = try DocumentSeal.seal(content, app: app, at: now)
                let sha = try await IncomingFile.store(bytes, in: app.fileStore, db: db, at: now)
                let document = ContractDocument()
                document.id = UUID()
                document.contractID = contractID
                document.type = producedType
                document.version = version
                document.sha256 = sha
                document.createdAt = now
                try await document.create(on: db)
                // A signature stays about the document the signer saw; other acts carry what they issued.
                if act != .signature { documentSHA = sha }
            }
            // Every act carries the hash of the document it produced or is about (D20).
            newRecord.documentSHA256 = documentSHA
            let entry = ProcedureEntry(event: event, actor: actor.procedureActor, documentSHA256: documentSHA, legalDate: today, recordedAt: now)
            newRecord.entry = try JSONText.encode(entry)
            do {
                try await newRecord.create(on: db)
            } catch {
                throw UserFacingError(.conflict, "Un autre acte vient d'être enregistré sur ce contrat : rechargez-le et recommencez.")
            }
            if let file = request.file {
                // An attached piece (proof of receipt, CME minutes, observations) is kept with the
                // contract (and so never cleaned from the store).
                let count = documents.filter { $0.type == "piece_\(act.rawValue)" }.count
                let piece = ContractDocument()
                piece.id = UUID()
                piece.contractID = contractID
                piece.type = "piece_\(act.rawValue)"
                piece.version = count + 1
                piece.sha256 = file
                piece.createdAt = now
                if try await ContractDocument.query(on: db).filter(\.$sha256 == file).first() == nil { try await piece.create(on: db) }
            }
            let sql = db as! any SQLDatabase
            let updated = try await sql.update("contracts")
                .set("state", to: SQLBind(next.state.code))
                .set("deadline", to: SQLBind(next.deadline?.lastDay.iso))
                .set("waiting_on", to: SQLBind(next.waitingOn.map(\.rawValue).joined(separator: ",")))
                .set("updated_at", to: SQLBind(now))
                .set("version", to: SQLBind(current.version + 1))
                .where("id", .equal, SQLBind(contractID)).where("version", .equal, SQLBind(current.version))
                .returning("id").all()
            guard !updated.isEmpty else {
                throw UserFacingError(.conflict, "Le contrat a été modifié par quelqu'un d'autre entre-temps : rechargez-le.")
            }
            try await ContractDeadlines.schedule(contractID: contractID, procedure: next, previous: procedure,
                                                 startsOn: try LocalDate(current.startsOn), at: now, on: db)
            try await Notifications.enqueue(for: current, act: act, procedure: next, documentSHA: documentSHA,
                                            siteURL: app.caqesSettings.publicURL, at: now, on: db)
            try await AuditLog.append(on: db, actor: actor.audit, action: "contrat.\(act.rawValue)",
                                      target: "contrat \(contractID.uuidString.lowercased())",
                                      details: "\(current.holderFINESS) : \(act.description), état « \(next.state.description) »"
                                        + (documentSHA.map { ", document \($0.prefix(16))…" } ?? ""), at: now)
            guard let fresh = try await Contract.find(contractID, on: db) else { throw UserFacingError.notFound() }
            return fresh
        }
    }

    /// The refusal sanction the amended proposal states: AM products × the catalogue's rate (D14).
    func refusalSanction(_ contract: Contract) throws -> Decimal? {
        guard let products = Decimal(stored: contract.amProducts) else { return nil }
        let indicators = (try? JSONText.decode([ContractIndicator].self, from: contract.indicators)) ?? []
        let registry = try app.catalogues()
        let rate = indicators.lazy.compactMap { registry[$0.catalogue]?.refusalSanctionRate }.first
        guard let rate else { return nil }
        return ContractProcedure.refusalSanction(insuranceProductsLastClosedYear: products, rate: rate)
    }

    /// The signer types the password again (a signature is a deliberate act).
    private func reauthenticate(_ password: String?) async throws {
        guard let userID = actor.userID, let user = try await User.find(userID, on: db) else { throw UserFacingError.forbidden() }
        guard let password, !password.isEmpty, password.count <= 200, Passwords.verify(password, hash: user.passwordHash) else {
            try await AuditLog.append(on: db, actor: actor.audit, action: "contrat.signature.refusee", target: "compte \(user.email)",
                                      details: "mot de passe de signature incorrect", at: now)
            throw UserFacingError(.forbidden, "Signature refusée : « mot_de_passe » incorrect. Saisissez le mot de passe de votre compte pour signer.")
        }
    }

    /// A procedure refusal as an HTTP answer: 409 when the state or a deadline forbids the act
    /// (the message gives the deadline), 422 when what the act says is wrong.
    static func refusal(_ error: ProcedureError, act: ContractAct, procedure: ContractProcedure) -> UserFacingError {
        let conflict: Bool = switch error {
        case .eventNotAllowed, .deadlineNotReached, .tooLate, .hearingPending, .alreadySigned, .hearingAlreadyRecorded, .notYetEffective: true
        default: false
        }
        var message = error.description
        message = message.prefix(1).uppercased() + message.dropFirst()
        if case .eventNotAllowed = error {
            message += "."
            if let deadline = procedure.deadline { message += " Échéance en cours : \(deadline.lastDay)." }
        } else {
            message += "."
        }
        return UserFacingError(conflict ? .conflict : .unprocessableEntity, message)
    }
}
