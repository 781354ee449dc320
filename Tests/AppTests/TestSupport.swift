@testable import App
import CAQESCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The repository's root, for Resources/ and Public/.
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path + "/"
}()

/// The shared real data (../shared/data beside the project, or the folder named by
/// CAQES_SHARED_DATA). Only tests on files too large to commit read it, and they skip when their
/// file is absent: see `sharedFile(_:)`.
let sharedData: String = {
    guard let path = ProcessInfo.processInfo.environment["CAQES_SHARED_DATA"], !path.isEmpty else {
        return repoRoot + "../shared/data/"
    }
    return path.hasSuffix("/") ? path : path + "/"
}()

/// Committed copies and subsets of the shared data, at the same relative paths
/// (Tests/Fixtures/README.md gives their sources and how they were cut).
let fixtures = repoRoot + "Tests/Fixtures/"

/// Skips the test, with the reason shown in the test report, when `relative` is absent from the
/// shared data (a clone without ../shared beside it).
func sharedFile(_ relative: String) -> ConditionTrait {
    .enabled(if: FileManager.default.fileExists(atPath: sharedData + relative),
             Comment(rawValue: "\(sharedData + relative) is absent (shared data; CAQES_SHARED_DATA names its folder)"))
}

/// PostgreSQL suites share one database: they take turns.
actor DatabaseTurn {
    static let shared = DatabaseTurn()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

/// Runs `body` against a migrated application: in-memory SQLite by default, or the PostgreSQL
/// database named by `DATABASE_URL` (wiped and migrated afresh for each test).
func withApp(_ extra: [String: String] = [:], _ body: (Application) async throws -> Void) async throws {
    let postgres = (ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "").hasPrefix("postgres")
    if postgres { await DatabaseTurn.shared.acquire() }
    let app = try await Application.make(.testing)
    app.directory = DirectoryConfiguration(workingDirectory: repoRoot)
    var overrides = ["CAQES_BCRYPT_COST": "4", "CAQES_STORAGE": NSTemporaryDirectory() + "caqes-tests-\(UUID().uuidString)/"]
    if !postgres { overrides["DATABASE_URL"] = "sqlite::memory:" }
    overrides.merge(extra) { _, new in new }
    app.caqesOverrides = overrides
    do {
        try await configure(app)
        if postgres { try await app.autoRevert() }
        try await app.autoMigrate()
        try await body(app)
        if postgres { try await app.autoRevert() }
    } catch {
        try? await app.asyncShutdown()
        if postgres { await DatabaseTurn.shared.release() }
        throw error
    }
    try await app.asyncShutdown()
    if postgres { await DatabaseTurn.shared.release() }
}

/// A browser: keeps the session cookie and sends the CSRF token with forms.
struct Browser {
    let app: Application
    /// The cookie jar: the session, and the anonymous CSRF cookie of the login form.
    var jar: [String: String] = [:]
    var csrf: String?

    /// The `Cookie` header this browser sends.
    var cookie: String? {
        jar.isEmpty ? nil : jar.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    }

    init(_ app: Application) { self.app = app }

    @discardableResult
    mutating func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers = headers
        if let cookie { headers.replaceOrAdd(name: .cookie, value: cookie) }
        let response = try await app.testing().sendRequest(.GET, path, headers: headers)
        remember(response)
        if let token = Self.csrfToken(in: response.body.string) { csrf = token }
        return response
    }

    @discardableResult
    mutating func post(_ path: String, form: [String: String], sendCSRF: Bool = true) async throws -> TestingHTTPResponse {
        if sendCSRF && csrf == nil { try await get("/connexion") }
        var fields = form
        if sendCSRF, let csrf { fields["_csrf"] = csrf }
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        if let cookie { headers.replaceOrAdd(name: .cookie, value: cookie) }
        let body = fields.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)"
        }.joined(separator: "&")
        let response = try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        if let token = Self.csrfToken(in: response.body.string) { csrf = token }
        return response
    }

    mutating func login(_ email: String, password: String = testPassword) async throws -> TestingHTTPResponse {
        try await post("/connexion", form: ["email": email, "mot_de_passe": password])
    }

    private mutating func remember(_ response: TestingHTTPResponse) {
        for name in ["caqes_session", "caqes_csrf"] {
            guard let set = response.headers.setCookie?[name] else { continue }
            if set.string.isEmpty || (set.maxAge ?? 1) <= 0 || (set.expires.map { $0 < Date() } ?? false) {
                jar[name] = nil
            } else {
                jar[name] = set.string
            }
        }
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

let testPassword = "Essai-Caqes-2026!"

/// Imports a file as the command line does and returns the report.
@discardableResult
func importFile(_ app: Application, _ kind: ImportKind, _ path: String, acceptBadKeys: Bool = false) async throws -> ImportReport {
    try await RegistryImporter(db: app.db, logger: app.logger, clock: app.clock)
        .run(kind: kind, path: path, fileName: (path as NSString).lastPathComponent, actor: .system, acceptBadKeys: acceptBadKeys)
}

/// The demo subset (2,001 hospitals of regions 32 and 11) and their statuses.
func loadDemoRegistry(_ app: Application) async throws {
    try await importFile(app, .finess, repoRoot + "Resources/Demo/finess_et_20210108_hdf_idf.csv")
    try await importFile(app, .status, repoRoot + "Resources/Demo/sae_id_2022_hdf_idf.csv")
}

@discardableResult
func createUser(_ app: Application, _ email: String, _ role: Role, scope: [String] = []) async throws -> User {
    try await UserService(db: app.db, app: app).create(
        .init(email: email, displayName: email, role: role, scopeCodes: scope, password: testPassword), actor: .system)
}

/// Writes `text` to a temporary file and returns its path.
func temporaryFile(_ text: String, name: String = "fichier.csv") throws -> String {
    try temporaryFile(Data(text.utf8), name: name)
}

func temporaryFile(_ data: Data, name: String = "fichier.csv") throws -> String {
    let directory = NSTemporaryDirectory() + "caqes-\(UUID().uuidString)/"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + name
    try data.write(to: URL(fileURLWithPath: path))
    return path
}

/// Waits until the import job `id` leaves the queue (runs in this instance's worker).
@discardableResult
func waitForJob(_ app: Application, _ id: UUID, timeout: Duration = .seconds(60)) async throws -> Job {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if let job = try await Job.find(id, on: app.db), let state = JobState(rawValue: job.state),
           state != .queued && state != .running { return job }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestTimeout(what: "job \(id)")
}

struct TestTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// A multipart body with text fields and one file field named `fichier`.
func multipartBody(fields: [(String, String)], fileName: String = "fichier.csv", file: String,
                   boundary: String = "caqes-test-boundary") -> (HTTPHeaders, ByteBuffer) {
    var headers = HTTPHeaders()
    headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
    var body = ""
    for (name, value) in fields { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n" }
    body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"\(fileName)\"\r\nContent-Type: text/csv\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
    return (headers, ByteBuffer(string: body))
}

/// `Authorization: Bearer …` for a new API token of the user with this e-mail.
func bearerHeaders(_ app: Application, _ email: String) async throws -> HTTPHeaders {
    let user = try #require(try await User.query(on: app.db).filter(\.$email == email.lowercased()).first())
    let token = TokenHasher.generate()
    try await APIToken(userID: user.id!, name: "t", tokenHash: TokenHasher.hash(token), prefix: "p").create(on: app.db)
    var headers = HTTPHeaders()
    headers.bearerAuthorization = BearerAuthorization(token: token)
    return headers
}
