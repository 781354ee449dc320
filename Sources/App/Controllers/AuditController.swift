import Fluent
import Vapor

/// The audit trail for administrators, filterable by action, actor, target and date.
struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(AccessGuard(family: .audit, api: false)).get("admin", "journal", use: list)
    }

    struct Row: Encodable { let seq: Int; let at: String; let actor: String; let action: String; let target: String; let details: String }
    struct AuditPage: Encodable {
        let layout: LayoutContext
        let rows: [Row]
        let action: String; let actor: String; let target: String; let from: String; let to: String
        let total: String
        let pages: [PageLink]
        /// Set only when the user asked for the check: it reads the whole chain.
        let verification: String?
        let intact: Bool
        let verifyHref: String
    }

    struct Query: Decodable { var action: String?; var acteur: String?; var cible: String?; var du: String?; var au: String?; var page: String?; var verifier: String? }

    @Sendable
    func list(req: Request) async throws -> View {
        let principal = try await req.requirePrincipal()
        guard let q = try? req.query.decode(Query.self) else {
            throw UserFacingError(.badRequest, "Paramètres du journal invalides.")
        }
        var query = AuditEvent.query(on: req.db)
        if let action = q.action, !action.isEmpty { query = query.filter(\.$action ~~ action) }
        if let actor = q.acteur, !actor.isEmpty { query = query.filter(\.$actorLabel ~~ actor) }
        if let target = q.cible, !target.isEmpty { query = query.filter(\.$target ~~ target) }
        if let from = q.du, !from.isEmpty {
            guard let date = Self.parseDay(from) else { throw UserFacingError(.badRequest, "Date « du » invalide : « \(from.prefix(40)) » (format attendu : AAAA-MM-JJ).") }
            query = query.filter(\.$occurredAt >= date)
        }
        if let to = q.au, !to.isEmpty {
            guard let date = Self.parseDay(to) else { throw UserFacingError(.badRequest, "Date « au » invalide : « \(to.prefix(40)) » (format attendu : AAAA-MM-JJ).") }
            query = query.filter(\.$occurredAt < date.addingTimeInterval(86_400))
        }
        let total = try await query.copy().count()
        let perPage = 50
        // A page past the last shows the last: never an offset that overflows.
        let page = Page<AuditEvent>.clamp(try QueryNumber.parse(q.page, name: "page", default: 1, range: 1...Int.max),
                                          total: total, perPage: perPage)
        let events = try await query.sort(\.$id, .descending).range(((page - 1) * perPage)..<(page * perPage)).all()
        // Walking the whole chain is O(events): done when asked, not on every page view.
        let verification = q.verifier == "1" ? try await AuditLog.verify(on: req.db) : nil
        let items = [("action", q.action), ("acteur", q.acteur), ("cible", q.cible), ("du", q.du), ("au", q.au)]
            .compactMap { name, value in value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) } }
        return try await req.view.render("admin/audit", AuditPage(
            layout: LayoutContext(request: req, title: "Journal d'audit", principal: principal, breadcrumbs: [("Journal d'audit", nil)]),
            rows: events.map { Row(seq: $0.id ?? 0, at: FrenchFormat.dateTime($0.occurredAt), actor: $0.actorLabel,
                                   action: $0.action, target: $0.target, details: $0.details) },
            action: q.action ?? "", actor: q.acteur ?? "", target: q.cible ?? "", from: q.du ?? "", to: q.au ?? "",
            total: FrenchFormat.integer(total),
            pages: Pagination.links(page: page, pageCount: max(1, (total + perPage - 1) / perPage)) {
                SiteURL.with(SiteURL.audit.path, items + [URLQueryItem(name: "page", value: String($0))])
            },
            verification: verification?.message,
            intact: { if case .broken? = verification { false } else { true } }(),
            verifyHref: SiteURL.with(SiteURL.audit.path, items + [URLQueryItem(name: "verifier", value: "1")])))
    }

    /// `2026-11-23` as midnight in Paris.
    static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = FrenchFormat.paris
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}
