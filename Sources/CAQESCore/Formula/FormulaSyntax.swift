import Foundation

/// The parse tree, before names are resolved and types checked.
indirect enum Syntax: Sendable {
    case number(Decimal, percent: Bool)
    case boolean(Bool)
    case grade(Character)
    /// A bare name: parameter or named formula.
    case name(String)
    /// `code[N-1]`: a measure, or a named formula shifted to that year.
    case indexed(String, YearRef)
    case negate(SyntaxNode)
    case not(SyntaxNode)
    case binary(BinaryOperator, SyntaxNode, SyntaxNode)
    case call(String, [SyntaxArgument])
    case parenthesized(SyntaxNode)
}

struct SyntaxNode: Sendable {
    let syntax: Syntax
    /// Where errors about this node point: the operator of a binary node, else its first token.
    let location: SourceLocation
    /// Character offsets of the node in the formula text.
    let start: Int
    let end: Int
}

/// A call argument; `label` is set for named arguments (`by: category`).
struct SyntaxArgument: Sendable {
    let label: String?
    let value: SyntaxNode
    let location: SourceLocation
}
