import Foundation

/// A mailbox: an address and an optional display name (any Unicode).
public struct MailAddress: Sendable, Hashable, ExpressibleByStringLiteral {
    public var address: String
    public var name: String?

    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }
}

/// An extra header line (name must be printable ASCII without ':'; value may be any Unicode).
public struct MailHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A plain-text e-mail. `rfc5322()` renders it as a deterministic, 7-bit MIME message
/// (quoted-printable body, RFC 2047 encoded-words in headers, CRLF line endings).
public struct MailMessage: Sendable, Hashable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    /// Plain-text body. Line endings are normalised to CRLF; a final line break is added if missing.
    public var body: String
    /// Message-ID given by the caller, with or without angle brackets (`abc@caqes.fr` or `<abc@caqes.fr>`).
    public var messageID: String
    public var date: Date
    public var extraHeaders: [MailHeader]

    public init(
        from: MailAddress,
        to: [MailAddress],
        subject: String,
        body: String,
        messageID: String,
        date: Date,
        extraHeaders: [MailHeader] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }

    /// Headers this type writes itself; they may not appear in `extraHeaders`.
    static let reservedHeaders: Set<String> = [
        "from", "to", "subject", "date", "message-id", "mime-version",
        "content-type", "content-transfer-encoding",
    ]

    /// Throws `MailError.invalidMessage` when an address, the Message-ID or an extra header
    /// could not be sent safely. `SMTPTransport` and `FileMailTransport` call it before anything else.
    public func validate() throws {
        try Self.validateAddress(from.address, role: "expéditeur")
        if to.isEmpty {
            throw MailError.invalidMessage("aucun destinataire")
        }
        for recipient in to {
            try Self.validateAddress(recipient.address, role: "destinataire")
        }
        let id = bareMessageID
        if id.isEmpty || !id.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }) || !id.contains("@") {
            throw MailError.invalidMessage("Message-ID invalide : « \(messageID) »")
        }
        for header in extraHeaders {
            if !Self.isValidHeaderName(header.name) {
                throw MailError.invalidMessage("nom d'en-tête invalide : « \(header.name) »")
            }
            if Self.reservedHeaders.contains(header.name.lowercased()) {
                throw MailError.invalidMessage("l'en-tête « \(header.name) » est géré automatiquement")
            }
        }
    }

    static func validateAddress(_ address: String, role: String) throws {
        let bytes = Array(address.utf8)
        let forbidden: Set<UInt8> = [UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")")]
        guard !bytes.isEmpty, bytes.count <= 254,
              bytes.allSatisfy({ $0 > 32 && $0 < 127 && !forbidden.contains($0) }),
              let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1
        else {
            throw MailError.invalidMessage("adresse \(role) invalide : « \(address) »")
        }
    }

    static func isValidHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") }
    }

    var bareMessageID: String {
        var id = messageID.trimmingCharacters(in: .whitespaces)
        if id.hasPrefix("<") && id.hasSuffix(">") && id.count >= 2 {
            id = String(id.dropFirst().dropLast())
        }
        return id
    }

    /// The complete message (headers + quoted-printable body), ASCII only, CRLF line endings,
    /// ending with CRLF. Same input, same bytes. Never throws: values that `validate()` would
    /// reject are neutralised (CR/LF replaced, invalid extra headers skipped).
    public func rfc5322() -> [UInt8] {
        var lines: [String] = []
        lines += HeaderFolder.unstructured(name: "Date", value: Self.rfc5322Date(date), encodeIfNeeded: false)
        lines += HeaderFolder.addressList(name: "From", [from])
        lines += HeaderFolder.addressList(name: "To", to)
        lines += HeaderFolder.unstructured(name: "Subject", value: subject)
        lines.append("Message-ID: <\(Self.sanitizeToken(bareMessageID))>")
        for header in extraHeaders
        where Self.isValidHeaderName(header.name) && !Self.reservedHeaders.contains(header.name.lowercased()) {
            lines += HeaderFolder.unstructured(name: header.name, value: header.value)
        }
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=utf-8")
        lines.append("Content-Transfer-Encoding: quoted-printable")
        var out: [UInt8] = []
        for line in lines {
            out += Array(line.utf8)
            out += [13, 10]
        }
        out += [13, 10]
        out += QuotedPrintable.encode(body)
        return out
    }

    static func sanitizeToken(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value > 32 && $0.value < 127 && $0 != "<" && $0 != ">" }))
    }

    /// RFC 5322 date in UTC, e.g. `Tue, 04 Mar 2025 09:05:00 +0000` (English names, as the RFC requires).
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let c = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        let year = String(format: "%04d", c.year ?? 0)
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(year) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}

/// Builds folded header lines (each ≤ 78 characters when the content allows it).
struct HeaderFolder {
    static let maxLine = 78
    static let maxEncodedWord = 75

    private(set) var lines: [String] = []
    private var current: String
    /// Whether the current line holds anything besides the header name.
    private var hasContent = false

    init(name: String) {
        current = name + ":"
    }

    private mutating func fold() {
        guard hasContent else { return }
        lines.append(current)
        current = ""
        hasContent = false
    }

    /// Appends `" " + atom`, folding before it when the line would exceed 78 characters.
    mutating func append(_ atom: String) {
        if current.utf8.count + 1 + atom.utf8.count > Self.maxLine {
            fold()
        }
        current += " " + atom
        hasContent = true
    }

    /// Appends `text` as a run of `=?utf-8?B?…?=` encoded-words (whole code points per word),
    /// sized to fill the current line and folded between words.
    mutating func appendEncoded(_ text: String) {
        var chunk: [UInt8] = []
        func wordLength(_ byteCount: Int) -> Int { 12 + 4 * ((byteCount + 2) / 3) }
        func limit() -> Int { Swift.min(Self.maxEncodedWord, Self.maxLine - current.utf8.count - 1) }
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if wordLength(chunk.count + bytes.count) > limit() {
                if !chunk.isEmpty {
                    current += " " + Self.encodedWord(chunk)
                    hasContent = true
                    chunk = []
                }
                if wordLength(bytes.count) > limit() {
                    fold()
                }
            }
            chunk += bytes
        }
        if !chunk.isEmpty {
            current += " " + Self.encodedWord(chunk)
            hasContent = true
        }
    }

    static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?utf-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    func finish() -> [String] {
        lines + [current]
    }

    /// Printable ASCII text that can be folded on single spaces without changing its meaning.
    static func isPlainASCII(_ value: String) -> Bool {
        let words = value.split(separator: " ", omittingEmptySubsequences: false)
        return value.utf8.allSatisfy { $0 >= 32 && $0 < 127 }
            && !value.contains("=?")
            && words.allSatisfy { !$0.isEmpty && $0.utf8.count <= 76 }
    }

    static func unstructured(name: String, value: String, encodeIfNeeded: Bool = true) -> [String] {
        let value = value.replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
        var folder = HeaderFolder(name: name)
        if !encodeIfNeeded || isPlainASCII(value) || value.isEmpty {
            for word in value.split(separator: " ") {
                folder.append(String(word))
            }
        } else {
            folder.appendEncoded(value)
        }
        return folder.finish()
    }

    static func addressList(name: String, _ addresses: [MailAddress]) -> [String] {
        var folder = HeaderFolder(name: name)
        for (index, mailbox) in addresses.enumerated() {
            let suffix = index < addresses.count - 1 ? "," : ""
            let addr = MailMessage.sanitizeToken(mailbox.address)
            let displayName = (mailbox.name ?? "")
                .replacingOccurrences(of: "\r", with: " ")
                .replacingOccurrences(of: "\n", with: " ")
            if displayName.isEmpty {
                folder.append(addr + suffix)
                continue
            }
            if displayName.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }) && !displayName.contains("=?") {
                let escaped = displayName.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\"", with: "\\\"")
                folder.append("\"\(escaped)\"")
            } else {
                folder.appendEncoded(displayName)
            }
            folder.append("<\(addr)>" + suffix)
        }
        return folder.finish()
    }
}

/// Quoted-printable (RFC 2045 §6.7) for a UTF-8 text body: CRLF hard line breaks,
/// encoded lines of at most 76 characters (soft breaks with a trailing `=`).
public enum QuotedPrintable {
    public static func encode(_ text: String) -> [UInt8] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalized.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        if lines.count > 1 && lines.last!.isEmpty {
            lines.removeLast()  // the body already ends with a line break
        }
        var out: [UInt8] = []
        for line in lines {
            encodeLine(line, into: &out)
            out += [13, 10]
        }
        return out
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func encodeLine(_ line: [UInt8], into out: inout [UInt8]) {
        var current: [UInt8] = []
        for (i, byte) in line.enumerated() {
            let isLast = i == line.count - 1
            let token: [UInt8]
            if (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast) {
                token = [byte]
            } else {
                token = [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
            let fitsAsFinal = isLast && current.count + token.count <= 76
            if current.count + token.count > 75 && !fitsAsFinal {
                out += current
                out += [UInt8(ascii: "="), 13, 10]
                current = []
            }
            current += token
        }
        out += current
    }

    /// Decoder (for tests and for reading `.eml` files back): soft breaks removed, CRLF kept.
    public static func decode(_ encoded: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        func hexValue(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
        while i < encoded.count {
            let b = encoded[i]
            if b == UInt8(ascii: "="), i + 2 < encoded.count, encoded[i + 1] == 13, encoded[i + 2] == 10 {
                i += 3
            } else if b == UInt8(ascii: "="), i + 2 < encoded.count, let h = hexValue(encoded[i + 1]), let l = hexValue(encoded[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }
}
