import CAQESCore
import CAQESDocuments
import Fluent
import Vapor

/// Pages of the contract cycle: home per role, « Mes échéances », campaigns, contracts with their
/// timeline and acts, documents, and the public verification of a sealed document.
struct ContractingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.Route.home.components, use: home)
        routes.get(SiteURL.Route.verifyForm.components, use: verifyForm)
        routes.get(SiteURL.Route.verify.components, use: verify)
        let campaigns = routes.grouped(AccessGuard(family: .campaigns, api: false))
        campaigns.get(SiteURL.Route.campaigns.components, use: campaignList)
        campaigns.post(SiteURL.Route.campaigns.components, use: campaignCreate)
        campaigns.get(SiteURL.Route.campaign.components, use: campaignPage)
        campaigns.post(SiteURL.Route.campaignOverride.components, use: campaignOverride)
        campaigns.post(SiteURL.Route.campaignFreeze.components, use: campaignFreeze)
        campaigns.post(SiteURL.Route.contractCreate.components, use: contractCreate)
        campaigns.get(SiteURL.Route.campaignContracts.components, use: bulkPreview)
        campaigns.post(SiteURL.Route.campaignContracts.components, use: bulkCreate)
        campaigns.post(SiteURL.Route.campaignSend.components, use: bulkSend)
        campaigns.post(SiteURL.Route.campaignAmendments.components, use: amendAll)
        let contracts = routes.grouped(AccessGuard(family: .contracts, api: false))
        contracts.get(SiteURL.Route.deadlines.components, use: deadlines)
        contracts.post(SiteURL.Route.contractsOpinion.components, use: bulkOpinion)
        contracts.get(SiteURL.Route.contracts.components, use: contractList)
        contracts.get(SiteURL.Route.contractsCSV.components, use: contractCSV)
        contracts.get(SiteURL.Route.contract.components, use: contractPage)
        // Streamed: an act may carry a piece (proof of receipt, CME minutes, observations), sent
        // through the one upload path; its CSRF token is in the form's address.
        contracts.on(.POST, SiteURL.Route.contractAct.components, body: .stream, use: contractAct)
        routes.grouped(AccessGuard(family: .evaluation, api: false)).get(SiteURL.Route.document.components, use: document)
        contracts.get(SiteURL.Route.contractPreview.components, use: preview)
    }

    static func actor(_ req: Request, _ principal: Principal) -> ContractingActor {
        ContractingActor(principal: principal, address: ClientAddress.of(req))
    }

    static func date(_ iso: String?) -> String { iso.flatMap { try? LocalDate($0) }?.description ?? "" }

    // MARK: Home and deadlines

    struct TodoRow: Encodable {
        let holder: String; let name: String; let state: String; let deadline: String; let daysLeft: String
        let urgent: Bool; let acts: String; let href: String; let waitingOn: String
    }
    struct CampaignRow: Encodable { let label: String; let href: String; let frozen: Bool; let counts: String }
    struct HomePage: Encodable {
        let layout: LayoutContext
        let role: String
        let todo: [TodoRow]
        let others: [TodoRow]
        let campaigns: [CampaignRow]
        let nextDates: [TodoRow]
        let links: [LayoutContext.NavItem]
    }

    static func rows(_ contracts: [Contract], procedures: [UUID: ContractProcedure], role: Role, today: LocalDate) -> [TodoRow] {
        contracts.map { c in
            let procedure = c.id.flatMap { procedures[$0] } ?? ContractProcedure()
            let days = c.deadline.flatMap { try? LocalDate($0) }.map { today.days(until: $0) }
            return TodoRow(holder: c.holderFINESS, name: c.holderName, state: procedure.state.description,
                           deadline: date(c.deadline), daysLeft: days.map { $0 < 0 ? "échue" : "\($0) j" } ?? "",
                           urgent: (days ?? 99) <= 7, acts: ContractAct.available(in: procedure, for: role).map(\.description).joined(separator: ", "),
                           href: SiteURL.contract(c.id ?? UUID()).path,
                           waitingOn: procedure.waitingOn.map(\.description).joined(separator: ", "))
        }
    }

    /// Every listed contract's procedure, folded from its log: the logs are read in a few
    /// queries (500 contracts each), not one per contract.
    static func procedures(_ contracts: [Contract], service: ContractService) async throws -> [UUID: ContractProcedure] {
        var result: [UUID: ContractProcedure] = [:]
        for chunk in contracts.compactMap(\.id).chunked(into: 500) {
            let logs = Dictionary(grouping: try await ContractEventRecord.query(on: service.db).filter(\.$contractID ~~ Array(chunk)).sort(\.$seq).all(),
                                  by: \.contractID)
            for id in chunk { result[id] = try ContractService.fold(logs[id] ?? []) }
        }
        return result
    }

    @Sendable func home(req: Request) async throws -> Response {
        guard let principal = try await req.principal() else {
            return req.redirect(to: SiteURL.login(next: nil, expired: false).path)
        }
        guard RouteFamily.contracts.allows(principal.role) else { return req.redirect(to: SiteURL.establishments.path) }
        let service = ContractService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        let today = LegalClock.today(req.now)
        let contracts = try await service.list(limit: 2_000)
        let procedures = try await Self.procedures(contracts, service: service)
        let mine = contracts.filter { c in
            guard let p = c.id.flatMap({ procedures[$0] }) else { return false }
            return !ContractAct.available(in: p, for: principal.role).isEmpty
        }
        var campaigns: [CampaignRow] = []
        if RouteFamily.campaigns.allows(principal.role) {
            let list = try await CampaignService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now).list()
            for campaign in list.prefix(10) {
                let ofCampaign = contracts.filter { $0.campaignID == campaign.id }
                let counts = Dictionary(grouping: ofCampaign, by: \.state).sorted { $0.key < $1.key }
                    .map { "\(ContractProcedure.State(code: $0.key)?.description ?? $0.key) : \($0.value.count)" }
                campaigns.append(CampaignRow(label: "Région \(campaign.regionCode), données \(campaign.year), exécution n° \(campaign.runNumber)",
                                             href: SiteURL.campaign(campaign.id ?? UUID()).path, frozen: campaign.isFrozen,
                                             counts: counts.isEmpty ? "aucun contrat" : counts.joined(separator: " · ")))
            }
        }
        let dated = contracts.filter { $0.deadline != nil }.sorted { ($0.deadline ?? "") < ($1.deadline ?? "") }
        let page = HomePage(
            layout: LayoutContext(request: req, title: "Accueil", principal: principal),
            role: principal.role.label,
            todo: Self.rows(mine, procedures: procedures, role: principal.role, today: today),
            others: [],
            campaigns: campaigns,
            nextDates: Self.rows(Array(dated.prefix(10)), procedures: procedures, role: principal.role, today: today),
            links: LayoutContext.navigation(for: principal.role, currentPath: ""))
        return try await req.view.render("contracting/home", page).encodeResponse(for: req)
    }

    struct DeadlinesPage: Encodable { let layout: LayoutContext; let rows: [TodoRow] }

    @Sendable func deadlines(req: Request) async throws -> View {
        let principal = try await req.requirePrincipal()
        let service = ContractService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        let contracts = try await service.list(limit: 2_000).filter { $0.deadline != nil }
        let procedures = try await Self.procedures(contracts, service: service)
        return try await req.view.render("contracting/deadlines", DeadlinesPage(
            layout: LayoutContext(request: req, title: "Mes échéances", principal: principal, breadcrumbs: [("Mes échéances", nil)]),
            rows: Self.rows(contracts.sorted { ($0.deadline ?? "") < ($1.deadline ?? "") }, procedures: procedures,
                            role: principal.role, today: LegalClock.today(req.now))))
    }

    // MARK: Campaigns

    struct CampaignListPage: Encodable {
        struct Row: Encodable { let label: String; let href: String; let frozen: String; let by: String; let catalogues: String }
        let layout: LayoutContext
        let rows: [Row]
        let canRun: Bool
        let catalogues: [SelectOption]
        let regions: [SelectOption]
        let errors: [String]
        let createHref: String
    }

    @Sendable func campaignList(req: Request) async throws -> View {
        try await renderCampaignList(req, errors: [])
    }

    func renderCampaignList(_ req: Request, errors: [String]) async throws -> View {
        let principal = try await req.requirePrincipal()
        let service = CampaignService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        let regions: [String] = switch principal.scope { case .regions(let codes): codes.sorted(); default: [] }
        let page = CampaignListPage(
            layout: LayoutContext(request: req, title: "Campagnes de ciblage", principal: principal, breadcrumbs: [("Campagnes de ciblage", nil)]),
            rows: try await service.list().map { c in
                .init(label: "Région \(c.regionCode) — données \(c.year) — exécution n° \(c.runNumber)", href: SiteURL.campaign(c.id ?? UUID()).path,
                      frozen: c.frozenOn.map { "gelée (décision du \(Self.date($0)))" } ?? "en préparation",
                      by: "\(c.createdBy), \(FrenchFormat.dateTime(c.createdAt))", catalogues: c.catalogueIDs.joined(separator: ", "))
            },
            canRun: principal.role == .arsAnalyst || principal.role == .arsDirector,
            catalogues: try req.application.catalogues().all.map { SelectOption(value: $0.id, label: "\($0.id) — \($0.label)", selected: false) },
            regions: regions.map { SelectOption(value: $0, label: $0, selected: false) },
            errors: errors,
            createHref: SiteURL.campaigns.path)
        return try await req.view.render("contracting/campaigns", page)
    }

    struct CampaignForm: Content { var region: String?; var annee: String?; var catalogues: [String]? }

    @Sendable func campaignCreate(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let form = try req.content.decode(CampaignForm.self)
        let service = CampaignService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        do {
            guard let year = form.annee.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
                throw UserFacingError(.unprocessableEntity, "« Année des données » : indiquez une année (ex. 2022).")
            }
            let campaign = try await service.create(region: form.region ?? "", year: year, catalogueIDs: form.catalogues ?? [])
            req.webSession?.setFlash("Ciblage exécuté : exécution n° \(campaign.runNumber).")
            return req.redirect(to: SiteURL.campaign(try campaign.requireID()).path)
        } catch let error as UserFacingError where error.status.code < 500 {
            return try await renderCampaignList(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    struct CampaignPage: Encodable {
        struct Result: Encodable {
            let holder: String; let name: String; let indicator: String; let catalogue: String; let outcome: String; let outcomeClass: String
            let reason: String; let criteria: String; let override: String; let selected: Bool
        }
        struct Selected: Encodable { let holder: String; let name: String; let indicators: String; let contractHref: String }
        let layout: LayoutContext
        let title: String
        let summary: String
        let frozen: Bool
        let frozenText: String
        let results: [Result]
        let totalResults: Int
        let selection: [Selected]
        let differences: [CampaignDTO.Difference]
        let canOverride: Bool
        let canFreeze: Bool
        let canContract: Bool
        let overrideHref: String
        let freezeHref: String
        let contractHref: String
        let campaignID: String
        let filterHolder: String
        let filterOutcome: String
        let outcomes: [SelectOption]
        let errors: [String]
        let today: String
        let bulkHref: String
        let sendHref: String
        let canSend: Bool
        let jobs: [String]
        let amendHref: String
        /// The campaign carries regional-idf-2025: each contract chooses its day-case option.
        let dayCaseOption: Bool
    }

    @Sendable func campaignPage(req: Request) async throws -> View {
        try await renderCampaign(req, errors: [])
    }

    func renderCampaign(_ req: Request, errors: [String]) async throws -> View {
        let principal = try await req.requirePrincipal()
        let service = CampaignService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let campaign = try await service.find(id)
        let dto = try await CampaignDTO.make(campaign, service: service)
        struct Query: Decodable { var titulaire: String?; var cible: String? }
        let query = (try? req.query.decode(Query.self)) ?? Query()
        let holderFilter = (query.titulaire ?? "").trimmingCharacters(in: .whitespaces).prefix(100).lowercased()
        let selectedKeys = Set(dto.selection.flatMap { s in s.indicateurs.map { "\(s.titulaire)|\($0)" } })
        let contracts = try await Contract.query(on: req.db).filter(\.$campaignID == id).all()
        let filtered = dto.resultats.filter { r in
            let holderMatches = holderFilter.isEmpty || r.titulaire.contains(holderFilter) || r.nom.lowercased().contains(holderFilter)
            let outcomeMatches = (query.cible ?? "").isEmpty || r.cible == query.cible
            return holderMatches && outcomeMatches
        }
        let page = CampaignPage(
            layout: LayoutContext(request: req, title: "Campagne de ciblage", principal: principal,
                                  breadcrumbs: [("Campagnes de ciblage", .campaigns), ("Région \(campaign.regionCode), exécution n° \(campaign.runNumber)", nil)]),
            title: "Ciblage — région \(campaign.regionCode), données \(campaign.year), exécution n° \(campaign.runNumber)",
            summary: "Catalogues : \(campaign.catalogueIDs.joined(separator: ", ")). Exécuté par \(campaign.createdBy) le \(FrenchFormat.dateTime(campaign.createdAt)). \(dto.titulaires_cibles) titulaire(s) à contractualiser.",
            frozen: campaign.isFrozen,
            frozenText: campaign.frozenOn.map { "Liste gelée par décision du \(Self.date($0)) (\(campaign.frozenBy ?? ""))." } ?? "Liste en préparation : les dérogations sont possibles jusqu'au gel.",
            results: filtered.prefix(1_000).map { r in
                .init(holder: r.titulaire, name: r.nom, indicator: r.indicateur, catalogue: r.catalogue, outcome: r.cible,
                      outcomeClass: r.cible == "oui" ? "fr-badge--success" : (r.cible == "non" ? "fr-badge--info" : "fr-badge--warning"),
                      reason: r.raison,
                      criteria: r.criteres.map { "\($0.libelle) : \($0.valeur ?? "—") \($0.comparaison) \($0.seuil ?? "—") → \($0.resultat)" }.joined(separator: " ; "),
                      override: r.derogation.map { "\($0.cible ? "ciblé" : "non ciblé") par dérogation : \($0.raison) (\($0.auteur))" } ?? "",
                      selected: selectedKeys.contains("\(r.titulaire)|\(r.indicateur)"))
            },
            totalResults: filtered.count,
            selection: dto.selection.map { s in
                let existing = contracts.first { $0.holderFINESS == s.titulaire }
                return .init(holder: s.titulaire, name: s.nom, indicators: s.indicateurs.joined(separator: ", "),
                             contractHref: existing.flatMap { $0.id }.map { SiteURL.contract($0).path } ?? "")
            },
            differences: dto.differences,
            canOverride: !campaign.isFrozen && (principal.role == .arsAnalyst || principal.role == .arsDirector),
            canFreeze: !campaign.isFrozen && principal.role == .arsDirector,
            canContract: campaign.isFrozen && (principal.role == .arsAnalyst || principal.role == .arsDirector),
            overrideHref: SiteURL.campaignOverride(id).path,
            freezeHref: SiteURL.campaignFreeze(id).path,
            contractHref: SiteURL.contractCreate.path,
            campaignID: id.uuidString.lowercased(),
            filterHolder: String(holderFilter),
            filterOutcome: query.cible ?? "",
            outcomes: ["oui", "non", "non évaluable"].map { SelectOption(value: $0, label: $0, selected: $0 == query.cible) },
            errors: errors,
            today: LegalClock.today(req.now).iso,
            bulkHref: SiteURL.campaignContracts(id).path,
            sendHref: SiteURL.campaignSend(id).path,
            canSend: campaign.isFrozen && principal.role == .arsDirector && contracts.contains { $0.state == ContractProcedure.State.targeted.code },
            jobs: try await Self.bulkJobs(id, db: req.db),
            amendHref: SiteURL.campaignAmendments(id).path,
            dayCaseOption: campaign.catalogueIDs.contains("regional-idf-2025"))
        return try await req.view.render("contracting/campaign", page)
    }

    struct OverrideForm: Content { var titulaire: String?; var indicateur: String?; var cible: String?; var raison: String? }

    @Sendable func campaignOverride(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let form = try req.content.decode(OverrideForm.self)
        let service = CampaignService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let campaign = try await service.find(id)
        do {
            _ = try await service.override(campaign, holder: String((form.titulaire ?? "").prefix(20)), indicator: String((form.indicateur ?? "").prefix(20)),
                                           included: form.cible == "oui", reason: form.raison ?? "")
            req.webSession?.setFlash("Dérogation enregistrée pour \(form.titulaire ?? "") / \(form.indicateur ?? "").")
            return req.redirect(to: SiteURL.campaign(id).path)
        } catch let error as UserFacingError where error.status.code < 500 {
            return try await renderCampaign(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    struct FreezeForm: Content { var date_decision: String? }

    @Sendable func campaignFreeze(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let form = try req.content.decode(FreezeForm.self)
        let service = CampaignService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let campaign = try await service.find(id)
        do {
            _ = try await service.freeze(campaign, decisionDate: try APIDate.require(form.date_decision, field: "date de décision"))
            req.webSession?.setFlash("Liste gelée.")
            return req.redirect(to: SiteURL.campaign(id).path)
        } catch let error as UserFacingError where error.status.code < 500 {
            return try await renderCampaign(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    struct ContractForm: Content {
        var campagne: String?; var titulaire: String?; var debut: String?; var fin: String?; var produits_am: String?
        /// The IDF day-case surgery option (« 1 » or « 2 ») and, for option 2, its specialty.
        var chirurgie_ambulatoire: String?; var specialite: String?
    }

    @Sendable func contractCreate(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let form = try req.content.decode(ContractForm.self)
        guard let campaignID = form.campagne.flatMap(UUID.init(uuidString:)) else { throw UserFacingError.notFound() }
        let service = ContractService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        do {
            let (contract, warnings) = try await service.create(.init(
                campaignID: campaignID, holder: String((form.titulaire ?? "").prefix(20)),
                start: try APIDate.require(form.debut, field: "date d'effet"), end: try APIDate.require(form.fin, field: "date de fin"),
                amProducts: try APIAmount.parse((form.produits_am ?? "").replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: " ", with: "")
                    .replacingOccurrences(of: "\u{202F}", with: ""), field: "produits AM"),
                options: form.chirurgie_ambulatoire.flatMap { $0.isEmpty ? nil : $0 }.map { option in
                    ["chirurgie_ambulatoire": option, "specialite": form.specialite ?? ""].filter { !$0.value.isEmpty }
                } ?? [:]))
            req.webSession?.setFlash((["Contrat créé."] + warnings).joined(separator: " "))
            return req.redirect(to: SiteURL.contract(try contract.requireID()).path)
        } catch let error as UserFacingError where error.status.code < 500 {
            req.parameters.set("id", to: campaignID.uuidString)
            return try await renderCampaign(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    /// The sending jobs of a campaign, newest first, as one line each.
    static func bulkJobs(_ campaign: UUID, db: any Database) async throws -> [String] {
        let jobs = try await Job.query(on: db).filter(\.$kind == BulkContracting.sendKind).sort(\.$createdAt, .descending).limit(50).all()
        return jobs.filter { (try? JSONText.decode(BulkContracting.SendPayload.self, from: $0.payload))?.campagne == campaign }.prefix(5).map { job in
            "Envoi groupé du \(FrenchFormat.dateTime(job.createdAt)) par \(job.actorLabel) : \(job.state)"
                + (job.message.map { " — \($0)" } ?? (job.state == JobState.running.rawValue ? " (\(Int(job.progress * 100)) %)" : ""))
        }
    }

    struct BulkPage: Encodable {
        struct Row: Encodable { let holder: String; let name: String; let indicators: String; let products: String; let status: String }
        let layout: LayoutContext
        let title: String
        let rows: [Row]
        let creatable: Int
        let start: String
        let end: String
        let actionHref: String
        let backHref: String
    }

    struct BulkQuery: Content { var debut: String?; var fin: String? }

    @Sendable func bulkPreview(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let actor = Self.actor(req, principal)
        let campaign = try await CampaignService(db: req.db, app: req.application, actor: actor, now: req.now).find(id)
        let query = (try? req.query.decode(BulkQuery.self)) ?? BulkQuery()
        let start: LocalDate, end: LocalDate
        do {
            start = try APIDate.require(query.debut, field: "date d'effet")
            end = try APIDate.require(query.fin, field: "date de fin")
        } catch let error as UserFacingError {
            return try await renderCampaign(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
        let plan = try await BulkContracting(db: req.db, app: req.application, actor: actor, now: req.now).plan(campaign, start: start)
        let page = BulkPage(
            layout: LayoutContext(request: req, title: "Contrats de la liste", principal: principal,
                                  breadcrumbs: [("Campagnes de ciblage", .campaigns), ("Région \(campaign.regionCode), exécution n° \(campaign.runNumber)", .campaign(id)), ("Contrats de la liste", nil)]),
            title: "Contrats de toute la liste — du \(start) au \(end)",
            rows: plan.map { line in
                .init(holder: line.holder, name: line.name, indicators: line.indicators.joined(separator: ", "),
                      products: line.products.map(FrenchNumberFormat.euros) ?? "absents",
                      status: line.existing != nil ? "contrat déjà créé" : (line.products == nil ? "écarté : produits AM \(start.year - 1) absents" : "à créer"))
            },
            creatable: plan.filter { $0.existing == nil && $0.products != nil }.count,
            start: start.iso, end: end.iso, actionHref: SiteURL.campaignContracts(id).path, backHref: SiteURL.campaign(id).path)
        return try await req.view.render("contracting/bulk", page).encodeResponse(for: req)
    }

    @Sendable func bulkCreate(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard principal.role == .arsAnalyst || principal.role == .arsDirector else { throw UserFacingError.forbidden() }
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let form = try req.content.decode(BulkQuery.self)
        let actor = Self.actor(req, principal)
        let campaign = try await CampaignService(db: req.db, app: req.application, actor: actor, now: req.now).find(id)
        do {
            guard campaign.isFrozen else { throw UserFacingError(.conflict, "La campagne n'est pas gelée.") }
            let result = try await BulkContracting(db: req.db, app: req.application, actor: actor, now: req.now)
                .createAll(campaign, start: try APIDate.require(form.debut, field: "date d'effet"), end: try APIDate.require(form.fin, field: "date de fin"))
            req.webSession?.setFlash("\(result.created) contrat(s) créé(s)." + (result.skipped.isEmpty ? "" : " Écartés : " + result.skipped.joined(separator: " ; ") + "."))
            return req.redirect(to: SiteURL.campaign(id).path)
        } catch let error as UserFacingError where error.status.code < 500 {
            return try await renderCampaign(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    @Sendable func bulkSend(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let actor = Self.actor(req, principal)
        let campaign = try await CampaignService(db: req.db, app: req.application, actor: actor, now: req.now).find(id)
        do {
            _ = try await BulkContracting(db: req.db, app: req.application, actor: actor, now: req.now).queueSending(campaign)
            req.webSession?.setFlash("Envoi groupé lancé : chaque proposition est générée, scellée et envoyée ; l'état de la tâche s'affiche ci-dessous.")
            return req.redirect(to: SiteURL.campaign(id).path)
        } catch let error as UserFacingError where error.status.code < 500 {
            return try await renderCampaign(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    @Sendable func amendAll(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let form = try req.content.decode(BulkQuery.self)
        let actor = Self.actor(req, principal)
        let campaign = try await CampaignService(db: req.db, app: req.application, actor: actor, now: req.now).find(id)
        do {
            let result = try await BulkContracting(db: req.db, app: req.application, actor: actor, now: req.now)
                .prepareAmendments(campaign, start: try APIDate.require(form.debut, field: "date d'effet"), end: try APIDate.require(form.fin, field: "date de fin"))
            req.webSession?.setFlash("\(result.created) avenant(s) préparé(s)." + (result.exits.isEmpty ? "" : " Sorties : " + result.exits.joined(separator: " ; ") + "."))
            return req.redirect(to: SiteURL.campaign(id).path)
        } catch let error as UserFacingError where error.status.code < 500 {
            return try await renderCampaign(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    struct OpinionForm: Content { var date: String? }

    @Sendable func bulkOpinion(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard ContractAct.insuranceOpinion.roles.contains(principal.role) else { throw UserFacingError.forbidden() }
        let form = try req.content.decode(OpinionForm.self)
        let count = try await BulkContracting(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
            .insuranceOpinionForAll(date: try APIDate.parse(form.date, field: "date de l'avis"))
        req.webSession?.setFlash("Avis de l'Assurance Maladie enregistré sur \(count) proposition(s).")
        return req.redirect(to: SiteURL.contracts.path)
    }

    // MARK: Contracts

    struct ContractListPage: Encodable {
        struct Row: Encodable {
            let holder: String; let name: String; let department: String; let state: String; let deadline: String
            let daysLeft: String; let urgent: Bool; let waitingOn: String; let href: String
        }
        let layout: LayoutContext
        let rows: [Row]
        let total: Int
        let states: [SelectOption]
        let csvHref: String
        let sortLinks: [ColumnHead]
        let canGiveOpinion: Bool
        let opinionHref: String
        let today: String
    }

    static func listQuery(_ req: Request) -> (state: String?, region: String?, sort: String) {
        struct Query: Decodable { var etat: String?; var region: String?; var tri: String? }
        let q = (try? req.query.decode(Query.self)) ?? Query()
        return (q.etat.flatMap { $0.isEmpty ? nil : String($0.prefix(30)) }, q.region.flatMap { $0.isEmpty ? nil : String($0.prefix(3)) }, q.tri ?? "echeance")
    }

    static func sorted(_ contracts: [Contract], by key: String) -> [Contract] {
        switch key {
        case "titulaire": contracts.sorted { $0.holderName < $1.holderName }
        case "etat": contracts.sorted { ($0.state, $0.holderName) < ($1.state, $1.holderName) }
        case "departement": contracts.sorted { ($0.departmentCode, $0.holderName) < ($1.departmentCode, $1.holderName) }
        default: contracts.sorted { ($0.deadline ?? "9999", $0.holderName) < ($1.deadline ?? "9999", $1.holderName) }
        }
    }

    @Sendable func contractList(req: Request) async throws -> View {
        let principal = try await req.requirePrincipal()
        let service = ContractService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        let q = Self.listQuery(req)
        let contracts = Self.sorted(try await service.list(region: q.region, state: q.state), by: q.sort)
        let today = LegalClock.today(req.now)
        let base = [URLQueryItem(name: "etat", value: q.state ?? "")]
        let page = ContractListPage(
            layout: LayoutContext(request: req, title: "Contrats", principal: principal, breadcrumbs: [("Contrats", nil)]),
            rows: contracts.map { c in
                let days = c.deadline.flatMap { try? LocalDate($0) }.map { today.days(until: $0) }
                return .init(holder: c.holderFINESS, name: c.holderName, department: c.departmentCode,
                             state: ContractProcedure.State(code: c.state)?.description ?? c.state, deadline: Self.date(c.deadline),
                             daysLeft: days.map { $0 < 0 ? "échue" : "\($0) j" } ?? "", urgent: (days ?? 99) <= 7,
                             waitingOn: c.waitingOn.split(separator: ",").compactMap { ContractParty(rawValue: String($0))?.description }.joined(separator: ", "),
                             href: SiteURL.contract(c.id ?? UUID()).path)
            },
            total: contracts.count,
            states: ContractProcedure.State.allCases.map { SelectOption(value: $0.code, label: $0.description, selected: $0.code == q.state) },
            csvHref: SiteURL.with(SiteURL.contractsCSV.path, base + [URLQueryItem(name: "tri", value: q.sort)]),
            sortLinks: [("Titulaire", "titulaire"), ("Dép.", "departement"), ("État", "etat"), ("Échéance", "echeance")].map { label, key in
                ColumnHead(label: label, href: SiteURL.with(SiteURL.contracts.path, base + [URLQueryItem(name: "tri", value: key)]),
                           arrow: q.sort == key ? " ▲" : "", ariaSort: q.sort == key ? "ascending" : "", help: "")
            },
            canGiveOpinion: principal.role == .insurer && contracts.contains { $0.state == ContractProcedure.State.targeted.code },
            opinionHref: SiteURL.contractsOpinion.path,
            today: today.iso)
        return try await req.view.render("contracting/contracts", page)
    }

    @Sendable func contractCSV(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let service = ContractService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        let q = Self.listQuery(req)
        let contracts = Self.sorted(try await service.list(region: q.region, state: q.state), by: q.sort)
        let today = LegalClock.today(req.now)
        var csv = FrenchCSVWriter()
        csv.appendRow(["titulaire", "nom", "region", "departement", "etat", "echeance", "jours_restants", "attente_de", "debut", "fin"])
        for c in contracts {
            let days = c.deadline.flatMap { try? LocalDate($0) }.map { String(today.days(until: $0)) } ?? ""
            csv.appendRow([c.holderFINESS, c.holderName, c.regionCode, c.departmentCode, c.state, Self.date(c.deadline), days, c.waitingOn,
                           Self.date(c.startsOn), Self.date(c.endsOn)])
        }
        try await AuditLog.append(on: req.db, actor: principal.auditActor, action: "export CSV", target: "contrats",
                                  details: "\(contracts.count) ligne(s)", at: req.now)
        let response = Response(status: .ok, body: .init(data: csv.data))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "contrats.csv")
        return response
    }

    struct ContractPage: Encodable {
        struct Event: Encodable { let date: String; let time: String; let what: String; let who: String; let text: String; let document: String; let documentHref: String; let id: String }
        struct Document: Encodable { let label: String; let version: Int; let sha256: String; let href: String; let date: String }
        struct Act: Encodable {
            let type: String; let label: String; let needsDate: Bool; let dateLabel: String; let needsText: Bool; let textLabel: String
            let needsObservation: Bool; let needsPassword: Bool; let needsSignatory: Bool; let needsNewDeadline: Bool
            let pieceLabel: String; let consent: String
        }
        struct Indicator: Encodable { let code: String; let label: String; let kind: String; let rate: String; let targets: String }
        let layout: LayoutContext
        let name: String
        let holder: String
        let state: String
        let deadline: String
        let daysLeft: String
        let waitingOn: String
        let period: String
        let dates: String
        let products: String
        let sanction: String
        let indicators: [Indicator]
        let events: [Event]
        let documents: [Document]
        let acts: [Act]
        let actHref: String
        let observations: [SelectOption]
        let currentDocument: String
        let errors: [String]
        let today: String
        let pastStartWarning: String
        let nature: String
        let previewHref: String
        let parentHref: String
        let periods: [PeriodRow]
        let exit: String
    }
    struct PeriodRow: Encodable { let dates: String; let source: String; let indicators: String; let href: String }

    @Sendable func contractPage(req: Request) async throws -> View {
        try await renderContract(req, errors: [])
    }

    func renderContract(_ req: Request, errors: [String]) async throws -> View {
        let principal = try await req.requirePrincipal()
        let service = ContractService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let contract = try await service.find(id)
        let events = try await service.events(contract)
        let procedure = try ContractService.fold(events)
        let documents = try await service.documents(contract)
        let today = LegalClock.today(req.now)
        let current = documents.last { ["proposition", "proposition_modifiee"].contains($0.type) }?.sha256 ?? ""
        let acts = ContractAct.available(in: procedure, for: principal.role).map { act -> ContractPage.Act in
            let needsDate = [ContractAct.insuranceOpinion, .cmeOpinion, .hearing].contains(act) || (act == .receipt && principal.role != .establishment)
            let pieceLabel: String = switch act {
            case .insuranceOpinion: "Avis de la caisse (fichier, facultatif)"
            case .receipt where principal.role != .establishment: "Preuve : l'accusé de réception du courriel (fichier)"
            case .cmeOpinion: "Procès-verbal de la CME (fichier)"
            case .observations, .hearingRequest: "Pièces jointes (fichier, facultatif)"
            default: ""
            }
            return .init(type: act.rawValue, label: act.description, needsDate: needsDate,
                         dateLabel: act == .receipt ? "Date de l'accusé de réception du courriel" : (act == .hearing ? "Date de l'audition" : "Date de l'avis"),
                         needsText: [.observations, .answer, .hearingRequest].contains(act),
                         textLabel: act == .answer ? "Réponse de l'ARS" : "Observations de l'établissement",
                         needsObservation: act == .answer, needsPassword: act == .signature,
                         needsSignatory: act == .signature && principal.role == .arsDirector, needsNewDeadline: act == .hearing,
                         pieceLabel: pieceLabel,
                         consent: act == .signature
                            ? "Je signe, au nom de la partie que je représente, le document dont l'empreinte SHA-256 est \(current). Ma signature est enregistrée avec la date, l'heure et mon adresse réseau."
                            : (act == .receipt && principal.role == .establishment ? "J'accuse réception du document dont l'empreinte SHA-256 est \(current) : la période contradictoire court à compter d'aujourd'hui." : ""))
        }
        let indicators = (try? JSONText.decode([ContractIndicator].self, from: contract.indicators)) ?? []
        let days = procedure.deadline.map { today.days(until: $0.lastDay) }
        let page = ContractPage(
            layout: LayoutContext(request: req, title: "Contrat \(contract.holderName)", principal: principal,
                                  breadcrumbs: [("Contrats", .contracts), (contract.holderName, nil)]),
            name: contract.holderName, holder: contract.holderFINESS,
            state: procedure.state.description,
            deadline: procedure.deadline.map { "\($0.lastDay) à 23 h 59 (heure de Paris)" } ?? "",
            daysLeft: days.map { $0 < 0 ? "échue" : "\($0) jour(s) restant(s)" } ?? "",
            waitingOn: procedure.waitingOn.map(\.description).joined(separator: ", "),
            period: procedure.currentPeriod.map { "\($0.period) — \($0.receipt)" } ?? "",
            dates: "du \(Self.date(contract.startsOn)) au \(Self.date(contract.endsOn))",
            products: "\(FrenchNumberFormat.euros(Decimal(stored: contract.amProducts) ?? 0)) (exercice \(contract.amProductsYear))",
            sanction: procedure.refusalSanction.map(FrenchNumberFormat.euros) ?? "",
            indicators: indicators.map { i in
                .init(code: i.code, label: i.libelle, kind: i.regional ? "régional" : "national",
                      rate: i.taux.flatMap { Decimal(stored: $0) }.map(FrenchNumberFormat.percent) ?? "",
                      targets: i.cibles.sorted { $0.key < $1.key }.map { "\($0.key) : \($0.value)" }.joined(separator: " ; "))
            },
            events: events.map { e in
                let details = try? JSONText.decode(ContractActDetails.self, from: e.details)
                let what = ContractAct(rawValue: e.act)?.description ?? e.act
                return .init(date: Self.date(e.legalDate), time: FrenchFormat.dateTime(e.recordedAt), what: what + (details?.date.map { " (daté du \(Self.date($0)))" } ?? ""),
                             who: e.actor, text: details?.texte ?? "", document: e.documentSHA256 ?? "",
                             documentHref: e.documentSHA256.map { SiteURL.document($0).path } ?? "", id: e.id?.uuidString.lowercased() ?? "")
            },
            documents: documents.map { d in
                .init(label: ContractDocumentBuilder.label(of: d.type), version: d.version, sha256: d.sha256, href: SiteURL.document(d.sha256).path,
                      date: FrenchFormat.dateTime(d.createdAt))
            },
            acts: acts,
            actHref: SiteURL.with(SiteURL.contractAct(id).path, [URLQueryItem(name: CSRFMiddleware.field, value: CSRFMiddleware.token(for: req))]),
            observations: events.filter { $0.act == ContractAct.observations.rawValue || $0.act == ContractAct.hearingRequest.rawValue }.map { e in
                SelectOption(value: e.id?.uuidString.lowercased() ?? "", label: "\(Self.date(e.legalDate)) — \((try? JSONText.decode(ContractActDetails.self, from: e.details))?.texte?.prefix(80) ?? "demande d'audition")", selected: false)
            },
            currentDocument: current,
            errors: errors,
            today: today.iso,
            pastStartWarning: (try? LocalDate(contract.startsOn)).map { $0 < today && procedure.state != .inForce ? "La date d'effet (\($0)) est déjà passée." : "" } ?? "",
            nature: contract.kind == "avenant" ? "Avenant" : "Contrat",
            previewHref: [.arsAnalyst, .arsDirector, .admin].contains(principal.role)
                && [.targeted, .observationsReceived, .period1Expired, .refused, .hearingPending].contains(procedure.state)
                ? SiteURL.contractPreview(id).path : "",
            parentHref: contract.parentID.map { SiteURL.contract($0).path } ?? "",
            periods: try await Self.periodRows(contract, db: req.db),
            exit: contract.exitOn.map { "Sortie : contrat non prolongé, il prend fin le \(Self.date($0)). \(contract.exitReason ?? "")" } ?? "")
        return try await req.view.render("contracting/contract", page)
    }

    /// The contract's periods and amendments (which indicators applied when), with links.
    static func periodRows(_ contract: Contract, db: any Database) async throws -> [PeriodRow] {
        var root = contract
        if let parentID = contract.parentID, let parent = try await Contract.find(parentID, on: db) { root = parent }
        let amendments = try await Contract.query(on: db).filter(\.$parentID == root.requireID()).sort(\.$startsOn).all()
        guard !amendments.isEmpty else { return [] }
        var rows = ContractDTO.periods(root: root, amendments: amendments).map { p in
            PeriodRow(dates: "du \(date(p.debut)) au \(date(p.fin))", source: p.source == "contrat" ? "contrat" : "avenant (en vigueur)",
                      indicators: p.indicateurs.map(\.code).joined(separator: ", "),
                      href: p.source == "contrat" ? SiteURL.contract(root.id ?? UUID()).path
                        : SiteURL.contract(UUID(uuidString: String(p.source.dropFirst("avenant ".count))) ?? UUID()).path)
        }
        for a in amendments where ![ContractProcedure.State.signed.code, ContractProcedure.State.inForce.code].contains(a.state) {
            rows.append(PeriodRow(dates: "du \(date(a.startsOn)) au \(date(a.endsOn))",
                                  source: "avenant en procédure (\(ContractProcedure.State(code: a.state)?.description ?? a.state))",
                                  indicators: ((try? JSONText.decode([ContractIndicator].self, from: a.indicators)) ?? []).map(\.code).joined(separator: ", "),
                                  href: SiteURL.contract(a.id ?? UUID()).path))
        }
        return rows
    }


    @Sendable func contractAct(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let service = ContractService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        // Out of scope: 404 before any byte of the body is read.
        _ = try await service.find(id)
        let (form, piece) = try await ActInput.read(req)
        do {
            let contract = try await service.act(on: id, form.request(file: piece))
            let label = ContractAct(rawValue: form.type ?? "")?.description ?? "acte"
            req.webSession?.setFlash("Acte enregistré : \(label). État : « \(ContractProcedure.State(code: contract.state)?.description ?? contract.state) ».")
            return req.redirect(to: SiteURL.contract(id).path)
        } catch let error as UserFacingError where error.status.code < 500 && error.status != .notFound {
            return try await renderContract(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    /// The proposal as it would be sent now (or the amended proposal, with its sanction): an
    /// unsealed draft, never stored, for the ARS to check before sending.
    @Sendable func preview(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard [.arsAnalyst, .arsDirector, .admin].contains(principal.role) else { throw UserFacingError.forbidden() }
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        let service = ContractService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        let contract = try await service.find(id)
        let events = try await service.events(contract)
        var procedure = try ContractService.fold(events)
        let amended = [ContractProcedure.State.observationsReceived, .period1Expired, .refused, .hearingPending].contains(procedure.state)
        if amended { procedure.refusalSanction = try service.refusalSanction(contract) }
        let type = amended ? "proposition_modifiee" : "proposition"
        let version = (try await service.documents(contract).filter { $0.type == type }.map(\.version).max() ?? 0) + 1
        let pairs = events.map { record in
            (record, (try? JSONText.decode(ProcedureEntry<ContractProcedure.Event>.self, from: record.entry).event) ?? .answerObservation)
        }
        var content = try ContractDocumentBuilder(contract: contract, procedure: procedure, events: pairs, catalogues: try req.application.catalogues(),
                                                  type: type, version: version, siteURL: req.application.caqesSettings.publicURL,
                                                  today: LegalClock.today(req.now)).content()
        content.reference = "PROJET — non scellé, non envoyé"
        content.footer = .init(verificationLine: "Projet de document : il n'a pas de valeur tant qu'il n'est pas envoyé, scellé, par la plateforme.")
        let bytes = try PDFDocumentWriter.render(content)
        let response = Response(status: .ok, body: .init(data: Data(bytes)))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"projet-\(type)-\(contract.holderFINESS).pdf\"")
        return response
    }

    @Sendable func document(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let service = ContractService(db: req.db, app: req.application, actor: Self.actor(req, principal), now: req.now)
        return try await DocumentResponse.find(req.parameters.get("sha256") ?? "", contracts: service, req: req)
    }

    // MARK: Public verification

    struct VerifyPage: Encodable {
        let layout: LayoutContext
        let searched: String
        let found: Bool
        let kind: String
        let holder: String
        let version: Int
        let date: String
        let state: String
        let formHref: String
    }

    @Sendable func verifyForm(req: Request) async throws -> Response {
        struct Query: Decodable { var empreinte: String? }
        if let sha = (try? req.query.decode(Query.self))?.empreinte?.trimmingCharacters(in: .whitespaces).lowercased(), !sha.isEmpty {
            return req.redirect(to: SiteURL.verify(String(sha.prefix(64))).path)
        }
        return try await req.view.render("contracting/verify", VerifyPage(
            layout: LayoutContext(request: req, title: "Vérifier un document"), searched: "", found: false, kind: "", holder: "",
            version: 0, date: "", state: "", formHref: SiteURL.verifyForm.path)).encodeResponse(for: req)
    }

    /// Says whether a sealed document with this hash exists, and only its kind, holder, version,
    /// date and the contract's state.
    @Sendable func verify(req: Request) async throws -> Response {
        let sha = (req.parameters.get("sha256") ?? "").lowercased()
        var page = VerifyPage(layout: LayoutContext(request: req, title: "Vérifier un document"), searched: String(sha.prefix(64)), found: false,
                              kind: "", holder: "", version: 0, date: "", state: "", formHref: SiteURL.verifyForm.path)
        if sha.count == 64, sha.allSatisfy(\.isHexDigit),
           let document = try await ContractDocument.query(on: req.db).filter(\.$sha256 == sha).first(),
           !document.type.hasPrefix("piece_"),
           let contract = try await Contract.find(document.contractID, on: req.db) {
            page = VerifyPage(layout: page.layout, searched: sha, found: true, kind: ContractDocumentBuilder.label(of: document.type),
                              holder: contract.holderName, version: document.version, date: FrenchFormat.dateTime(document.createdAt),
                              state: ContractProcedure.State(code: contract.state)?.description ?? contract.state, formHref: page.formHref)
        }
        return try await req.view.render("contracting/verify", page).encodeResponse(status: page.found ? .ok : .notFound, for: req)
    }
}
