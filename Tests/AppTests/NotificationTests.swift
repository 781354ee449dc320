@testable import App
import CAQESCore
import CAQESTestSupport
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Notifications go through a real SMTP server process (aiosmtpd), never a mock.
@Suite("Notifications through SMTP", .serialized)
struct NotificationTests {
    @Test("Each act tells the party that acts next, with the deadline and the link; reminders 7 and 2 days before; a moved-on contract drops its reminder")
    func actsAndReminders() async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        try await withApp(["CAQES_SMTP_URL": "smtp://127.0.0.1:\(server.port)?starttls=none", "CAQES_MAIL_FROM": "caqes@ars.fr",
                           "CAQES_PUBLIC_URL": "https://caqes.example.fr"]) { app in
            try await ContractingAPITests.setUp(app)
            var (client, campaign) = try await ContractingAPITests.frozenCampaign(app)
            let id = try await client.lilleContract(campaign)
            app.clock.set(ContractingAPITests.at("2022-09-26"))
            _ = try await client.act(id, #"{"type": "avis_am", "date": "2022-09-20"}"#, as: "cpam@am.fr")
            _ = try await client.act(id, #"{"type": "envoi"}"#, as: "dg@ars.fr")
            _ = try await JobRunner.runDue(app: app)
            var mails = try server.messages()
            let sending = mails.filter { $0.subject.contains("envoi de la proposition") }
            #expect(Set(sending.flatMap(\.rcpt_tos)) == ["chu@lille.fr", "adjoint@lille.fr"], "the establishment acts next")
            let first = try #require(sending.first)
            #expect(first.mail_from == "caqes@ars.fr" && first.defects.isEmpty)
            #expect(first.body.contains("https://caqes.example.fr/contrats/\(id.lowercased())"))
            #expect(first.body.contains("accusé de réception"), "it says what to do")

            app.clock.set(ContractingAPITests.at("2022-10-03"))
            _ = try await client.act(id, #"{"type": "accuse_reception"}"#, as: "chu@lille.fr")
            _ = try await JobRunner.runDue(app: app)
            mails = try server.messages()
            let receipt = try #require(mails.last { $0.subject.contains("accusé de réception") })
            #expect(receipt.body.contains("Échéance : 24/10/2022 à 23 h 59 (heure de Paris)"))

            // Reminders: 7 days before (17/10 at 08:00 Paris), not before.
            app.clock.set(ContractingAPITests.at("2022-10-17", 7, 59))
            _ = try await JobRunner.runDue(app: app)
            #expect(try server.messages().filter { $0.subject.contains("rappel") }.isEmpty)
            app.clock.set(ContractingAPITests.at("2022-10-17", 8, 0, 1))
            _ = try await JobRunner.runDue(app: app)
            let reminders = try server.messages().filter { $0.subject.contains("rappel : 7 jours") }
            #expect(Set(reminders.flatMap(\.rcpt_tos)) == ["chu@lille.fr", "adjoint@lille.fr"])
            // The establishment accepts: the 2-day reminder no longer applies.
            app.clock.set(ContractingAPITests.at("2022-10-18"))
            _ = try await client.act(id, #"{"type": "acceptation"}"#, as: "chu@lille.fr")
            app.clock.set(ContractingAPITests.at("2022-10-22", 9))
            _ = try await JobRunner.runDue(app: app)
            #expect(try server.messages().filter { $0.subject.contains("rappel : 2 jours") }.isEmpty)
            let moot = try await OutboxMessage.query(on: app.db).filter(\.$state == Outbox.moot).count()
            #expect(moot >= 2)
            // After the acceptance, the three signatories hear of it.
            let signing = try server.messages().filter { $0.subject.contains("acceptation") }.flatMap(\.rcpt_tos)
            #expect(Set(signing).isSuperset(of: ["chu@lille.fr", "dg@ars.fr", "analyste@ars.fr", "cpam@am.fr"]))
        }
    }

    @Test("Without CAQES_SMTP_URL the messages are .eml files in the store, listed on the administrator's page")
    func fileTransport() async throws {
        try await withApp { app in
            try await ContractingAPITests.setUp(app)
            var (client, campaign) = try await ContractingAPITests.frozenCampaign(app)
            let id = try await client.lilleContract(campaign)
            _ = try await client.act(id, #"{"type": "avis_am"}"#, as: "cpam@am.fr")
            _ = try await client.act(id, #"{"type": "envoi"}"#, as: "dg@ars.fr")
            // The AM opinion tells the ARS (2 accounts) to send; the sending tells the establishment (2).
            let sent = try await JobRunner.runDue(app: app).mails
            #expect(sent == 4)
            let files = try FileManager.default.contentsOfDirectory(atPath: Outbox.directory(app)).filter { $0.hasSuffix(".eml") }
            #expect(files.count == 4)
            let eml = try String(contentsOfFile: Outbox.directory(app) + files[0], encoding: .utf8)
            #expect(eml.contains("Content-Type: text/plain; charset=utf-8") && eml.contains("Subject: =?utf-8?"))
            try await createUser(app, "admin@caqes.fr", .admin)
            var browser = Browser(app)
            try await browser.login("admin@caqes.fr")
            let page = try await browser.get("/admin/courriels")
            #expect(page.status == .ok && page.body.string.contains(files[0]))
            // Each message says in French what it is.
            #expect(page.body.string.contains("<td>acte</td>"))
            #expect(OutboxController.kindLabel("rappel_calendrier") == "rappel du calendrier de campagne")
            var other = Browser(app)
            try await other.login("dg@ars.fr")
            #expect(try await other.get("/admin/courriels").status == .forbidden)
        }
    }
}
