import CAQESCore
import Fluent
import Foundation

/// A yearly evaluation campaign of a region (DOMAIN B.5.2): the contracts in force during the
/// year, the phase calendar, the FIR envelope and how it is shared (D12).
final class EvaluationCampaign: Model, @unchecked Sendable {
    static let schema = "evaluation_campaigns"

    @ID(key: .id) var id: UUID?
    @Field(key: "region_code") var regionCode: String
    /// The year evaluated (N), evaluated during N+1.
    @Field(key: "year") var year: Int
    /// `caqes` (2022+ contracts) or `grille_2018` (the 2018 grid, D13).
    @Field(key: "kind") var kind: String
    /// Catalogue ids the contracts use, JSON array.
    @Field(key: "catalogues") var catalogues: String
    /// The 2018 grid (`Resources/Grids/<id>.yaml`) and the year's regional target, in %.
    @OptionalField(key: "grid_id") var gridID: String?
    @OptionalField(key: "grid_target") var gridTarget: String?
    /// JSON of `EvaluationCalendar`.
    @Field(key: "calendar") var calendar: String
    /// The regional FIR envelope, a decimal with a point (D29).
    @Field(key: "envelope") var envelope: String
    /// `proportionnel` or `montant_fixe` (D12).
    @Field(key: "sharing") var sharing: String
    @OptionalField(key: "amount_per_indicator") var amountPerIndicator: String?
    /// JSON of the last control draw (`ControlDraw`), with its seed.
    @OptionalField(key: "sample") var sample: String?
    @OptionalField(key: "created_by_id") var createdByID: UUID?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "version") var version: Int

    init() {}

    var catalogueIDs: [String] { (try? JSONText.decode([String].self, from: catalogues)) ?? [] }
    var isGrid: Bool { kind == "grille_2018" }

    /// A 2018-grid campaign's thresholds of quantitative criteria (criterion → thresholds), as
    /// the region's COPIL set them after the T0 baseline (stored JSON).
    @OptionalField(key: "grid_thresholds") var gridThresholds: String?

    /// The campaign's phase calendar (the standard one if the stored one cannot be read).
    var evaluationCalendar: EvaluationCalendar {
        (try? JSONText.decode(EvaluationCalendar.self, from: calendar)) ?? .standard(year: year)
    }

    var quantitativeThresholds: [String: QuantitativeThresholds] {
        gridThresholds.flatMap { try? JSONText.decode([String: QuantitativeThresholds].self, from: $0) } ?? [:]
    }
}

/// One contract's self-assessment for the campaign's year, with its decisions' procedure. State
/// and deadline are folded from the event log and copied here for lists; the draft is `content`,
/// what was last submitted is `submitted_content`.
final class SelfAssessment: Model, @unchecked Sendable {
    static let schema = "self_assessments"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    /// The contract evaluated; none on the 2018 grid, whose volet obligatoire bound every establishment.
    @OptionalField(key: "contract_id") var contractID: UUID?
    @Field(key: "holder_finess") var holderFINESS: String
    @Field(key: "holder_name") var holderName: String
    @Field(key: "legal_entity_finess") var legalEntityFINESS: String
    @Field(key: "region_code") var regionCode: String
    @Field(key: "department_code") var departmentCode: String
    /// AM products of the contract (its refusal sanction basis), kept for the documents.
    @Field(key: "am_products") var amProducts: String
    /// JSON array of `ContractIndicator`: the contract's indicators that apply in the year.
    @Field(key: "indicators") var indicators: String
    /// 2018 grid: the establishment's sectors (JSON array of `GridSector`) and last year's global %.
    @OptionalField(key: "sectors") var sectors: String?
    @OptionalField(key: "previous_score") var previousScore: String?
    /// Projection of the fold: `EvaluationProcedure.State.code`.
    @Field(key: "state") var state: String
    @OptionalField(key: "deadline") var deadline: String?
    /// JSON of `AssessmentContent`: the draft.
    @Field(key: "content") var content: String
    @OptionalField(key: "submitted_content") var submittedContent: String?
    @Field(key: "submissions") var submissions: Int
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "version") var version: Int

    init() {}

    var contractIndicators: [ContractIndicator] { (try? JSONText.decode([ContractIndicator].self, from: indicators)) ?? [] }

    /// Who a self-assessment is for, and where (its scope).
    struct Holder: Sendable { let finess: String; let name: String; let legalEntity: String; let region: String; let department: String }
}

/// What an establishment writes in its self-assessment (API names, D29).
struct AssessmentContent: Codable, Sendable, Equatable {
    var indicateurs: [String: AssessmentEntry] = [:]
    /// 2018 grid: criterion → `R`, `PR`, `NR`, `NC`, or a rate in % for a quantitative criterion.
    var grille: [String: String]? = nil
}

struct AssessmentEntry: Codable, Sendable, Equatable {
    /// Declared measures (`conciliation_grade` → `B`), as typed: numbers with a point or a comma.
    var valeurs: [String: String] = [:]
    var commentaire: String?
    /// Evidence files, by SHA-256.
    var preuves: [String] = []
    var plan_action: [ActionItem] = []
}

/// One action of a plan for a missed target; carried over to next year's form.
struct ActionItem: Codable, Sendable, Equatable {
    var action: String
    var responsable: String
    /// `AAAA-MM-JJ`.
    var echeance: String
    /// `a_faire`, `en_cours`, `realisee`, `abandonnee`.
    var statut: String

    static let statuses = ["a_faire", "en_cours", "realisee", "abandonnee"]
}

/// A reviewer's decision on one indicator (append-only).
final class AssessmentReview: Model, @unchecked Sendable {
    static let schema = "assessment_reviews"

    @ID(key: .id) var id: UUID?
    @Field(key: "assessment_id") var assessmentID: UUID
    @Field(key: "indicator") var indicator: String
    /// `ReviewDecision` raw value.
    @Field(key: "decision") var decision: String
    /// The corrected value, JSON object measure → text, for `corrigee`.
    @OptionalField(key: "value") var value: String?
    @Field(key: "reason") var reason: String
    /// The submission number it reviewed.
    @Field(key: "submission") var submission: Int
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor") var actor: String
    @OptionalField(key: "actor_role") var actorRole: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A DG ARS decision on one self-assessment: which step, on which results version.
final class EvaluationDecision: Model, @unchecked Sendable {
    static let schema = "evaluation_decisions"

    @ID(key: .id) var id: UUID?
    @Field(key: "assessment_id") var assessmentID: UUID
    /// `DecisionStep` raw value.
    @Field(key: "step") var step: String
    @Field(key: "result_version") var resultVersion: Int
    @Field(key: "total_amount") var totalAmount: String
    @Field(key: "created_at") var createdAt: Date
    /// 1 for the yearly decisions; each corrective decision starts the next round, whose second
    /// and final decisions replace the earlier ones (their document version is the round).
    @Field(key: "round") var round: Int
    /// A corrective decision's ground (`CorrectionGround`) and reason in the director's words.
    @OptionalField(key: "ground") var ground: String?
    @OptionalField(key: "reason") var reason: String?
    /// On a corrective decision: the last final decision whose amounts were already ordered or
    /// paid; the new final decision's payment lines are then the differences from it.
    @OptionalField(key: "settled_decision_id") var settledDecisionID: UUID?
    /// On a decision after a correction: the FIR share, when it was capped to what the envelope
    /// still held after the other establishments' decided shares (D12).
    @OptionalField(key: "fir_cap") var firCap: String?

    init() {}
}

/// One act in an evaluation's append-only log (D20).
final class EvaluationEventRecord: Model, @unchecked Sendable {
    static let schema = "evaluation_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "assessment_id") var assessmentID: UUID
    @OptionalField(key: "decision_id") var decisionID: UUID?
    @Field(key: "seq") var seq: Int
    @Field(key: "act") var act: String
    /// JSON of `ProcedureEntry<EvaluationProcedure.Event>`.
    @Field(key: "entry") var entry: String
    /// JSON of `ContractActDetails` (text, observation answered, file, address, date, indicator).
    @Field(key: "details") var details: String
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor") var actor: String
    @OptionalField(key: "actor_role") var actorRole: String?
    @Field(key: "legal_date") var legalDate: String
    @Field(key: "recorded_at") var recordedAt: Date
    @OptionalField(key: "document_sha256") var documentSHA256: String?

    init() {}
}

/// A document of a self-assessment: the sealed report, a decision, or an evidence file.
final class EvaluationDocument: Model, @unchecked Sendable {
    static let schema = "evaluation_documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "assessment_id") var assessmentID: UUID
    @OptionalField(key: "decision_id") var decisionID: UUID?
    /// `rapport_autoevaluation`, `decision_1`, `decision_2`, `decision_finale`, `preuve`, `piece_<acte>`.
    @Field(key: "type") var type: String
    @OptionalField(key: "indicator") var indicator: String?
    @OptionalField(key: "name") var name: String?
    @Field(key: "version") var version: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// One computation of a campaign's results, with the versions of every input.
final class EvaluationResultRun: Model, @unchecked Sendable {
    static let schema = "evaluation_result_runs"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "version") var version: Int
    /// JSON of `ResultInputs`.
    @Field(key: "inputs") var inputs: String
    @Field(key: "fingerprint") var fingerprint: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// One line of a results version: per holder and indicator (or the FIR share).
final class EvaluationResultRecord: Model, @unchecked Sendable {
    static let schema = "evaluation_results"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "seq") var seq: Int
    @Field(key: "holder_finess") var holderFINESS: String
    @Field(key: "holder_name") var holderName: String
    @Field(key: "indicator") var indicator: String
    @Field(key: "label") var label: String
    /// `national`, `informatif`, `regional`, `groupe`, `fir`.
    @Field(key: "kind") var kind: String
    @Field(key: "value") var value: String
    @Field(key: "target") var target: String
    @OptionalField(key: "savings") var savings: String?
    @OptionalField(key: "rate") var rate: String?
    /// Decimal with a point and two decimals (D29).
    @Field(key: "amount") var amount: String
    /// `oui`, `non`, `non évaluable`, or empty when the line has no target.
    @Field(key: "achieved") var achieved: String
    @Field(key: "explanation") var explanation: String

    init() {}
}

/// Where a holder's payment of a campaign stands: `a_ordonnancer`, `ordonnance`, `paye`.
final class PaymentRecord: Model, @unchecked Sendable {
    static let schema = "payments"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "holder_finess") var holderFINESS: String
    @Field(key: "status") var status: String
    @Field(key: "updated_by") var updatedBy: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    static let statuses = ["a_ordonnancer", "ordonnance", "paye"]
    /// The statuses after which a corrected decision pays (or recovers) only the difference.
    static let settled: Set<String> = ["ordonnance", "paye"]
}
