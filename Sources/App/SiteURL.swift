import Foundation
import Vapor

/// Every link of the site, built in one place from the same path templates that the controllers
/// register (`Route`): templates never hand-write paths.
enum SiteURL: Sendable {
    case home
    case login(next: String?, expired: Bool)
    case logout
    case password
    case tokens
    case tokenRevoke(UUID)
    case establishments
    case establishment(String)
    case establishmentsCSV
    case users
    case user(UUID)
    case userActivation(UUID)
    case audit
    case imports
    case importRun(UUID)
    case importMapping(UUID)
    case importConfirm(UUID)
    case importErrors(UUID)
    /// The upload form's address carries its CSRF token: the token is checked before the body is read.
    case importUpload(csrf: String)
    case apiImport(UUID)
    case apiEstablishments
    case apiEstablishment(String)
    case campaigns
    case campaign(UUID)
    case campaignFreeze(UUID)
    case campaignOverride(UUID)
    case campaignContracts(UUID)
    case campaignSend(UUID)
    case campaignAmendments(UUID)
    case contractsOpinion
    case contracts
    case contractsCSV
    case contract(UUID)
    case contractAct(UUID)
    case contractPreview(UUID)
    case contractCreate
    case deadlines
    case document(String)
    case verify(String)
    case verifyForm
    case outbox
    case evaluation
    case evaluationCampaign(UUID)
    case apiCampaign(UUID)
    case apiContract(UUID)
    case apiDocument(String)
    case openAPI
    case healthz
    case readyz
    case metrics

    var path: String {
        switch self {
        case .home: return Route.home.path()
        case .login(let next, let expired):
            var items: [URLQueryItem] = []
            if let next, next != "/", !AuthController.safeNext(next).isEmpty { items.append(.init(name: "suite", value: next)) }
            if expired { items.append(.init(name: "expiree", value: "1")) }
            return Self.with(Route.login.path(), items)
        case .logout: return Route.logout.path()
        case .password: return Route.password.path()
        case .tokens: return Route.tokens.path()
        case .tokenRevoke(let id): return Route.tokenRevoke.path(id.lowercased)
        case .establishments: return Route.establishments.path()
        case .establishment(let finess): return Route.establishment.path(finess)
        case .establishmentsCSV: return Route.establishmentsCSV.path()
        case .users: return Route.users.path()
        case .user(let id): return Route.users.path() + "/" + id.lowercased
        case .userActivation(let id): return Route.userActivation.path(id.lowercased)
        case .audit: return Route.audit.path()
        case .imports: return Route.imports.path()
        case .importRun(let id): return Route.importRun.path(id.lowercased)
        case .importMapping(let id): return Route.importMapping.path(id.lowercased)
        case .importConfirm(let id): return Route.importConfirm.path(id.lowercased)
        case .importErrors(let id): return Route.importErrors.path(id.lowercased)
        case .importUpload(let csrf): return Self.with(Route.imports.path(), [.init(name: "_csrf", value: csrf)])
        case .apiImport(let id): return Route.apiImport.path(id.lowercased)
        case .apiEstablishments: return Route.apiEstablishments.path()
        case .apiEstablishment(let finess): return Route.apiEstablishment.path(finess)
        case .campaigns: return Route.campaigns.path()
        case .campaign(let id): return Route.campaign.path(id.lowercased)
        case .campaignFreeze(let id): return Route.campaignFreeze.path(id.lowercased)
        case .campaignOverride(let id): return Route.campaignOverride.path(id.lowercased)
        case .campaignContracts(let id): return Route.campaignContracts.path(id.lowercased)
        case .campaignSend(let id): return Route.campaignSend.path(id.lowercased)
        case .campaignAmendments(let id): return Route.campaignAmendments.path(id.lowercased)
        case .contractsOpinion: return Route.contractsOpinion.path()
        case .contracts: return Route.contracts.path()
        case .contractsCSV: return Route.contractsCSV.path()
        case .contract(let id): return Route.contract.path(id.lowercased)
        case .contractAct(let id): return Route.contractAct.path(id.lowercased)
        case .contractPreview(let id): return Route.contractPreview.path(id.lowercased)
        case .contractCreate: return Route.contractCreate.path()
        case .deadlines: return Route.deadlines.path()
        case .document(let sha): return Route.document.path(sha)
        case .verify(let sha): return Route.verify.path(sha)
        case .verifyForm: return Route.verifyForm.path()
        case .outbox: return Route.outbox.path()
        case .evaluation: return Route.evaluation.path()
        case .evaluationCampaign(let id): return Route.evaluationCampaign.path(id.lowercased)
        case .apiCampaign(let id): return Route.apiCampaign.path(id.lowercased)
        case .apiContract(let id): return Route.apiContract.path(id.lowercased)
        case .apiDocument(let sha): return Route.apiDocument.path(sha)
        case .openAPI: return Route.openAPI.path()
        case .healthz: return Route.healthz.path()
        case .readyz: return Route.readyz.path()
        case .metrics: return Route.metrics.path()
        }
    }

    /// Every route's path template: controllers register these, links render them, so a path is
    /// written once. `:name` marks a parameter.
    enum Route: String, CaseIterable, Sendable {
        case home = "/"
        case login = "/connexion"
        case logout = "/deconnexion"
        case password = "/compte/mot-de-passe"
        case tokens = "/compte/jetons"
        case tokenRevoke = "/compte/jetons/:id/revoquer"
        case establishments = "/etablissements"
        case establishmentsCSV = "/etablissements.csv"
        case establishment = "/etablissements/:finess"
        case users = "/admin/utilisateurs"
        case userActivation = "/admin/utilisateurs/:id/activation"
        case audit = "/admin/journal"
        case imports = "/admin/imports"
        case importRun = "/admin/imports/:id"
        case importMapping = "/admin/imports/:id/correspondance"
        case importConfirm = "/admin/imports/:id/confirmer"
        case importErrors = "/admin/imports/:id/erreurs.csv"
        case apiEstablishments = "/api/v1/establishments"
        case apiEstablishment = "/api/v1/establishments/:finess"
        /// The same resources under their French names (D29).
        case apiEtablissements = "/api/v1/etablissements"
        case apiEtablissement = "/api/v1/etablissements/:finess"
        case apiImports = "/api/v1/imports"
        case apiImport = "/api/v1/imports/:id"
        case campaigns = "/campagnes"
        case campaign = "/campagnes/:id"
        case campaignFreeze = "/campagnes/:id/gel"
        case campaignOverride = "/campagnes/:id/derogations"
        case campaignContracts = "/campagnes/:id/contrats"
        case campaignSend = "/campagnes/:id/envoi"
        case campaignAmendments = "/campagnes/:id/avenants"
        case contractsOpinion = "/contrats/avis-am"
        case contracts = "/contrats"
        case contractsCSV = "/contrats.csv"
        case contractCreate = "/contrats/nouveau"
        case contract = "/contrats/:id"
        case contractAct = "/contrats/:id/actes"
        case contractPreview = "/contrats/:id/apercu.pdf"
        case deadlines = "/echeances"
        case document = "/documents/:sha256"
        case verifyForm = "/verifier"
        case verify = "/verifier/:sha256"
        case outbox = "/admin/courriels"
        case apiCampaigns = "/api/v1/campagnes-ciblage"
        case apiCampaign = "/api/v1/campagnes-ciblage/:id"
        case apiCampaignFreeze = "/api/v1/campagnes-ciblage/:id/gel"
        case apiCampaignOverrides = "/api/v1/campagnes-ciblage/:id/derogations"
        case apiCampaignContracts = "/api/v1/campagnes-ciblage/:id/contrats"
        case apiCampaignSend = "/api/v1/campagnes-ciblage/:id/envoi"
        case apiCampaignAmendments = "/api/v1/campagnes-ciblage/:id/avenants"
        case apiContractsOpinion = "/api/v1/contrats/avis-am"
        case apiContracts = "/api/v1/contrats"
        case apiContract = "/api/v1/contrats/:id"
        case apiContractActs = "/api/v1/contrats/:id/actes"
        case apiDocument = "/api/v1/documents/:sha256"
        case evaluation = "/evaluation"
        case evaluationCampaign = "/evaluation/campagnes/:id"
        case evaluationResultsCSV = "/evaluation/campagnes/:id/resultats.csv"
        case evaluationPaymentsCSV = "/evaluation/campagnes/:id/paiements.csv"
        case evaluationPaymentsXLSX = "/evaluation/campagnes/:id/paiements.xlsx"
        case evaluationPayment = "/evaluation/campagnes/:id/paiements"
        case evaluationReportPDF = "/evaluation/campagnes/:id/rapport.pdf"
        case evaluationReportXLSX = "/evaluation/campagnes/:id/rapport.xlsx"
        case evaluationSample = "/evaluation/campagnes/:id/tirage"
        case assessment = "/evaluation/autoevaluations/:id"
        case assessmentSubmit = "/evaluation/autoevaluations/:id/soumission"
        case assessmentSimulation = "/evaluation/autoevaluations/:id/simulation"
        case assessmentClose = "/evaluation/autoevaluations/:id/cloture"
        case assessmentEvidence = "/evaluation/autoevaluations/:id/preuves"
        case assessmentReview = "/evaluation/autoevaluations/:id/revues"
        case assessmentDecision = "/evaluation/autoevaluations/:id/decisions"
        case decisionAct = "/evaluation/decisions/:id/actes"
        case apiEvaluationCampaigns = "/api/v1/campagnes-evaluation"
        case apiEvaluationCampaign = "/api/v1/campagnes-evaluation/:id"
        case apiEvaluationResults = "/api/v1/campagnes-evaluation/:id/resultats"
        case apiEvaluationResultsCSV = "/api/v1/campagnes-evaluation/:id/resultats.csv"
        case apiEvaluationPaymentsCSV = "/api/v1/campagnes-evaluation/:id/paiements.csv"
        case apiEvaluationPaymentsXLSX = "/api/v1/campagnes-evaluation/:id/paiements.xlsx"
        case apiEvaluationPayments = "/api/v1/campagnes-evaluation/:id/paiements"
        case apiEvaluationReportPDF = "/api/v1/campagnes-evaluation/:id/rapport.pdf"
        case apiEvaluationReportXLSX = "/api/v1/campagnes-evaluation/:id/rapport.xlsx"
        case apiEvaluationSample = "/api/v1/campagnes-evaluation/:id/tirage"
        case apiAssessment = "/api/v1/autoevaluations/:id"
        case apiAssessmentSubmit = "/api/v1/autoevaluations/:id/soumission"
        case apiAssessmentReviews = "/api/v1/autoevaluations/:id/revues"
        case apiAssessmentEvidence = "/api/v1/autoevaluations/:id/preuves"
        case apiAssessmentSimulation = "/api/v1/autoevaluations/:id/simulation"
        case apiAssessmentClose = "/api/v1/autoevaluations/:id/cloture"
        case apiAssessmentDecisions = "/api/v1/autoevaluations/:id/decisions"
        case apiDecision = "/api/v1/decisions/:id"
        case apiDecisionActs = "/api/v1/decisions/:id/actes"
        case openAPI = "/api/v1/openapi.yaml"
        case healthz = "/healthz"
        case readyz = "/readyz"
        case metrics = "/metrics"

        /// For registration: `routes.get(SiteURL.Route.imports.components, use: …)`.
        var components: [PathComponent] {
            rawValue.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
        }

        /// The path with its parameters filled in, in order.
        func path(_ values: String...) -> String {
            var remaining = values[...]
            let parts = rawValue.split(separator: "/").map { part -> String in
                guard part.hasPrefix(":"), let value = remaining.popFirst() else { return String(part) }
                return value
            }
            return "/" + parts.joined(separator: "/")
        }
    }

    static func with(_ path: String, _ items: [URLQueryItem]) -> String {
        guard !items.isEmpty else { return path }
        var components = URLComponents()
        components.path = path
        components.queryItems = items
        return components.string ?? path
    }
}

private extension UUID {
    var lowercased: String { uuidString.lowercased() }
}
