import CAQESCore
import CAQESMail
import Fluent
import NIOPosix
import SQLKit
import Vapor

/// Sends the outbox: messages due now go out through SMTP (`CAQES_SMTP_URL`, STARTTLS and
/// authentication) or, without it, are written as `.eml` files in the store's `outbox/` folder
/// (development, demo). A reminder whose contract or self-assessment has moved on, or whose
/// deadline has passed, is dropped (« sans objet »).
enum Outbox {
    static let pending = "en attente", sent = "envoyé", moot = "sans objet", failed = "échoué"
    static let maxAttempts = 5

    static func directory(_ app: Application) -> String { app.caqesSettings.storageDirectory + "outbox/" }

    /// Sends what is due; returns how many were sent.
    @discardableResult
    static func sendDue(app: Application) async throws -> Int {
        let now = app.clock.now()
        let due = try await OutboxMessage.query(on: app.db).filter(\.$state == pending).filter(\.$sendAfter <= now)
            .sort(\.$sendAfter).limit(500).all()
        guard !due.isEmpty else { return 0 }
        let settings = app.caqesSettings
        let smtp = try settings.smtpURL.map { try SMTPTransport(url: $0, ehloName: URL(string: settings.publicURL)?.host ?? "localhost") }
        let files = FileMailTransport(directory: URL(fileURLWithPath: directory(app)))
        var count = 0
        let sql = app.db as! any SQLDatabase
        for message in due {
            // Claimed by one instance only: the row leaves « en attente » before anything is sent.
            let claimed = try await sql.update("outbox").set("state", to: SQLBind("en cours"))
                .where("id", .equal, SQLBind(message.id)).where("state", .equal, SQLBind(pending)).returning("id").all()
            guard !claimed.isEmpty else { continue }
            // A reminder sent after its deadline (a server down for days) would only confuse.
            if message.kind.hasPrefix("rappel"), let deadline = message.expectDeadline.flatMap({ try? LocalDate($0) }),
               LegalClock.today(now) > deadline {
                message.state = moot
                try await message.save(on: app.db)
                continue
            }
            if let expected = message.expectState, let id = message.assessmentID {
                let assessment = try await SelfAssessment.find(id, on: app.db)
                let states = expected.split(separator: "|").map(String.init)
                if !states.contains(assessment?.state ?? "") || (message.kind == "rappel" && assessment?.deadline != message.expectDeadline) {
                    message.state = moot
                    try await message.save(on: app.db)
                    continue
                }
            } else if let expected = message.expectState, let id = message.contractID {
                let contract = try await Contract.find(id, on: app.db)
                if contract?.state != expected || contract?.deadline != message.expectDeadline {
                    message.state = moot
                    try await message.save(on: app.db)
                    continue
                }
            }
            let mail = MailMessage(from: MailAddress(settings.mailFrom, name: "Plateforme CAQES"),
                                   to: [MailAddress(message.recipient, name: message.recipientName)],
                                   subject: message.subject, body: message.body,
                                   messageID: "\(message.id?.uuidString.lowercased() ?? UUID().uuidString)@caqes",
                                   date: now)
            do {
                if let smtp {
                    try await smtp.send(mail, on: MultiThreadedEventLoopGroup.singleton)
                } else {
                    try FileManager.default.createDirectory(atPath: directory(app), withIntermediateDirectories: true)
                    message.file = (try files.send(mail) as NSString).lastPathComponent
                }
                message.state = sent
                message.sentAt = now
                count += 1
            } catch {
                message.attempts += 1
                message.lastError = String(String(describing: error).prefix(500))
                message.state = message.attempts >= maxAttempts ? failed : pending
                app.logger.warning("mail not sent", metadata: ["to": .string(message.recipient), "error": .string(String(describing: error))])
            }
            try await message.save(on: app.db)
        }
        return count
    }
}
