import Fluent
import SQLKit
import Vapor

/// Operations endpoints: alive, ready (the database answers), metrics (Prometheus text).
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.Route.healthz.components) { _ in HealthStatus(statut: "ok") }
        routes.get(SiteURL.Route.readyz.components, use: ready)
        routes.get(SiteURL.Route.metrics.components, use: metrics)
    }

    struct HealthStatus: Content { let statut: String }

    @Sendable
    func ready(req: Request) async throws -> Response {
        do {
            _ = try await (req.db as! any SQLDatabase).raw("SELECT 1").run()
            return try await HealthStatus(statut: "ok").encodeResponse(for: req)
        } catch {
            req.logger.error("readiness check failed", metadata: ["error": .string(String(describing: error))])
            let response = try await HealthStatus(statut: "base de données indisponible").encodeResponse(for: req)
            response.status = .serviceUnavailable
            return response
        }
    }

    @Sendable
    func metrics(req: Request) async throws -> Response {
        // Metrics tell an attacker what runs and how busy it is: loopback clients, or the token.
        guard Self.mayReadMetrics(req) else { throw UserFacingError.notFound() }
        let start = DispatchTime.now().uptimeNanoseconds
        let up = (try? await (req.db as! any SQLDatabase).raw("SELECT 1").run()) != nil
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let settings = req.application.caqesSettings
        let pool = settings.database.isPostgres ? 4 * System.coreCount : 1
        let extra = [
            "# HELP caqes_database_up Whether the database answered a trivial query.",
            "# TYPE caqes_database_up gauge",
            "caqes_database_up \(up ? 1 : 0)",
            "# HELP caqes_database_ping_seconds Time for a trivial query.",
            "# TYPE caqes_database_ping_seconds gauge",
            "caqes_database_ping_seconds \(seconds)",
            "# HELP caqes_database_pool_max_connections Connections the pool may open.",
            "# TYPE caqes_database_pool_max_connections gauge",
            "caqes_database_pool_max_connections \(pool)",
        ]
        let response = Response(status: .ok, body: .init(string: req.application.metricsRegistry.render(extra: extra)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return response
    }
}

extension HealthController {
    /// A client on loopback (the socket peer, not a forwarding header), or one presenting
    /// `CAQES_METRICS_TOKEN` as a bearer token.
    static func mayReadMetrics(_ req: Request) -> Bool {
        if let expected = req.application.caqesSettings.metricsToken, let given = req.headers.bearerAuthorization?.token,
           CSRFMiddleware.constantTimeEquals(expected, given) { return true }
        if req.application.caqesSettings.trustedProxies.isEmpty || req.headers[.xForwardedFor].isEmpty,
           let peer = req.remoteAddress?.ipAddress {
            return peer == "127.0.0.1" || peer == "::1" || peer.hasPrefix("127.") || peer == "::ffff:127.0.0.1"
        }
        return false
    }
}

extension DatabaseChoice {
    var isPostgres: Bool { if case .postgres = self { true } else { false } }
}
