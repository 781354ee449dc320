import Vapor

func registerCommands(_ app: Application) {
    app.asyncCommands.use(MigrateDatabaseCommand(), as: "migrate")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(ImportCommandGroup(), as: "import")
    app.asyncCommands.use(UsersCommandGroup(), as: "users")
    app.asyncCommands.use(AuditCommandGroup(), as: "audit")
    app.asyncCommands.use(DeadlineCommand(), as: "deadline")
    app.asyncCommands.use(CatalogueCommandGroup(), as: "catalogue")
    app.asyncCommands.use(TargetCommand(), as: "target")
    app.asyncCommands.use(IncentiveCommand(), as: "incentive")
    app.asyncCommands.use(EvaluateCommand(), as: "evaluate")
    app.asyncCommands.use(MeasuresCommandGroup(), as: "measures")
    app.asyncCommands.use(ContractsCommandGroup(), as: "contracts")
    app.asyncCommands.use(JobsCommandGroup(), as: "jobs")
    app.asyncCommands.use(CampaignsCommandGroup(), as: "campaigns")
}

/// A command failure with a French message; the entry point prints it and exits non-zero.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Prints a progress line on standard error, rewritten in place.
struct ProgressLine: Sendable {
    /// Only a terminal gets the rewritten line; a log file or CI gets nothing.
    let enabled = isatty(2) != 0

    func show(_ progress: ImportProgress) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\(progress.phase) : \(progress.percent) %\u{1B}[K".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
