import Crypto
import Foundation

/// Parameters of the PAdES B-B seal applied by `PDFDocumentWriter.sealed`.
public struct SealParameters: Sendable {
    public var identity: SealIdentity
    /// Signing time, written to the signature dictionary `/M` (UTC).
    public var signingDate: Date
    /// `/Reason` of the signature dictionary.
    public var reason: String?
    /// `/Location` of the signature dictionary.
    public var location: String?

    public init(identity: SealIdentity, signingDate: Date, reason: String? = nil, location: String? = nil) {
        self.identity = identity
        self.signingDate = signingDate
        self.reason = reason
        self.location = location
    }
}

/// Renders `DocumentContent` into PDF 1.7 bytes, optionally sealed.
///
/// Output is deterministic: the same content gives the same bytes (the
/// trailer `/ID` is derived from a SHA-256 of the file body). Sealed output
/// differs between runs only inside `/Contents`, because ECDSA signatures
/// use a random nonce (RSA PKCS#1 v1.5 seals are fully deterministic).
///
/// ```swift
/// let pdf = try PDFDocumentWriter.render(content)
/// let sealed = try PDFDocumentWriter.sealed(content, seal: SealParameters(identity: id, signingDate: Date()))
/// ```
public enum PDFDocumentWriter {
    /// Unsealed PDF.
    public static func render(_ content: DocumentContent) throws -> [UInt8] {
        try write(content, seal: nil)
    }

    /// PDF with an embedded PAdES baseline B-B signature (invisible field on page 1).
    public static func sealed(_ content: DocumentContent, seal: SealParameters) throws -> [UInt8] {
        try write(content, seal: seal)
    }

    // MARK: - Object layout
    //  1 Catalog, 2 Pages, 3 Resources, 4/5 fonts, 6 Encoding, 7 ToUnicode,
    //  8/9 FontDescriptors, 10 Info, [11 signature widget, 12 /Sig], then
    //  page k: object first + 2k, its content stream first + 2k + 1.

    private static let catalogObject = 1
    private static let pagesObject = 2
    private static let resourcesObject = 3
    private static let fontObjects = (regular: 4, bold: 5)
    private static let encodingObject = 6
    private static let toUnicodeObject = 7
    private static let descriptorObjects = (regular: 8, bold: 9)
    private static let infoObject = 10
    private static let widgetObject = 11
    private static let signatureObject = 12

    private static func write(_ content: DocumentContent, seal: SealParameters?) throws -> [UInt8] {
        if let seal { try seal.identity.checkValidity(at: seal.signingDate) }
        let bodies = try LayoutEngine.layout(content)
        let decorations = PageDecorations(content: content)
        let pageCount = bodies.count
        let firstPageObject = seal == nil ? infoObject + 1 : signatureObject + 1
        let objectCount = firstPageObject + 2 * pageCount  // including object 0

        let estimated = bodies.reduce(0) { $0 + $1.count } + pageCount * 1400 + 8192
            + (seal?.identity.signatureReserve ?? 0) * 2
        var out = ByteWriter(capacity: estimated)
        var offsets = [Int](repeating: 0, count: objectCount)

        func begin(_ number: Int) {
            offsets[number] = out.count
            out.int(number)
            out.ascii(" 0 obj\n")
        }
        func end() { out.ascii("\nendobj\n") }

        out.ascii("%PDF-1.7\n%")
        out.append(contentsOf: [0xE2, 0xE3, 0xCF, 0xD3, 0x0A])

        // Catalog
        begin(catalogObject)
        out.ascii("<< /Type /Catalog /Pages 2 0 R /Lang (fr-FR) /ViewerPreferences << /DisplayDocTitle true >>")
        if seal != nil {
            out.ascii(" /AcroForm << /Fields [")
            out.int(widgetObject)
            out.ascii(" 0 R] /SigFlags 3 >>")
        }
        out.ascii(" >>")
        end()

        // Page tree
        begin(pagesObject)
        out.ascii("<< /Type /Pages /Count ")
        out.int(pageCount)
        out.ascii(" /Kids [")
        for k in 0..<pageCount {
            if k > 0 { out.byte(0x20) }
            out.int(firstPageObject + 2 * k)
            out.ascii(" 0 R")
        }
        out.ascii("] >>")
        end()

        begin(resourcesObject)
        out.ascii("<< /ProcSet [/PDF /Text] /Font << /F1 4 0 R /F2 5 0 R >> >>")
        end()

        for (number, face, descriptor) in [(fontObjects.regular, FontFace.regular, descriptorObjects.regular),
                                           (fontObjects.bold, FontFace.bold, descriptorObjects.bold)] {
            begin(number)
            out.ascii("<< /Type /Font /Subtype /Type1 /BaseFont ")
            out.ascii(face.baseFont)
            out.ascii(" /Encoding 6 0 R /ToUnicode 7 0 R /FontDescriptor ")
            out.int(descriptor)
            out.ascii(" 0 R /FirstChar 32 /LastChar 255 /Widths [")
            let widths = face.widths
            for code in 32...255 {
                if code > 32 { out.byte(code % 16 == 0 ? 0x0A : 0x20) }
                out.int(Int(widths[code]))
            }
            out.ascii("] >>")
            end()
        }

        begin(encodingObject)
        out.ascii("<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [129 /space 160 /space] >>")
        end()

        begin(toUnicodeObject)
        writeStream(PDFTextEncoding.toUnicodeCMap, into: &out)
        end()

        begin(descriptorObjects.regular)
        out.ascii("""
            << /Type /FontDescriptor /FontName /Helvetica /Flags 32 /FontBBox [-166 -225 1000 931] \
            /ItalicAngle 0 /Ascent 718 /Descent -207 /CapHeight 718 /XHeight 523 /StemV 88 >>
            """)
        end()
        begin(descriptorObjects.bold)
        out.ascii("""
            << /Type /FontDescriptor /FontName /Helvetica-Bold /Flags 262176 /FontBBox [-170 -228 1003 962] \
            /ItalicAngle 0 /Ascent 718 /Descent -207 /CapHeight 718 /XHeight 532 /StemV 140 >>
            """)
        end()

        begin(infoObject)
        out.ascii("<< /Title ")
        out.textString(content.title)
        if let reference = content.reference, !reference.isEmpty {
            out.ascii(" /Subject ")
            out.textString(reference)
        }
        out.ascii(" /Producer (CAQES)")
        if let seal {
            out.ascii(" /CreationDate ")
            out.literalString(pdfDate(seal.signingDate).utf8)
        }
        out.ascii(" >>")
        end()

        // Signature field and dictionary
        var contentsHole = 0..<0
        var byteRangeOffset = 0
        if let seal {
            begin(widgetObject)
            out.ascii("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Cachet CAQES) /F 132 /Rect [0 0 0 0] /V ")
            out.int(signatureObject)
            out.ascii(" 0 R /P ")
            out.int(firstPageObject)
            out.ascii(" 0 R >>")
            end()

            begin(signatureObject)
            out.ascii("<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached")
            if let name = seal.identity.subjectCommonName {
                out.ascii(" /Name ")
                out.textString(name)
            }
            out.ascii(" /M ")
            out.literalString(pdfDate(seal.signingDate).utf8)
            if let reason = seal.reason {
                out.ascii(" /Reason ")
                out.textString(reason)
            }
            if let location = seal.location {
                out.ascii(" /Location ")
                out.textString(location)
            }
            out.ascii("\n/ByteRange [0 ")
            byteRangeOffset = out.count
            out.append(contentsOf: repeatElement(0x20, count: byteRangeWidth))
            out.ascii("]\n/Contents ")
            let holeStart = out.count
            out.byte(UInt8(ascii: "<"))
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: seal.identity.signatureReserve * 2))
            out.byte(UInt8(ascii: ">"))
            contentsHole = holeStart..<out.count
            out.ascii(" >>")
            end()
        }

        // Pages and their content streams
        for (k, body) in bodies.enumerated() {
            let pageObject = firstPageObject + 2 * k
            begin(pageObject)
            out.ascii("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources 3 0 R /Contents ")
            out.int(pageObject + 1)
            out.ascii(" 0 R")
            if seal != nil && k == 0 {
                out.ascii(" /Annots [")
                out.int(widgetObject)
                out.ascii(" 0 R]")
            }
            out.ascii(" >>")
            end()
            begin(pageObject + 1)
            writeStream(decorations.pageStream(body: body, number: k + 1, total: pageCount), into: &out)
            end()
        }

        // Cross-reference table and trailer; /ID = first 16 bytes of SHA-256(body).
        let xrefOffset = out.count
        let id = out.bytes.withUnsafeBytes { Array(SHA256.hash(data: $0).prefix(16)) }
        out.ascii("xref\n0 ")
        out.int(objectCount)
        out.ascii("\n0000000000 65535 f \n")
        for number in 1..<objectCount {
            out.zeroPaddedInt(offsets[number], width: 10)
            out.ascii(" 00000 n \n")
        }
        out.ascii("trailer\n<< /Size ")
        out.int(objectCount)
        out.ascii(" /Root 1 0 R /Info 10 0 R /ID [<")
        out.hexDigits(id)
        out.ascii("> <")
        out.hexDigits(id)
        out.ascii(">] >>\nstartxref\n")
        out.int(xrefOffset)
        out.ascii("\n%%EOF\n")

        guard let seal else { return out.bytes }
        return try applySeal(to: out.bytes, hole: contentsHole, byteRangeOffset: byteRangeOffset, identity: seal.identity)
    }

    /// Width reserved for the three ByteRange numbers after "[0 ".
    private static let byteRangeWidth = 3 * 11

    private static func applySeal(to file: [UInt8], hole: Range<Int>, byteRangeOffset: Int, identity: SealIdentity) throws -> [UInt8] {
        var file = file
        // ByteRange [0 a b c]: everything except the <…> hole of /Contents.
        var range = ByteWriter(capacity: byteRangeWidth)
        range.paddedInt(hole.lowerBound, width: 11)
        range.paddedInt(hole.upperBound, width: 11)
        range.paddedInt(file.count - hole.upperBound, width: 11)
        file.replaceSubrange(byteRangeOffset..<byteRangeOffset + byteRangeWidth, with: range.bytes)

        var hasher = SHA256()
        file.withUnsafeBytes { raw in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[0..<hole.lowerBound]))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[hole.upperBound...]))
        }
        let digest = Array(hasher.finalize())
        let cms = try CMSSignedDataBuilder.detachedSignature(contentDigest: digest, identity: identity)
        let reserved = (hole.count - 2) / 2
        guard cms.count <= reserved else {
            throw DocumentError.signatureTooLarge(needed: cms.count, reserved: reserved)
        }
        var hex = ByteWriter(capacity: cms.count * 2)
        hex.hexDigits(cms)
        file.replaceSubrange(hole.lowerBound + 1..<hole.lowerBound + 1 + hex.count, with: hex.bytes)
        return file
    }

    private static func writeStream(_ data: [UInt8], into out: inout ByteWriter) {
        out.ascii("<< /Length ")
        out.int(data.count)
        out.ascii(" >>\nstream\n")
        out.append(contentsOf: data)
        out.ascii("\nendstream")
    }
}

/// "D:YYYYMMDDHHmmSS+00'00'" in UTC, computed without calendars or locales.
func pdfDate(_ date: Date) -> String {
    let c = UTCComponents(date)
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "D:\(c.year)\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))+00'00'"
}

/// Proleptic Gregorian UTC date components (days-from-civil inverse).
struct UTCComponents {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(_ date: Date) {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        var days = total / 86_400
        var secs = total % 86_400
        if secs < 0 { secs += 86_400; days -= 1 }
        hour = secs / 3600
        minute = (secs % 3600) / 60
        second = secs % 60
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }
}
