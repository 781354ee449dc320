import Foundation

/// One token of formula text; `start..<end` are character offsets into the text.
struct Token: Sendable {
    enum Kind: Equatable, Sendable {
        case number(Decimal, percent: Bool)
        case identifier(String)
        case grade(Character)
        /// `( ) [ ] , : + - * / = != < <= > >=`, unicode aliases already mapped (`≥` → `>=`).
        case symbol(String)
        case end
    }

    let kind: Kind
    let start: Int
    let end: Int
    let location: SourceLocation
    /// As written, for error messages.
    let text: String

    /// `« , »`, or `la fin de la formule`.
    var quoted: String {
        kind == .end ? "la fin de la formule" : "« \(text) »"
    }

    func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }
    func isKeyword(_ s: String) -> Bool { kind == .identifier(s) }
}

/// Splits formula text into tokens, locating each in the catalogue file.
///
/// The first line of the text starts at the caller's column; later lines (YAML block scalars)
/// are located by their line offset, with columns counted from the start of the text's own line.
struct FormulaLexer {
    private let chars: [Character]
    private let origin: SourceLocation
    private var index = 0
    private var line = 0
    private var lineStart = 0

    init(_ text: String, at origin: SourceLocation) {
        self.chars = Array(text)
        self.origin = origin
    }

    static func tokenize(_ text: String, at origin: SourceLocation) throws(FormulaError) -> [Token] {
        var lexer = FormulaLexer(text, at: origin)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func location(of offset: Int) -> SourceLocation {
        let column = offset - lineStart
        return line == 0
            ? SourceLocation(file: origin.file, line: origin.line, column: origin.column + column)
            : SourceLocation(file: origin.file, line: origin.line + line, column: column + 1)
    }

    private static let aliases: [Character: String] = [
        "≥": ">=", "≤": "<=", "≠": "!=", "×": "*", "−": "-", "÷": "/",
    ]

    private mutating func next() throws(FormulaError) -> Token {
        while index < chars.count, chars[index].isWhitespace {
            if chars[index].isNewline {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        let start = index
        let here = location(of: start)
        func token(_ kind: Token.Kind) -> Token {
            Token(kind: kind, start: start, end: index, location: here, text: String(chars[start..<index]))
        }
        guard index < chars.count else { return token(.end) }
        let c = chars[index]

        if c.isASCII, c.isNumber { return try number(start: start, at: here) }
        if c.isLetter || c == "_" {
            while index < chars.count, chars[index].isLetter || chars[index].isNumber || chars[index] == "_" {
                index += 1
            }
            return token(.identifier(String(chars[start..<index])))
        }
        if c == "'" {
            let grade: Character? = index + 2 < chars.count && chars[index + 2] == "'" ? chars[index + 1] : nil
            guard let grade, "ABCD".contains(grade) else {
                let end = Swift.min(chars.count, index + 3)
                throw .syntax(here, expected: "une note 'A', 'B', 'C' ou 'D'",
                              found: "« \(String(chars[index..<end])) »")
            }
            index += 3
            return token(.grade(grade))
        }
        if let alias = Self.aliases[c] {
            index += 1
            return Token(kind: .symbol(alias), start: start, end: index, location: here, text: String(c))
        }
        let two = index + 1 < chars.count ? String(chars[index...index + 1]) : ""
        if ["<=", ">=", "!=", "=="].contains(two) {
            index += 2
            return Token(kind: .symbol(two == "==" ? "=" : two), start: start, end: index, location: here, text: two)
        }
        if "()[],:+-*/=<>".contains(c) {
            index += 1
            return token(.symbol(String(c)))
        }
        throw .syntax(here, expected: "un nombre, un nom, une note ou un opérateur", found: "« \(c) »")
    }

    /// `20000`, `0.6`, `30%` (= 0.30). A decimal comma is not a decimal separator here.
    private mutating func number(start: Int, at here: SourceLocation) throws(FormulaError) -> Token {
        var digits = ""
        var fractionDigits = 0
        while index < chars.count, chars[index].isASCII, chars[index].isNumber {
            digits.append(chars[index])
            index += 1
        }
        if index < chars.count, chars[index] == "." {
            index += 1
            guard index < chars.count, chars[index].isASCII, chars[index].isNumber else {
                throw .syntax(location(of: index), expected: "un chiffre après le point décimal",
                              found: index < chars.count ? "« \(chars[index]) »" : "la fin de la formule")
            }
            while index < chars.count, chars[index].isASCII, chars[index].isNumber {
                digits.append(chars[index])
                fractionDigits += 1
                index += 1
            }
        }
        var percent = false
        if index < chars.count, chars[index] == "%" {
            percent = true
            index += 1
        }
        guard let significand = Decimal(string: digits) else {
            throw .syntax(here, expected: "un nombre", found: "« \(digits) »")
        }
        let value = Decimal(sign: .plus, exponent: -fractionDigits - (percent ? 2 : 0), significand: significand)
        return Token(kind: .number(value, percent: percent), start: start, end: index, location: here,
                     text: String(chars[start..<index]))
    }
}
