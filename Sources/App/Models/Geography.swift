import Fluent

final class RegionModel: Model, @unchecked Sendable {
    static let schema = "regions"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    init() {}
    init(code: String, name: String) { self.id = code; self.name = name }
}

final class DepartmentModel: Model, @unchecked Sendable {
    static let schema = "departments"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "region_code") var regionCode: String
    init() {}
    init(code: String, name: String, regionCode: String) { self.id = code; self.name = name; self.regionCode = regionCode }
}
