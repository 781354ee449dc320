import CAQESCore
import CAQESReports
import Fluent
import SQLKit
import Vapor

/// The evaluation API (D29, binding names): campaigns, self-assessments, reviews, results,
/// decisions and their acts, payments.
struct EvaluationAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped(APITokenAuthenticator(), AccessGuard(family: .evaluation, api: true))
        api.post(SiteURL.Route.apiEvaluationCampaigns.components, use: createCampaign)
        api.get(SiteURL.Route.apiEvaluationCampaigns.components, use: listCampaigns)
        api.get(SiteURL.Route.apiEvaluationCampaign.components, use: showCampaign)
        api.get(SiteURL.Route.apiEvaluationResults.components, use: results)
        api.get(SiteURL.Route.apiEvaluationResultsCSV.components, use: resultsCSV)
        api.get(SiteURL.Route.apiEvaluationPaymentsCSV.components, use: paymentsCSV)
        api.get(SiteURL.Route.apiEvaluationPaymentsXLSX.components, use: paymentsXLSX)
        api.get(SiteURL.Route.apiEvaluationReportPDF.components, use: reportPDF)
        api.get(SiteURL.Route.apiEvaluationReportXLSX.components, use: reportXLSX)
        api.post(SiteURL.Route.apiEvaluationPayments.components, use: setPayment)
        api.post(SiteURL.Route.apiEvaluationSample.components, use: sample)
        api.get(SiteURL.Route.apiAssessment.components, use: showAssessment)
        api.put(SiteURL.Route.apiAssessment.components, use: saveDraft)
        api.post(SiteURL.Route.apiAssessmentSubmit.components, use: submit)
        api.post(SiteURL.Route.apiAssessmentClose.components, use: closeEntry)
        api.post(SiteURL.Route.apiAssessmentReviews.components, use: review)
        // Streamed multipart (`indicateur`, `piece`): scope is checked before the body is read.
        api.on(.POST, SiteURL.Route.apiAssessmentEvidence.components, body: .stream, use: evidence)
        api.get(SiteURL.Route.apiAssessmentSimulation.components, use: simulation)
        api.post(SiteURL.Route.apiAssessmentSimulation.components, use: simulation)
        api.post(SiteURL.Route.apiAssessmentDecisions.components, use: issueDecision)
        api.get(SiteURL.Route.apiDecision.components, use: showDecision)
        api.on(.POST, SiteURL.Route.apiDecisionActs.components, body: .stream, use: act)
    }

    static func context(_ req: Request, address: Bool = false) async throws -> (Principal, EvaluationService) {
        let principal = try await req.requirePrincipal()
        let actor = ContractingActor(principal: principal, address: address ? ClientAddress.of(req) : nil)
        return (principal, EvaluationService(db: req.db, app: req.application, actor: actor, now: req.now))
    }

    static func id(_ req: Request) throws -> UUID {
        guard let text = req.parameters.get("id"), let id = UUID(uuidString: text) else { throw UserFacingError.notFound() }
        return id
    }

    static func decode<T: Decodable>(_ type: T.Type, _ req: Request) throws -> T {
        do { return try req.content.decode(T.self) } catch {
            throw UserFacingError(.unprocessableEntity, "Corps de requête illisible : JSON attendu (Content-Type: application/json) avec des champs du bon type.")
        }
    }

    // MARK: Campaigns

    struct CalendarBody: Decodable {
        var debut_saisie: String?; var fin_saisie: String?; var fin_analyse: String?
        var decision_1: String?; var decision_2: String?; var decision_finale: String?
    }

    struct GridHolderBody: Decodable { var finess: String?; var produits_am: String?; var secteurs: [String]?; var score_precedent: String? }

    struct CampaignBody: Decodable {
        var region: String?; var annee: Int?; var enveloppe: String?; var partage: String?
        var montant_par_indicateur: String?; var calendrier: CalendarBody?
        /// A 2018-grid campaign: the grid, the regional target in %, the establishments.
        var grille: String?; var cible_regionale: String?; var titulaires: [GridHolderBody]?
        /// Thresholds of quantitative criteria, in %: R from `realise_a_partir_de` (or strictly
        /// above `realise_au_dessus_de`), PR from `partiel_a_partir_de`.
        var seuils: [String: ThresholdBody]?
    }

    struct ThresholdBody: Decodable { var realise_a_partir_de: String?; var realise_au_dessus_de: String?; var partiel_a_partir_de: String? }

    static func thresholds(_ body: [String: ThresholdBody]?) throws -> [String: QuantitativeThresholds] {
        guard let body else { return [:] }
        guard body.count <= 200 else { throw UserFacingError(.unprocessableEntity, "« seuils » : 200 critères au plus.") }
        var result: [String: QuantitativeThresholds] = [:]
        for (id, item) in body {
            let place = "seuils.\(id.prefix(20))"
            func rate(_ text: String?, _ field: String) throws -> Decimal? {
                guard let text else { return nil }
                guard let value = EvaluationService.number(text) else {
                    throw UserFacingError(.unprocessableEntity, "« \(place).\(field) » : « \(text.prefix(20)) » n'est pas un taux en % (ex. \"80\").")
                }
                return value
            }
            let from = try rate(item.realise_a_partir_de, "realise_a_partir_de"), above = try rate(item.realise_au_dessus_de, "realise_au_dessus_de")
            guard let partial = try rate(item.partiel_a_partir_de, "partiel_a_partir_de"), (from == nil) != (above == nil) else {
                throw UserFacingError(.unprocessableEntity, "« \(place) » : donnez « partiel_a_partir_de » et soit « realise_a_partir_de », soit « realise_au_dessus_de ».")
            }
            do throws(GridError) {
                if let from {
                    result[String(id.prefix(40))] = try QuantitativeThresholds(realisedFrom: from, partialFrom: partial)
                } else {
                    result[String(id.prefix(40))] = try QuantitativeThresholds(realisedAbove: above ?? 0, partialFrom: partial)
                }
            } catch {
                throw UserFacingError(.unprocessableEntity, "« \(place) » : \(error.description).")
            }
        }
        return result
    }

    static func calendar(_ body: CalendarBody?, year: Int) throws -> EvaluationCalendar? {
        guard let body else { return nil }
        // The standard calendar exists for valid years only: check the year first.
        try EvaluationService.checkYear(year)
        let standard = EvaluationCalendar.standard(year: year)
        do {
            return try EvaluationCalendar(
                entryStart: try APIDate.parse(body.debut_saisie, field: "calendrier.debut_saisie") ?? standard.entryStart,
                entryEnd: try APIDate.parse(body.fin_saisie, field: "calendrier.fin_saisie") ?? standard.entryEnd,
                analysisEnd: try APIDate.parse(body.fin_analyse, field: "calendrier.fin_analyse") ?? standard.analysisEnd,
                firstDecision: try APIDate.parse(body.decision_1, field: "calendrier.decision_1") ?? standard.firstDecision,
                secondDecision: try APIDate.parse(body.decision_2, field: "calendrier.decision_2") ?? standard.secondDecision,
                finalDecisionBy: try APIDate.parse(body.decision_finale, field: "calendrier.decision_finale") ?? standard.finalDecisionBy)
        } catch let error as EvaluationCalendarError {
            throw UserFacingError(.unprocessableEntity, error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
        }
    }

    @Sendable func createCampaign(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req, address: true)
        let body = try Self.decode(CampaignBody.self, req)
        guard let region = body.region, let year = body.annee else {
            throw UserFacingError(.unprocessableEntity, "Champs obligatoires : « region » et « annee » (ex. {\"region\": \"32\", \"annee\": 2023}).")
        }
        let new = EvaluationService.NewCampaign(
            region: region, year: year, envelope: try body.enveloppe.map { try APIAmount.parse($0, field: "enveloppe") } ?? 0,
            sharing: body.partage ?? "proportionnel",
            amountPerIndicator: try body.montant_par_indicateur.map { try APIAmount.parse($0, field: "montant_par_indicateur") },
            calendar: try Self.calendar(body.calendrier, year: year),
            grid: body.grille.map { String($0.prefix(60)) },
            gridTarget: try body.cible_regionale.map { text in
                guard let value = EvaluationService.number(text) else {
                    throw UserFacingError(.unprocessableEntity, "« cible_regionale » : « \(text.prefix(20)) » n'est pas un pourcentage (ex. \"70\").")
                }
                return value
            },
            gridThresholds: try Self.thresholds(body.seuils),
            gridHolders: try (body.titulaires ?? []).prefix(5_001).enumerated().map { index, item in
                guard let finess = item.finess, let products = item.produits_am else {
                    throw UserFacingError(.unprocessableEntity, "« titulaires[\(index)] » : « finess » et « produits_am » sont obligatoires.")
                }
                var sectors: [GridSector] = []
                for text in item.secteurs ?? [] {
                    guard let sector = GridSector.parse(text) else {
                        throw UserFacingError(.unprocessableEntity, "« titulaires[\(index)].secteurs » : « \(text.prefix(20)) » inconnu (MCO, HAD, Dialyse, SSR, PSY).")
                    }
                    sectors.append(sector)
                }
                return EvaluationService.GridHolder(finess: String(finess.prefix(20)), products: try APIAmount.parse(products, field: "titulaires[\(index)].produits_am"),
                                                    sectors: sectors, previous: item.score_precedent.flatMap(EvaluationService.number))
            })
        let campaign = try await service.createCampaign(new)
        let response = try await EvaluationCampaignDTO.make(campaign, service: service).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: SiteURL.Route.apiEvaluationCampaign.path(try campaign.requireID().uuidString.lowercased()))
        return response
    }

    @Sendable func listCampaigns(req: Request) async throws -> [String: [EvaluationCampaignSummaryDTO]] {
        let (_, service) = try await Self.context(req)
        return ["elements": try await service.listCampaigns().map(EvaluationCampaignSummaryDTO.init)]
    }

    @Sendable func showCampaign(req: Request) async throws -> EvaluationCampaignDTO {
        let (_, service) = try await Self.context(req)
        return try await EvaluationCampaignDTO.make(try await service.findCampaign(Self.id(req)), service: service)
    }

    /// The results the actor may see: the latest version (computed anew when inputs changed).
    static func visibleResults(_ req: Request) async throws -> (EvaluationCampaign, EvaluationResultRun, [EvaluationResultRecord], [EvaluationResultRecord]) {
        let (principal, service) = try await context(req)
        let campaign = try await service.findCampaign(id(req))
        // Experts review indicators; amounts are for the ARS, the fund and each establishment.
        guard principal.role != .expert else { throw UserFacingError(.forbidden, "Les résultats et les montants ne sont pas ouverts aux experts.") }
        let results = EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now)
        let run = try await results.current(campaign)
        let holders = Set(try await service.assessments(of: campaign).map(\.holderFINESS))
        let lines = try await results.lines(campaign, version: run.version).filter { holders.contains($0.holderFINESS) }
        let previous = run.version > 1 ? try await results.lines(campaign, version: run.version - 1).filter { holders.contains($0.holderFINESS) } : []
        return (campaign, run, lines, previous)
    }

    @Sendable func results(req: Request) async throws -> EvaluationResultsDTO {
        let (campaign, run, lines, previous) = try await Self.visibleResults(req)
        return EvaluationResultsDTO(campagne: try campaign.requireID(), annee: campaign.year, version: run.version,
                                    calcule_le: run.createdAt, entrees: (try? JSONText.decode(EvaluationResults.Inputs.self, from: run.inputs)),
                                    differences: run.version > 1 ? EvaluationResults.differences(previous, lines) : [],
                                    lignes: lines.map(ResultLineDTO.init))
    }

    @Sendable func resultsCSV(req: Request) async throws -> Response {
        let (campaign, run, lines, _) = try await Self.visibleResults(req)
        return Self.csv(EvaluationResults.csv(lines), name: "resultats-\(campaign.regionCode)-\(campaign.year)-v\(run.version).csv")
    }

    static func csv(_ rows: [[String]], name: String) -> Response {
        var writer = FrenchCSVWriter()
        for row in rows { writer.appendRow(row) }
        let response = Response(status: .ok, body: .init(data: writer.data))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }

    @Sendable func paymentsCSV(req: Request) async throws -> Response {
        let (principal, service) = try await Self.context(req)
        let campaign = try await service.findCampaign(Self.id(req))
        guard principal.role != .expert else { throw UserFacingError(.forbidden, "Le fichier de paiement n'est pas ouvert aux experts.") }
        let lines = try await EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now)
            .paymentLines(campaign, scope: try await service.assessments(of: campaign))
        return Self.csv(EvaluationResults.paymentRows(lines), name: "paiements-\(campaign.regionCode)-\(campaign.year).csv")
    }

    @Sendable func paymentsXLSX(req: Request) async throws -> Response {
        try await Self.paymentsXLSX(req)
    }

    static func paymentsXLSX(_ req: Request) async throws -> Response {
        let (principal, service) = try await context(req)
        let campaign = try await service.findCampaign(id(req))
        guard principal.role != .expert else { throw UserFacingError(.forbidden, "Le fichier de paiement n'est pas ouvert aux experts.") }
        let lines = try await EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now)
            .paymentLines(campaign, scope: try await service.assessments(of: campaign))
        let data = try PaymentFile.workbook(lines, title: "Paiements CAQES \(campaign.year) — région \(campaign.regionCode)").data()
        return file(data, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    name: "paiements-\(campaign.regionCode)-\(campaign.year).xlsx")
    }

    static func file(_ data: Data, type: String, name: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }

    /// The annual regional report: the ARS and the administrator (the region's figures).
    static func report(_ req: Request) async throws -> (EvaluationCampaign, AnnualReport) {
        let (principal, service) = try await context(req)
        let campaign = try await service.findCampaign(id(req))
        guard [.arsAnalyst, .arsDirector, .admin].contains(principal.role) else {
            throw UserFacingError(.forbidden, "Le rapport annuel régional est celui de l'ARS.")
        }
        let holders = Set(try await service.assessments(of: campaign).map(\.holderFINESS))
        return (campaign, try await EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now).report(campaign, holders: holders))
    }

    @Sendable func reportPDF(req: Request) async throws -> Response { try await Self.reportPDF(req) }

    static func reportPDF(_ req: Request) async throws -> Response {
        let (campaign, report) = try await report(req)
        let content = report.document(siteURL: req.application.caqesSettings.publicURL, today: LegalClock.today(req.now))
        let bytes = try DocumentSeal.seal(content, app: req.application, at: req.now)
        let response = file(Data(bytes), type: "application/pdf", name: "rapport-evaluation-\(campaign.regionCode)-\(campaign.year).pdf")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"rapport-evaluation-\(campaign.regionCode)-\(campaign.year).pdf\"")
        return response
    }

    @Sendable func reportXLSX(req: Request) async throws -> Response { try await Self.reportXLSX(req) }

    static func reportXLSX(_ req: Request) async throws -> Response {
        let (campaign, report) = try await report(req)
        return file(try report.workbook().data(), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    name: "rapport-evaluation-\(campaign.regionCode)-\(campaign.year).xlsx")
    }

    struct PaymentBody: Decodable { var titulaire: String?; var statut: String? }

    @Sendable func setPayment(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let campaign = try await service.findCampaign(Self.id(req))
        let body = try Self.decode(PaymentBody.self, req)
        guard let holder = body.titulaire, let status = body.statut else {
            throw UserFacingError(.unprocessableEntity, "Champs obligatoires : « titulaire » et « statut » (a_ordonnancer, ordonnance, paye).")
        }
        try await EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now)
            .setPayment(campaign, holder: String(holder.prefix(20)), status: String(status.prefix(20)))
        return try await ["titulaire": holder, "statut": status].encodeResponse(status: .ok, for: req)
    }

    struct SampleBody: Decodable { var taille: Int?; var graine: String? }

    @Sendable func sample(req: Request) async throws -> ControlDraw {
        let (_, service) = try await Self.context(req)
        let campaign = try await service.findCampaign(Self.id(req))
        let body = try Self.decode(SampleBody.self, req)
        var seed: UInt64?
        if let text = body.graine {
            guard let value = UInt64(text), value > 0 else { throw UserFacingError(.unprocessableEntity, "« graine » : un entier positif attendu (ex. \"20241104\").") }
            seed = value
        }
        return try await service.drawSample(campaign, size: body.taille ?? 10, seed: seed)
    }

    // MARK: Self-assessments

    @Sendable func showAssessment(req: Request) async throws -> AssessmentDTO {
        let (_, service) = try await Self.context(req)
        return try await AssessmentDTO.make(try await service.findAssessment(Self.id(req)), service: service)
    }

    struct DraftBody: Decodable { var version: Int?; var indicateurs: [EvaluationService.DraftIndicator]?; var grille: [String: String]? }

    @Sendable func saveDraft(req: Request) async throws -> AssessmentDTO {
        let (_, service) = try await Self.context(req, address: true)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        let body = try Self.decode(DraftBody.self, req)
        let saved = try await service.saveDraft(id, version: body.version, indicators: body.indicateurs ?? [], grid: body.grille)
        return try await AssessmentDTO.make(saved, service: service)
    }

    @Sendable func submit(req: Request) async throws -> AssessmentDTO {
        let (_, service) = try await Self.context(req, address: true)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        return try await AssessmentDTO.make(try await service.submit(id), service: service)
    }

    /// The ARS closes the entry of an establishment that submitted nothing by the deadline.
    @Sendable func closeEntry(req: Request) async throws -> AssessmentDTO {
        let (_, service) = try await Self.context(req, address: true)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        return try await AssessmentDTO.make(try await service.closeEntry(id), service: service)
    }

    /// `valeur` is a text, a number, or an object measure → value.
    struct ReviewInput: Decodable {
        var indicateur: String?; var decision: String?; var motif: String?; var valeur: [String: String]?
        enum CodingKeys: String, CodingKey { case indicateur, decision, motif, valeur }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            indicateur = try c.decodeIfPresent(String.self, forKey: .indicateur)
            decision = try c.decodeIfPresent(String.self, forKey: .decision)
            motif = try c.decodeIfPresent(String.self, forKey: .motif)
            if let text = try? c.decodeIfPresent(String.self, forKey: .valeur) {
                valeur = ["": text]
            } else if let number = try? c.decodeIfPresent(Decimal.self, forKey: .valeur) {
                valeur = ["": "\(number)"]
            } else {
                valeur = try c.decodeIfPresent([String: String].self, forKey: .valeur)
            }
        }
    }

    @Sendable func review(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        let body = try Self.decode(ReviewInput.self, req)
        guard let indicator = body.indicateur, let decision = body.decision else {
            throw UserFacingError(.unprocessableEntity, "Champs obligatoires : « indicateur » et « decision » (acceptee, corrigee ou renvoyee), « motif » sauf pour acceptee, « valeur » pour corrigee.")
        }
        _ = try await service.review(id, .init(indicator: String(indicator.prefix(40)), decision: String(decision.prefix(20)),
                                               values: body.valeur ?? [:], reason: body.motif))
        return try await AssessmentDTO.make(try await service.findAssessment(id), service: service).encodeResponse(status: .created, for: req)
    }

    @Sendable func evidence(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        guard service.actor.role == .establishment else { throw UserFacingError(.forbidden, "Seul l'établissement dépose ses pièces justificatives.") }
        let upload = try await UploadReceiver.receive(req, fileField: "piece")
        guard let sha = upload.fileSHA256, upload.fileSize > 0 else {
            throw UserFacingError(.unprocessableEntity, "« piece » : joignez un fichier non vide.")
        }
        guard let indicator = upload.fields["indicateur"], !indicator.isEmpty else {
            throw UserFacingError(.unprocessableEntity, "« indicateur » est obligatoire avec la pièce.")
        }
        let saved = try await service.addEvidence(id, indicator: String(indicator.prefix(40)), sha256: sha, name: upload.fileName)
        return try await AssessmentDTO.make(saved, service: service).encodeResponse(status: .created, for: req)
    }

    struct SimulationBody: Decodable {
        struct Item: Decodable { var code: String; var valeurs: [String: String] }
        var indicateurs: [Item]
    }

    /// GET: on the saved draft; POST: with the declared values given laid over it (never stored).
    @Sendable func simulation(req: Request) async throws -> SimulationDTO {
        let (_, service) = try await Self.context(req)
        let id = try Self.id(req)
        var proposed: [String: [String: String]]?
        if req.method == .POST {
            _ = try await service.findAssessment(id)
            let body = try Self.decode(SimulationBody.self, req)
            proposed = Dictionary(body.indicateurs.map { ($0.code, $0.valeurs) }, uniquingKeysWith: { $0.merging($1) { _, new in new } })
        }
        let (assessment, lines) = try await service.simulation(id, proposed: proposed)
        return SimulationDTO(autoevaluation: try assessment.requireID(),
                             avertissement: "Simulation sur votre brouillon, non enregistrée : elle ne vaut pas décision. La part de l'enveloppe FIR dépend des résultats de tous les établissements et n'y figure pas.",
                             lignes: lines.map(ResultLineDTO.init))
    }

    // MARK: Decisions

    struct DecisionBody: Decodable { var etape: String?; var fondement: String?; var motif: String? }

    @Sendable func issueDecision(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req, address: true)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        let body = try Self.decode(DecisionBody.self, req)
        guard let step = body.etape else {
            throw UserFacingError(.unprocessableEntity, "Champ obligatoire : « etape » (decision_1, decision_2, decision_finale ou decision_corrective).")
        }
        let decisions = EvaluationDecisions(db: req.db, app: req.application, actor: service.actor, now: req.now)
        let decision = try await decisions.issue(id, .init(step: String(step.prefix(30)), ground: body.fondement.map { String($0.prefix(40)) }, reason: body.motif))
        let response = try await DecisionDTO.make(decision, decisions: decisions).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: SiteURL.Route.apiDecision.path(try decision.requireID().uuidString.lowercased()))
        return response
    }

    @Sendable func showDecision(req: Request) async throws -> DecisionDTO {
        let (_, service) = try await Self.context(req)
        let decisions = EvaluationDecisions(db: req.db, app: req.application, actor: service.actor, now: req.now)
        let (decision, _) = try await decisions.find(Self.id(req))
        return try await DecisionDTO.make(decision, decisions: decisions)
    }

    @Sendable func act(req: Request) async throws -> DecisionDTO {
        let (_, service) = try await Self.context(req, address: true)
        let decisions = EvaluationDecisions(db: req.db, app: req.application, actor: service.actor, now: req.now)
        let id = try Self.id(req)
        _ = try await decisions.find(id)
        let (input, piece) = try await ActInput.read(req)
        guard input.type != nil else {
            throw UserFacingError(.unprocessableEntity, "Champ obligatoire : « type » (accuse_reception, observations, demande_audition, reponse ou audition).")
        }
        let (decision, _) = try await decisions.act(on: id, input.request(file: piece))
        return try await DecisionDTO.make(decision, decisions: decisions)
    }
}

// MARK: DTOs (French snake_case, D29)

struct EvaluationCampaignSummaryDTO: Content {
    var id: UUID
    var region: String
    var annee: Int
    var type: String
    var enveloppe: String

    init(_ c: EvaluationCampaign) {
        id = c.id ?? UUID()
        region = c.regionCode
        annee = c.year
        type = c.kind
        enveloppe = c.envelope
    }
}

struct EvaluationCampaignDTO: Content {
    struct Phase: Content { var code: String; var libelle: String; var debut: String; var fin: String }
    struct Item: Content {
        var id: UUID; var contrat: UUID?; var titulaire: String; var nom: String; var etat: String
        var echeance: String?; var attente_de: String; var soumissions: Int
    }
    var id: UUID
    var region: String
    var annee: Int
    var type: String
    var catalogues: [String]
    var enveloppe: String
    var partage: String
    var montant_par_indicateur: String?
    var calendrier: [Phase]
    var tirage: ControlDraw?
    var autoevaluations: [Item]

    static func make(_ campaign: EvaluationCampaign, service: EvaluationService) async throws -> EvaluationCampaignDTO {
        let calendar = campaign.evaluationCalendar
        let visibleDraw = service.actor.role == .arsAnalyst || service.actor.role == .arsDirector || service.actor.role == .admin
        return EvaluationCampaignDTO(
            id: try campaign.requireID(), region: campaign.regionCode, annee: campaign.year, type: campaign.kind, catalogues: campaign.catalogueIDs,
            enveloppe: campaign.envelope, partage: campaign.sharing, montant_par_indicateur: campaign.amountPerIndicator,
            calendrier: calendar.phases.map { Phase(code: $0.code, libelle: $0.label, debut: $0.start.iso, fin: $0.end.iso) },
            tirage: visibleDraw ? campaign.sample.flatMap { try? JSONText.decode(ControlDraw.self, from: $0) } : nil,
            autoevaluations: try await service.assessments(of: campaign).map {
                Item(id: try $0.requireID(), contrat: $0.contractID, titulaire: $0.holderFINESS, nom: $0.holderName, etat: $0.state,
                     echeance: $0.deadline, attente_de: EvaluationProcedure.State(code: $0.state)?.waitingOn ?? "", soumissions: $0.submissions)
            })
    }
}

struct ResultLineDTO: Content {
    var titulaire: String
    var nom: String
    var indicateur: String
    var libelle: String
    var type: String
    var valeur: String
    var cible: String
    var economie: String?
    var taux: String?
    var montant: String
    var atteint: String?
    var explication: String

    init(_ r: EvaluationResultRecord) {
        titulaire = r.holderFINESS; nom = r.holderName; indicateur = r.indicator; libelle = r.label; type = r.kind
        valeur = r.value; cible = r.target; economie = r.savings; taux = r.rate; montant = r.amount
        atteint = r.achieved.isEmpty ? nil : r.achieved; explication = r.explanation
    }

    init(_ l: EvaluationResults.Line) {
        titulaire = l.holder; nom = l.holderName; indicateur = l.indicator; libelle = l.label; type = l.kind
        valeur = l.value; cible = l.target; economie = l.savings.map(APIAmount.text); taux = l.rate?.description
        montant = APIAmount.text(l.amount); atteint = l.achieved.isEmpty ? nil : l.achieved; explication = l.explanation
    }

    func encode(to encoder: any Encoder) throws {
        // Explicit nulls: a line without savings says so.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(titulaire, forKey: .titulaire); try c.encode(nom, forKey: .nom); try c.encode(indicateur, forKey: .indicateur)
        try c.encode(libelle, forKey: .libelle); try c.encode(type, forKey: .type); try c.encode(valeur, forKey: .valeur)
        try c.encode(cible, forKey: .cible); try c.encode(economie, forKey: .economie); try c.encode(taux, forKey: .taux)
        try c.encode(montant, forKey: .montant); try c.encode(atteint, forKey: .atteint); try c.encode(explication, forKey: .explication)
    }
}

struct EvaluationResultsDTO: Content {
    var campagne: UUID
    var annee: Int
    var version: Int
    var calcule_le: Date
    var entrees: EvaluationResults.Inputs?
    var differences: [String]
    var lignes: [ResultLineDTO]
}

struct SimulationDTO: Content {
    var autoevaluation: UUID
    var avertissement: String
    var lignes: [ResultLineDTO]
}

struct DocumentRefDTO: Content { var type: String; var version: Int; var sha256: String; var indicateur: String?; var nom: String? }

struct AssessmentDTO: Content {
    struct Review: Content { var decision: String; var valeur: [String: String]?; var motif: String; var auteur: String; var date: String }
    /// A stored measure the indicator reads, as imported: prefilled, with its file and row.
    struct ImportedValue: Content { var mesure: String; var libelle: String; var finess: String; var annee: Int; var valeur: String; var source: String }
    struct Indicator: Content {
        var code: String; var libelle: String; var catalogue: String; var type: String; var statut: String; var attente_de: String
        var relecteur: String; var preuve: String; var mesures_declarees: [String]; var valeurs: [String: String]
        var valeurs_soumises: [String: String]?; var modifie_depuis_soumission: Bool; var modifiable: Bool; var commentaire: String?
        var preuves: [DocumentRefDTO]; var plan_action: [ActionItem]; var revues: [Review]
        var valeurs_importees: [ImportedValue]
    }
    var id: UUID
    var campagne: UUID
    var contrat: UUID?
    var titulaire: String
    var nom: String
    var etat: String
    var echeance: String?
    var version: Int
    var soumissions: Int
    var indicateurs: [Indicator]
    /// 2018 grid: sectors, last year's %, the draft's answers and those submitted.
    var secteurs: [String]?
    var score_precedent: String?
    var grille: [String: String]?
    var grille_soumise: [String: String]?
    var decisions: [DecisionDTO]
    var documents: [DocumentRefDTO]
    var decision_possible: String?

    /// The stored values of the holder (and of the sites it holds) for the evaluated year and the
    /// year before, each with the file and row it was imported from.
    static func importedValues(_ a: SelfAssessment, service: EvaluationService) async throws -> [ImportedValue] {
        guard a.sectors == nil, let campaign = try await EvaluationCampaign.find(a.campaignID, on: service.db) else { return [] }
        let registry = try service.app.catalogues()
        let catalogues = Set(a.contractIndicators.map(\.catalogue)).compactMap { registry[$0] }
        let labels = Dictionary(catalogues.flatMap { $0.measures.map { ($0.code, $0.label) } }, uniquingKeysWith: { first, _ in first })
        guard !labels.isEmpty else { return [] }
        struct Site: Decodable { let finess: String }
        let sites = try await (service.db as! any SQLDatabase).select().column("finess").from("sites")
            .where("holder_finess", .equal, a.holderFINESS).limit(500).all(decoding: Site.self).map(\.finess)
        let rows = try await MeasureRepository(db: service.db).current(measures: Array(labels.keys), finess: [a.holderFINESS] + sites)
            .filter { $0.year == campaign.year || $0.year == campaign.year - 1 }
        let imports = Dictionary(try await ImportRun.query(on: service.db).filter(\.$id ~~ Array(Set(rows.map(\.import_id)))).all()
            .compactMap { run in run.id.map { ($0, run.fileName) } }, uniquingKeysWith: { first, _ in first })
        return rows.map {
            ImportedValue(mesure: $0.measure, libelle: labels[$0.measure] ?? $0.measure, finess: $0.finess, annee: $0.year,
                          valeur: $0.value ?? $0.raw, source: "\(imports[$0.import_id] ?? $0.source), ligne \($0.line)")
        }
    }

    static func make(_ a: SelfAssessment, service: EvaluationService) async throws -> AssessmentDTO {
        let reviews = try await service.reviews(a)
        let statuses = EvaluationService.statuses(a, reviews: reviews)
        let draft = (try? JSONText.decode(AssessmentContent.self, from: a.content)) ?? AssessmentContent()
        let submitted = a.submittedContent.flatMap { try? JSONText.decode(AssessmentContent.self, from: $0) }
        let documents = try await service.documents(a)
        let imported = try await importedValues(a, service: service)
        var indicators: [Indicator] = []
        for indicator in try service.indicatorsVisible(in: a) {
            let definition = try service.definition(indicator)
            // The measures the indicator's value and savings read (named formulas included).
            let formulas = [definition?.value, definition?.incentive?.savings].compactMap { $0 } + (definition?.incentive?.zeroParts.map(\.when) ?? [])
            let reads = Set(formulas.flatMap { $0.referencedMeasures.map(\.code) })
            let entry = draft.indicateurs[indicator.code] ?? AssessmentEntry()
            let before = submitted?.indicateurs[indicator.code]
            let status = statuses[indicator.code] ?? .toEnter
            indicators.append(Indicator(
                code: indicator.code, libelle: indicator.libelle, catalogue: indicator.catalogue, type: indicator.regional ? "regional" : "national",
                statut: status.rawValue, attente_de: status.waitingOn, relecteur: definition?.review.reviewer.rawValue ?? "ARS",
                preuve: definition?.review.evidence.rawValue ?? "none", mesures_declarees: definition?.review.declared ?? [],
                valeurs: entry.valeurs, valeurs_soumises: before?.valeurs, modifie_depuis_soumission: submitted != nil && before != entry,
                modifiable: service.actor.role == .establishment && EvaluationService.editable(indicator.code, in: a, statuses: statuses),
                commentaire: entry.commentaire,
                preuves: documents.filter { $0.type == "preuve" && $0.indicator == indicator.code }
                    .map { DocumentRefDTO(type: $0.type, version: $0.version, sha256: $0.sha256, indicateur: $0.indicator, nom: $0.name) },
                plan_action: entry.plan_action,
                revues: reviews.filter { $0.indicator == indicator.code }.map {
                    Review(decision: $0.decision, valeur: $0.value.flatMap { try? JSONText.decode([String: String].self, from: $0) },
                           motif: $0.reason, auteur: $0.actor, date: LegalClock.today($0.createdAt).iso)
                },
                valeurs_importees: imported.filter { reads.contains($0.mesure) && !(definition?.review.declared.contains($0.mesure) ?? false) }))
        }
        let decisions = EvaluationDecisions(db: service.db, app: service.app, actor: service.actor, now: service.now)
        var decisionDTOs: [DecisionDTO] = []
        for decision in try await decisions.decisions(a) { decisionDTOs.append(try await DecisionDTO.make(decision, decisions: decisions, assessment: a)) }
        let procedure = try EvaluationDecisions.fold(try await decisions.events(a))
        return AssessmentDTO(
            id: try a.requireID(), campagne: a.campaignID, contrat: a.contractID, titulaire: a.holderFINESS, nom: a.holderName,
            etat: a.state, echeance: a.deadline, version: a.version, soumissions: a.submissions, indicateurs: indicators,
            secteurs: a.sectors.flatMap { try? JSONText.decode([String].self, from: $0) }, score_precedent: a.previousScore,
            grille: a.sectors == nil ? nil : (draft.grille ?? [:]), grille_soumise: a.sectors == nil ? nil : submitted?.grille,
            decisions: decisionDTOs,
            documents: documents.filter { $0.type != "preuve" && $0.decisionID == nil }.map { DocumentRefDTO(type: $0.type, version: $0.version, sha256: $0.sha256) },
            decision_possible: service.actor.role == .arsDirector ? DecisionStep.next(for: procedure)?.rawValue : nil)
    }
}

struct DecisionDTO: Content {
    struct Event: Content { var id: UUID; var type: String; var date: String; var auteur: String; var texte: String?; var observation: UUID? }
    var id: UUID
    var etape: String
    var etat: String
    var echeance: String?
    var montant_total: String
    var documents: [DocumentRefDTO]
    var autoevaluation: UUID
    var version_resultats: Int
    /// 1, then one more per corrective decision.
    var tour: Int
    /// A corrective decision's ground and reason, repeated on the decisions of its round.
    var fondement: String?
    var motif: String?
    var actes_possibles: [String]
    var evenements: [Event]

    static func make(_ decision: EvaluationDecision, decisions: EvaluationDecisions, assessment: SelfAssessment? = nil) async throws -> DecisionDTO {
        let owner: SelfAssessment
        if let assessment { owner = assessment } else { owner = try await decisions.find(try decision.requireID()).1 }
        let events = try await decisions.events(owner)
        let procedure = try EvaluationDecisions.fold(events)
        let step = DecisionStep(rawValue: decision.step) ?? .first
        let documents = try await EvaluationDocument.query(on: decisions.db).filter(\.$decisionID == decision.requireID()).sort(\.$createdAt).all()
        let all = try await decisions.decisions(owner)
        let latest = all.last?.id == decision.id
        let mine = events.filter { $0.decisionID == decision.id }
        // A final decision a later corrective decision withdrew; a second decision of an earlier
        // round, whose period the procedure no longer holds.
        let withdrawn = step == .final && all.contains { $0.step == DecisionStep.corrective.rawValue && $0.round > decision.round }
        let earlierRound = decision.round < (all.map(\.round).max() ?? 1)
        return DecisionDTO(
            id: try decision.requireID(), etape: decision.step,
            etat: withdrawn ? "retiree" : latest ? step.state(in: procedure) : (step == .final || step == .corrective ? "definitive" : "periode_close"),
            echeance: earlierRound && step == .second ? nil : step.deadline(in: procedure)?.lastDay.iso,
            montant_total: decision.totalAmount,
            documents: documents.map { DocumentRefDTO(type: $0.type, version: $0.version, sha256: $0.sha256) },
            autoevaluation: decision.assessmentID, version_resultats: decision.resultVersion,
            tour: decision.round, fondement: decision.ground, motif: decision.reason,
            actes_possibles: latest ? decisions.actor.role.map { EvaluationAct.available(in: procedure, for: $0).map(\.rawValue) } ?? [] : [],
            evenements: mine.map { record in
                let details = try? JSONText.decode(ContractActDetails.self, from: record.details)
                return Event(id: record.id ?? UUID(), type: record.act, date: record.legalDate, auteur: record.actor,
                             texte: details?.texte, observation: details?.observation)
            })
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(etape, forKey: .etape); try c.encode(etat, forKey: .etat)
        try c.encode(echeance, forKey: .echeance); try c.encode(montant_total, forKey: .montant_total)
        try c.encode(documents, forKey: .documents); try c.encode(autoevaluation, forKey: .autoevaluation)
        try c.encode(version_resultats, forKey: .version_resultats); try c.encode(tour, forKey: .tour)
        try c.encode(fondement, forKey: .fondement); try c.encode(motif, forKey: .motif); try c.encode(actes_possibles, forKey: .actes_possibles)
        try c.encode(evenements, forKey: .evenements)
    }
}
