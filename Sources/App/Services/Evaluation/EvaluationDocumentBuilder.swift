import CAQESCore
import CAQESDocuments
import Foundation

/// The French documents of an evaluation: the self-assessment report (what the establishment
/// submitted, per indicator) and the DG ARS decisions, motivated per D21: the facts retained, the
/// answer to each observation, the calculation of each amount with its explanation, the legal basis.
struct EvaluationDocumentBuilder {
    let assessment: SelfAssessment
    let year: Int
    let catalogues: CatalogueRegistry
    let siteURL: String
    let today: LocalDate

    private func footer(_ label: String, version: Int) -> FooterInfo {
        FooterInfo(verificationLine: "Document scellé par la plateforme CAQES. Vérifiez-le sur \(siteURL)/verifier avec son empreinte SHA-256 (\(label), version \(version), émis le \(today)).")
    }

    private var parties: [KeyValue] {
        [
            KeyValue("Établissement (titulaire)", "\(assessment.holderName) — FINESS \(assessment.holderFINESS)"),
            KeyValue("Année évaluée", "\(year) (campagne \(year + 1))"),
            KeyValue("Agence régionale de santé", "ARS de la région \(assessment.regionCode)"),
        ]
    }

    func report(version: Int, reviews: [AssessmentReview], note: String? = nil) -> DocumentContent {
        let content = (try? JSONText.decode(AssessmentContent.self, from: assessment.submittedContent ?? assessment.content)) ?? AssessmentContent()
        var blocks: [Block] = [
            .heading("Rapport d'auto-évaluation CAQES \(year)", level: 1),
            .keyValues(parties + [KeyValue("Version soumise", "\(version)")]),
        ]
        if let note { blocks.append(.paragraph([.bold("Constat de carence : "), TextRun(note)])) }
        blocks += [
            .text("Ce rapport reprend, pour chaque indicateur du contrat, les valeurs déclarées par l'établissement, son commentaire, les pièces justificatives déposées (par empreinte SHA-256) et son plan d'actions. Les valeurs issues des données importées sont pré-remplies et ne figurent pas ici."),
        ]
        for indicator in assessment.contractIndicators {
            let entry = content.indicateurs[indicator.code] ?? AssessmentEntry()
            blocks.append(.heading("\(indicator.code) — \(indicator.libelle)", level: 2))
            var pairs: [KeyValue] = entry.valeurs.sorted { $0.key < $1.key }.map { KeyValue("Valeur déclarée (\($0.key))", $0.value) }
            pairs.append(KeyValue("Commentaire", entry.commentaire ?? "—"))
            pairs.append(KeyValue("Pièces justificatives", entry.preuves.isEmpty ? "aucune" : entry.preuves.joined(separator: ", ")))
            blocks.append(.keyValues(pairs))
            if !entry.plan_action.isEmpty {
                blocks.append(.table(Table(columns: [TableColumn("Action", width: 0.45), TableColumn("Responsable", width: 0.25),
                                                     TableColumn("Échéance", width: 0.15), TableColumn("Statut", width: 0.15)],
                                           rows: entry.plan_action.map { [$0.action, $0.responsable, (try? LocalDate($0.echeance))?.description ?? $0.echeance, $0.statut] })))
            }
        }
        return DocumentContent(title: "Rapport d'auto-évaluation CAQES \(year) — \(assessment.holderName)",
                               reference: "CAQES-EVAL \(assessment.regionCode)-\(assessment.holderFINESS)-\(year) v\(version)",
                               blocks: blocks, footer: footer("rapport d'auto-évaluation", version: version))
    }

    /// The final decision a corrective decision withdraws, and why.
    struct Correction {
        let ground: CorrectionGround
        let reason: String
        let withdrawnOn: LocalDate
        let withdrawnSHA: String
        let withdrawnTotal: Decimal
        /// The withdrawn amounts were already ordered or paid: only the difference is paid.
        let settled: Bool
    }

    /// A decision; `round` > 1 follows the corrective decision `correction` (its own document
    /// states the withdrawal, the following ones recall it).
    func decision(_ step: DecisionStep, round: Int = 1, correction: Correction? = nil, lines: [EvaluationResultRecord], total: Decimal,
                  resultVersion: Int, events: [EvaluationEventRecord], reviews: [AssessmentReview]) -> DocumentContent {
        var blocks: [Block] = [
            .heading("Décision du directeur général de l'ARS — \(step.description)", level: 1),
            .keyValues(parties + [KeyValue("Résultats", "version \(resultVersion) du calcul de la campagne")]
                       + (correction.map { [KeyValue("Décision corrective", "tour \(round) : décision définitive du \($0.withdrawnOn) retirée (\($0.ground.rawValue))")] } ?? [])),
        ]
        if let correction {
            blocks.append(.heading(step == .corrective ? "Motif du retrait" : "Décision corrective préalable", level: 2))
            blocks.append(.paragraph([.bold("Décision retirée : "), TextRun("décision définitive du \(correction.withdrawnOn), montant \(FrenchNumberFormat.euros(correction.withdrawnTotal)), empreinte SHA-256 \(correction.withdrawnSHA).")]))
            blocks.append(.paragraph([.bold("Fondement : "), TextRun(correction.ground.description + ".")]))
            blocks.append(.paragraph([.bold("Motif : "), TextRun(correction.reason)]))
        }
        blocks.append(.heading("Base légale", level: 2))
        let isGrid = lines.contains { $0.kind == "grille" }
        if isGrid {
            blocks += [
                .text("Article L162-30-2 du code de la sécurité sociale, dans sa rédaction issue de l'article 81 de la loi de financement de la sécurité sociale pour 2016, et articles D162-9 à D162-16 (décret n° 2017-584 du 20 avril 2017) : contrat d'amélioration de la qualité et de l'efficience des soins, volet obligatoire."),
                .text("Arrêté du 27 avril 2017 relatif au contrat type ; grille régionale d'évaluation et objectif régional fixés par le comité de pilotage. Sanction : écart à l'objectif régional, au plus 1 % des produits reçus des régimes obligatoires d'assurance maladie au titre du dernier exercice clos (D13)."),
            ]
            blocks += step.legalBasis.suffix(1).map { .text($0) }
        } else {
            blocks += step.legalBasis.map { .text($0) }
        }
        blocks.append(.heading("Faits retenus", level: 2))
        // The acts and the reviews, in the order of their dates (the log's order within a day).
        var facts: [(on: String, row: TableRow)] = []
        for record in events {
            let date = (try? LocalDate(record.legalDate)) ?? LegalClock.today(record.recordedAt)
            facts.append((date.iso, [date.description, Self.label(record.act), record.actor]))
        }
        for review in reviews {
            let decision = ReviewDecision(rawValue: review.decision)?.description ?? review.decision
            let date = LegalClock.today(review.createdAt)
            facts.append((date.iso, [date.description, "revue de \(review.indicator) : \(decision)" + (review.reason.isEmpty ? "" : " — \(review.reason)"), review.actor]))
        }
        let ordered = facts.enumerated().sorted { ($0.element.on, $0.offset) < ($1.element.on, $1.offset) }.map(\.element.row)
        blocks.append(.table(Table(columns: [TableColumn("Date", width: 0.14), TableColumn("Fait", width: 0.56), TableColumn("Auteur", width: 0.3)], rows: ordered)))
        blocks.append(.heading("Réponse aux observations de l'établissement", level: 2))
        let observations = events.filter { $0.act == EvaluationAct.observations.rawValue || $0.act == EvaluationAct.hearingRequest.rawValue }
        if observations.isEmpty {
            blocks.append(.text(step == .first ? "Première décision : la période contradictoire s'ouvre à sa réception." : "L'établissement n'a présenté aucune observation."))
        } else if step == .corrective {
            blocks.append(.text("Les observations présentées lors des périodes contradictoires ont reçu leur réponse dans les décisions précédentes, rappelées ci-dessous."))
        }
        for (index, record) in observations.enumerated() {
            let details = try? JSONText.decode(ContractActDetails.self, from: record.details)
            blocks.append(.paragraph([.bold("Observation \(index + 1) (\((try? LocalDate(record.legalDate))?.description ?? record.legalDate)) : "),
                                      TextRun(details?.texte ?? "demande d'audition.")]))
            for answer in events where answer.act == EvaluationAct.answer.rawValue
                && (try? JSONText.decode(ContractActDetails.self, from: answer.details))?.observation == record.id {
                blocks.append(.paragraph([.bold("Réponse de l'agence : "), TextRun((try? JSONText.decode(ContractActDetails.self, from: answer.details))?.texte ?? "")]))
            }
        }
        blocks.append(.heading("Calcul", level: 2))
        blocks.append(.table(Table(columns: [TableColumn("Indicateur", width: 0.16), TableColumn("Économie", width: 0.16, alignment: .right),
                                             TableColumn("Taux", width: 0.1, alignment: .right), TableColumn("Atteint", width: 0.12),
                                             TableColumn("Montant", width: 0.2, alignment: .right), TableColumn("Nature", width: 0.26)],
                                   rows: lines.map { line in
                                       [line.indicator, line.savings.flatMap(Self.decimal).map(FrenchNumberFormat.euros) ?? "—",
                                        line.rate.flatMap(Self.decimal).map(FrenchNumberFormat.percent) ?? "—", line.achieved.isEmpty ? "—" : line.achieved,
                                        Self.decimal(line.amount).map(FrenchNumberFormat.euros) ?? line.amount, Self.kind(line.kind)]
                                   } + [TableRow(["Total", "", "", "", FrenchNumberFormat.euros(total), ""], bold: true)])))
        blocks.append(.heading("Explication de chaque montant", level: 2))
        for line in lines {
            blocks.append(.paragraph([.bold("\(line.indicator) : "), TextRun(line.explanation)]))
        }
        blocks.append(.heading("Décision", level: 2))
        let decided = switch step {
        case .first: "Les résultats ci-dessus sont retenus. L'établissement est éligible à un intéressement national envisagé de \(FrenchNumberFormat.euros(total)), après avis de l'organisme local d'assurance maladie. Sa part de l'enveloppe régionale (FIR) sera fixée par la deuxième décision, une fois connus les résultats de tous les établissements de la campagne."
        case .second: "Le montant de l'intéressement est fixé à \(FrenchNumberFormat.euros(total)), après avis de l'organisme local d'assurance maladie et examen des observations."
        case .final: "Le montant définitif de l'intéressement est arrêté à \(FrenchNumberFormat.euros(total)). Il sera versé au titre du fonds d'intervention régional."
            + (correction.map { " Il remplace le montant de \(FrenchNumberFormat.euros($0.withdrawnTotal)) de la décision retirée" + ($0.settled ? " ; ce montant ayant été ordonnancé ou versé, seule la différence donne lieu à paiement ou à reversement." : ".") } ?? "")
        case .corrective: "La décision définitive du \(correction?.withdrawnOn.description ?? "—") est retirée. L'agence réexamine les résultats de l'établissement ; le montant corrigé sera fixé par une nouvelle deuxième décision, ouvrant un délai de quinze jours pour présenter des observations, puis par une nouvelle décision définitive. Les montants ci-dessus sont ceux de la décision retirée."
        }
        if isGrid {
            let score = lines.first { $0.kind == "grille" }
            let sanction = lines.first { $0.kind == "sanction" }
            blocks.append(.text("Le score global de l'établissement sur la grille est de \(score?.value ?? "—") pour un objectif régional \(score?.target ?? "")."
                                + (sanction.map { " " + $0.explanation.prefix(1).uppercased() + $0.explanation.dropFirst() + "." } ?? "")
                                + (step == .corrective ? " La décision définitive qui arrêtait cette sanction est retirée ; une nouvelle deuxième décision la fixera."
                                   : step == .final ? " La sanction arrêtée est de \(FrenchNumberFormat.euros(total)) ; l'organisme local d'assurance maladie en assure le recouvrement."
                                                  : " La sanction envisagée est de \(FrenchNumberFormat.euros(total)).")))
        } else {
            blocks.append(.text(decided))
        }
        blocks.append(.signatures([Signatory(name: "Le directeur général", role: "Pour l'agence régionale de santé", organization: "ARS, région \(assessment.regionCode)")]))
        return DocumentContent(title: "Décision CAQES \(year) — \(assessment.holderName) — \(step.description)",
                               reference: "CAQES-EVAL \(assessment.regionCode)-\(assessment.holderFINESS)-\(year) \(step.rawValue)" + (round > 1 ? " v\(round)" : ""),
                               blocks: blocks, footer: footer(step.description, version: round))
    }

    static func decimal(_ text: String) -> Decimal? { Decimal(stored: text) }

    static func kind(_ code: String) -> String {
        switch code {
        case "national": "intéressement national"
        case "informatif": "informatif, jamais payé (D8)"
        case "regional": "cible régionale"
        case "groupe": "cible régionale (groupe)"
        case "fir": "part de l'enveloppe FIR (D12)"
        default: code
        }
    }

    static func label(_ act: String) -> String {
        if let step = DecisionStep(rawValue: act) { return step.description }
        if let known = EvaluationAct(rawValue: act) { return known.description }
        switch act {
        case "saisie": return "début de la saisie de l'auto-évaluation"
        case "soumission": return "soumission de l'auto-évaluation"
        case "cloture_saisie": return "clôture de la saisie par l'ARS (rien de soumis à l'échéance)"
        default: return act
        }
    }
}
