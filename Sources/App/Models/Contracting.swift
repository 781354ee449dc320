import Fluent
import Foundation

/// One run of targeting for a region: an immutable snapshot of who is in or out, per indicator,
/// with the catalogues and data versions it used. A rerun is a new campaign row (`run_number` + 1,
/// `previous_id`); a director freezes one run (D28), and contracts are made from it only.
final class TargetingCampaign: Model, @unchecked Sendable {
    static let schema = "targeting_campaigns"

    @ID(key: .id) var id: UUID?
    @Field(key: "region_code") var regionCode: String
    /// The reference year of the data targeted on.
    @Field(key: "year") var year: Int
    /// Catalogue ids, JSON array.
    @Field(key: "catalogues") var catalogues: String
    /// The measure imports the run read, JSON (source, year, import id, date).
    @Field(key: "data_versions") var dataVersions: String
    @Field(key: "run_number") var runNumber: Int
    @OptionalField(key: "previous_id") var previousID: UUID?
    /// The decision date of the freeze (`AAAA-MM-JJ`), nil while the list may change.
    @OptionalField(key: "frozen_on") var frozenOn: String?
    @OptionalField(key: "frozen_by") var frozenBy: String?
    @OptionalField(key: "frozen_at") var frozenAt: Date?
    @OptionalField(key: "created_by_id") var createdByID: UUID?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "version") var version: Int

    init() {}

    var catalogueIDs: [String] { (try? JSONText.decode([String].self, from: catalogues)) ?? [] }
    var isFrozen: Bool { frozenOn != nil }
}

/// One (holder, indicator) line of a campaign's snapshot, with every criterion's value and threshold.
final class TargetingResultRecord: Model, @unchecked Sendable {
    static let schema = "targeting_results"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "holder_finess") var holderFINESS: String
    @Field(key: "holder_name") var holderName: String
    @Field(key: "catalogue_id") var catalogueID: String
    @Field(key: "indicator") var indicator: String
    @Field(key: "regional") var regional: Bool
    /// `oui`, `non` or `non évaluable`.
    @Field(key: "outcome") var outcome: String
    @Field(key: "reason") var reason: String
    /// JSON array of `CriterionSnapshot`.
    @Field(key: "criteria") var criteria: String

    init() {}
}

/// A criterion as the snapshot keeps it: label, value, comparison, threshold, outcome.
struct CriterionSnapshot: Codable, Sendable, Equatable {
    var libelle: String
    var valeur: String?
    var comparaison: String
    var seuil: String?
    var resultat: String
}

/// An analyst's decision to put a (holder, indicator) in or out against the computed result,
/// with the written reason (regional additions, "already under a transport contract", experiments).
final class TargetingOverride: Model, @unchecked Sendable {
    static let schema = "targeting_overrides"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "holder_finess") var holderFINESS: String
    @Field(key: "indicator") var indicator: String
    @Field(key: "included") var included: Bool
    @Field(key: "reason") var reason: String
    @OptionalField(key: "author_id") var authorID: UUID?
    @Field(key: "author") var author: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A contract (or amendment) with one holder, made from a frozen campaign (D28). Its state,
/// deadline and who acts next are folded from its event log and kept here only for lists.
final class Contract: Model, @unchecked Sendable {
    static let schema = "contracts"

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    /// `contrat` or `avenant`.
    @Field(key: "kind") var kind: String
    @OptionalField(key: "parent_id") var parentID: UUID?
    @Field(key: "holder_finess") var holderFINESS: String
    @Field(key: "holder_name") var holderName: String
    @Field(key: "legal_entity_finess") var legalEntityFINESS: String
    @Field(key: "region_code") var regionCode: String
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    /// AM products of the last closed year, a decimal with a point (D14, D29).
    @Field(key: "am_products") var amProducts: String
    @Field(key: "am_products_year") var amProductsYear: Int
    /// JSON array of `ContractIndicator`.
    @Field(key: "indicators") var indicators: String
    /// JSON object of options (IDF day-case surgery option and specialty).
    @Field(key: "options") var options: String
    /// Projection of the fold: the API state code (`periode_1`…).
    @Field(key: "state") var state: String
    @OptionalField(key: "deadline") var deadline: String?
    /// Comma-separated `ContractParty` codes.
    @Field(key: "waiting_on") var waitingOn: String
    /// A contract in force that an amendment campaign did not prolong: it ends on its end date
    /// (the holder is no longer targeted), with the reason.
    @OptionalField(key: "exit_on") var exitOn: String?
    @OptionalField(key: "exit_reason") var exitReason: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "version") var version: Int

    init() {}
}

/// One indicator of a contract: its catalogue, whether it is regional, its rate and yearly targets.
struct ContractIndicator: Codable, Sendable, Equatable {
    var code: String
    var libelle: String
    var catalogue: String
    var regional: Bool
    /// The incentive rate (≤ the catalogue's cap, D3), as a decimal text (`0.30`), national only.
    var taux: String?
    /// Yearly targets of a regional indicator (`{"2022": "92 %"}`).
    var cibles: [String: String]
    /// How the indicator came in: `ciblage` or `derogation` (override, with its reason).
    var origine: String
}

/// One act in a contract's append-only log (D20). The database refuses UPDATE and DELETE.
final class ContractEventRecord: Model, @unchecked Sendable {
    static let schema = "contract_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "contract_id") var contractID: UUID
    @Field(key: "seq") var seq: Int
    /// The act's API type (`accuse_reception`…).
    @Field(key: "act") var act: String
    /// JSON of `ProcedureEntry<ContractProcedure.Event>`: what the fold replays.
    @Field(key: "entry") var entry: String
    /// JSON of `ContractActDetails`: text, the observation answered, proof file, address.
    @Field(key: "details") var details: String
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor") var actor: String
    @OptionalField(key: "actor_role") var actorRole: String?
    @Field(key: "legal_date") var legalDate: String
    @Field(key: "recorded_at") var recordedAt: Date
    @OptionalField(key: "document_sha256") var documentSHA256: String?

    init() {}
}

/// What an act says besides its event: free text, the observation it answers, files, the address.
struct ContractActDetails: Codable, Sendable, Equatable {
    var texte: String?
    var observation: UUID?
    var fichier: String?
    var adresse: String?
    var date: String?
}

/// A generated document of a contract, stored by SHA-256 in the file store and never changed:
/// a new content is a new version (D20).
final class ContractDocument: Model, @unchecked Sendable {
    static let schema = "contract_documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "contract_id") var contractID: UUID
    /// `proposition`, `proposition_modifiee`, `decision_sanction`, `contrat_signe`.
    @Field(key: "type") var type: String
    @Field(key: "version") var version: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
