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

    app.sessions.use(.fluent)
    app.sessions.configuration.cookieName = "caqes_session"
    app.sessions.configuration.cookieFactory = { sessionID in
        HTTPCookies.Value(
            string: sessionID.string,
            expires: Date(timeIntervalSinceNow: 60 * 60 * 8),
            maxAge: 60 * 60 * 8,
            path: "/",
            isSecure: settings.secureCookies,
            isHTTPOnly: true,
            sameSite: .strict
        )
    }

    app.views.use(.leaf)
    app.leaf.cache.isEnabled = app.environment.isRelease
    app.routes.defaultMaxBodySize = ByteCount(value: settings.maxUploadBytes)
    app.http.server.configuration.hostname = settings.hostname
    app.http.server.configuration.port = settings.port

    app.middleware = Middlewares()
    app.middleware.use(RequestIDMiddleware())
    app.middleware.use(MetricsMiddleware(registry: app.metricsRegistry))
    app.middleware.use(FrenchErrorMiddleware(environment: app.environment))
    app.middleware.use(SecurityHeadersMiddleware(secure: settings.secureCookies))
    app.middleware.use(UploadLimitMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(User.sessionAuthenticator())

    try routes(app)
    registerCommands(app)
}

private func configureDatabase(_ app: Application, settings: Settings) throws {
    switch settings.database {
    case .sqliteFile(let path):
        app.databases.use(.sqlite(.file(path), sqlLogLevel: .debug), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory, sqlLogLevel: .debug), as: .sqlite)
    case .postgres(let url):
        var config = try SQLPostgresConfiguration(url: url)
        config.searchPath = settings.postgresSearchPath.map { [$0] }
        app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 4, sqlLogLevel: .debug), as: .psql)
    }
}
