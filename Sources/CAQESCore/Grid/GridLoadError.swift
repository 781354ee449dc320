/// Why a grid file was refused: names the file, the line when known, and the item (D22).
public enum GridLoadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not YAML.
    case unreadableYAML(file: String, line: Int?, detail: String)
    /// An item breaks a rule of the grid format; `item` reads « critère « 10-1-03 » ».
    case invalid(file: String, line: Int?, item: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableYAML(file, line, detail):
            return "\(Self.place(file, line)) : YAML illisible (détail de l'analyseur : \(detail))"
        case let .invalid(file, line, item, reason):
            return "\(Self.place(file, line)), \(item) : \(reason)"
        }
    }

    private static func place(_ file: String, _ line: Int?) -> String {
        line.map { "\(file), ligne \($0)" } ?? file
    }
}
