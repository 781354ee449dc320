import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import Vapor

/// Builds the application: database, sessions, pages, middleware, routes and commands.
public func configure(_ app: Application) async throws {
    let settings = try Settings(environment: Environment.self, app: app)
    app.caqesSettings = settings
    try configureDatabase(app, settings: settings)
    app.registerMigrations()
    app.fluent.migrationLogLevel = .debug

    app.views.use(.leaf)
    // Templates are parsed once; `CAQES_TEMPLATE_RELOAD=1` re-reads them on every page (editing them).
    app.leaf.cache = TemplateCache(enabled: Environment.get("CAQES_TEMPLATE_RELOAD") != "1")
    // Bodies are small everywhere; upload routes stream theirs to disk under their own limit.
    app.routes.defaultMaxBodySize = ByteCount(value: CSRFMiddleware.formBodyLimit)
    app.http.server.configuration.hostname = settings.hostname
    app.http.server.configuration.port = settings.port

    app.middleware = Middlewares()
    app.middleware.use(RequestIDMiddleware())
    app.middleware.use(MetricsMiddleware(registry: app.metricsRegistry))
    app.middleware.use(SecurityHeadersMiddleware(secure: settings.secureCookies))
    app.middleware.use(FrenchErrorMiddleware(environment: app.environment))
    app.middleware.use(UploadLimitMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    _ = app.clock
    app.dsfrInstalled = DSFRAssets.isInstalled(publicDirectory: app.directory.publicDirectory)
    app.jobWorker = JobWorker(app: app)
    app.referenceCache = ReferenceCache()
    app.loadCatalogues()
    app.lifecycle.use(JobWorkerLifecycle(poll: app.runsAsServer && app.environment != .testing))
    app.prepareDummyPasswordHash()

    try routes(app)
    registerCommands(app)
}

extension Application {
    /// Whether this process is a server (it polls for jobs) rather than a one-off command.
    var runsAsServer: Bool {
        let arguments = environment.arguments.dropFirst()
        // `demo` starts polling itself, once its migrations have run.
        return arguments.isEmpty || arguments.first == "serve"
    }
}

/// Long imports hold SQLite's one connection: requests wait for it (up to the pool timeout).
private func singleConnection(_ factory: DatabaseConfigurationFactory, _ app: Application) -> DatabaseConfigurationFactory {
    let eventLoop = app.eventLoopGroup.next()
    return DatabaseConfigurationFactory { SingleConnectionConfiguration(base: factory.make(), eventLoop: eventLoop) }
}

private func configureDatabase(_ app: Application, settings: Settings) throws {
    switch settings.database {
    case .sqliteFile(let path):
        app.databases.use(singleConnection(.sqlite(.file(path), connectionPoolTimeout: .seconds(120), sqlLogLevel: .debug), app), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(singleConnection(.sqlite(.memory, connectionPoolTimeout: .seconds(120), sqlLogLevel: .debug), app), as: .sqlite)
    case .postgres(let url):
        var config = try SQLPostgresConfiguration(url: url)
        config.searchPath = settings.postgresSearchPath.map { [$0] }
        app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 4, sqlLogLevel: .debug), as: .psql)
    }
}
