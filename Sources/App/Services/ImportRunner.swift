import NIOConcurrencyHelpers
import CAQESCore
import CAQESData
import Vapor

/// Results of previews (dry runs) waiting for confirmation, held in memory with their file.
final class ImportPreviewBoard: Sendable {
    struct Entry: Sendable {
        let report: MeasuresImportReport
        let kind: ImportKind
        let path: String
        let fileName: String
        let options: MeasuresImportOptions
        let actorID: UUID?
    }

    private let state = NIOLockedValueBox<[UUID: Entry]>([:])

    func set(_ id: UUID, _ entry: Entry) { state.withLockedValue { $0[id] = entry } }
    func get(_ id: UUID) -> Entry? { state.withLockedValue { $0[id] } }
    func take(_ id: UUID) -> Entry? { state.withLockedValue { $0.removeValue(forKey: id) } }
}

extension Application {
    private struct PreviewKey: StorageKey { typealias Value = ImportPreviewBoard }

    var importPreviews: ImportPreviewBoard {
        if let board = storage[PreviewKey.self] { return board }
        let board = ImportPreviewBoard()
        storage[PreviewKey.self] = board
        return board
    }
}

/// Runs an uploaded file's import in the background (pages and API), with progress.
enum ImportRunner {
    /// Starts the import; the page or the API client polls `id`.
    static func start(app: Application, id: UUID, kind: ImportKind, path: String, fileName: String,
                      options: MeasuresImportOptions, acceptBadKeys: Bool, actor: AuditActor, logger: Logger) {
        app.importProgress.set(id, ImportProgress(phase: "En attente", fraction: 0, rows: 0))
        Task {
            var keepFile = false
            do {
                if kind.isReferenceData {
                    var importer = RegistryImporter(db: app.db, logger: logger)
                    importer.progress = { app.importProgress.set(id, $0) }
                    _ = try await importer.run(kind: kind, path: path, fileName: fileName, actor: actor,
                                               acceptBadKeys: acceptBadKeys, importID: id)
                } else {
                    var importer = MeasuresImporter(db: app.db, logger: logger)
                    importer.progress = { app.importProgress.set(id, $0) }
                    let report = try await importer.run(kind: kind, path: path, fileName: fileName, options: options,
                                                        actor: actor, importID: id)
                    if options.dryRun {
                        keepFile = report.status != .refused
                        app.importPreviews.set(id, .init(report: report, kind: kind, path: path, fileName: fileName,
                                                         options: options, actorID: actor.id))
                    } else if report.alreadyImported != nil {
                        app.importPreviews.set(id, .init(report: report, kind: kind, path: path, fileName: fileName,
                                                         options: options, actorID: actor.id))
                    }
                }
            } catch {
                // Reader and domain errors are French and say what and where; anything else (database,
                // disk) is logged in full and shown as an internal error.
                let message = (error as? CSVError)?.description ?? (error as? UserFacingError)?.message
                    ?? (error as? XLSXError)?.description
                    ?? "Erreur interne pendant l'import : l'incident a été journalisé, rien n'a été enregistré."
                logger.error("import failed", metadata: ["import-id": .string(id.uuidString), "error": .string(String(reflecting: error))])
                app.importFailures.set(id, message)
            }
            app.importProgress.clear(id)
            if !keepFile { try? FileManager.default.removeItem(atPath: path) }
        }
    }
}

/// Messages of imports that failed before anything was recorded (unreadable file…).
final class ImportFailureBoard: Sendable {
    private let state = NIOLockedValueBox<[UUID: String]>([:])
    func set(_ id: UUID, _ message: String) { state.withLockedValue { $0[id] = message } }
    func get(_ id: UUID) -> String? { state.withLockedValue { $0[id] } }
}

extension Application {
    private struct FailureKey: StorageKey { typealias Value = ImportFailureBoard }

    var importFailures: ImportFailureBoard {
        if let board = storage[FailureKey.self] { return board }
        let board = ImportFailureBoard()
        storage[FailureKey.self] = board
        return board
    }
}
