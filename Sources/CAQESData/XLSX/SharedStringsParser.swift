import Foundation

/// `xl/sharedStrings.xml`: each `<si>` is the concatenation of its `<t>`, phonetic runs excluded.
struct SharedStringsParser: XMLHandler {
    var strings: [String] = []
    private var current: [UInt8] = []
    private var inText = false, inPhonetic = false

    mutating func parse(_ data: Data, part: String) throws(XLSXError) {
        try XLSXParts.scan(data, part: part, into: &self)
    }

    mutating func start(_ name: XMLName, _ attributes: XMLAttributes) throws(XLSXError) {
        if name == "si" { current.removeAll(keepingCapacity: true) }
        else if name == "t" { inText = !inPhonetic }
        else if name == "rPh" { inPhonetic = true }
    }

    mutating func end(_ name: XMLName) {
        if name == "si" { strings.append(String(decoding: current, as: UTF8.self)) }
        else if name == "t" { inText = false }
        else if name == "rPh" { inPhonetic = false }
    }

    mutating func text(_ text: XMLText) { if inText { text.append(to: &current) } }
}

enum XLSXParts {
    /// Runs the byte scanner over a part; UTF-16 parts (rare) are converted to UTF-8 first.
    static func scan<H: XMLHandler>(_ data: Data, part: String, into handler: inout H) throws(XLSXError) {
        var data = data
        if data.count >= 2 && ((data[data.startIndex] == 0xFF && data[data.startIndex + 1] == 0xFE)
                               || (data[data.startIndex] == 0xFE && data[data.startIndex + 1] == 0xFF)) {
            guard let text = String(data: data, encoding: .utf16) else {
                throw .malformed(part: part, reason: "encodage illisible")
            }
            data = Data(text.utf8)
        }
        let result = data.withUnsafeBytes { bytes in
            Result { () throws(XLSXError) in try XMLScanner(bytes: bytes, part: part).scan(&handler) }
        }
        try result.get()
    }
}
