import Fluent
import Foundation

/// A FINESS juridique (EJ): the legal entity that owns one or more sites.
final class LegalEntity: Model, @unchecked Sendable {
    static let schema = "legal_entities"

    @ID(custom: "finess", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "department_code") var departmentCode: String
    @OptionalField(key: "region_code") var regionCode: String?
    @OptionalField(key: "legal_status") var legalStatus: String?

    init() {}
}
