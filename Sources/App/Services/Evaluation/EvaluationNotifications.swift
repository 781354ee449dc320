import CAQESCore
import Fluent
import Foundation

/// The e-mails of an evaluation (D22: French), written in the act's transaction into the outbox:
/// the opening to each holder with the entry deadline, an indicator sent back, each decision with
/// its deadline (final and corrective decisions to the paying fund too), observations to the ARS;
/// reminders 7 and 2 days before the entry deadline, the end of each contradictory period and the
/// final-decision date, sent only if the self-assessment still waits on that deadline (the outbox
/// checks its state and deadline).
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
                                        contract: assessment.contractID, assessment: assessment.id, kind: "acte", sendAfter: now, expect: nil, at: now, on: db)
        }
    }

    /// Reminders `Notifications.reminderDays` before `deadline` at 08:00 (Paris), to `recipients`;
    /// each is sent only if the self-assessment is then still in one of `states` (API codes), the
    /// deadline has not passed, and, for a period's deadline (`rappel`), its running period still
    /// ends that day; a campaign calendar's date (`rappel_calendrier`) does not move.
    static func remind(_ recipients: [Notifications.Recipient], _ assessment: SelfAssessment, deadline: LocalDate, what: String,
                       states: [EvaluationProcedure.State], periodDeadline: Bool, siteURL: String, at now: Date, on db: any Database) async throws {
        for days in Notifications.reminderDays {
            let sendAfter = deadline.adding(days: -days).instant(hour: 8, minute: 0, second: 0, timeZone: LegalClock.paris)
            guard sendAfter > now else { continue }
            for recipient in recipients {
                try await Notifications.add(recipient, subject: "CAQES — rappel : \(days) jours avant l'échéance du \(deadline) (\(assessment.holderName))",
                                            body: """
                                            Bonjour \(recipient.name),

                                            Rappel : l'évaluation CAQES de \(assessment.holderName) (FINESS \(assessment.holderFINESS)) attend \(what).
                                            Échéance : \(deadline) à 23 h 59 (heure de Paris), dans \(days) jours.

                                            Ouvrir l'évaluation : \(link(assessment, siteURL: siteURL))

                                            Ce message est envoyé automatiquement par la plateforme CAQES.
                                            """,
                                            contract: assessment.contractID, assessment: assessment.id,
                                            kind: periodDeadline ? "rappel" : "rappel_calendrier", sendAfter: sendAfter,
                                            expect: (states.map(\.code).joined(separator: "|"), deadline.iso), at: now, on: db)
            }
        }
    }

    /// A running contradictory period's reminders to the establishment (its observations or
    /// hearing request are due by the last day).
    static func periodReminders(_ assessment: SelfAssessment, procedure: EvaluationProcedure, siteURL: String, at now: Date, on db: any Database) async throws {
        guard let period = procedure.currentPeriod else { return }
        try await remind(try await establishment(assessment, on: db), assessment, deadline: period.deadline.lastDay,
                         what: "vos éventuelles observations ou votre demande d'audition sur la décision reçue (période contradictoire)",
                         states: [procedure.state], periodDeadline: true, siteURL: siteURL, at: now, on: db)
    }

    static func opened(_ assessment: SelfAssessment, campaign: EvaluationCampaign, calendar: EvaluationCalendar, siteURL: String,
                       at now: Date, on db: any Database) async throws {
        try await send(try await establishment(assessment, on: db), assessment, subject: "campagne d'évaluation \(campaign.year) ouverte",
                       body: """
                       La campagne d'évaluation CAQES de l'année \(campaign.year) est ouverte pour \(assessment.holderName) (FINESS \(assessment.holderFINESS)).
                       Saisissez votre auto-évaluation, vos pièces justificatives et vos plans d'actions du \(calendar.entryStart) au \(calendar.entryEnd) inclus.

                       Ouvrir le formulaire : \(link(assessment, siteURL: siteURL))
                       """, at: now, on: db)
        try await remind(try await establishment(assessment, on: db), assessment, deadline: calendar.entryEnd,
                         what: "votre auto-évaluation : saisie, pièces justificatives et soumission", states: [.open, .selfAssessment],
                         periodDeadline: false, siteURL: siteURL, at: now, on: db)
        try await remind(try await ars(assessment, on: db), assessment, deadline: calendar.finalDecisionBy,
                         what: "sa décision définitive, que le calendrier de la campagne fixe à cette date",
                         states: EvaluationProcedure.State.allCases.filter { ![.finalDecision, .closed].contains($0) },
                         periodDeadline: false, siteURL: siteURL, at: now, on: db)
    }

    static func entryClosed(_ assessment: SelfAssessment, note: String, siteURL: String, at now: Date, on db: any Database) async throws {
        try await send(try await establishment(assessment, on: db), assessment, subject: "saisie de l'auto-évaluation close",
                       body: """
                       \(note)
                       Le rapport scellé le constate. L'analyse des indicateurs commence ; la première décision du directeur général de l'ARS vous sera notifiée.

                       Ouvrir l'évaluation : \(link(assessment, siteURL: siteURL))
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

    static func decision(_ assessment: SelfAssessment, step: DecisionStep, procedure: EvaluationProcedure, documentSHA: String, reason: String?,
                         siteURL: String, at now: Date, on db: any Database) async throws {
        let period = step == .corrective
            ? "Elle retire la décision définitive pour le motif suivant : \(reason ?? "")\nL'ARS réexamine vos résultats ; le montant corrigé vous sera notifié par une nouvelle deuxième décision, avec quinze jours pour présenter vos observations."
            : step.period.map { "Dès réception, vous disposez de \($0.length()) pour présenter des observations ou demander à être entendu. Accusez réception dans la plateforme." } ?? "Cette décision est définitive."
        try await send(try await establishment(assessment, on: db), assessment, subject: step.description,
                       body: """
                       Le directeur général de l'ARS a pris la \(step.description) sur votre évaluation CAQES.
                       \(period)
                       Document : empreinte SHA-256 \(documentSHA).

                       Ouvrir l'évaluation : \(link(assessment, siteURL: siteURL))
                       """, at: now, on: db)
        // The fund that pays (or recovers) hears of what changes the payment file: a final
        // decision, and a corrective decision withdrawing one.
        if step == .final || step == .corrective {
            let fund = try await Notifications.recipients(scopeKind: .department, code: assessment.departmentCode, roles: [.insurer], on: db)
            try await send(fund, assessment, subject: step.description,
                           body: step == .corrective
                               ? "Le directeur général de l'ARS a retiré la décision définitive de \(assessment.holderName) (FINESS \(assessment.holderFINESS)) par une décision corrective. Motif : \(reason ?? "")\nSes montants ne sont plus à payer : le fichier de paiement portera ceux de la nouvelle décision définitive (la différence, si l'ancien montant a déjà été ordonnancé ou versé).\n\nOuvrir l'évaluation : \(link(assessment, siteURL: siteURL))"
                               : "Le directeur général de l'ARS a pris la décision définitive de \(assessment.holderName) (FINESS \(assessment.holderFINESS)) : elle figure au fichier de paiement de la campagne.\nDocument : empreinte SHA-256 \(documentSHA).\n\nOuvrir l'évaluation : \(link(assessment, siteURL: siteURL))",
                           at: now, on: db)
        }
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
