import CAQESCore
import Fluent
import Vapor

/// The contracting API (D29, binding names): targeting campaigns, contracts, acts, documents.
struct ContractingAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let campaigns = routes.grouped(APITokenAuthenticator(), AccessGuard(family: .campaigns, api: true))
        campaigns.post(SiteURL.Route.apiCampaigns.components, use: createCampaign)
        campaigns.get(SiteURL.Route.apiCampaigns.components, use: listCampaigns)
        campaigns.get(SiteURL.Route.apiCampaign.components, use: showCampaign)
        campaigns.post(SiteURL.Route.apiCampaignFreeze.components, use: freeze)
        campaigns.post(SiteURL.Route.apiCampaignOverrides.components, use: override)
        campaigns.post(SiteURL.Route.apiCampaignContracts.components, use: createAll)
        campaigns.post(SiteURL.Route.apiCampaignSend.components, use: sendAll)
        campaigns.post(SiteURL.Route.apiCampaignAmendments.components, use: amendAll)
        let contracts = routes.grouped(APITokenAuthenticator(), AccessGuard(family: .contracts, api: true))
        contracts.post(SiteURL.Route.apiContracts.components, use: createContract)
        contracts.post(SiteURL.Route.apiContractsOpinion.components, use: opinionForAll)
        contracts.get(SiteURL.Route.apiContracts.components, use: listContracts)
        contracts.get(SiteURL.Route.apiContract.components, use: showContract)
        // Streamed: JSON, or multipart with a `piece` file (the token is checked before the body is read).
        contracts.on(.POST, SiteURL.Route.apiContractActs.components, body: .stream, use: act)
        // Documents of contracts and of evaluations: every role, each document scoped like its record.
        routes.grouped(APITokenAuthenticator(), AccessGuard(family: .evaluation, api: true))
            .get(SiteURL.Route.apiDocument.components, use: document)
    }

    // MARK: Campaigns

    struct CampaignBody: Content { var region: String?; var annee: Int?; var catalogues: [String]? }

    @Sendable func createCampaign(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let body = try Self.decode(CampaignBody.self, req)
        guard let region = body.region, let year = body.annee, let catalogues = body.catalogues else {
            throw UserFacingError(.unprocessableEntity, "Champs obligatoires : « region », « annee » et « catalogues » (ex. {\"region\": \"32\", \"annee\": 2022, \"catalogues\": [\"national-2022\"]}).")
        }
        let service = CampaignService(db: req.db, app: req.application, actor: ContractingActor(principal: principal, address: ClientAddress.of(req)), now: req.now)
        let campaign = try await service.create(region: region, year: year, catalogueIDs: catalogues)
        let dto = try await CampaignDTO.make(campaign, service: service)
        let response = try await dto.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: SiteURL.apiCampaign(try campaign.requireID()).path)
        return response
    }

    @Sendable func listCampaigns(req: Request) async throws -> [String: [CampaignSummaryDTO]] {
        let principal = try await req.requirePrincipal()
        let service = CampaignService(db: req.db, app: req.application, actor: ContractingActor(principal: principal, address: nil), now: req.now)
        return ["elements": try await service.list().map(CampaignSummaryDTO.init)]
    }

    @Sendable func showCampaign(req: Request) async throws -> CampaignDTO {
        let principal = try await req.requirePrincipal()
        let service = CampaignService(db: req.db, app: req.application, actor: ContractingActor(principal: principal, address: nil), now: req.now)
        return try await CampaignDTO.make(try await service.find(Self.id(req)), service: service)
    }

    struct FreezeBody: Content { var date_decision: String? }

    @Sendable func freeze(req: Request) async throws -> CampaignDTO {
        let principal = try await req.requirePrincipal()
        let body = try Self.decode(FreezeBody.self, req)
        let service = CampaignService(db: req.db, app: req.application, actor: ContractingActor(principal: principal, address: ClientAddress.of(req)), now: req.now)
        let campaign = try await service.find(Self.id(req))
        let date = try APIDate.require(body.date_decision, field: "date_decision")
        return try await CampaignDTO.make(try await service.freeze(campaign, decisionDate: date), service: service)
    }

    struct OverrideBody: Content { var titulaire: String?; var indicateur: String?; var cible: Bool?; var raison: String? }

    @Sendable func override(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let body = try Self.decode(OverrideBody.self, req)
        guard let holder = body.titulaire, let indicator = body.indicateur, let included = body.cible else {
            throw UserFacingError(.unprocessableEntity, "Champs obligatoires : « titulaire », « indicateur », « cible » (true ou false) et « raison ».")
        }
        let service = CampaignService(db: req.db, app: req.application, actor: ContractingActor(principal: principal, address: ClientAddress.of(req)), now: req.now)
        let campaign = try await service.find(Self.id(req))
        _ = try await service.override(campaign, holder: holder, indicator: indicator, included: included, reason: body.raison ?? "")
        return try await CampaignDTO.make(campaign, service: service).encodeResponse(status: .created, for: req)
    }

    struct BulkBody: Content { var debut: String?; var fin: String? }
    struct BulkResult: Content { var crees: Int; var ecartes: [String] }

    /// Contracts for the whole frozen list (AM products from the stored `am_products` measure).
    @Sendable func createAll(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard principal.role == .arsAnalyst || principal.role == .arsDirector else { throw UserFacingError.forbidden() }
        let body = try Self.decode(BulkBody.self, req)
        let actor = ContractingActor(principal: principal, address: ClientAddress.of(req))
        let campaign = try await CampaignService(db: req.db, app: req.application, actor: actor, now: req.now).find(Self.id(req))
        guard campaign.isFrozen else { throw UserFacingError(.conflict, "La campagne n'est pas gelée : la direction doit d'abord geler la liste (D28).") }
        let (start, end) = (try APIDate.require(body.debut, field: "debut"), try APIDate.require(body.fin, field: "fin"))
        let result = try await BulkContracting(db: req.db, app: req.application, actor: actor, now: req.now).createAll(campaign, start: start, end: end)
        return try await BulkResult(crees: result.created, ecartes: result.skipped).encodeResponse(status: .created, for: req)
    }

    struct AmendmentBody: Content { var debut: String?; var fin: String?; var options: [String: [String: String]]? }
    struct AmendmentResult: Content { var avenants: Int; var sorties: [String] }

    /// Amendments of every contract in force of the region (prolongation, new indicators), exits
    /// for holders no longer targeted.
    @Sendable func amendAll(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let body = try Self.decode(AmendmentBody.self, req)
        let actor = ContractingActor(principal: principal, address: ClientAddress.of(req))
        let campaign = try await CampaignService(db: req.db, app: req.application, actor: actor, now: req.now).find(Self.id(req))
        let result = try await BulkContracting(db: req.db, app: req.application, actor: actor, now: req.now)
            .prepareAmendments(campaign, start: try APIDate.require(body.debut, field: "debut"), end: try APIDate.require(body.fin, field: "fin"),
                               options: body.options ?? [:])
        return try await AmendmentResult(avenants: result.created, sorties: result.exits).encodeResponse(status: .created, for: req)
    }

    /// Sends every proposal of the campaign that has its AM opinion, as one job.
    @Sendable func sendAll(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let actor = ContractingActor(principal: principal, address: ClientAddress.of(req))
        let campaign = try await CampaignService(db: req.db, app: req.application, actor: actor, now: req.now).find(Self.id(req))
        let job = try await BulkContracting(db: req.db, app: req.application, actor: actor, now: req.now).queueSending(campaign)
        return try await ["tache": job.uuidString.lowercased()].encodeResponse(status: .accepted, for: req)
    }

    struct OpinionBody: Content { var date: String? }

    /// The AM fund's opinion on every proposal of its scope waiting to be sent.
    @Sendable func opinionForAll(req: Request) async throws -> [String: Int] {
        let principal = try await req.requirePrincipal()
        guard ContractAct.insuranceOpinion.roles.contains(principal.role) else { throw UserFacingError.forbidden() }
        let body = try Self.decode(OpinionBody.self, req)
        let actor = ContractingActor(principal: principal, address: ClientAddress.of(req))
        let count = try await BulkContracting(db: req.db, app: req.application, actor: actor, now: req.now)
            .insuranceOpinionForAll(date: try APIDate.parse(body.date, field: "date"))
        return ["avis": count]
    }

    // MARK: Contracts

    struct ContractBody: Content {
        var campagne: UUID?; var titulaire: String?; var debut: String?; var fin: String?; var produits_am: String?
        var options: [String: String]?; var taux: [String: String]?
    }

    @Sendable func createContract(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let body = try Self.decode(ContractBody.self, req)
        guard let campaign = body.campagne, let holder = body.titulaire, let products = body.produits_am else {
            throw UserFacingError(.unprocessableEntity, "Champs obligatoires : « campagne », « titulaire », « debut », « fin » et « produits_am ».")
        }
        let actor = ContractingActor(principal: principal, address: ClientAddress.of(req))
        let service = ContractService(db: req.db, app: req.application, actor: actor, now: req.now)
        let new = ContractService.NewContract(campaignID: campaign, holder: String(holder.prefix(20)),
                                              start: try APIDate.require(body.debut, field: "debut"), end: try APIDate.require(body.fin, field: "fin"),
                                              amProducts: try APIAmount.parse(products, field: "produits_am"),
                                              options: body.options ?? [:], rates: body.taux ?? [:])
        let (contract, warnings) = try await service.create(new)
        var dto = try await ContractDTO.make(contract, service: service, role: principal.role)
        dto.avertissements = warnings
        let response = try await dto.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: SiteURL.apiContract(try contract.requireID()).path)
        return response
    }

    @Sendable func listContracts(req: Request) async throws -> ContractListDTO {
        let principal = try await req.requirePrincipal()
        struct Query: Decodable { var region: String?; var etat: String? }
        let query = (try? req.query.decode(Query.self)) ?? Query()
        let service = ContractService(db: req.db, app: req.application, actor: ContractingActor(principal: principal, address: nil), now: req.now)
        let contracts = try await service.list(region: query.region, state: query.etat)
        let today = LegalClock.today(req.now)
        return ContractListDTO(elements: contracts.map { ContractSummaryDTO($0, today: today) }, total: contracts.count)
    }

    @Sendable func showContract(req: Request) async throws -> ContractDTO {
        let principal = try await req.requirePrincipal()
        let service = ContractService(db: req.db, app: req.application, actor: ContractingActor(principal: principal, address: nil), now: req.now)
        return try await ContractDTO.make(try await service.find(Self.id(req)), service: service, role: principal.role)
    }

    @Sendable func act(req: Request) async throws -> ContractDTO {
        let principal = try await req.requirePrincipal()
        let service = ContractService(db: req.db, app: req.application, actor: ContractingActor(principal: principal, address: ClientAddress.of(req)), now: req.now)
        let id = try Self.id(req)
        _ = try await service.find(id)
        let (input, piece) = try await ActInput.read(req)
        guard input.type != nil else {
            throw UserFacingError(.unprocessableEntity, "Champ obligatoire : « type » (ex. {\"type\": \"accuse_reception\"}).")
        }
        let contract = try await service.act(on: id, input.request(file: piece))
        return try await ContractDTO.make(contract, service: service, role: principal.role)
    }

    @Sendable func document(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let service = ContractService(db: req.db, app: req.application, actor: ContractingActor(principal: principal, address: nil), now: req.now)
        return try await DocumentResponse.find(req.parameters.get("sha256") ?? "", contracts: service, req: req)
    }

    // MARK: Helpers

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw UserFacingError.notFound() }
        return id
    }

    static func decode<T: Decodable>(_ type: T.Type, _ req: Request) throws -> T {
        do { return try req.content.decode(T.self) } catch {
            throw UserFacingError(.unprocessableEntity, "Corps de requête illisible : JSON attendu (Content-Type: application/json) avec des champs du bon type.")
        }
    }
}

/// A stored document, served with its type and hash.
enum DocumentResponse {
    /// A stored document by its SHA-256: a contract's, or else an evaluation's (report, decision,
    /// evidence), each scoped like its record.
    static func find(_ sha256: String, contracts: ContractService, req: Request) async throws -> Response {
        do {
            // An expert takes no part in contracts: only evaluation documents are looked up.
            guard contracts.actor.role.map(RouteFamily.contracts.allows) ?? true else { throw UserFacingError.notFound() }
            let (document, _) = try await contracts.document(sha256: sha256)
            return try await make(type: document.type, version: document.version, sha256: document.sha256, req: req)
        } catch let error as UserFacingError where error.status == .notFound {
            let evaluation = EvaluationService(db: contracts.db, app: contracts.app, actor: contracts.actor, now: contracts.now)
            let document = try await evaluation.document(sha256: sha256)
            return try await make(type: document.type, version: document.version, sha256: document.sha256, req: req)
        }
    }

    static func make(type: String, version: Int, sha256: String, req: Request) async throws -> Response {
        let path = req.application.fileStore.path(for: sha256)
        guard FileManager.default.fileExists(atPath: path) else { throw UserFacingError.notFound() }
        let response = try await req.fileio.asyncStreamFile(at: path)
        let isPDF = !type.hasPrefix("piece_") && type != "preuve"
        response.headers.replaceOrAdd(name: .contentType, value: isPDF ? "application/pdf" : "application/octet-stream")
        let name = "caqes-\(type)-v\(version)-\(sha256.prefix(12)).\(isPDF ? "pdf" : "bin")"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "\(isPDF ? "inline" : "attachment"); filename=\"\(name)\"")
        response.headers.replaceOrAdd(name: "X-Content-SHA256", value: sha256)
        return response
    }
}

// MARK: DTOs (French snake_case, D29)

struct CampaignSummaryDTO: Content {
    var id: UUID
    var region: String
    var annee: Int
    var catalogues: [String]
    var execution: Int
    var gelee: Bool
    var date_decision: String?

    init(_ c: TargetingCampaign) {
        id = c.id ?? UUID()
        region = c.regionCode
        annee = c.year
        catalogues = c.catalogueIDs
        execution = c.runNumber
        gelee = c.isFrozen
        date_decision = c.frozenOn
    }
}

struct CampaignDTO: Content {
    struct Result: Content {
        var titulaire: String; var nom: String; var catalogue: String; var indicateur: String; var regional: Bool
        var cible: String; var raison: String; var criteres: [CriterionSnapshot]; var derogation: Override?
    }
    struct Override: Content { var cible: Bool; var raison: String; var auteur: String; var date: String }
    struct Difference: Content { var titulaire: String; var indicateur: String; var avant: String?; var apres: String? }
    struct Selected: Content { var titulaire: String; var nom: String; var indicateurs: [String] }

    var id: UUID
    var region: String
    var annee: Int
    var catalogues: [String]
    var execution: Int
    var precedente: UUID?
    var gelee: Bool
    var date_decision: String?
    var gelee_par: String?
    var creee_par: String
    var creee_le: Date
    var versions_donnees: String
    var resultats: [Result]
    var differences: [Difference]
    var selection: [Selected]
    var titulaires_cibles: Int

    static func make(_ c: TargetingCampaign, service: CampaignService) async throws -> CampaignDTO {
        let results = try await service.results(c)
        let overrides = Dictionary(try await service.overrides(c).map { ("\($0.holderFINESS)|\($0.indicator)", $0) }, uniquingKeysWith: { $1 })
        var differences: [Difference] = []
        if let previousID = c.previousID, let previous = try await TargetingCampaign.find(previousID, on: service.db) {
            let before = Dictionary(try await service.results(previous).map { ("\($0.holderFINESS)|\($0.indicator)", $0.outcome) }, uniquingKeysWith: { $1 })
            let after = Dictionary(results.map { ("\($0.holderFINESS)|\($0.indicator)", $0.outcome) }, uniquingKeysWith: { $1 })
            for key in Set(before.keys).union(after.keys).sorted() where before[key] != after[key] {
                let parts = key.split(separator: "|").map(String.init)
                differences.append(Difference(titulaire: parts[0], indicateur: parts.count > 1 ? parts[1] : "", avant: before[key], apres: after[key]))
            }
        }
        let selection = try await service.selection(c)
        return CampaignDTO(
            id: try c.requireID(), region: c.regionCode, annee: c.year, catalogues: c.catalogueIDs, execution: c.runNumber,
            precedente: c.previousID, gelee: c.isFrozen, date_decision: c.frozenOn, gelee_par: c.frozenBy, creee_par: c.createdBy,
            creee_le: c.createdAt, versions_donnees: c.dataVersions,
            resultats: results.map { r in
                let o = overrides["\(r.holderFINESS)|\(r.indicator)"]
                return Result(titulaire: r.holderFINESS, nom: r.holderName, catalogue: r.catalogueID, indicateur: r.indicator, regional: r.regional,
                              cible: r.outcome, raison: r.reason,
                              criteres: (try? JSONText.decode([CriterionSnapshot].self, from: r.criteria)) ?? [],
                              derogation: o.map { Override(cible: $0.included, raison: $0.reason, auteur: $0.author, date: ISO8601DateFormatter().string(from: $0.createdAt)) })
            },
            differences: differences,
            selection: selection.sorted { $0.key < $1.key }.map { holder, lines in
                Selected(titulaire: holder, nom: lines.first?.holderName ?? holder, indicateurs: lines.map(\.indicator))
            },
            titulaires_cibles: selection.count)
    }
}

struct ContractSummaryDTO: Content {
    var id: UUID
    var titulaire: String
    var nom: String
    var region: String
    var departement: String
    var etat: String
    var echeance: String?
    var jours_restants: Int?
    var attente_de: String?

    /// Absent values are written as `null` (D29: `"echeance": "AAAA-MM-JJ"|null`), never left out.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(titulaire, forKey: .titulaire)
        try c.encode(nom, forKey: .nom)
        try c.encode(region, forKey: .region)
        try c.encode(departement, forKey: .departement)
        try c.encode(etat, forKey: .etat)
        try c.encode(echeance, forKey: .echeance)
        try c.encode(jours_restants, forKey: .jours_restants)
        try c.encode(attente_de, forKey: .attente_de)
    }

    init(_ c: Contract, today: LocalDate) {
        id = c.id ?? UUID()
        titulaire = c.holderFINESS
        nom = c.holderName
        region = c.regionCode
        departement = c.departmentCode
        etat = c.state
        echeance = c.deadline
        jours_restants = c.deadline.flatMap { try? LocalDate($0) }.map { today.days(until: $0) }
        attente_de = c.waitingOn.isEmpty ? nil : c.waitingOn
    }
}

extension ContractDTO {
    /// The contract's own period, cut where a signed (or in force) amendment takes over, then
    /// each such amendment's period: the indicators and rates that applied when.
    static func periods(root: Contract, amendments: [Contract]) -> [Period] {
        let applied = amendments.filter { [ContractProcedure.State.signed.code, ContractProcedure.State.inForce.code].contains($0.state) }
        var periods: [Period] = []
        var end = root.endsOn
        if let first = applied.first, let start = try? LocalDate(first.startsOn) { end = start.adding(days: -1).iso }
        periods.append(Period(debut: root.startsOn, fin: end, source: "contrat", etat: root.state,
                              indicateurs: (try? JSONText.decode([ContractIndicator].self, from: root.indicators)) ?? []))
        for (index, amendment) in applied.enumerated() {
            var amendmentEnd = amendment.endsOn
            if index + 1 < applied.count, let next = try? LocalDate(applied[index + 1].startsOn) { amendmentEnd = next.adding(days: -1).iso }
            periods.append(Period(debut: amendment.startsOn, fin: amendmentEnd, source: "avenant \(amendment.id?.uuidString.lowercased() ?? "")",
                                  etat: amendment.state, indicateurs: (try? JSONText.decode([ContractIndicator].self, from: amendment.indicators)) ?? []))
        }
        return periods
    }
}

struct ContractListDTO: Content {
    var elements: [ContractSummaryDTO]
    var total: Int
}

struct ContractDTO: Content {
    struct Document: Content { var type: String; var version: Int; var sha256: String; var lien: String }
    struct Event: Content {
        var id: UUID; var type: String; var auteur: String; var horodatage: Date; var date: String; var document: String?; var texte: String?

        /// `document` is `null` when the act concerns none.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(type, forKey: .type)
            try c.encode(auteur, forKey: .auteur)
            try c.encode(horodatage, forKey: .horodatage)
            try c.encode(date, forKey: .date)
            try c.encode(document, forKey: .document)
            try c.encodeIfPresent(texte, forKey: .texte)
        }
    }
    struct Sanction: Content { var montant: String }

    var id: UUID
    var titulaire: String
    var nom: String
    var campagne: UUID
    var region: String
    var departement: String
    var debut: String
    var fin: String
    var produits_am: String
    var etat: String
    var etat_libelle: String
    var echeance: String?
    var attente_de: String?
    var indicateurs: [ContractIndicator]
    var documents: [Document]
    var sanction: Sanction?
    var evenements: [Event]
    var actes_possibles: [String]
    var avertissements: [String]?
    /// `contrat` or `avenant`; an amendment names its contract.
    var nature: String
    var contrat_initial: UUID?
    var avenants: [Amendment]
    /// Which indicators and rates applied in which period: the contract, then each amendment.
    var periodes: [Period]
    var sortie: Exit?

    struct Amendment: Content { var id: UUID; var etat: String; var debut: String; var fin: String }
    struct Period: Content { var debut: String; var fin: String; var source: String; var etat: String; var indicateurs: [ContractIndicator] }
    struct Exit: Content { var date: String; var raison: String }

    /// Absent values are written as `null` (D29: `"echeance": …|null`, `"sanction": …|null`).
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(titulaire, forKey: .titulaire)
        try c.encode(nom, forKey: .nom)
        try c.encode(campagne, forKey: .campagne)
        try c.encode(region, forKey: .region)
        try c.encode(departement, forKey: .departement)
        try c.encode(debut, forKey: .debut)
        try c.encode(fin, forKey: .fin)
        try c.encode(produits_am, forKey: .produits_am)
        try c.encode(etat, forKey: .etat)
        try c.encode(etat_libelle, forKey: .etat_libelle)
        try c.encode(echeance, forKey: .echeance)
        try c.encode(attente_de, forKey: .attente_de)
        try c.encode(indicateurs, forKey: .indicateurs)
        try c.encode(documents, forKey: .documents)
        try c.encode(sanction, forKey: .sanction)
        try c.encode(evenements, forKey: .evenements)
        try c.encode(actes_possibles, forKey: .actes_possibles)
        try c.encodeIfPresent(avertissements, forKey: .avertissements)
        try c.encode(nature, forKey: .nature)
        try c.encode(contrat_initial, forKey: .contrat_initial)
        try c.encode(avenants, forKey: .avenants)
        try c.encode(periodes, forKey: .periodes)
        try c.encode(sortie, forKey: .sortie)
    }

    static func make(_ c: Contract, service: ContractService, role: Role) async throws -> ContractDTO {
        let events = try await service.events(c)
        let procedure = try ContractService.fold(events)
        let documents = try await service.documents(c)
        var root = c
        if let parentID = c.parentID, let parent = try await Contract.find(parentID, on: service.db) { root = parent }
        let amendments = try await Contract.query(on: service.db).filter(\.$parentID == root.requireID()).sort(\.$startsOn).all()
        return ContractDTO(
            id: try c.requireID(), titulaire: c.holderFINESS, nom: c.holderName, campagne: c.campaignID, region: c.regionCode,
            departement: c.departmentCode, debut: c.startsOn, fin: c.endsOn, produits_am: c.amProducts,
            etat: procedure.state.code, etat_libelle: procedure.state.description,
            echeance: procedure.deadline?.lastDay.iso,
            attente_de: procedure.waitingOn.isEmpty ? nil : procedure.waitingOn.map(\.rawValue).joined(separator: ","),
            indicateurs: (try? JSONText.decode([ContractIndicator].self, from: c.indicators)) ?? [],
            documents: documents.map { Document(type: $0.type, version: $0.version, sha256: $0.sha256, lien: SiteURL.apiDocument($0.sha256).path) },
            sanction: procedure.refusalSanction.map { Sanction(montant: APIAmount.text($0)) },
            evenements: events.map { e in
                let details = try? JSONText.decode(ContractActDetails.self, from: e.details)
                return Event(id: e.id ?? UUID(), type: e.act, auteur: e.actor, horodatage: e.recordedAt, date: e.legalDate,
                             document: e.documentSHA256, texte: details?.texte)
            },
            actes_possibles: ContractAct.available(in: procedure, for: role).map(\.rawValue),
            avertissements: nil,
            nature: c.kind, contrat_initial: c.parentID,
            avenants: amendments.map { Amendment(id: $0.id ?? UUID(), etat: $0.state, debut: $0.startsOn, fin: $0.endsOn) },
            periodes: Self.periods(root: root, amendments: amendments),
            sortie: root.exitOn.map { Exit(date: $0, raison: root.exitReason ?? "") })
    }
}
