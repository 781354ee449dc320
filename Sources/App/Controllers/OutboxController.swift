import CAQESCore
import Fluent
import Vapor

/// The outbox as the administrator sees it: every message, its state, and the `.eml` file the
/// file transport wrote (development and demo).
struct OutboxController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(AccessGuard(family: .outbox, api: false))
        admin.get(SiteURL.Route.outbox.components, use: list)
    }

    struct Row: Encodable {
        let to: String; let subject: String; let kind: String; let state: String; let due: String; let sent: String; let file: String; let error: String
    }
    struct Page: Encodable { let layout: LayoutContext; let rows: [Row]; let transport: String; let directory: String }

    @Sendable func list(req: Request) async throws -> View {
        let principal = try await req.requirePrincipal()
        let messages = try await OutboxMessage.query(on: req.db).sort(\.$sendAfter, .descending).limit(500).all()
        let settings = req.application.caqesSettings
        return try await req.view.render("admin/outbox", Page(
            layout: LayoutContext(request: req, title: "Courriels", principal: principal, breadcrumbs: [("Courriels", nil)]),
            rows: messages.map { m in
                Row(to: "\(m.recipientName) <\(m.recipient)>", subject: m.subject, kind: Self.kindLabel(m.kind), state: m.state,
                    due: FrenchFormat.dateTime(m.sendAfter), sent: m.sentAt.map(FrenchFormat.dateTime) ?? "", file: m.file ?? "", error: m.lastError ?? "")
            },
            transport: settings.smtpURL == nil ? "fichiers .eml (aucun CAQES_SMTP_URL)" : "SMTP",
            directory: Outbox.directory(req.application)))
    }

    static func kindLabel(_ kind: String) -> String {
        switch kind {
        case "acte": "acte"
        case "rappel": "rappel d'échéance"
        case "rappel_calendrier": "rappel du calendrier de campagne"
        default: kind
        }
    }
}
