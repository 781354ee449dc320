import Fluent
import Foundation

/// A FINESS géographique (ET): one physical establishment.
final class Site: Model, @unchecked Sendable {
    static let schema = "sites"

    @ID(custom: "finess", generatedBy: .user) var id: String?
    @Field(key: "legal_entity_finess") var legalEntityFINESS: String
    @Field(key: "name") var name: String
    @OptionalField(key: "category_code") var categoryCode: String?
    @OptionalField(key: "category_label") var categoryLabel: String?
    @OptionalField(key: "aggregate_code") var aggregateCode: String?
    @OptionalField(key: "aggregate_label") var aggregateLabel: String?
    @Field(key: "department_code") var departmentCode: String
    @OptionalField(key: "region_code") var regionCode: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "postal_code") var postalCode: String?
    @OptionalField(key: "city") var city: String?
    @OptionalField(key: "siret") var siret: String?
    @OptionalField(key: "opened_on") var openedOn: String?
    @OptionalField(key: "legal_status") var legalStatus: String?
    @OptionalField(key: "status_source") var statusSource: String?
    @Field(key: "holder_finess") var holderFINESS: String
    @Field(key: "source") var source: String
    @Field(key: "source_date") var sourceDate: String
    /// Upper-case name and FINESS without accents, for case-insensitive search on both databases.
    @Field(key: "search_text") var searchText: String
    @Field(key: "row_hash") var rowHash: String
    @Field(key: "key_valid") var keyValid: Bool
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
