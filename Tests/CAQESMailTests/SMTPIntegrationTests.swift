import Foundation
import NIOCore
import NIOPosix
import CAQESTestSupport
import Testing
@testable import CAQESMail

/// End-to-end tests against a real SMTP server (aiosmtpd), started per test.
@Suite(.serialized)
struct SMTPIntegrationTests {
    let group = MultiThreadedEventLoopGroup.singleton

    static let frenchBody = """
    Madame, Monsieur,

    Veuillez trouver ci-joint l'évaluation annuelle du contrat « CAQES 2024 » de votre établissement.
    Montant de l'intéressement : 12 345,67 € (soit 0,5 % de l'objectif) ; déjà versé : 1 000 €.
    Ligne avec espaces finales\u{20}\u{20}
    Tabulation\tet signe égal = 3D, œuvre, Ærø, ça, 日本.
    Très longue ligne sans espace : ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé

    Cordialement,
    La cellule CAQES — ARS Île-de-France

    """

    static func message(body: String = frenchBody, to: [MailAddress]? = nil) -> MailMessage {
        MailMessage(
            from: MailAddress("caqes@ars.sante.fr", name: "Cellule CAQES — ARS Île-de-France"),
            to: to ?? [MailAddress("pharmacie@chu-exemple.fr", name: "Pharmacie à usage intérieur"), "direction@chu-exemple.fr"],
            subject: "Évaluation CAQES 2024 : « taux de prescription dans le répertoire » à 82,5 % — intéressement 12 345,67 €",
            body: body,
            messageID: "<eval-2024-0123@caqes.ars.sante.fr>",
            date: Date(timeIntervalSince1970: 1_741_079_107),
            extraHeaders: [MailHeader("X-CAQES-Etablissement", "CHU d'exemple — site Nord")]
        )
    }

    @Test func plainDeliveryRoundTripsFrenchText() async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        let message = Self.message()
        // opportunistic: the server offers no STARTTLS, no credentials → plain delivery
        let transport = try SMTPTransport(url: "smtp://127.0.0.1:\(server.port)", ehloName: "caqes.test")
        try await transport.send(message, on: group)

        let received = try server.messages()
        try #require(received.count == 1)
        let mail = received[0]
        #expect(mail.mail_from == "caqes@ars.sante.fr")
        #expect(mail.rcpt_tos == ["pharmacie@chu-exemple.fr", "direction@chu-exemple.fr"])
        #expect(mail.body == message.body)
        #expect(mail.subject == message.subject)
        #expect(mail.from == "Cellule CAQES — ARS Île-de-France <caqes@ars.sante.fr>")
        #expect(mail.to == "Pharmacie à usage intérieur <pharmacie@chu-exemple.fr>, direction@chu-exemple.fr")
        #expect(mail.defects.isEmpty)
        #expect(mail.tls == false)
        // The server got exactly the bytes we render (after un-stuffing).
        #expect(mail.raw == message.rfc5322())
    }

    @Test func startTLSWithAuthPlain() async throws {
        let server = try TestSMTPServer(tls: "starttls", auth: "agent@caqes.fr:pé:@% x")
        defer { server.stop() }
        let url = "smtp://agent%40caqes.fr:p%C3%A9%3A%40%25%20x@127.0.0.1:\(server.port)?starttls=required"
        let transport = try SMTPTransport(url: url, tlsInsecure: true)
        try await transport.send(Self.message(), on: group)
        let mail = try #require(try server.messages().first)
        #expect(mail.tls)
        #expect(mail.auth == "agent@caqes.fr")
        #expect(mail.body == Self.frenchBody)
    }

    @Test func startTLSWithAuthLogin() async throws {
        let server = try TestSMTPServer(tls: "starttls", auth: "agent:secret", loginOnly: true)
        defer { server.stop() }
        let transport = try SMTPTransport(url: "smtp://agent:secret@127.0.0.1:\(server.port)?starttls=required", tlsInsecure: true)
        try await transport.send(Self.message(), on: group)
        let mail = try #require(try server.messages().first)
        #expect(mail.tls)
        #expect(mail.auth == "agent")
    }

    @Test func implicitTLS() async throws {
        let server = try TestSMTPServer(tls: "smtps", auth: "agent:secret")
        defer { server.stop() }
        let transport = try SMTPTransport(url: "smtps://agent:secret@127.0.0.1:\(server.port)", tlsInsecure: true)
        try await transport.send(Self.message(), on: group)
        let mail = try #require(try server.messages().first)
        #expect(mail.tls)
        #expect(mail.subject == Self.message().subject)
    }

    @Test func wrongPasswordGivesFrenchError535() async throws {
        let server = try TestSMTPServer(tls: "starttls", auth: "agent:secret")
        defer { server.stop() }
        let transport = try SMTPTransport(url: "smtp://agent:mauvais@127.0.0.1:\(server.port)?starttls=required", tlsInsecure: true)
        let error = await #expect(throws: MailError.self) { try await transport.send(Self.message(), on: group) }
        guard case .authenticationFailed(let code, _)? = error else {
            Issue.record("unexpected error: \(String(describing: error))")
            return
        }
        #expect(code == 535)
        #expect(error?.description.hasPrefix("le serveur SMTP a refusé l'authentification (code 535)") == true)
        #expect(try server.messages().isEmpty)
    }

    @Test func selfSignedCertificateIsRejectedByDefault() async throws {
        let server = try TestSMTPServer(tls: "starttls")
        defer { server.stop() }
        let transport = try SMTPTransport(url: "smtp://127.0.0.1:\(server.port)?starttls=required")
        let error = await #expect(throws: MailError.self) { try await transport.send(Self.message(), on: group) }
        guard case .tls? = error else {
            Issue.record("expected a TLS error, got \(String(describing: error))")
            return
        }
        #expect(error?.description.hasPrefix("échec de la connexion TLS") == true)
        #expect(try server.messages().isEmpty)
    }

    @Test func requiredStartTLSMissing() async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        let transport = try SMTPTransport(url: "smtp://127.0.0.1:\(server.port)?starttls=required")
        await #expect(throws: MailError.startTLSUnavailable) { try await transport.send(Self.message(), on: group) }
    }

    @Test func credentialsNeverSentInClearWhenOpportunistic() async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        let transport = try SMTPTransport(url: "smtp://agent:secret@127.0.0.1:\(server.port)")
        await #expect(throws: MailError.cleartextCredentialsRefused) { try await transport.send(Self.message(), on: group) }
    }

    @Test func rejectedRecipientGivesFrenchError550() async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        let transport = try SMTPTransport(url: "smtp://127.0.0.1:\(server.port)?starttls=none")
        let message = Self.message(to: ["pharmacie@chu-exemple.fr", "inconnu@chu-exemple.fr"])
        let error = await #expect(throws: MailError.self) { try await transport.send(message, on: group) }
        #expect(error?.code == 550)
        #expect(error?.description == "le serveur SMTP a refusé RCPT TO:<inconnu@chu-exemple.fr> (code 550) : 5.1.1 Destinataire inconnu")
        #expect(try server.messages().isEmpty)
    }

    @Test func dotStuffingSurvivesTheTrip() async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        let body = ".ligne commençant par un point\n.\n..deux points\nfin.\n.\n"
        let transport = try SMTPTransport(url: "smtp://127.0.0.1:\(server.port)?starttls=none")
        try await transport.send(Self.message(body: body), on: group)
        let mail = try #require(try server.messages().first)
        #expect(mail.body == body)
    }

    @Test func serverDownGivesFrenchConnectionError() async throws {
        let port = try await unusedPort(group: group)
        let transport = try SMTPTransport(url: "smtp://127.0.0.1:\(port)?starttls=none")
        let error = await #expect(throws: MailError.self) { try await transport.send(Self.message(), on: group) }
        #expect(error == .connectionFailed(host: "127.0.0.1", port: port, reason: "connexion refusée"))
        #expect(error?.description == "connexion impossible au serveur SMTP 127.0.0.1:\(port) (connexion refusée)")
    }

    @Test func silentServerTimesOut() async throws {
        let silent = try await startSilentServer(group: group)
        defer { silent.close(promise: nil) }
        let port = silent.localAddress!.port!
        let transport = try SMTPTransport(url: "smtp://127.0.0.1:\(port)?starttls=none", commandTimeout: .seconds(1))
        let started = ContinuousClock.now
        let error = await #expect(throws: MailError.self) { try await transport.send(Self.message(), on: group) }
        #expect(error == .timeout(step: "l'ouverture de la session", seconds: 1))
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
