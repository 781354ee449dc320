import CAQESDocuments
import Foundation
import Testing

/// Runs poppler-utils tools. A missing tool is a test failure with an
/// install hint, never a silent pass.
enum Poppler {
    struct ToolMissing: Error, CustomStringConvertible {
        var tool: String
        var description: String {
            "\(tool) introuvable dans le PATH : installez poppler-utils (apt-get install -y poppler-utils)"
        }
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var combined: String { stdout + stderr }
    }

    static func path(of tool: String) throws -> String {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            .split(separator: ":") + ["/usr/bin", "/usr/local/bin"]
        for directory in directories {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ToolMissing(tool: tool)  // fails the calling test with the install hint
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path(of: tool))
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr concurrently so neither pipe can fill up and block the tool.
        let errData = LockedData()
        let done = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async {
            errData.set(errHandle.readDataToEndOfFile())
            done.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// Text of `pdf` (all pages, or `first...last`).
    static func text(_ pdf: URL, pages: ClosedRange<Int>? = nil, layout: Bool = false) throws -> String {
        var arguments: [String] = []
        if let pages { arguments += ["-f", "\(pages.lowerBound)", "-l", "\(pages.upperBound)"] }
        if layout { arguments.append("-layout") }
        arguments += ["-enc", "UTF-8", pdf.path, "-"]
        let output = try run("pdftotext", arguments)
        #expect(output.status == 0, "pdftotext: \(output.stderr)")
        return output.stdout
    }

    static func pageCount(_ pdf: URL) throws -> Int? {
        let output = try run("pdfinfo", [pdf.path])
        #expect(output.status == 0, "pdfinfo: \(output.stderr)")
        for line in output.stdout.split(separator: "\n") where line.hasPrefix("Pages:") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// Writes `bytes` to a unique temporary file.
func temporaryPDF(_ bytes: [UInt8], name: String = "doc") throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("caqes-documents-\(name)-\(UUID().uuidString).pdf")
    try Data(bytes).write(to: url)
    return url
}

enum Fixtures {
    static let verification = "Vérifiez ce document sur https://caqes.example.fr/verifier avec son empreinte SHA-256"
    static let signingDate = Date(timeIntervalSince1970: 1_750_000_000)  // 2025-06-15T15:06:40Z

    /// "1 234 567,89 €" with U+202F group separators and U+00A0 before €.
    static let amount = "1\u{202F}234\u{202F}567,89\u{00A0}€"
    static let frenchSentence = "Élément clé : l’intéressement « à la française » s’élève à \(amount), reçu à Besançon, où ça compte ; Œuvre, cœur…"

    /// Exactly `pages` pages: one section per page, separated by page breaks.
    static func sectionedDocument(pages: Int) -> DocumentContent {
        var blocks: [Block] = []
        for page in 1...pages {
            if page > 1 { blocks.append(.pageBreak) }
            blocks.append(.heading("Section \(page) — Modalités", level: 2))
            blocks.append(.paragraph([.bold("Référence : "), TextRun(frenchSentence)]))
        }
        return DocumentContent(title: "Contrat CAQES — Établissement d’essai", reference: "CAQES-TEST-0001",
                               blocks: blocks, footer: FooterInfo(verificationLine: verification))
    }

    /// A long table (wrapping cells, numeric right-aligned columns) between paragraphs.
    static func longTableDocument(rows: Int = 420) -> DocumentContent {
        var tableRows: [TableRow] = []
        for r in 1...rows {
            let label = r % 9 == 0
                ? "Indicateur au libellé volontairement long afin de vérifier le retour à la ligne dans une cellule étroite du tableau n° \(r)"
                : "Indicateur n° \(r)"
            tableRows.append(TableRow(["IND-\(r)", label, "\(r % 100)\u{202F}%", "\(r)\u{202F}\(String(format: "%03d", r % 1000)),00\u{00A0}€"]))
        }
        tableRows.append(TableRow(["", "Total", "", "99\u{202F}999,99\u{00A0}€"], bold: true))
        return DocumentContent(
            title: "Annexe — Indicateurs", reference: "CAQES-TEST-TABLE",
            blocks: [
                .heading("Indicateurs du contrat", level: 1),
                .text("Le tableau suivant s’étend sur plusieurs pages ; son en-tête est répété en haut de chaque page."),
                .table(Table(columns: [
                    TableColumn("Code", width: 0.12),
                    TableColumn("Libellé de l’indicateur", width: 0.5),
                    TableColumn("Cible", width: 0.13, alignment: .right),
                    TableColumn("Montant", width: 0.25, alignment: .right),
                ], rows: tableRows)),
                .text("Fin de l’annexe."),
            ],
            footer: FooterInfo(verificationLine: verification))
    }

    static func sealIdentity() throws -> SealIdentity {
        try SealIdentity.selfSigned(commonName: "Cachet CAQES de test", organization: "CAQES", now: signingDate).identity
    }
}

@Suite("Outils poppler")
struct PopplerToolTests {
    /// A missing tool records a failure (CI must install poppler-utils).
    @Test func missingToolFailsLoudly() {
        withKnownIssue {
            _ = try Poppler.path(of: "pdf-tool-that-does-not-exist")
        }
    }
}
