import CAQESData
import Fluent

/// Loads the regions and departments of the INSEE COG (committed in Resources/Reference).
struct SeedGeography: AsyncMigration {
    let path: String

    /// Region names of the COG (the department file names each region too; these fix the spelling).
    static let overseasRegions = ["01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte"]

    func prepare(on database: any Database) async throws {
        let reader = try CSVReader(path: path)
        let columns = try reader.requireColumns(["code_departement", "nom_departement", "code_region", "nom_region"])
        var regions: [String: String] = [:]
        var departments: [DepartmentModel] = []
        while let record = try reader.next() {
            let fields = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            departments.append(DepartmentModel(code: fields[columns[0]], name: fields[columns[1]], regionCode: fields[columns[2]]))
            regions[fields[columns[2]]] = fields[columns[3]]
        }
        let (regionRows, departmentRows) = (regions, departments)
        try await database.transaction { db in
            for (code, name) in regionRows.sorted(by: { $0.key < $1.key }) {
                try await RegionModel(code: code, name: name).create(on: db)
            }
            try await departmentRows.create(on: db)
        }
    }

    func revert(on database: any Database) async throws {
        try await DepartmentModel.query(on: database).delete()
        try await RegionModel.query(on: database).delete()
    }
}
