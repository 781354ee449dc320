import Vapor

/// Where the data lives, from `DATABASE_URL`.
enum DatabaseChoice: Equatable, Sendable {
    case sqliteFile(String)
    case sqliteMemory
    case postgres(String)

    /// `postgres://…` or `postgresql://…` selects PostgreSQL; `sqlite:PATH` another SQLite file;
    /// `sqlite::memory:` an in-memory database; nothing, the default file.
    static func parse(_ url: String?, defaultFile: String) throws -> DatabaseChoice {
        guard let url, !url.isEmpty else { return .sqliteFile(defaultFile) }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return .postgres(url) }
        if url == "sqlite::memory:" { return .sqliteMemory }
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw SettingsError.invalid("DATABASE_URL", url) }
            return .sqliteFile(path)
        }
        throw SettingsError.invalid("DATABASE_URL", url)
    }

    var label: String {
        switch self {
        case .sqliteFile(let path): "SQLite (\(path))"
        case .sqliteMemory: "SQLite en mémoire"
        case .postgres: "PostgreSQL"
        }
    }
}

enum SettingsError: Error, CustomStringConvertible {
    case invalid(String, String)

    var description: String {
        switch self {
        case .invalid(let name, let value):
            name == "DATABASE_URL"
                ? "variable \(name) invalide : « \(value) » (attendu : postgres://…, sqlite:CHEMIN ou sqlite::memory:)"
                : "variable \(name) invalide : « \(value) »"
        }
    }
}

/// Runtime settings, read once from the environment (README lists them).
struct Settings: Sendable {
    var database: DatabaseChoice
    var postgresSearchPath: String?
    var hostname: String
    var port: Int
    var secureCookies: Bool
    var maxUploadBytes: Int
    var storageDirectory: String
    var platformName: String
    var bcryptCost: Int
    /// Proxies whose `X-Forwarded-For` is believed (addresses or IPv4 CIDR ranges).
    var trustedProxies: [ProxyRange]
    /// `/metrics` answers loopback clients, or anyone presenting this bearer token.
    var metricsToken: String?
    /// The address users reach the platform at: links in documents and e-mails.
    var publicURL: String
    /// Sealing key and certificate (PEM files); without them a self-signed pair is made in the store.
    var sealKeyPath: String?
    var sealCertificatePath: String?
    /// `smtp://…` or `smtps://…`; without it, e-mails are written as `.eml` files in the store.
    var smtpURL: String?
    /// The sender of notifications.
    var mailFrom: String
    /// A running job whose instance has not beaten for this long is taken over by another.
    var jobStaleSeconds: TimeInterval

    static let defaultDatabaseFile = "caqes.sqlite"

    init(environment: Environment.Type, app: Application) throws {
        let overrides = app.caqesOverrides
        let env = { (name: String) in overrides[name] ?? Environment.get(name) }
        database = try DatabaseChoice.parse(env("DATABASE_URL"), defaultFile: app.caqesDefaultDatabaseFile ?? Self.defaultDatabaseFile)
        postgresSearchPath = env("DATABASE_SCHEMA")
        hostname = env("CAQES_HOST") ?? "127.0.0.1"
        port = env("CAQES_PORT").flatMap(Int.init) ?? 8080
        secureCookies = env("CAQES_SECURE_COOKIES").map { $0 == "1" || $0 == "true" } ?? app.environment.isRelease
        let maxMB = env("CAQES_MAX_UPLOAD_MB").flatMap(Int.init) ?? 200
        maxUploadBytes = maxMB * 1_000_000
        // Beside the default database file: the process's working directory.
        storageDirectory = env("CAQES_STORAGE").map(InstallationDirectory.normalized)
            ?? InstallationDirectory.normalized(FileManager.default.currentDirectoryPath) + "Storage/"
        platformName = "CAQES"
        bcryptCost = env("CAQES_BCRYPT_COST").flatMap(Int.init).map { min(max($0, 4), 16) } ?? 10
        trustedProxies = try ProxyRange.parseList(env("CAQES_TRUSTED_PROXIES"))
        metricsToken = env("CAQES_METRICS_TOKEN").flatMap { $0.isEmpty ? nil : $0 }
        let port = self.port
        publicURL = (env("CAQES_PUBLIC_URL").flatMap { $0.isEmpty ? nil : $0 } ?? "http://localhost:\(port)")
            .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        sealKeyPath = env("CAQES_SEAL_KEY").flatMap { $0.isEmpty ? nil : $0 }
        sealCertificatePath = env("CAQES_SEAL_CERT").flatMap { $0.isEmpty ? nil : $0 }
        smtpURL = env("CAQES_SMTP_URL").flatMap { $0.isEmpty ? nil : $0 }
        mailFrom = env("CAQES_MAIL_FROM").flatMap { $0.isEmpty ? nil : $0 } ?? "caqes@localhost"
        jobStaleSeconds = env("CAQES_JOB_STALE_SECONDS").flatMap(TimeInterval.init).map { min(max($0, 2), 3_600) } ?? JobQueue.staleAfter
    }
}

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = Settings }
    private struct DefaultFileKey: StorageKey { typealias Value = String }
    private struct OverridesKey: StorageKey { typealias Value = [String: String] }

    /// Settings that win over the environment (tests, `caqes demo`), by variable name.
    public var caqesOverrides: [String: String] {
        get { storage[OverridesKey.self] ?? [:] }
        set { storage[OverridesKey.self] = newValue }
    }

    var caqesSettings: Settings {
        get { storage[SettingsKey.self]! }
        set { storage[SettingsKey.self] = newValue }
    }

    /// Set before `configure` (by `caqes demo`) to change the default SQLite file.
    public var caqesDefaultDatabaseFile: String? {
        get { storage[DefaultFileKey.self] }
        set { storage[DefaultFileKey.self] = newValue }
    }
}
