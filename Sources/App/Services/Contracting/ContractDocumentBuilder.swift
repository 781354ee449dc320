import CAQESCore
import CAQESDocuments
import Foundation

/// The French documents of the contract procedure, as content for the PDF writer: the proposal
/// (contract body, one annex per indicator, signature page), the amended proposal (with the
/// refusal sanction, D14), the sanction decision (motivated, D21) and the signed contract.
struct ContractDocumentBuilder {
    let contract: Contract
    let procedure: ContractProcedure
    /// The log including the act that makes this document.
    let events: [(ContractEventRecord, ContractProcedure.Event)]
    let catalogues: CatalogueRegistry
    let type: String
    let version: Int
    let siteURL: String
    let today: LocalDate

    static func title(of type: String) -> String {
        switch type {
        case "proposition": "Proposition de contrat d'amélioration de la qualité et de l'efficience des soins"
        case "proposition_modifiee": "Proposition modifiée de contrat d'amélioration de la qualité et de l'efficience des soins"
        case "decision_sanction": "Décision de sanction pour refus de signer le CAQES"
        case "contrat_signe": "Contrat d'amélioration de la qualité et de l'efficience des soins (CAQES) signé"
        default: "Document CAQES"
        }
    }

    static func label(of type: String) -> String {
        switch type {
        case "proposition": "proposition de contrat"
        case "proposition_modifiee": "proposition modifiée"
        case "decision_sanction": "décision de sanction"
        case "contrat_signe": "contrat signé"
        case let piece where piece.hasPrefix("piece_"): "pièce jointe (\(piece.dropFirst(6)))"
        default: type
        }
    }

    var indicators: [ContractIndicator] { (try? JSONText.decode([ContractIndicator].self, from: contract.indicators)) ?? [] }
    var start: String { (try? LocalDate(contract.startsOn))?.description ?? contract.startsOn }
    var end: String { (try? LocalDate(contract.endsOn))?.description ?? contract.endsOn }
    var products: Decimal { Decimal(stored: contract.amProducts) ?? 0 }

    var isAmendment: Bool { contract.kind == "avenant" }

    /// The title, for an amendment too (« Proposition d'avenant … »).
    var documentTitle: String {
        guard isAmendment else { return Self.title(of: type) }
        switch type {
        case "proposition": return "Proposition d'avenant au contrat d'amélioration de la qualité et de l'efficience des soins"
        case "proposition_modifiee": return "Proposition modifiée d'avenant au CAQES"
        case "contrat_signe": return "Avenant au CAQES signé"
        default: return Self.title(of: type)
        }
    }

    func content() throws -> DocumentContent {
        var blocks: [Block] = []
        switch type {
        case "decision_sanction": blocks = sanctionDecision()
        default:
            blocks = body()
            blocks += annexes()
            blocks += signaturePage()
        }
        return DocumentContent(
            title: documentTitle,
            reference: "CAQES \(contract.regionCode)-\(contract.holderFINESS) v\(version)",
            blocks: blocks,
            footer: FooterInfo(verificationLine: "Document scellé par la plateforme CAQES. Vérifiez-le sur \(siteURL)/verifier avec son empreinte SHA-256 (\(Self.label(of: type)), version \(version), émis le \(today)).")
        )
    }

    private func parties() -> [KeyValue] {
        [
            KeyValue("Établissement (titulaire)", "\(contract.holderName) — FINESS \(contract.holderFINESS)"
                + (contract.legalEntityFINESS != contract.holderFINESS ? " (EJ \(contract.legalEntityFINESS))" : "")),
            KeyValue("Agence régionale de santé", "ARS de la région \(contract.regionCode), représentée par son directeur général ou son délégué départemental"),
            KeyValue("Assurance Maladie", "Organisme local d'assurance maladie du département \(contract.departmentCode), représenté par son directeur"),
            KeyValue("Durée", "du \(start) au \(end)"),
            KeyValue("Produits AM \(contract.amProductsYear)", FrenchNumberFormat.euros(products) + " (dernier exercice clos)"),
        ]
    }

    private func body() -> [Block] {
        let national = indicators.filter { !$0.regional }, regional = indicators.filter(\.regional)
        var blocks: [Block] = [
            .heading(documentTitle, level: 1),
            .text("Vu le code de la sécurité sociale, notamment ses articles L162-30-2 et D162-9 à D162-16 ; vu l'arrêté fixant le contrat type et la liste des indicateurs nationaux ; vu la liste des établissements ciblés arrêtée par le directeur général de l'agence régionale de santé."),
        ] + (isAmendment ? [
            .heading("Objet de l'avenant", level: 2),
            .text("Le présent avenant prolonge le contrat en vigueur jusqu'au \(end) et fixe, à compter du \(start), les indicateurs, cibles et taux ci-dessous, qui remplacent ceux du contrat pour cette période. Les indicateurs, cibles et taux antérieurs restent applicables à l'évaluation des années déjà écoulées."),
        ] : []) + [
            .heading("Parties", level: 2),
            .keyValues(parties()),
            .heading("Article 1 — Objet", level: 2),
            .text("Le présent contrat fixe les objectifs d'amélioration de la qualité, de la sécurité et de la pertinence des soins et des prescriptions de l'établissement, les indicateurs qui les mesurent et les modalités de l'intéressement (article L162-30-2 du code de la sécurité sociale)."),
            .heading("Article 2 — Durée", level: 2),
            .text("Le contrat prend effet le \(start) et s'achève le \(end). Il est évalué chaque année civile."),
            .heading("Article 3 — Indicateurs", level: 2),
            .table(Table(columns: [TableColumn("Code", width: 0.1), TableColumn("Indicateur", width: 0.55), TableColumn("Volet", width: 0.15),
                                   TableColumn("Taux d'intéressement", width: 0.2, alignment: .right)],
                         rows: (national + regional).map { i in
                             [i.code, i.libelle, i.regional ? "régional" : "national",
                              i.taux.flatMap { Decimal(stored: $0) }.map(FrenchNumberFormat.percent) ?? "—"]
                         })),
            .text("\(national.count) indicateur(s) national(aux) et \(regional.count) indicateur(s) régional(aux) ; un contrat en porte au plus sept de chaque volet."),
            .heading("Article 4 — Intéressement", level: 2),
            .text("Pour chaque indicateur national, l'établissement perçoit une part des économies constatées sur l'assurance maladie, au taux fixé à l'article 3, dans la limite du plafond de l'arrêté. Les indicateurs régionaux ouvrent droit à une part de l'enveloppe régionale, au prorata des objectifs atteints. Le calcul de chaque année est détaillé dans la décision d'évaluation."),
            .heading("Article 5 — Évaluation et procédure contradictoire", level: 2),
            .text("Chaque année, l'agence et l'organisme local d'assurance maladie évaluent le contrat sur les données des sources indiquées en annexe. L'établissement dispose d'un mois pour présenter ses observations sur le rapport d'évaluation, puis de quinze jours sur la décision envisagée."),
        ]
        if type == "proposition_modifiee" || (type == "contrat_signe" && procedure.refusalSanction != nil) {
            let sanction = procedure.refusalSanction ?? 0
            blocks += [
                .heading("Article 6 — Sanction en cas de refus de signer", level: 2),
                .paragraph([TextRun("En application de l'article D162-15 du code de la sécurité sociale, le refus de signer le présent contrat à l'issue du délai de quinze jours suivant la réception de cette proposition modifiée expose l'établissement à une sanction égale à 1 % des produits reçus des régimes obligatoires d'assurance maladie au titre du dernier exercice clos, soit "),
                            .bold(FrenchNumberFormat.euros(sanction)),
                            TextRun(" (\(FrenchNumberFormat.euros(products)) × 1 %).")]),
            ]
        }
        return blocks
    }

    private func annexes() -> [Block] {
        var blocks: [Block] = []
        for (index, indicator) in indicators.enumerated() {
            let definition = catalogues[indicator.catalogue]?.indicator(indicator.code)
            blocks.append(.pageBreak)
            blocks.append(.heading("Annexe \(index + 1) — \(indicator.code) : \(indicator.libelle)", level: 2))
            var lines: [KeyValue] = [
                KeyValue("Catalogue", indicator.catalogue + (indicator.regional ? " (indicateur régional)" : " (indicateur national)")),
                KeyValue("Volet", definition?.section.label ?? "—"),
                KeyValue("Source des données", definition?.source ?? "—"),
                KeyValue("Entrée au contrat", indicator.origine == "derogation" ? "dérogation motivée de l'ARS" : "ciblage de la campagne"),
            ]
            if let value = definition?.value { lines.append(KeyValue("Formule", value.text)) }
            if let rule = definition?.targeting {
                lines.append(KeyValue("Critères de ciblage", rule.criteria.map { "\($0.label) \($0.comparison.symbol) \($0.threshold.text)" }.joined(separator: " ; ")))
            }
            if let incentive = definition?.incentive {
                lines.append(KeyValue("Économies retenues", incentive.savings.text))
            }
            if let rate = indicator.taux.flatMap({ Decimal(stored: $0) }) {
                lines.append(KeyValue("Taux d'intéressement", FrenchNumberFormat.percent(rate) + (definition?.cap.map { " (plafond \(FrenchNumberFormat.percent($0)))" } ?? "")))
            }
            blocks.append(.keyValues(lines))
            if !indicator.cibles.isEmpty {
                blocks.append(.table(Table(columns: [TableColumn("Année", width: 0.3), TableColumn("Cible", width: 0.7)],
                                           rows: indicator.cibles.sorted { $0.key < $1.key }.map { [$0.key, $0.value] })))
            }
        }
        return blocks
    }

    private func signaturePage() -> [Block] {
        var blocks: [Block] = [.pageBreak, .heading("Signatures", level: 2)]
        if type == "contrat_signe" {
            let signatures = events.filter { $0.0.act == ContractAct.signature.rawValue }
            blocks.append(.text("Le contrat a été signé dans la plateforme par les trois parties ; chaque signataire s'est authentifié à nouveau et a vu l'empreinte SHA-256 du document signé."))
            blocks.append(.table(Table(
                columns: [TableColumn("Partie", width: 0.22), TableColumn("Signataire", width: 0.3), TableColumn("Date", width: 0.12),
                          TableColumn("Adresse", width: 0.12), TableColumn("Empreinte du document", width: 0.24)],
                rows: signatures.map { record, _ in
                    let details = (try? JSONText.decode(ContractActDetails.self, from: record.details))
                    let party = switch Role(rawValue: record.actorRole ?? "") {
                    case .establishment: "Établissement (représentant légal)"
                    case .arsDirector: "ARS (DG ou délégué)"
                    case .insurer: "Assurance Maladie (directeur)"
                    default: "—"
                    }
                    return [party, record.actor, (try? LocalDate(record.legalDate))?.description ?? record.legalDate,
                            details?.adresse ?? "—", (record.documentSHA256 ?? "—")]
                })))
        } else {
            blocks.append(.signatures([
                Signatory(name: "Le représentant légal", role: "Pour l'établissement", organization: contract.holderName),
                Signatory(name: "Le directeur général ou son délégué", role: "Pour l'agence régionale de santé", organization: "ARS, région \(contract.regionCode)"),
                Signatory(name: "Le directeur", role: "Pour l'organisme local d'assurance maladie", organization: "Département \(contract.departmentCode)"),
            ]))
            blocks.append(.text("La signature se fait dans la plateforme : chaque signataire s'authentifie à nouveau et voit l'empreinte SHA-256 de ce document. L'établissement signe après l'avis de sa commission médicale (CME)."))
        }
        return blocks
    }

    /// D21: the facts retained, the answer to each observation, the calculation, the legal basis.
    private func sanctionDecision() -> [Block] {
        var facts: [TableRow] = []
        for (record, event) in events {
            guard let act = ContractAct(rawValue: record.act) else { continue }
            let date = (try? LocalDate(record.legalDate))?.description ?? record.legalDate
            var what = act.description
            if case .recordReceipt(let proof) = event { what += " — \(proof)" }
            facts.append([date, what, record.actor])
        }
        var blocks: [Block] = [
            .heading(Self.title(of: type), level: 1),
            .keyValues(parties()),
            .heading("Base légale", level: 2),
            .text("Articles L162-30-2 et D162-15 du code de la sécurité sociale : l'établissement ciblé qui refuse de signer le contrat à l'issue de la seconde période contradictoire se voit appliquer une sanction égale à 1 % des produits reçus des régimes obligatoires d'assurance maladie au titre du dernier exercice clos ; la caisse mentionnée aux articles L174-2, L174-18 ou L752-1 en assure le recouvrement."),
            .heading("Faits retenus", level: 2),
            .table(Table(columns: [TableColumn("Date", width: 0.14), TableColumn("Acte", width: 0.56), TableColumn("Auteur", width: 0.3)], rows: facts)),
        ]
        if let period = procedure.secondPeriod {
            blocks.append(.text("La proposition modifiée a été reçue le \(period.receipt.receivedOn) ; la seconde période contradictoire a pris fin le \(period.deadline.lastDay) sans signature de l'établissement."))
        }
        blocks.append(.heading("Réponse aux observations de l'établissement", level: 2))
        let observations = events.filter { $0.0.act == ContractAct.observations.rawValue || $0.0.act == ContractAct.hearingRequest.rawValue }
        if observations.isEmpty {
            blocks.append(.text("L'établissement n'a présenté aucune observation pendant les périodes contradictoires."))
        }
        for (index, (record, _)) in observations.enumerated() {
            let details = try? JSONText.decode(ContractActDetails.self, from: record.details)
            let answers = events.filter { answer in
                answer.0.act == ContractAct.answer.rawValue
                    && (try? JSONText.decode(ContractActDetails.self, from: answer.0.details))?.observation == record.id
            }
            blocks.append(.paragraph([.bold("Observation \(index + 1) (\((try? LocalDate(record.legalDate))?.description ?? record.legalDate)) : "),
                                      TextRun(details?.texte ?? (record.act == ContractAct.hearingRequest.rawValue ? "demande d'audition." : "—"))]))
            if answers.isEmpty {
                blocks.append(.paragraph([.bold("Réponse de l'agence : "), TextRun("aucune réponse écrite n'a été enregistrée ; l'observation ne remet pas en cause le refus constaté.")]))
            }
            for (answer, _) in answers {
                let text = (try? JSONText.decode(ContractActDetails.self, from: answer.details))?.texte ?? ""
                blocks.append(.paragraph([.bold("Réponse de l'agence : "), TextRun(text)]))
            }
        }
        let sanction = procedure.refusalSanction ?? 0
        blocks += [
            .heading("Calcul", level: 2),
            .table(Table(columns: [TableColumn("Élément", width: 0.6), TableColumn("Montant", width: 0.4, alignment: .right)], rows: [
                ["Produits de l'assurance maladie, exercice \(contract.amProductsYear)", FrenchNumberFormat.euros(products)],
                ["Taux de la sanction (D162-15)", "1 %"],
                TableRow(["Sanction", FrenchNumberFormat.euros(sanction)], bold: true),
            ])),
            .heading("Décision", level: 2),
            .paragraph([TextRun("Une sanction de "), .bold(FrenchNumberFormat.euros(sanction)),
                        TextRun(" est prononcée à l'encontre de \(contract.holderName) (FINESS \(contract.holderFINESS)). La présente décision est notifiée à l'établissement et à la caisse chargée du recouvrement. Elle peut faire l'objet d'un recours devant le tribunal administratif dans un délai de deux mois à compter de sa notification.")]),
            .signatures([Signatory(name: "Le directeur général", role: "Pour l'agence régionale de santé", organization: "ARS, région \(contract.regionCode)")]),
        ]
        return blocks
    }
}
