@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Journal d'audit chaîné")
struct AuditTests {
    static func appendSample(_ app: Application, count: Int) async throws {
        for index in 1...count {
            try await AuditLog.append(on: app.db, actor: .system, action: "essai", target: "cible \(index)", details: "n° \(index)", at: app.clock.now())
        }
    }

    /// Someone with the database's owner rights removes the triggers first, as an attacker would.
    static func asAttacker(_ app: Application) async throws -> any SQLDatabase {
        try await ProtectAuditEvents().revert(on: app.db)
        return app.db as! any SQLDatabase
    }

    @Test("the database itself refuses UPDATE and DELETE on the audit trail")
    func databaseRefusesChanges() async throws {
        try await withApp { app in
            try await Self.appendSample(app, count: 3)
            let sql = app.db as! any SQLDatabase
            await #expect(throws: (any Error).self) {
                try await sql.update("audit_events").set("details", to: "falsifié").where("seq", .equal, 2).run()
            }
            await #expect(throws: (any Error).self) {
                try await sql.delete(from: "audit_events").where("seq", .equal, 3).run()
            }
            #expect(try await AuditLog.verify(on: app.db).message.contains("intègre : 3"))
        }
    }

    @Test("a cut or recomputed tail is caught against a head kept elsewhere; a changed displayed date is caught")
    func expectedHeadAndDate() async throws {
        try await withApp { app in
            try await Self.appendSample(app, count: 5)
            guard case .intact(_, let head) = try await AuditLog.verify(on: app.db) else { Issue.record("not intact"); return }
            #expect(try await AuditLog.verify(on: app.db, expectedHead: head) == .intact(count: 5, head: head))
            let sql = try await Self.asAttacker(app)
            // Cut the last event: the rest of the chain is still consistent, but the kept head is gone.
            try await sql.delete(from: "audit_events").where("seq", .equal, 5).run()
            #expect(try await AuditLog.verify(on: app.db).message.contains("intègre : 4"))
            guard case .broken(_, let reason) = try await AuditLog.verify(on: app.db, expectedHead: head) else { Issue.record("cut not caught"); return }
            #expect(reason.contains("tête attendue"))
            // The displayed date changed without its hashed twin.
            try await sql.update("audit_events").set("occurred_at", to: Date(timeIntervalSince1970: 0)).where("seq", .equal, 2).run()
            #expect(try await AuditLog.verify(on: app.db) == .broken(seq: 2, reason: "sa date a été modifiée après son enregistrement"))
        }
    }

    @Test("an intact chain verifies, and each row links to the previous hash")
    func intact() async throws {
        try await withApp { app in
            try await Self.appendSample(app, count: 5)
            let events = try await AuditEvent.query(on: app.db).sort(\.$id).all()
            #expect(try await AuditLog.verify(on: app.db) == .intact(count: 5, head: events.last!.hash))
            #expect(events.first?.previousHash == AuditLog.genesisHash)
            for (previous, next) in zip(events, events.dropFirst()) { #expect(next.previousHash == previous.hash) }
        }
    }

    @Test("editing a row in the database is caught at that row", arguments: ["details", "actor_label", "action", "occurred_ms"])
    func editedRow(column: String) async throws {
        try await withApp { app in
            try await Self.appendSample(app, count: 6)
            let sql = try await Self.asAttacker(app)
            let value: any Encodable & Sendable = column == "occurred_ms" ? Int64(42) : "falsifié"
            try await sql.update("audit_events").set(column, to: value).where("seq", .equal, 4).run()
            #expect(try await AuditLog.verify(on: app.db) == .broken(seq: 4, reason: "son contenu a été modifié après son enregistrement"))
        }
    }

    @Test("a deleted row and a rewritten hash are caught too")
    func deletedOrRehashed() async throws {
        try await withApp { app in
            try await Self.appendSample(app, count: 5)
            let sql = try await Self.asAttacker(app)
            try await sql.update("audit_events").set("hash", to: String(repeating: "a", count: 64)).where("seq", .equal, 2).run()
            if case .broken(let seq, _) = try await AuditLog.verify(on: app.db) { #expect(seq == 2) } else { Issue.record("not caught") }
            try await sql.delete(from: "audit_events").where("seq", .equal, 2).run()
            #expect(try await AuditLog.verify(on: app.db) == .broken(seq: 2, reason: "l'événement est manquant (supprimé ?)"))
        }
    }

    @Test("the audit page lists and filters events for admins and reports integrity")
    func page() async throws {
        try await withApp { app in
            try await createUser(app, "admin@test.caqes.fr", .admin)
            try await Self.appendSample(app, count: 3)
            var browser = Browser(app)
            try await browser.login("admin@test.caqes.fr")
            let html = try await browser.get("/admin/journal?cible=cible%202&verifier=1").body.string
            #expect(html.contains("cible 2"))
            #expect(!html.contains("cible 3"))
            #expect(html.contains("audit intègre : 5 événement(s) vérifié(s)"))
            #expect(try await browser.get("/admin/journal?du=2026-02-31").status == .badRequest)
            #expect(!(try await browser.get("/admin/journal").body.string.contains("audit intègre")))
        }
    }
}
