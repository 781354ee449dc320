// Benchmark: generate and seal 1,000 distinct ~10-page CAQES proposals,
// 3 runs, single thread. Prints each run, the median, the per-document
// time and the peak resident memory (VmHWM).
//
//   swift build -c release --scratch-path .build-release --product caqes-bench-documents
//   .build-release/release/caqes-bench-documents [--count 1000] [--runs 3] [--sample out.pdf]
//                                  [--key key.pem --cert cert.pem]   (default: self-signed P-256)
import CAQESCore
import CAQESDocuments
import Foundation

var count = 1000
var runs = 3
var samplePath: String?
var keyPath: String?
var certificatePath: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--count": count = arguments.popFirst().flatMap(Int.init) ?? count
    case "--runs": runs = arguments.popFirst().flatMap(Int.init) ?? runs
    case "--sample": samplePath = arguments.popFirst()
    case "--key": keyPath = arguments.popFirst()
    case "--cert": certificatePath = arguments.popFirst()
    default:
        FileHandle.standardError.write(Data("usage: bench-documents [--count N] [--runs N] [--sample out.pdf] [--key key.pem --cert cert.pem]\n".utf8))
        exit(2)
    }
}

/// Amounts as every document writes them: the one French number writer of CAQESCore.
func euros(_ cents: Int) -> String {
    FrenchNumberFormat.euros(Decimal(cents) / 100)
}

let legal = [
    "Le présent contrat est conclu en application des articles L. 162-30-2 à L. 162-30-4 du code de la sécurité sociale. Il a pour objet d’améliorer la qualité, la sécurité et la pertinence des soins ainsi que l’efficience des prescriptions hospitalières exécutées en ville.",
    "L’établissement s’engage à mettre en œuvre le plan d’actions figurant en annexe, à transmettre à l’agence régionale de santé et à l’organisme local d’assurance maladie les données nécessaires au suivi des indicateurs, et à désigner un référent chargé du suivi du contrat.",
    "L’évaluation annuelle porte sur l’ensemble des indicateurs du volet obligatoire ; le montant de l’intéressement est calculé au prorata des résultats atteints, dans la limite du plafond fixé par l’arrêté en vigueur. Les sommes dues sont versées par l’organisme local d’assurance maladie « dans un délai de deux mois » suivant la notification.",
    "En cas de manquement aux engagements, et après une procédure contradictoire, le directeur général de l’agence régionale de santé peut prononcer une sanction financière proportionnée, dans les conditions prévues par l’article L. 162-30-4 du code de la sécurité sociale. Œuvre commune des signataires, le présent contrat est révisable par avenant.",
]

let indicators = [
    "Taux de prescriptions de biosimilaires dans les classes concernées",
    "Part des prescriptions hospitalières de médicaments exécutées en ville (PHMEV) en dénomination commune",
    "Taux de recours à la liste des médicaments en sus",
    "Pertinence des prescriptions de transports sanitaires",
    "Taux d’antibiothérapies de plus de sept jours",
    "Part des patients bénéficiant d’une conciliation médicamenteuse à l’admission",
    "Taux d’utilisation des prescriptions électroniques",
    "Pertinence des examens de biologie répétés",
]

func proposal(_ i: Int) -> DocumentContent {
    let establishment = "Centre hospitalier n° \(i + 1) — Saint-Étienne-lès-Orgues"
    var blocks: [Block] = [
        .heading("Contrat d’amélioration de la qualité et de l’efficience des soins", level: 1),
        .keyValues([
            KeyValue("Établissement", establishment),
            KeyValue("FINESS", String(130_000_000 + i * 7919)),
            KeyValue("Agence régionale de santé", "ARS Provence-Alpes-Côte d’Azur"),
            KeyValue("Période", "1er janvier 2025 – 31 décembre 2027"),
            KeyValue("Montant maximal", euros(12_345_678_9 + i * 101)),
        ]),
    ]
    for article in 1...8 {
        blocks.append(.heading("Article \(article) — Engagements des parties", level: 2))
        blocks.append(.paragraph([.bold("Principe. "), TextRun(legal[(i + article) % legal.count])]))
        blocks.append(.text(legal[(i + article + 1) % legal.count]))
    }
    blocks.append(.heading("Annexe 1 — Indicateurs et cibles", level: 2))
    var rows: [TableRow] = []
    var total = 0
    for r in 0..<170 {
        let amount = (r * 7_919 + i * 131) % 5_000_000 + 10_000
        total += amount
        rows.append(TableRow([
            "IND-\(r + 1)",
            indicators[(r + i) % indicators.count],
            "\((r * 13 + i) % 100)\u{202F}%",
            "\((r * 17 + i) % 100),\(r % 10)\u{202F}%",
            euros(amount),
        ]))
    }
    rows.append(TableRow(["", "Total", "", "", euros(total)], bold: true))
    blocks.append(.table(Table(
        columns: [
            TableColumn("Code", width: 0.1),
            TableColumn("Indicateur", width: 0.46),
            TableColumn("Cible", width: 0.1, alignment: .right),
            TableColumn("Résultat", width: 0.12, alignment: .right),
            TableColumn("Intéressement", width: 0.22, alignment: .right),
        ],
        rows: rows)))
    blocks.append(.pageBreak)
    blocks.append(.heading("Signatures", level: 2))
    blocks.append(.text("Fait en trois exemplaires originaux, le présent document étant scellé électroniquement."))
    blocks.append(.signatures([
        Signatory(name: "Mme Claire Dupont", role: "Directrice générale de l’ARS", organization: "ARS PACA"),
        Signatory(name: "M. Jérôme Martin", role: "Directeur de la CPAM", organization: "CPAM des Alpes-de-Haute-Provence"),
        Signatory(name: "Mme Hélène Faure", role: "Directrice de l’établissement", organization: establishment),
    ]))
    return DocumentContent(
        title: "Proposition de contrat CAQES — \(establishment)",
        reference: "CAQES-2025-\(String(format: "%04d", i + 1))",
        blocks: blocks,
        footer: FooterInfo(verificationLine: "Vérifiez ce document sur https://caqes.example.fr/verifier avec son empreinte SHA-256"))
}

func peakMemoryKiB() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    }
    return nil
}

let signingDate = keyPath == nil ? Date(timeIntervalSince1970: 1_750_000_000) : Date()
let seal: SealIdentity
do {
    if let keyPath, let certificatePath {
        seal = try SealIdentity(keyPEM: String(contentsOfFile: keyPath, encoding: .utf8),
                                certificatePEM: String(contentsOfFile: certificatePath, encoding: .utf8))
    } else {
        seal = try SealIdentity.selfSigned(commonName: "Cachet CAQES (démo)", organization: "CAQES", now: signingDate).identity
    }
} catch {
    print("seal: \(error)")
    exit(1)
}
let parameters = SealParameters(identity: seal, signingDate: signingDate, reason: "Proposition de contrat CAQES", location: "Marseille")

if let samplePath {
    do {
        let bytes = try PDFDocumentWriter.sealed(proposal(0), seal: parameters)
        try Data(bytes).write(to: URL(fileURLWithPath: samplePath))
        print("wrote \(samplePath) (\(bytes.count) bytes)")
    } catch {
        print("sample: \(error)")
        exit(1)
    }
}

let contents = (0..<count).map(proposal)  // built outside the timed region
var times: [Double] = []
var totalBytes = 0
var sealTime = 0.0
for run in 1...runs {
    var bytes = 0
    let start = DispatchTime.now().uptimeNanoseconds
    for content in contents {
        do {
            bytes += try PDFDocumentWriter.sealed(content, seal: parameters).count
        } catch {
            print("document: \(error)")
            exit(1)
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    times.append(seconds)
    totalBytes = bytes
    print(String(format: "run %d: %d sealed documents in %.3f s (%.2f ms/document)", run, count, seconds, seconds * 1000 / Double(count)))
}
// Unsealed pass, to isolate the cost of the seal.
do {
    let start = DispatchTime.now().uptimeNanoseconds
    for content in contents { _ = try PDFDocumentWriter.render(content) }
    let unsealed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    sealTime = (times.sorted()[times.count / 2] - unsealed)
    print(String(format: "unsealed: %d documents in %.3f s", count, unsealed))
} catch {
    print("document: \(error)")
    exit(1)
}
let pages = (try? PDFDocumentWriter.render(contents[0])).map { bytes in
    String(decoding: bytes, as: UTF8.self).components(separatedBy: "/Type /Page ").count - 1
} ?? 0
let median = times.sorted()[times.count / 2]
print(String(format: "median of %d runs: %.3f s for %d documents (%.2f ms/document, %d pages each, %.1f MB output per run)",
             runs, median, count, median * 1000 / Double(count), pages, Double(totalBytes) / 1e6))
print(String(format: "seal overhead (median sealed - unsealed): %.3f s; total of all runs: %.3f s", sealTime, times.reduce(0, +)))
print("peak memory (VmHWM): \(peakMemoryKiB().map { "\($0 / 1024) MiB" } ?? "n/a")")
