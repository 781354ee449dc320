import CAQESCore
import Fluent
import Foundation

/// The e-mails of an evaluation (D22: French), written in the act's transaction into the outbox:
/// the opening to each holder with the entry deadline, an indicator sent back, each decision with
/// its deadline, observations to the ARS.
enum EvaluationNotifications {
    private static func link(_ assessment: SelfAssessment, siteURL: String) -> String {
        "\(siteURL)/evaluation/autoevaluations/\((assessment.id ?? UUID()).uuidString.lowercased())"
    }

    private static func establishment(_ assessment: SelfAssessment, on db: any Database) async throws -> [Notifications.Recipient] {
        try await Notifications.recipients(scopeKind: .holder, code: assessment.holderFINESS, roles: [.establishment], on: db)
    }

    private static func ars(_ assessment: SelfAssessment, on db: any Database) async throws -> [Notifications.Recipient] {
        try await Notifications.recipients(scopeKind: .region, code: assessment.regionCode, roles: [.arsAnalyst, .arsDirector], on: db)
    }

    private static func send(_ recipients: [Notifications.Recipient], _ assessment: SelfAssessment, subject: String, body: String,
                             at now: Date, on db: any Database) async throws {
        for recipient in recipients {
            try await Notifications.add(recipient, subject: "CAQES — \(assessment.holderName) : \(subject)",
                                        body: "Bonjour \(recipient.name),\n\n\(body)\n\nCe message est envoyé automatiquement par la plateforme CAQES.",
                                        contract: assessment.contractID, kind: "acte", sendAfter: now, expect: nil, at: now, on: db)
        }
    }

    static func opened(_ assessment: SelfAssessment, campaign: EvaluationCampaign, calendar: EvaluationCalendar, siteURL: String,
                       at now: Date, on db: any Database) async throws {
        try await send(try await establishment(assessment, on: db), assessment, subject: "campagne d'évaluation \(campaign.year) ouverte",
                       body: """
                       La campagne d'évaluation CAQES de l'année \(campaign.year) est ouverte pour \(assessment.holderName) (FINESS \(assessment.holderFINESS)).
                       Saisissez votre auto-évaluation, vos pièces justificatives et vos plans d'actions du \(calendar.entryStart) au \(calendar.entryEnd) inclus.

                       Ouvrir le formulaire : \(link(assessment, siteURL: siteURL))
                       """, at: now, on: db)
    }

    static func sentBack(_ assessment: SelfAssessment, indicator: String, reason: String, siteURL: String, at now: Date, on db: any Database) async throws {
        try await send(try await establishment(assessment, on: db), assessment, subject: "indicateur \(indicator) renvoyé",
                       body: """
                       Le relecteur vous renvoie l'indicateur \(indicator) de votre auto-évaluation, avec ce motif :
                       \(reason)

                       Corrigez-le puis soumettez à nouveau : \(link(assessment, siteURL: siteURL))
                       """, at: now, on: db)
    }

    static func decision(_ assessment: SelfAssessment, step: DecisionStep, procedure: EvaluationProcedure, documentSHA: String,
                         siteURL: String, at now: Date, on db: any Database) async throws {
        let period = step.period.map { "Dès réception, vous disposez de \($0.length()) pour présenter des observations ou demander à être entendu. Accusez réception dans la plateforme." } ?? "Cette décision est définitive."
        try await send(try await establishment(assessment, on: db), assessment, subject: step.description,
                       body: """
                       Le directeur général de l'ARS a pris la \(step.description) sur votre évaluation CAQES.
                       \(period)
                       Document : empreinte SHA-256 \(documentSHA).

                       Ouvrir l'évaluation : \(link(assessment, siteURL: siteURL))
                       """, at: now, on: db)
    }

    static func observations(_ assessment: SelfAssessment, act: EvaluationAct, procedure: EvaluationProcedure, siteURL: String,
                             at now: Date, on db: any Database) async throws {
        let deadline = procedure.currentPeriod.map { " La période contradictoire court jusqu'au \($0.deadline.lastDay)." } ?? ""
        try await send(try await ars(assessment, on: db), assessment, subject: act.description,
                       body: """
                       \(assessment.holderName) (FINESS \(assessment.holderFINESS)) a transmis : \(act.description).\(deadline)
                       La décision suivante doit répondre à chaque observation (D21).

                       Ouvrir l'évaluation : \(link(assessment, siteURL: siteURL))
                       """, at: now, on: db)
    }
}
