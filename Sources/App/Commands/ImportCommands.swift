import CAQESData
import Fluent
import Vapor

struct ImportCommandGroup: AsyncCommandGroup {
    var help: String { "Importe un fichier : registre (finess, status) ou mesures (measures, sae, hospidiag)." }
    var commands: [String: any AnyAsyncCommand] {
        ["finess": ImportFileCommand(kind: .finess), "status": ImportFileCommand(kind: .status),
         "measures": ImportMeasuresCommand(kind: .measures), "sae": ImportMeasuresCommand(kind: .sae),
         "hospidiag": ImportMeasuresCommand(kind: .hospidiag), "phmev": ImportMeasuresCommand(kind: .phmev)]
    }
}

/// `caqes import finess FILE` and `caqes import status FILE`.
struct ImportFileCommand: AsyncCommand {
    let kind: ImportKind

    struct Signature: CommandSignature {
        @Argument(name: "fichier", help: "Chemin du fichier CSV.")
        var file: String
        @Flag(name: "accept-bad-keys", help: "Accepte les FINESS dont la clé est fausse (lignes signalées).")
        var acceptBadKeys: Bool
        init() {}
    }

    var help: String {
        kind == .finess ? "Importe l'extraction FINESS des établissements (ET) et de leurs entités juridiques (EJ)."
            : "Importe les statuts juridiques (liste des statuts ou fichier SAE ID) et en déduit les titulaires."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let report = try await ImportFileCommand.importFile(app: app, kind: kind, path: signature.file,
                                                           acceptBadKeys: signature.acceptBadKeys, console: context.console)
        if report.status == .refused { throw CommandFailure("import refusé : \(report.problems.count) ligne(s) en erreur, rien n'a été enregistré") }
    }

    static func importFile(app: Application, kind: ImportKind, path: String, acceptBadKeys: Bool,
                           console: any Console, actor: AuditActor = .commandLine()) async throws -> ImportReport {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CommandFailure("fichier introuvable ou illisible : \(path)")
        }
        let line = ProgressLine()
        var importer = RegistryImporter(db: app.db, logger: app.logger, clock: app.clock)
        importer.progress = { line.show($0) }
        let report: ImportReport
        do {
            report = try await importer.run(kind: kind, path: path, fileName: (path as NSString).lastPathComponent,
                                            actor: actor, acceptBadKeys: acceptBadKeys)
        } catch let error as CSVError {
            line.finish()
            throw CommandFailure("\((path as NSString).lastPathComponent) : \(error.description)")
        }
        line.finish()
        if report.status == .refused {
            for problem in report.problems.prefix(50) { console.error(problem.description) }
            if report.problems.count > 50 { console.error("… et \(report.problems.count - 50) autre(s) erreur(s).") }
        } else {
            for problem in report.skipped.prefix(10) { console.warning(problem.description) }
            if report.skipped.count > 10 { console.warning("… et \(report.skipped.count - 10) autre(s) ligne(s) ignorée(s).") }
        }
        console.print(report.summary)
        return report
    }
}
