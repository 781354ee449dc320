import CAQESCore
import Fluent
import Vapor

/// Pages of the yearly evaluation (DSFR): campaigns and their board, results with charts and
/// payments; the self-assessment form, its review, the decisions and their acts. Every page and
/// form goes through the same services as the API.
struct EvaluationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let pages = routes.grouped(AccessGuard(family: .evaluation, api: false))
        pages.get(SiteURL.Route.evaluation.components, use: campaignList)
        pages.post(SiteURL.Route.evaluation.components, use: campaignCreate)
        pages.get(SiteURL.Route.evaluationCampaign.components, use: campaignPage)
        pages.get(SiteURL.Route.evaluationResultsCSV.components, use: resultsCSV)
        pages.get(SiteURL.Route.evaluationPaymentsCSV.components, use: paymentsCSV)
        pages.post(SiteURL.Route.evaluationPayment.components, use: payment)
        pages.get(SiteURL.Route.evaluationPaymentsXLSX.components) { try await EvaluationAPIController.paymentsXLSX($0) }
        pages.get(SiteURL.Route.evaluationReportPDF.components) { try await EvaluationAPIController.reportPDF($0) }
        pages.get(SiteURL.Route.evaluationReportXLSX.components) { try await EvaluationAPIController.reportXLSX($0) }
        pages.post(SiteURL.Route.evaluationSample.components, use: sample)
        pages.get(SiteURL.Route.assessment.components, use: assessmentPage)
        pages.post(SiteURL.Route.assessment.components, use: saveDraft)
        pages.post(SiteURL.Route.assessmentSubmit.components, use: submit)
        pages.post(SiteURL.Route.assessmentSimulation.components, use: liveSimulation)
        pages.post(SiteURL.Route.assessmentClose.components, use: closeEntry)
        // Streamed: the evidence file goes through the one upload path; CSRF is in the address.
        pages.on(.POST, SiteURL.Route.assessmentEvidence.components, body: .stream, use: evidence)
        pages.post(SiteURL.Route.assessmentReview.components, use: review)
        pages.post(SiteURL.Route.assessmentDecision.components, use: decide)
        pages.on(.POST, SiteURL.Route.decisionAct.components, body: .stream, use: decisionAct)
    }

    static func context(_ req: Request) async throws -> (Principal, EvaluationService) {
        try await EvaluationAPIController.context(req, address: true)
    }

    static func id(_ req: Request) throws -> UUID { try EvaluationAPIController.id(req) }

    static func date(_ iso: String?) -> String { iso.flatMap { try? LocalDate($0) }?.description ?? "" }
    static func euros(_ text: String?) -> String {
        text.flatMap { Decimal(stored: $0) }.map(FrenchNumberFormat.euros) ?? ""
    }
    static func withCSRF(_ path: String, _ req: Request) -> String {
        SiteURL.with(path, [URLQueryItem(name: CSRFMiddleware.field, value: CSRFMiddleware.token(for: req))])
    }
    static func stateLabel(_ code: String) -> String { EvaluationProcedure.State(code: code)?.description ?? code }

    // MARK: Campaigns

    struct Option: Encodable { let value: String; let label: String; var selected = false }
    struct CampaignRow: Encodable { let label: String; let href: String; let envelope: String; let counts: String }
    struct CampaignsPage: Encodable {
        let layout: LayoutContext
        let rows: [CampaignRow]
        let canOpen: Bool
        let regions: [Option]
        let createHref: String
        let errors: [String]
        let year: Int
    }

    @Sendable func campaignList(req: Request) async throws -> Response {
        try await renderCampaigns(req, errors: []).encodeResponse(for: req)
    }

    func renderCampaigns(_ req: Request, errors: [String]) async throws -> View {
        let (principal, service) = try await Self.context(req)
        var rows: [CampaignRow] = []
        for campaign in try await service.listCampaigns() {
            let assessments = try await service.assessments(of: campaign)
            let counts = Dictionary(grouping: assessments, by: \.state).map { "\(Self.stateLabel($0.key)) : \($0.value.count)" }.sorted().joined(separator: " · ")
            rows.append(CampaignRow(label: "Région \(campaign.regionCode) — année \(campaign.year)",
                                    href: SiteURL.Route.evaluationCampaign.path(try campaign.requireID().uuidString.lowercased()),
                                    envelope: Self.euros(campaign.envelope), counts: counts))
        }
        var regions: [Option] = []
        if case .regions(let codes) = principal.scope { regions = codes.sorted().map { Option(value: $0, label: "Région \($0)") } }
        return try await req.view.render("evaluation/campaigns", CampaignsPage(
            layout: LayoutContext(request: req, title: "Évaluation annuelle", principal: principal, breadcrumbs: [("Évaluation", nil)]),
            rows: rows, canOpen: principal.role == .arsAnalyst || principal.role == .arsDirector, regions: regions,
            createHref: SiteURL.Route.evaluation.path(), errors: errors, year: LegalClock.today(req.now).year - 1))
    }

    struct CampaignForm: Decodable { var region: String?; var annee: String?; var enveloppe: String?; var partage: String?; var montant_par_indicateur: String? }

    @Sendable func campaignCreate(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let form = try req.content.decode(CampaignForm.self)
        do {
            guard let year = Int(form.annee ?? "") else { throw UserFacingError(.unprocessableEntity, "« Année évaluée » : un nombre est attendu.") }
            func amount(_ text: String?, _ field: String) throws -> Decimal? {
                guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
                return try APIAmount.parse(text.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{202F}", with: ""), field: field)
            }
            let campaign = try await service.createCampaign(.init(region: form.region ?? "", year: year,
                                                                  envelope: try amount(form.enveloppe, "enveloppe") ?? 0,
                                                                  sharing: form.partage ?? "proportionnel",
                                                                  amountPerIndicator: try amount(form.montant_par_indicateur, "montant_par_indicateur")))
            req.webSession?.setFlash("Campagne d'évaluation \(year) ouverte : chaque établissement a été prévenu.")
            return req.redirect(to: SiteURL.Route.evaluationCampaign.path(try campaign.requireID().uuidString.lowercased()))
        } catch let error as UserFacingError where error.status.code < 500 {
            return try await renderCampaigns(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    struct PhaseRow: Encodable { let label: String; let dates: String; let current: Bool }
    struct BoardRow: Encodable {
        let holder: String; let name: String; let href: String; let state: String; let indicator: String
        let status: String; let statusCode: String; let waitingOn: String; let days: String
        /// On an evaluation's first row: the days spent in each state it went through.
        let path: String
    }
    struct ResultRow: Encodable {
        let holder: String; let name: String; let indicator: String; let kind: String; let value: String; let target: String
        let savings: String; let rate: String; let amount: String; let achieved: String; let explanation: String
    }
    struct PaymentRow: Encodable {
        let holder: String; let name: String; let amount: String; let status: String; let options: [Option]
        /// After a corrective decision: what the amount regularises.
        let note: String
    }
    struct CampaignPage: Encodable {
        let layout: LayoutContext
        let title: String
        let envelope: String
        let sharing: String
        let phases: [PhaseRow]
        let board: [BoardRow]
        let results: [ResultRow]
        let resultVersion: Int
        let differences: [String]
        let chart: String
        let indicatorChart: String
        let payments: [PaymentRow]
        let canPay: Bool
        let paymentHref: String
        let resultsCSVHref: String
        let paymentsCSVHref: String
        let paymentsXLSXHref: String
        let reportPDFHref: String
        let reportXLSXHref: String
        let sampleHref: String
        let canSample: Bool
        let sample: [String]
        let sampleSeed: String
        let errors: [String]
    }

    @Sendable func campaignPage(req: Request) async throws -> Response {
        try await renderCampaign(req, errors: []).encodeResponse(for: req)
    }

    func renderCampaign(_ req: Request, errors: [String]) async throws -> View {
        let (principal, service) = try await Self.context(req)
        let campaign = try await service.findCampaign(Self.id(req))
        let campaignID = try campaign.requireID().uuidString.lowercased()
        let calendar = campaign.evaluationCalendar
        let today = LegalClock.today(req.now)
        let current = calendar.phase(on: today)?.code
        let assessments = try await service.assessments(of: campaign)
        let logs = Dictionary(grouping: try await EvaluationEventRecord.query(on: req.db).filter(\.$assessmentID ~~ assessments.compactMap(\.id))
            .sort(\.$seq).all(), by: \.assessmentID)
        var board: [BoardRow] = []
        for assessment in assessments {
            let events = try (logs[try assessment.requireID()] ?? []).map { record in
                let entry = try JSONText.decode(ProcedureEntry<EvaluationProcedure.Event>.self, from: record.entry)
                return (event: entry.event, on: entry.legalDate)
            }
            var path = try EvaluationProcedure.path(openedOn: LegalClock.today(assessment.createdAt), events: events, today: today,
                                                    settings: EvaluationDecisions.settings)
                .map { "\($0.state.description) : \($0.days) j\($0.isCurrent ? " (en cours)" : "")" }.joined(separator: " · ")
            let reviews = try await service.reviews(assessment)
            let statuses = EvaluationService.statuses(assessment, reviews: reviews)
            let href = SiteURL.Route.assessment.path(try assessment.requireID().uuidString.lowercased())
            for indicator in try service.indicatorsVisible(in: assessment) {
                let status = statuses[indicator.code] ?? .toEnter
                let since = reviews.last { $0.indicator == indicator.code }?.createdAt ?? assessment.submittedAt ?? assessment.createdAt
                let days = max(0, LegalClock.today(since).days(until: today))
                let waiting = switch status.waitingOn {
                case "etablissement": "établissement"
                case "relecteur": "relecteur (\(try service.definition(indicator)?.review.reviewer.description ?? "ARS"))"
                default: "—"
                }
                board.append(BoardRow(holder: assessment.holderFINESS, name: assessment.holderName, href: href, state: Self.stateLabel(assessment.state),
                                      indicator: indicator.code, status: status.description, statusCode: status.rawValue, waitingOn: waiting,
                                      days: days == 0 ? "aujourd'hui" : "\(days) j", path: path))
                path = ""
            }
        }
        // Results: the ARS, the fund and the establishment see their own lines; the expert does not.
        var results: [ResultRow] = [], differences: [String] = [], version = 0
        var bars: [(String, Decimal)] = [], achieved: [String: (Int, Int)] = [:]
        if principal.role != .expert {
            let engine = EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now)
            let run = try await engine.current(campaign)
            version = run.version
            let holders = Set(assessments.map(\.holderFINESS))
            let lines = try await engine.lines(campaign, version: run.version).filter { holders.contains($0.holderFINESS) }
            if run.version > 1 {
                differences = EvaluationResults.differences(try await engine.lines(campaign, version: run.version - 1).filter { holders.contains($0.holderFINESS) }, lines)
            }
            results = lines.map {
                ResultRow(holder: $0.holderFINESS, name: $0.holderName, indicator: $0.indicator, kind: EvaluationDocumentBuilder.kind($0.kind), value: $0.value,
                          target: $0.target, savings: Self.euros($0.savings), rate: $0.rate.flatMap { Decimal(stored: $0) }.map(FrenchNumberFormat.percent) ?? "",
                          amount: Self.euros($0.amount), achieved: $0.achieved, explanation: $0.explanation)
            }
            var totals: [String: Decimal] = [:]
            for line in lines {
                totals[line.holderName, default: 0] += Decimal(stored: line.amount) ?? 0
                if line.kind == "regional" || line.kind == "groupe", line.achieved == "oui" || line.achieved == "non" {
                    var counts = achieved[line.indicator] ?? (0, 0)
                    counts.1 += 1
                    if line.achieved == "oui" { counts.0 += 1 }
                    achieved[line.indicator] = counts
                }
            }
            bars = totals.sorted { $0.key < $1.key }
        }
        let engine = EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now)
        let paymentLines = principal.role == .expert ? [] : try await engine.paymentLines(campaign, scope: assessments)
        let payments = Dictionary(grouping: paymentLines, by: \.holder).sorted { $0.key < $1.key }.map { holder, lines in
            let total = lines.reduce(Decimal(0)) { $0 + (Decimal(stored: $1.amount) ?? 0) }
            return PaymentRow(holder: holder, name: lines[0].holderName, amount: FrenchNumberFormat.euros(total),
                              status: Self.paymentLabel(lines[0].status),
                              options: PaymentRecord.statuses.map { Option(value: $0, label: Self.paymentLabel($0), selected: $0 == lines[0].status) },
                              note: lines[0].regularises.map { "régularisation de la décision du \(Self.date($0))" + (total < 0 ? ", à reverser" : ", complément à verser") } ?? "")
        }
        let draw = campaign.sample.flatMap { try? JSONText.decode(ControlDraw.self, from: $0) }
        let isARS = principal.role == .arsAnalyst || principal.role == .arsDirector
        return try await req.view.render("evaluation/campaign", CampaignPage(
            layout: LayoutContext(request: req, title: "Campagne d'évaluation \(campaign.year)", principal: principal,
                                  breadcrumbs: [("Évaluation", .evaluation), ("Campagne \(campaign.year)", nil)]),
            title: "Campagne d'évaluation \(campaign.year) — région \(campaign.regionCode)",
            envelope: Self.euros(campaign.envelope),
            sharing: campaign.sharing == "montant_fixe" ? "montant fixe par indicateur atteint (\(Self.euros(campaign.amountPerIndicator)))" : "au prorata des indicateurs régionaux atteints",
            phases: calendar.phases.map { PhaseRow(label: $0.label, dates: $0.start == $0.end ? $0.start.description : "du \($0.start) au \($0.end)", current: $0.code == current) },
            board: board, results: results, resultVersion: version, differences: differences,
            chart: Charts.bars(bars.map { ($0.0, $0.1) }, title: "Montant par titulaire (intéressement national et part FIR)"),
            indicatorChart: Charts.achievement(achieved.sorted { $0.key < $1.key }.map { ($0.key, $0.value.0, $0.value.1) }),
            payments: payments, canPay: [.insurer, .arsAnalyst, .arsDirector].contains(principal.role),
            paymentHref: SiteURL.Route.evaluationPayment.path(campaignID),
            resultsCSVHref: SiteURL.Route.evaluationResultsCSV.path(campaignID),
            paymentsCSVHref: SiteURL.Route.evaluationPaymentsCSV.path(campaignID),
            paymentsXLSXHref: SiteURL.Route.evaluationPaymentsXLSX.path(campaignID),
            reportPDFHref: isARS || principal.role == .admin ? SiteURL.Route.evaluationReportPDF.path(campaignID) : "",
            reportXLSXHref: isARS || principal.role == .admin ? SiteURL.Route.evaluationReportXLSX.path(campaignID) : "",
            sampleHref: SiteURL.Route.evaluationSample.path(campaignID), canSample: isARS,
            sample: isARS ? (draw?.tirage.map { "\($0.nom) (\($0.titulaire)) — \($0.indicateur)" } ?? []) : [],
            sampleSeed: isARS ? (draw.map { "graine \($0.graine), \($0.tirage.count) sur \($0.population), le \(Self.date($0.date))" } ?? "") : "",
            errors: errors))
    }

    static func paymentLabel(_ code: String) -> String {
        switch code {
        case "a_ordonnancer": "à ordonnancer"
        case "ordonnance": "ordonnancé"
        case "paye": "payé"
        default: code
        }
    }

    @Sendable func resultsCSV(req: Request) async throws -> Response {
        let (principal, service) = try await Self.context(req)
        let campaign = try await service.findCampaign(Self.id(req))
        guard principal.role != .expert else { throw UserFacingError(.forbidden, "Les résultats et les montants ne sont pas ouverts aux experts.") }
        let engine = EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now)
        let run = try await engine.current(campaign)
        let holders = Set(try await service.assessments(of: campaign).map(\.holderFINESS))
        let lines = try await engine.lines(campaign, version: run.version).filter { holders.contains($0.holderFINESS) }
        return EvaluationAPIController.csv(EvaluationResults.csv(lines), name: "resultats-\(campaign.regionCode)-\(campaign.year)-v\(run.version).csv")
    }

    @Sendable func paymentsCSV(req: Request) async throws -> Response {
        let (principal, service) = try await Self.context(req)
        let campaign = try await service.findCampaign(Self.id(req))
        guard principal.role != .expert else { throw UserFacingError(.forbidden, "Le fichier de paiement n'est pas ouvert aux experts.") }
        let lines = try await EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now)
            .paymentLines(campaign, scope: try await service.assessments(of: campaign))
        return EvaluationAPIController.csv(EvaluationResults.paymentRows(lines), name: "paiements-\(campaign.regionCode)-\(campaign.year).csv")
    }

    struct PaymentForm: Decodable { var titulaire: String?; var statut: String? }

    @Sendable func payment(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let campaign = try await service.findCampaign(Self.id(req))
        let form = try req.content.decode(PaymentForm.self)
        do {
            try await EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now)
                .setPayment(campaign, holder: String((form.titulaire ?? "").prefix(20)), status: String((form.statut ?? "").prefix(20)))
            req.webSession?.setFlash("Paiement de \(form.titulaire ?? "") : \(Self.paymentLabel(form.statut ?? "")).")
            return req.redirect(to: SiteURL.Route.evaluationCampaign.path(try campaign.requireID().uuidString.lowercased()))
        } catch let error as UserFacingError where error.status.code < 500 && error.status != .notFound {
            return try await renderCampaign(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    struct SampleForm: Decodable { var taille: String?; var graine: String? }

    @Sendable func sample(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let campaign = try await service.findCampaign(Self.id(req))
        let form = try req.content.decode(SampleForm.self)
        do {
            let seed = form.graine.flatMap { $0.isEmpty ? nil : $0 }
            if let seed, UInt64(seed) == nil { throw UserFacingError(.unprocessableEntity, "« Graine » : un entier positif est attendu.") }
            let draw = try await service.drawSample(campaign, size: Int(form.taille ?? "") ?? 0, seed: seed.flatMap { UInt64($0) })
            req.webSession?.setFlash("Tirage de contrôle : \(draw.tirage.count) valeur(s), graine \(draw.graine).")
            return req.redirect(to: SiteURL.Route.evaluationCampaign.path(try campaign.requireID().uuidString.lowercased()))
        } catch let error as UserFacingError where error.status.code < 500 && error.status != .notFound {
            return try await renderCampaign(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    // MARK: The self-assessment

    struct FieldView: Encodable { let name: String; let label: String; let value: String; let submitted: String; let changed: Bool; let grade: Bool }
    struct LinkView: Encodable { let label: String; let href: String }
    struct ActionView: Encodable { let index: Int; let action: String; let owner: String; let due: String; let options: [Option] }
    struct ReviewView: Encodable { let date: String; let decision: String; let value: String; let reason: String; let who: String }
    struct IndicatorView: Encodable {
        let code: String; let label: String; let kind: String; let status: String; let statusCode: String; let reviewer: String
        let evidence: String; let editable: Bool; let fields: [FieldView]; let comment: String; let changed: Bool
        let evidences: [LinkView]; let actions: [ActionView]; let reviews: [ReviewView]; let canReview: Bool
        /// A send-back is offered during the analysis only (the establishment can then submit again).
        let canSendBack: Bool
        let simulation: String; let declaredMeasures: [Option]
        let imported: [ImportedView]; let calculation: String
    }
    struct ImportedView: Encodable { let label: String; let finess: String; let year: Int; let value: String; let source: String }
    struct ActView: Encodable {
        let type: String; let label: String; let button: String; let textLabel: String; let needsText: Bool; let textRequired: Bool; let needsDate: Bool; let needsObservation: Bool
        let needsNewDeadline: Bool; let pieceLabel: String
    }
    struct DecisionView: Encodable {
        let label: String; let state: String; let deadline: String; let amount: String; let documents: [LinkView]
        let acts: [ActView]; let actHref: String
        /// A corrective decision's ground and reason.
        let ground: String; let reason: String
    }
    struct EventView: Encodable { let date: String; let what: String; let who: String; let text: String; let document: String; let documentHref: String }
    struct GridRow: Encodable {
        let id: String; let name: String; let label: String; let chapter: String; let points: String; let quantitative: Bool
        let value: String; let submitted: String; let changed: Bool; let options: [Option]
    }
    struct AssessmentPage: Encodable {
        let layout: LayoutContext
        let gridRows: [GridRow]
        let gridEditable: Bool
        let gridSummary: String
        /// The holder's own chart: the national incentive per indicator on its current values.
        let chart: String
        let title: String
        let holder: String
        let state: String
        let deadline: String
        let version: Int
        let submissions: Int
        let indicators: [IndicatorView]
        let isEstablishment: Bool
        let anyEditable: Bool
        let canSubmit: Bool
        let canClose: Bool; let closeHref: String; let entryEnd: String
        let saveHref: String
        /// Where the page's script asks for the simulation as values are typed.
        let simulationHref: String
        let submitHref: String
        let evidenceHref: String
        let reviewHref: String
        let documents: [LinkView]
        let decisions: [DecisionView]
        let nextDecision: String
        let nextDecisionLabel: String
        let decisionHref: String
        let observations: [Option]
        let events: [EventView]
        let errors: [String]
        let statuses: [Option]
        let today: String
    }

    @Sendable func assessmentPage(req: Request) async throws -> Response {
        try await renderAssessment(req, errors: []).encodeResponse(for: req)
    }

    func renderAssessment(_ req: Request, errors: [String]) async throws -> View {
        let (principal, service) = try await Self.context(req)
        let assessment = try await service.findAssessment(Self.id(req))
        let id = try assessment.requireID().uuidString.lowercased()
        let dto = try await AssessmentDTO.make(assessment, service: service)
        guard let campaign = try await EvaluationCampaign.find(assessment.campaignID, on: req.db) else { throw UserFacingError.notFound() }
        let registry = try req.application.catalogues()
        // The establishment's simulation on its draft (never stored); the page's script then
        // follows the declared values as they are typed (`liveSimulation`).
        var simulation = Simulation(lines: [])
        if principal.role == .establishment || principal.role == .arsAnalyst || principal.role == .arsDirector {
            simulation = Simulation(lines: try await service.simulation(assessment.requireID()).1)
        }
        let (simulated, calculations, bars) = (simulation.texts, simulation.calculations, simulation.bars)
        let indicators = dto.indicateurs.map { item -> IndicatorView in
            let catalogue = registry[item.catalogue]
            let definition = catalogue?.indicator(item.code)
            let fields = item.mesures_declarees.map { measure in
                FieldView(name: "valeur__\(item.code)__\(measure)", label: catalogue?.measure(measure)?.label ?? measure,
                          value: item.valeurs[measure] ?? "", submitted: item.valeurs_soumises?[measure] ?? "",
                          changed: item.valeurs_soumises != nil && item.valeurs_soumises?[measure] != item.valeurs[measure],
                          grade: catalogue?.measure(measure)?.type == .grade)
            }
            return IndicatorView(
                code: item.code, label: item.libelle, kind: item.type == "regional" ? "régional" : "national", status: IndicatorStatus(rawValue: item.statut)?.description ?? item.statut,
                statusCode: item.statut, reviewer: ReviewBody.parse(item.relecteur)?.description ?? item.relecteur,
                evidence: EvidenceRequirement(rawValue: item.preuve)?.description ?? "", editable: item.modifiable, fields: fields,
                comment: item.commentaire ?? "", changed: item.modifie_depuis_soumission,
                evidences: item.preuves.map { LinkView(label: $0.nom ?? "pièce \($0.version)", href: SiteURL.document($0.sha256).path) },
                actions: item.plan_action.enumerated().map { index, action in
                    ActionView(index: index, action: action.action, owner: action.responsable, due: Self.date(action.echeance),
                               options: ActionItem.statuses.map { Option(value: $0, label: Self.actionLabel($0), selected: $0 == action.statut) })
                },
                reviews: item.revues.map { ReviewView(date: Self.date($0.date), decision: ReviewDecision(rawValue: $0.decision)?.description ?? $0.decision,
                                                       value: ($0.valeur ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", "),
                                                       reason: $0.motif, who: $0.auteur) },
                canReview: service.reviews(definition) && EvaluationService.reviewStates.map(\.code).contains(assessment.state)
                    && assessment.submissions > 0,
                canSendBack: assessment.state == EvaluationProcedure.State.analysis.code,
                simulation: simulated[item.code] ?? "",
                declaredMeasures: item.mesures_declarees.map { Option(value: $0, label: catalogue?.measure($0)?.label ?? $0) },
                imported: item.valeurs_importees.map { ImportedView(label: $0.libelle, finess: $0.finess, year: $0.annee, value: $0.valeur, source: $0.source) },
                calculation: calculations[item.code] ?? "")
        }
        let decisions = EvaluationDecisions(db: req.db, app: req.application, actor: service.actor, now: req.now)
        let events = try await decisions.events(assessment)
        let unanswered = EvaluationDecisions.unanswered(events)
        let decisionViews = dto.decisions.map { d in
            DecisionView(label: (DecisionStep(rawValue: d.etape)?.description ?? d.etape).capitalizedFirst + (d.tour > 1 ? " (tour \(d.tour))" : ""),
                         state: Self.decisionState(d.etat),
                         deadline: Self.date(d.echeance), amount: Self.euros(d.montant_total),
                         documents: d.documents.map { LinkView(label: "décision (PDF scellé)", href: SiteURL.document($0.sha256).path) },
                         acts: d.actes_possibles.compactMap { EvaluationAct(rawValue: $0) }.map { act in
                             ActView(type: act.rawValue, label: act.description.capitalizedFirst, button: Self.button(act),
                                     textLabel: act == .answer ? "Réponse de l'agence" : (act == .hearingRequest ? "Motif (facultatif)" : "Vos observations"),
                                     needsText: [.observations, .hearingRequest, .answer].contains(act),
                                     textRequired: act != .hearingRequest, needsDate: act == .hearing || (act == .receipt && principal.role != .establishment),
                                     needsObservation: act == .answer, needsNewDeadline: act == .hearing,
                                     pieceLabel: act == .receipt && principal.role != .establishment ? "Preuve de l'accusé de réception (courriel)" : (act == .observations ? "Pièce jointe (facultative)" : ""))
                         }, actHref: Self.withCSRF(SiteURL.Route.decisionAct.path(d.id.uuidString.lowercased()), req),
                         ground: d.etape == DecisionStep.corrective.rawValue ? d.fondement.flatMap { CorrectionGround(rawValue: $0)?.description } ?? "" : "",
                         reason: d.etape == DecisionStep.corrective.rawValue ? d.motif ?? "" : "")
        }
        // The 2018 grid: one row per criterion of the establishment's sectors.
        var gridRows: [GridRow] = []
        var gridSummary = ""
        let statuses = EvaluationService.statuses(assessment, reviews: try await service.reviews(assessment))
        let gridEditable = principal.role == .establishment && EvaluationService.editable("GRILLE", in: assessment, statuses: statuses)
        if let grid = try await service.grid(of: assessment) {
            let sectors = EvaluationService.sectors(assessment)
            for chapter in grid.chapters {
                for criterion in chapter.criteria {
                    guard let points = criterion.maxPoints(for: sectors) else { continue }
                    let value = dto.grille?[criterion.id] ?? "", submitted = dto.grille_soumise?[criterion.id] ?? ""
                    let choices = criterion.isQuantitative ? ["NC"] : ["R", "PR", "NR", "NC"]
                    gridRows.append(GridRow(id: criterion.id, name: "grille__\(criterion.id)", label: criterion.label, chapter: chapter.id,
                                            points: FrenchNumberFormat.decimal(points), quantitative: criterion.isQuantitative, value: value,
                                            submitted: submitted, changed: dto.grille_soumise != nil && submitted != value,
                                            options: choices.map { Option(value: $0, label: $0, selected: $0 == value) }))
                }
            }
            let lines = try await EvaluationResults(db: req.db, app: req.application, actor: service.actor, now: req.now)
                .gridLines(of: campaign, assessments: [assessment], draft: principal.role == .establishment)
            gridSummary = lines.map { line in line.kind == "grille" ? "score \(line.value.isEmpty ? "—" : line.value) (objectif \(line.target)) : \(line.explanation)"
                                                              : "sanction : \(FrenchNumberFormat.euros(line.amount)) — \(line.explanation)" }.joined(separator: " ; ")
        }
        let state = EvaluationProcedure.State(code: assessment.state) ?? .closed
        let canSubmit = principal.role == .establishment
            && (state == .open || state == .selfAssessment || (state == .analysis && dto.indicateurs.contains { $0.statut == IndicatorStatus.sentBack.rawValue }))
        // The ARS closes the entry of an establishment that submitted nothing by the deadline.
        let entryEnd = campaign.evaluationCalendar.entryEnd
        let canClose = (principal.role == .arsAnalyst || principal.role == .arsDirector)
            && EvaluationService.entryClosureRefusal(assessment, campaign: campaign, today: LegalClock.today(req.now)) == nil
        let documents = try await service.documents(assessment)
        return try await req.view.render("evaluation/assessment", AssessmentPage(
            layout: LayoutContext(request: req, title: "Auto-évaluation \(campaign.year) — \(assessment.holderName)", principal: principal,
                                  breadcrumbs: [("Évaluation", .evaluation),
                                                ("Campagne \(campaign.year)", .evaluationCampaign(campaign.id ?? UUID())),
                                                (assessment.holderName, nil)]),
            gridRows: gridRows, gridEditable: gridEditable, gridSummary: gridSummary,
            chart: bars.count > 1 || bars.contains(where: { $0.1 > 0 }) ? Charts.bars(bars, title: "Intéressement national simulé par indicateur") : "",
            title: "Auto-évaluation \(campaign.year) — \(assessment.holderName)", holder: assessment.holderFINESS,
            state: Self.stateLabel(assessment.state), deadline: Self.date(assessment.deadline), version: assessment.version,
            submissions: assessment.submissions, indicators: indicators, isEstablishment: principal.role == .establishment,
            anyEditable: principal.role == .establishment && indicators.contains(where: \.editable) && gridRows.isEmpty, canSubmit: canSubmit,
            canClose: canClose, closeHref: SiteURL.Route.assessmentClose.path(id), entryEnd: entryEnd.description,
            saveHref: SiteURL.Route.assessment.path(id), simulationHref: SiteURL.Route.assessmentSimulation.path(id), submitHref: SiteURL.Route.assessmentSubmit.path(id),
            evidenceHref: Self.withCSRF(SiteURL.Route.assessmentEvidence.path(id), req),
            reviewHref: SiteURL.Route.assessmentReview.path(id),
            documents: documents.filter { $0.type == "rapport_autoevaluation" }.map {
                LinkView(label: "Rapport d'auto-évaluation, version \($0.version)", href: SiteURL.document($0.sha256).path)
            },
            decisions: decisionViews, nextDecision: dto.decision_possible ?? "",
            nextDecisionLabel: dto.decision_possible.flatMap { DecisionStep(rawValue: $0)?.description } ?? "",
            decisionHref: SiteURL.Route.assessmentDecision.path(id),
            observations: unanswered.map { Option(value: ($0.id ?? UUID()).uuidString.lowercased(),
                                                 label: "\(Self.date($0.legalDate)) — " + ((try? JSONText.decode(ContractActDetails.self, from: $0.details))?.texte.map { String($0.prefix(80)) } ?? "demande d'audition")) },
            events: events.map { record in
                let details = try? JSONText.decode(ContractActDetails.self, from: record.details)
                return EventView(date: Self.date(record.legalDate), what: EvaluationDocumentBuilder.label(record.act), who: record.actor,
                                 text: details?.texte ?? "", document: record.documentSHA256 ?? "",
                                 documentHref: record.documentSHA256.map { SiteURL.document($0).path } ?? "")
            },
            errors: errors,
            statuses: ActionItem.statuses.map { Option(value: $0, label: Self.actionLabel($0)) },
            today: LegalClock.today(req.now).iso))
    }

    static func button(_ act: EvaluationAct) -> String {
        switch act {
        case .receipt: "Accuser réception"
        case .observations: "Envoyer les observations"
        case .hearingRequest: "Demander une audition"
        case .answer: "Enregistrer la réponse"
        case .hearing: "Enregistrer l'audition"
        case .expiry: "Expiration"
        }
    }

    static func actionLabel(_ code: String) -> String {
        switch code {
        case "a_faire": "à faire"
        case "en_cours": "en cours"
        case "realisee": "réalisée"
        case "abandonnee": "abandonnée"
        default: code
        }
    }

    static func decisionState(_ code: String) -> String {
        switch code {
        case "notifiee": "notifiée, en attente de l'accusé de réception"
        case "periode_contradictoire": "période contradictoire en cours"
        case "periode_close": "période contradictoire close"
        case "definitive": "définitive"
        case "retiree": "retirée par une décision corrective"
        default: code
        }
    }

    /// What the page shows of a simulation, per indicator: the amount or the target reached, the
    /// engine's calculation, and the national amounts for the chart.
    struct Simulation {
        var texts: [String: String] = [:], calculations: [String: String] = [:]
        var bars: [(String, Decimal)] = []

        init(lines: [EvaluationResults.Line]) {
            for line in lines {
                calculations[line.indicator] = line.explanation
                if line.kind == "national" { bars.append((line.indicator, line.amount)) }
                texts[line.indicator] = line.kind == "national"
                    ? FrenchNumberFormat.euros(line.amount) + (line.achieved.isEmpty ? "" : " (\(line.achieved))")
                    : (line.achieved.isEmpty ? "" : "cible : \(line.achieved)")
            }
        }
    }

    /// The declared values of the draft form's fields `valeur__CODE__MESURE`: code → measure → value.
    static func declaredFields(_ fields: [String: String]) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for (key, value) in fields where key.hasPrefix("valeur__") {
            let rest = key.dropFirst("valeur__".count)
            guard let separator = rest.range(of: "__") else { continue }
            result[String(rest[..<separator.lowerBound]), default: [:]][String(rest[separator.upperBound...])] = value
        }
        return result
    }

    /// The simulation as the establishment types (JSON for the page's script, never stored): the
    /// draft form's declared values laid over its draft; `erreur` says which value is unreadable.
    @Sendable func liveSimulation(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        struct Answer: Content { var indicateurs: [String: String]; var calculs: [String: String]; var erreur: String? }
        do {
            let simulation = Simulation(lines: try await service.simulation(id, proposed: Self.declaredFields(fields)).1)
            return try await Answer(indicateurs: simulation.texts, calculs: simulation.calculations, erreur: nil).encodeResponse(for: req)
        } catch let error as UserFacingError where error.status == .unprocessableEntity {
            return try await Answer(indicateurs: [:], calculs: [:], erreur: error.message).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    /// The draft form: `version`, then per indicator `valeur__CODE__MESURE`, `commentaire__CODE`,
    /// `statut__CODE__N` for existing actions and `action__CODE`, `responsable__CODE`,
    /// `echeance__CODE`, `statut__CODE` for a new one.
    @Sendable func saveDraft(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let id = try Self.id(req)
        let assessment = try await service.findAssessment(id)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let content = (try? JSONText.decode(AssessmentContent.self, from: assessment.content)) ?? AssessmentContent()
        let statuses = EvaluationService.statuses(assessment, reviews: try await service.reviews(assessment))
        let declared = Self.declaredFields(fields)
        var items: [EvaluationService.DraftIndicator] = []
        for indicator in assessment.contractIndicators where EvaluationService.editable(indicator.code, in: assessment, statuses: statuses) {
            let code = indicator.code
            let values = declared[code] ?? [:]
            var plan = content.indicateurs[code]?.plan_action ?? []
            for index in plan.indices { if let status = fields["statut__\(code)__\(index)"] { plan[index].statut = status } }
            if let action = fields["action__\(code)"], !action.trimmingCharacters(in: .whitespaces).isEmpty {
                plan.append(ActionItem(action: action, responsable: fields["responsable__\(code)"] ?? "", echeance: fields["echeance__\(code)"] ?? "",
                                       statut: fields["statut__\(code)"] ?? "a_faire"))
            }
            items.append(.init(code: code, valeurs: values, commentaire: fields["commentaire__\(code)"], plan_action: plan))
        }
        var grid: [String: String]?
        if EvaluationService.sectors(assessment).isEmpty == false {
            grid = [:]
            for (key, value) in fields where key.hasPrefix("grille__") { grid?[String(key.dropFirst("grille__".count))] = value }
            items = []
        }
        do {
            _ = try await service.saveDraft(id, version: Int(fields["version"] ?? ""), indicators: items, grid: grid)
            req.webSession?.setFlash("Brouillon enregistré.")
            return req.redirect(to: SiteURL.Route.assessment.path(id.uuidString.lowercased()))
        } catch let error as UserFacingError where error.status.code < 500 && error.status != .notFound {
            return try await renderAssessment(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        do {
            let saved = try await service.submit(id)
            req.webSession?.setFlash("Auto-évaluation soumise (version \(saved.submissions)) : le rapport scellé est disponible.")
            return req.redirect(to: SiteURL.Route.assessment.path(id.uuidString.lowercased()))
        } catch let error as UserFacingError where error.status.code < 500 && error.status != .notFound {
            return try await renderAssessment(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    @Sendable func closeEntry(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        do {
            _ = try await service.closeEntry(id)
            req.webSession?.setFlash("Saisie close : le constat de carence est scellé et l'établissement prévenu.")
            return req.redirect(to: SiteURL.Route.assessment.path(id.uuidString.lowercased()))
        } catch let error as UserFacingError where error.status.code < 500 && error.status != .notFound {
            return try await renderAssessment(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    @Sendable func evidence(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        guard service.actor.role == .establishment else { throw UserFacingError(.forbidden, "Seul l'établissement dépose ses pièces justificatives.") }
        do {
            let upload = try await UploadReceiver.receive(req, fileField: "piece")
            guard let sha = upload.fileSHA256, upload.fileSize > 0 else { throw UserFacingError(.unprocessableEntity, "Choisissez un fichier non vide.") }
            _ = try await service.addEvidence(id, indicator: String((upload.fields["indicateur"] ?? "").prefix(40)), sha256: sha, name: upload.fileName)
            req.webSession?.setFlash("Pièce justificative déposée (\(upload.fileName ?? "fichier")).")
            let back = SiteURL.Route.assessment.path(id.uuidString.lowercased())
            // The page's upload script (progress bar) asks for the address instead of a redirect,
            // which its request would follow and whose flash it would consume.
            if req.headers.first(name: "X-CAQES-Upload") == "1" { return try await ["aller_a": back].encodeResponse(for: req) }
            return req.redirect(to: back)
        } catch let error as UserFacingError where error.status.code < 500 && error.status != .notFound {
            return try await renderAssessment(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    struct ReviewForm: Decodable { var indicateur: String?; var decision: String?; var mesure: String?; var valeur: String?; var motif: String? }

    @Sendable func review(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        let form = try req.content.decode(ReviewForm.self)
        do {
            var values: [String: String] = [:]
            if let value = form.valeur, !value.trimmingCharacters(in: .whitespaces).isEmpty { values[form.mesure ?? ""] = value }
            _ = try await service.review(id, .init(indicator: String((form.indicateur ?? "").prefix(40)), decision: String((form.decision ?? "").prefix(20)),
                                                   values: values, reason: form.motif))
            req.webSession?.setFlash("Revue enregistrée : \(form.indicateur ?? "") \(ReviewDecision(rawValue: form.decision ?? "")?.description ?? "").")
            return req.redirect(to: SiteURL.Route.assessment.path(id.uuidString.lowercased()))
        } catch let error as UserFacingError where error.status.code < 500 && error.status != .notFound {
            return try await renderAssessment(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    struct DecisionForm: Decodable { var etape: String?; var fondement: String?; var motif: String? }

    @Sendable func decide(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let id = try Self.id(req)
        _ = try await service.findAssessment(id)
        let form = try req.content.decode(DecisionForm.self)
        do {
            let decision = try await EvaluationDecisions(db: req.db, app: req.application, actor: service.actor, now: req.now)
                .issue(id, .init(step: String((form.etape ?? "").prefix(30)), ground: form.fondement.map { String($0.prefix(40)) },
                                 reason: form.motif))
            req.webSession?.setFlash("\(DecisionStep(rawValue: decision.step)?.description.capitalizedFirst ?? "Décision") prise et notifiée : \(Self.euros(decision.totalAmount)).")
            return req.redirect(to: SiteURL.Route.assessment.path(id.uuidString.lowercased()))
        } catch let error as UserFacingError where error.status.code < 500 && error.status != .notFound {
            return try await renderAssessment(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }

    @Sendable func decisionAct(req: Request) async throws -> Response {
        let (_, service) = try await Self.context(req)
        let decisions = EvaluationDecisions(db: req.db, app: req.application, actor: service.actor, now: req.now)
        let id = try Self.id(req)
        let (_, assessment) = try await decisions.find(id)
        let (form, piece) = try await ActInput.read(req)
        let back = SiteURL.Route.assessment.path(try assessment.requireID().uuidString.lowercased())
        do {
            _ = try await decisions.act(on: id, form.request(file: piece))
            req.webSession?.setFlash("Acte enregistré : \(EvaluationAct(rawValue: form.type ?? "")?.description ?? "acte").")
            return req.redirect(to: back)
        } catch let error as UserFacingError where error.status.code < 500 && error.status != .notFound {
            req.parameters.set("id", to: try assessment.requireID().uuidString)
            return try await renderAssessment(req, errors: [error.message]).encodeResponse(status: error.status, for: req)
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
