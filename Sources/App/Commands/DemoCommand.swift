import CAQESCore
import CAQESData
import Fluent
import Vapor

/// `caqes demo`: a ready-to-try platform on a fresh machine. Creates (or reuses) the demo
/// database, loads the Hauts-de-France and Île-de-France hospitals and their real measures (SAE,
/// Hospi Diag, Open PHMEV sample: Resources/Demo/README.md), creates one account per role, prints
/// them, and serves on 127.0.0.1:8080.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "no-serve", help: "Prépare les données sans démarrer le serveur.") var noServe: Bool
        init() {}
    }

    var help: String { "Prépare et lance la démonstration (base caqes-demo.sqlite)." }

    static let password = "Demo-CAQES-2026!"

    struct DemoAccount {
        let email: String; let name: String; let role: Role; let scope: [String]; let legalRep: Bool
        var expertBody: String? = nil
    }

    /// A measures file of Resources/Demo/, imported as `caqes import` would with --skip-unknown.
    struct DemoMeasures { let label: String; let kind: ImportKind; let file: String; let year: Int? }

    /// SAE files carry their year (column AN); Hospi Diag and Open PHMEV need it given.
    static let measures = [
        DemoMeasures(label: "SAE 2022, bordereau MCO (DREES)", kind: .sae, file: "sae_mco_2022_hdf_idf.csv", year: nil),
        DemoMeasures(label: "SAE 2023, bordereau MCO (DREES)", kind: .sae, file: "sae_mco_2023_hdf_idf.csv", year: nil),
        DemoMeasures(label: "Hospi Diag 2022 (ATIH)", kind: .hospidiag, file: "hospidiag_2022_hdf_idf.csv", year: 2022),
        DemoMeasures(label: "Open PHMEV 2024, échantillon (Assurance Maladie)", kind: .phmev,
                     file: "open_phmev_2024_sample_hdf_idf.csv", year: 2024),
    ]

    static let accounts = [
        DemoAccount(email: "admin@demo.caqes.fr", name: "Alice Admin", role: .admin, scope: [], legalRep: false),
        DemoAccount(email: "analyste.hdf@demo.caqes.fr", name: "Bruno Analyste (ARS HDF)", role: .arsAnalyst, scope: ["32"], legalRep: false),
        DemoAccount(email: "direction.hdf@demo.caqes.fr", name: "Claire Directrice (ARS HDF)", role: .arsDirector, scope: ["32"], legalRep: false),
        DemoAccount(email: "cpam.nord@demo.caqes.fr", name: "David CPAM (Nord)", role: .insurer, scope: ["59"], legalRep: false),
        DemoAccount(email: "omedit.idf@demo.caqes.fr", name: "Emma OMEDIT (IDF)", role: .expert, scope: ["11"], legalRep: false, expertBody: "OMEDIT"),
        DemoAccount(email: "omedit.hdf@demo.caqes.fr", name: "Hugo OMéDIT (HDF)", role: .expert, scope: ["32"], legalRep: false, expertBody: "OMEDIT"),
        DemoAccount(email: "chu.lille@demo.caqes.fr", name: "François CHU de Lille", role: .establishment, scope: ["590780193"], legalRep: true),
        DemoAccount(email: "ch.valenciennes@demo.caqes.fr", name: "Gaëlle CH de Valenciennes", role: .establishment, scope: ["590782215"], legalRep: true),
        DemoAccount(email: "ch.maubeuge@demo.caqes.fr", name: "Inès CH de Maubeuge", role: .establishment, scope: ["590781803"], legalRep: true),
        DemoAccount(email: "epsm.lille@demo.caqes.fr", name: "Jules EPSM de l'agglomération lilloise", role: .establishment, scope: ["590034740"], legalRep: true),
    ]

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let console = context.console
        console.print("Base : \(app.caqesSettings.database.label)")
        try await app.autoMigrate()
        // Demo accounts share a published password: never add them to a real platform's users.
        let others = try await User.query(on: app.db).filter(\.$email !~ Self.accounts.map(\.email)).count()
        if others > 0 {
            throw CommandFailure("cette base contient déjà \(others) compte(s) qui ne sont pas ceux de la démonstration : "
                + "la démonstration n'y crée pas ses comptes au mot de passe public. Utilisez une autre base (DATABASE_URL=sqlite:demo.sqlite).")
        }
        let resources = app.directory.resourcesDirectory + "Demo/"
        _ = try await ImportFileCommand.importFile(app: app, kind: .finess, path: resources + "finess_et_20210108_hdf_idf.csv",
                                                   acceptBadKeys: false, console: console, actor: .system)
        _ = try await ImportFileCommand.importFile(app: app, kind: .status, path: resources + "sae_id_2022_hdf_idf.csv",
                                                   acceptBadKeys: false, console: console, actor: .system)
        try await Self.importMeasures(app: app, resources: resources, console: console)
        let service = UserService(db: app.db, app: app)
        for account in Self.accounts where try await User.query(on: app.db).filter(\.$email == account.email).count() == 0 {
            try await service.create(.init(email: account.email, displayName: account.name, role: account.role,
                                           scopeCodes: account.scope, password: Self.password, legalRepresentative: account.legalRep,
                                           expertBody: account.expertBody),
                                     actor: .system)
        }
        try await DemoContracting.seed(app: app, console: console, password: Self.password)
        try await DemoEvaluation.seed(app: app, console: console, password: Self.password)
        Self.installDSFRIfMissing(app: app, console: console)
        let settings = app.caqesSettings
        console.print()
        console.print("Démonstration prête : http://\(settings.hostname):\(settings.port)/")
        console.print("Comptes (mot de passe commun : \(Self.password)) :")
        for account in Self.accounts {
            let scope = account.scope.isEmpty ? "tout" : account.scope.joined(separator: ", ")
            console.print("  \(account.role.label.padding(toLength: 46, withPad: " ", startingAt: 0)) \(account.email)  (périmètre : \(scope))")
        }
        guard !signature.noServe else { return }
        await app.jobWorker.startPolling()
        var serve = context
        serve.input = CommandInput(arguments: ["caqes"])
        try await app.servers.asyncCommand.run(using: &serve)
    }

    /// Imports the demo measures through the importer of `caqes import`. A re-run is a no-op: the
    /// importer finds the same content already imported, and the line counts that import's values.
    static func importMeasures(app: Application, resources: String, console: any Console) async throws {
        let importer = MeasuresImporter(db: app.db, logger: app.logger, clock: app.clock)
        for source in Self.measures {
            let report: MeasuresImportReport
            do {
                report = try await importer.run(kind: source.kind, path: resources + source.file, fileName: source.file,
                                                options: MeasuresImportOptions(year: source.year, skipUnknown: true), actor: .system)
            } catch let error as CSVError {
                throw CommandFailure("\(source.file) : \(error.description)")
            } catch let error as UserFacingError {
                throw CommandFailure("\(source.file) : \(error.message)")
            }
            if report.status == .refused {
                console.warning("Mesures \(source.label) : \(report.summary)")
            } else if report.alreadyImported != nil, let id = report.importID {
                let count = try await MeasureValueRecord.query(on: app.db).filter(\.$importID == id).count()
                console.print("Mesures \(source.label) : \(FrenchFormat.integer(count)) valeur(s), déjà chargées.")
            } else {
                console.print("Mesures \(source.label) : \(FrenchFormat.integer(report.stored)) valeur(s) enregistrée(s).")
            }
        }
    }

    static func installDSFRIfMissing(app: Application, console: any Console) {
        guard !DSFRAssets.isInstalled(publicDirectory: app.directory.publicDirectory) else { return }
        let script = app.directory.workingDirectory + "scripts/setup-dsfr.sh"
        guard FileManager.default.isExecutableFile(atPath: script) else { return }
        console.print("Installation du système de design de l'État (DSFR)…")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script]
        do {
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                console.warning("DSFR non installé : les pages restent utilisables, avec une présentation simple.")
            }
        } catch {
            console.warning("DSFR non installé (\(error.localizedDescription)) : les pages restent utilisables, avec une présentation simple.")
        }
    }
}
