/// A French department, with its region (INSEE COG).
public struct Department: Hashable, Sendable, Codable {
    public let code: String
    public let name: String
    public let regionCode: String

    public init(code: String, name: String, regionCode: String) {
        self.code = code
        self.name = name
        self.regionCode = regionCode
    }
}

/// A French region (INSEE COG code, e.g. `32` Hauts-de-France, `11` Île-de-France).
public struct Region: Hashable, Sendable, Codable {
    public let code: String
    public let name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}
