import CAQESCore
import CAQESData
import Vapor

/// An uploaded file to import, as the wizard page or the API received it (same multipart fields).
struct ImportUpload: Content {
    var type: String?
    var fichier: File?
    var annee: String?
    var correspondance: String?
    var source: String?
    var ignorer_inconnus: String?
    var apercu: String?
    var cles_invalides: String?

    static func isOn(_ value: String?) -> Bool { ["on", "true", "1", "oui"].contains(value?.lowercased() ?? "") }

    /// Validates the fields, stores the file and starts the import in the background; returns its
    /// id. Refusals are French `UserFacingError`s: 422 for a field, 403 for a registry file when
    /// the user is not an administrator.
    func start(req: Request, principal: Principal) async throws -> UUID {
        guard let kind = type.flatMap(ImportKind.init(rawValue:)) else {
            throw UserFacingError(.unprocessableEntity, "Choisissez le type de fichier (« type » : \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))).")
        }
        if kind.isReferenceData && principal.role != .admin { throw UserFacingError.forbidden() }
        guard let file = fichier, file.data.readableBytes > 0 else {
            throw UserFacingError(.unprocessableEntity, "Le fichier est vide ou absent : choisissez un fichier CSV.")
        }
        var options = MeasuresImportOptions(skipUnknown: Self.isOn(ignorer_inconnus), dryRun: Self.isOn(apercu))
        if let text = annee?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let year = Int(text), (1990...2100).contains(year) else {
                throw UserFacingError(.unprocessableEntity, "Année invalide : « \(text) » (un entier de 1990 à 2100 est attendu).")
            }
            options.year = year
        }
        if (kind == .phmev || kind == .hospidiag) && options.year == nil {
            throw UserFacingError(.unprocessableEntity, "Indiquez l'année des données (« annee ») : ce fichier ne la contient pas.")
        }
        if let name = correspondance, !name.isEmpty, kind == .measures {
            guard var mapping = try await MappingStore.load(name: name, db: req.db) else {
                throw UserFacingError(.unprocessableEntity, "Correspondance inconnue : « \(name) ».")
            }
            if let year = options.year { mapping.fixedYear = year; mapping.yearColumn = nil }
            options.mapping = mapping
        }
        if let source = source?.trimmingCharacters(in: .whitespaces), !source.isEmpty { options.source = source }
        let id = UUID()
        let directory = req.application.caqesSettings.storageDirectory + "uploads/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + id.uuidString.lowercased() + ".csv"
        try await req.fileio.writeFile(file.data, at: path)
        ImportRunner.start(app: req.application, id: id, kind: kind, path: path,
                           fileName: String(file.filename.split(separator: "/").last ?? "fichier.csv"), options: options,
                           acceptBadKeys: Self.isOn(cles_invalides), actor: principal.auditActor, logger: req.logger)
        return id
    }
}
