/// Why a formula has its value: one node per sub-expression, with values rendered in French.
///
/// Pages, documents and the API show the tree; `oneLine` flattens it for a CSV column:
/// `(250 000 − 220 000) × 30 % = 9 000,00`.
public struct Explanation: Sendable, Equatable, Codable {
    /// How the node combines its children, for `oneLine`.
    public enum Form: String, Sendable, Codable {
        /// A value shown as such: literal, measure, parameter, named formula, population statistic.
        /// Its children (if any) explain it but are not inlined.
        case value
        /// `a × b`, `a ≥ b`, `a et b`: children are the operands, `symbol` the operator.
        case infix
        /// `−a`, `non a`.
        case prefix
        /// `max(a ; b)`: `symbol` is the function name.
        case call
    }

    /// The formula text of the node, as written (`phev_ipp_amount[N-1]`, `q1(rate[N])`).
    public var label: String
    /// The value in French: `1 234,56`, `30 %`, `vrai`, `B`.
    public var value: String
    /// For a measure: where the value came from (file, row); for a statistic: over what population.
    public var source: String?
    public var children: [Explanation]
    /// For a measure reference: the measure code and the calendar year read.
    public var measure: String?
    public var year: Int?
    public var form: Form
    public var symbol: String
    public var parenthesized: Bool

    public init(
        label: String, value: String, source: String? = nil, children: [Explanation] = [],
        measure: String? = nil, year: Int? = nil,
        form: Form = .value, symbol: String = "", parenthesized: Bool = false
    ) {
        self.label = label
        self.value = value
        self.source = source
        self.children = children
        self.measure = measure
        self.year = year
        self.form = form
        self.symbol = symbol
        self.parenthesized = parenthesized
    }

    /// The formula with every input replaced by its value, then ` = ` and the result.
    public var oneLine: String {
        if form == .value {
            return label == value ? value : "\(label) = \(value)"
        }
        return "\(inline) = \(value)"
    }

    /// The node with inputs substituted, without its own result.
    var inline: String {
        let body: String
        switch form {
        case .value:
            body = value
        case .infix:
            body = children.map(\.inline).joined(separator: " \(symbol) ")
        case .prefix:
            body = symbol + (children.first?.inline ?? "")
        case .call:
            body = "\(symbol)(\(children.map(\.inline).joined(separator: " ; ")))"
        }
        return parenthesized ? "(\(body))" : body
    }
}
