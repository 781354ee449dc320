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
            try await AuditLog.append(on: app.db, actor: .system, action: "essai", target: "cible \(index)", details: "n° \(index)")
        }
    }

    @Test("an intact chain verifies, and each row links to the previous hash")
    func intact() async throws {
        try await withApp { app in
            try await Self.appendSample(app, count: 5)
            #expect(try await AuditLog.verify(on: app.db) == .intact(count: 5))
            let events = try await AuditEvent.query(on: app.db).sort(\.$id).all()
            #expect(events.first?.previousHash == AuditLog.genesisHash)
            for (previous, next) in zip(events, events.dropFirst()) { #expect(next.previousHash == previous.hash) }
        }
    }

    @Test("editing a row in the database is caught at that row", arguments: ["details", "actor_label", "action", "occurred_ms"])
    func editedRow(column: String) async throws {
        try await withApp { app in
            try await Self.appendSample(app, count: 6)
            let sql = app.db as! any SQLDatabase
            let value: any Encodable & Sendable = column == "occurred_ms" ? Int64(42) : "falsifié"
            try await sql.update("audit_events").set(column, to: value).where("seq", .equal, 4).run()
            #expect(try await AuditLog.verify(on: app.db) == .broken(seq: 4, reason: "son contenu a été modifié après son enregistrement"))
        }
    }

    @Test("a deleted row and a rewritten hash are caught too")
    func deletedOrRehashed() async throws {
        try await withApp { app in
            try await Self.appendSample(app, count: 5)
            let sql = app.db as! any SQLDatabase
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
