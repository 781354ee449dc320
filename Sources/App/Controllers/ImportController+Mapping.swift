import CAQESCore
import CAQESData
import Vapor

/// The wizard's mapping step for wide files: which column holds the FINESS, where the year
/// comes from, which column is which measure; optionally saved by name, then previewed.
extension ImportController {
    struct MappingColumn: Encodable { let index: Int; let name: String; let samples: String }

    struct MappingPage: Encodable {
        let layout: LayoutContext
        let fileName: String
        let dialect: String
        let columns: [MappingColumn]
        let sampleHeader: [String]
        let sample: [[String]]
        let year: String
        let errors: [String]
        let action: String
    }

    @Sendable
    func mappingPage(req: Request) async throws -> View {
        let (id, entry) = try await pending(req)
        return try await renderMapping(req, id: id, entry: entry, errors: [])
    }

    @Sendable
    func submitMapping(req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let (id, entry) = try await pending(req)
        struct Form: Decodable { var finess: String?; var annee_colonne: String?; var annee: String?; var enregistrer: String?; var negatifs: String? }
        let form = try req.content.decode(Form.self)
        let measures = try? req.content.decode([String: String].self)
        var errors: [String] = []
        let columns = entry.header.columns
        guard let finessIndex = form.finess.flatMap(Int.init), columns.indices.contains(finessIndex) else {
            return try await renderMapping(req, id: id, entry: entry, errors: ["Choisissez la colonne qui contient le FINESS."])
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        var mapping = MeasureMapping(finessColumn: columns[finessIndex], columns: [], allowNegative: form.negatifs == "on")
        if let yearIndex = form.annee_colonne.flatMap(Int.init), columns.indices.contains(yearIndex) {
            mapping.yearColumn = columns[yearIndex]
        } else if let text = form.annee?.trimmingCharacters(in: .whitespaces), let year = Int(text), (1990...2100).contains(year) {
            mapping.fixedYear = year
        } else if let year = entry.options.year {
            mapping.fixedYear = year
        } else {
            errors.append(MappingError.noYear.description.replacingOccurrences(of: "--year ANNEE", with: "l'année"))
        }
        for (index, column) in columns.enumerated() where index != finessIndex && column != mapping.yearColumn {
            let code = (measures?["mesure_\(index)"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !code.isEmpty else { continue }
            guard code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                errors.append("Code de mesure invalide pour la colonne « \(column) » : « \(code) » (lettres, chiffres et _ seulement).")
                continue
            }
            mapping.columns.append(.init(column: column, measure: code))
        }
        if mapping.columns.isEmpty { errors.append(MappingError.noColumns.description) }
        guard errors.isEmpty else {
            return try await renderMapping(req, id: id, entry: entry, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
        }
        if let name = form.enregistrer?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            try await MappingStore.save(name: name, mapping: mapping, by: principal.auditActor, db: req.db)
        }
        _ = req.application.pendingMappings.take(id)
        var options = entry.options
        options.mapping = mapping
        options.dryRun = true
        ImportRunner.start(app: req.application, id: id, kind: .measures, path: entry.path, fileName: entry.fileName,
                           options: options, acceptBadKeys: false, actor: principal.auditActor, logger: req.logger)
        return req.redirect(to: SiteURL.importRun(id).path)
    }

    private func pending(_ req: Request) async throws -> (UUID, PendingMappingBoard.Entry) {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self), let entry = req.application.pendingMappings.get(id),
              entry.actorID == principal.userID else { throw UserFacingError.notFound() }
        return (id, entry)
    }

    private func renderMapping(_ req: Request, id: UUID, entry: PendingMappingBoard.Entry, errors: [String]) async throws -> View {
        let principal = try await req.requirePrincipal()
        let header = entry.header
        let columns = header.columns.enumerated().map { index, name in
            MappingColumn(index: index, name: name,
                          samples: header.sample.compactMap { $0.indices.contains(index) ? $0[index] : nil }.prefix(3).joined(separator: " · "))
        }
        return try await req.view.render("admin/mapping", MappingPage(
            layout: LayoutContext(request: req, title: "Correspondance des colonnes", principal: principal,
                                  breadcrumbs: [("Imports", .imports), (entry.fileName, nil)]),
            fileName: entry.fileName, dialect: header.dialect, columns: columns, sampleHeader: header.columns,
            sample: header.sample, year: entry.options.year.map(String.init) ?? "", errors: errors,
            action: SiteURL.importRun(id).path + "/correspondance"))
    }
}
