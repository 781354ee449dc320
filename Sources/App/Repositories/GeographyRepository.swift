import CAQESCore
import Fluent

/// Regions and departments (small, read whole).
struct GeographyRepository {
    let db: any Database

    func all() async throws -> (regions: [Region], departments: [Department]) {
        let regions = try await RegionModel.query(on: db).sort(\.$id).all()
            .map { Region(code: $0.id ?? "", name: $0.name) }
        let departments = try await DepartmentModel.query(on: db).sort(\.$id).all()
            .map { Department(code: $0.id ?? "", name: $0.name, regionCode: $0.regionCode) }
        return (regions, departments)
    }
}
